import SwnsCore

ToolProcess.run(named: "swlsns") { (tool) throws(SwnsError) in
    let command = try LsnsCommand.parse(ArgumentVector.process)
    if tool.answers(help: command.action == .help, version: command.action == .version, LsnsOption.helpText) { return }
    if command.action == .listColumns {
        StandardStreams.out(LsnsReport.columnList(json: command.format == .json, raw: command.format == .raw))
    } else if let settings = command.watch {
        var watch = LsnsWatch(command, settings: settings)
        try watch.run()
    } else {
        var report = LsnsReport(command)
        try report.print()
    }
}
