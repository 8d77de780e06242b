/// The rows of the capability options in each tool's option table: one grammar (`CapabilityPlan`)
/// for swunshare and swnsenter, so one set of rows, each tagged by the tool's own `tag`.
public enum CapabilityOptions {
    public static func specs<Tag: Sendable>(group: Int, tag: (CapabilityPlan.Option) -> Tag) -> [OptionSpec<Tag>] {
        [
            OptionSpec(tag(.drop), long: "cap-drop", argument: .required, value: "<list>",
                       help: "drop capabilities from every set of the program", group: group),
            OptionSpec(tag(.add), long: "cap-add", argument: .required, value: "<list>",
                       help: "keep capabilities for the program, also as non-root", group: group),
            OptionSpec(tag(.bounding), long: "bounding-set", argument: .required, value: "<list>",
                       help: "change the bounding set (+cap,-cap,...)", group: group),
            OptionSpec(tag(.inheritable), long: "inh-caps", argument: .required, value: "<list>",
                       help: "change the inheritable set (+cap,-cap,...)", group: group),
            OptionSpec(tag(.ambient), long: "ambient-caps", argument: .required, value: "<list>",
                       help: "change the ambient set (+cap,-cap,...)", group: group),
            OptionSpec(tag(.noNewPrivs), long: "no-new-privs", help: "set no_new_privs before running <program>",
                       group: group),
        ]
    }
}

extension CapabilityPlan.Option {
    /// What the option's value completes to.
    public var valueCompletion: CompletionValue? {
        switch self {
        case .drop, .add: .capabilities(changes: false)
        case .bounding, .inheritable, .ambient: .capabilities(changes: true)
        case .keepPermitted, .noNewPrivs: nil
        }
    }

    /// Every capability option adds to what the ones before it did.
    public var repeats: Bool { self != .keepPermitted && self != .noNewPrivs }
}
