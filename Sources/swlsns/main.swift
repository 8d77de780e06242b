import SwnsCore

let diagnostics = Diagnostics(program: ArgumentVector.process.programName ?? "swlsns")
Kernel.restoreQuitSignal()
do {
    let command = try LsnsCommand.parse(ArgumentVector.process)
    switch command.action {
    case .help:
        StandardStreams.out(LsnsOption.helpText(program: diagnostics.program))
    case .version:
        StandardStreams.out(Swns.versionLine(tool: diagnostics.program))
    case .listColumns:
        StandardStreams.out(LsnsReport.columnList(json: command.format == .json, raw: command.format == .raw))
    case .run:
        var report = LsnsReport(command)
        try report.print()
    }
} catch {
    diagnostics.fail(error)
}
StandardStreams.finish(program: diagnostics.program)
