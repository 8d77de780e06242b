import Glibc
import SwnsCore

let diagnostics = Diagnostics(program: "swnsenter")
Kernel.restoreQuitSignal()
do {
    let command = try NsenterCommand.parse(ArgumentVector.process)
    switch command.action {
    case .help:
        StandardStreams.out(NsenterOption.helpText)
    case .version:
        StandardStreams.out(Swns.versionLine(tool: "swnsenter"))
    case .run:
        let plan = try NsenterPlan(command)
        exit(try plan.perform())
    }
} catch {
    diagnostics.fail(error)
}
StandardStreams.finish(program: diagnostics.program)
