/// The rows of the options for scripts in the option tables of swunshare and swnsenter
/// (bubblewrap's status options, and `--dry-run`), each tagged by the tool's own `tag`; what they
/// ask for is a `StatusRequest`.
public enum StatusOptions {
    public static func specs<Tag: Sendable>(group: Int, tag: (StatusRequest.Option) -> Tag) -> [OptionSpec<Tag>] {
        [
            OptionSpec(tag(.jsonStatus), long: "json-status-fd", argument: .required, value: "<fd>",
                       help: "write the program's PID, namespaces and exit status\n  to <fd>, as JSON lines",
                       group: group),
            OptionSpec(tag(.info), long: "info-fd", argument: .required, value: "<fd>",
                       help: "write the program's PID and namespaces as JSON to <fd>", group: group),
            OptionSpec(tag(.dryRun), long: "dry-run", argument: .optional, value: "json",
                       help: "print the run's steps (=json: as JSON), change nothing", group: group),
        ]
    }
}

extension StatusRequest.Option {
    /// What the option's value completes to.
    public var valueCompletion: CompletionValue? { self == .dryRun ? .words("json") : .unguessable("file descriptor") }
}
