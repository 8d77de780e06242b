import SwnsCore

let diagnostics = Diagnostics(program: ArgumentVector.process.programName ?? "swunshare")
Kernel.restoreQuitSignal()
do {
    let command = try UnshareCommand.parse(ArgumentVector.process)
    switch command.action {
    case .help:
        StandardStreams.out(UnshareOption.helpText(program: diagnostics.program))
    case .version:
        StandardStreams.out(Swns.versionLine(tool: diagnostics.program))
    case .run:
        let plan = try UnsharePlan(command)
        Kernel.exit(try plan.perform(diagnostics: diagnostics))
    }
} catch {
    diagnostics.fail(error)
}
StandardStreams.finish(program: diagnostics.program)
