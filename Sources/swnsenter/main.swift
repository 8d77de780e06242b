import SwnsCore

let diagnostics = Diagnostics(program: ArgumentVector.process.programName ?? "swnsenter")
Kernel.restoreQuitSignal()
do {
    let command = try NsenterCommand.parse(ArgumentVector.process)
    switch command.action {
    case .help:
        StandardStreams.out(NsenterOption.helpText(program: diagnostics.program))
    case .version:
        StandardStreams.out(Swns.versionLine(tool: diagnostics.program))
    case .run:
        let plan = try NsenterPlan(command)
        Kernel.exit(try plan.perform())
    }
} catch {
    diagnostics.fail(error)
}
StandardStreams.finish(program: diagnostics.program)
