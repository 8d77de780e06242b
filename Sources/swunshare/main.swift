import SwnsCore

ToolProcess.run(named: "swunshare") { (tool) throws(SwnsError) in
    let command = try UnshareCommand.parse(ArgumentVector.process)
    if tool.answers(help: command.action == .help, version: command.action == .version, UnshareOption.helpText) { return }
    let plan = try UnsharePlan(command)
    if let format = command.status.dryRun { return Step.show(plan.steps, format) }
    Kernel.exit(try plan.perform(diagnostics: tool))
}
