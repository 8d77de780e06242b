import SwnsCore

ToolProcess.run(named: "swnsenter") { (tool) throws(SwnsError) in
    let command = try NsenterCommand.parse(ArgumentVector.process)
    if tool.answers(help: command.action == .help, version: command.action == .version, NsenterOption.helpText) { return }
    let plan = try NsenterPlan(command)
    if let format = command.status.dryRun { return Step.show(plan.steps, format) }
    Kernel.exit(try plan.perform())
}
