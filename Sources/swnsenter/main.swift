import SwnsCore

ToolProcess.run(named: "swnsenter") { (tool) throws(SwnsError) in
    let command = try NsenterCommand.parse(ArgumentVector.process)
    if tool.answers(help: command.action == .help, version: command.action == .version, NsenterOption.helpText) { return }
    Kernel.exit(try NsenterPlan(command).perform())
}
