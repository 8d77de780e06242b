import SwnsCore

ToolProcess.run(named: "swunshare") { (tool) throws(SwnsError) in
    let command = try UnshareCommand.parse(ArgumentVector.process)
    if tool.answers(help: command.action == .help, version: command.action == .version, UnshareOption.helpText) { return }
    Kernel.exit(try UnsharePlan(command).perform(diagnostics: tool))
}
