extension LsnsOption: CompletableOptions {
    public var valueCompletion: CompletionValue? {
        switch self {
        case .output: .lsnsColumns
        case .task: .process(inode: false)
        case .type: .choices(NamespaceKind.typeHelpOrder.map { .init($0.name, "\($0.title) namespace") })
        case .tree:
            .choices([
                .init("process", "by process, as without --tree"),
                .init("parent", "by parent PID or user namespace"),
                .init("owner", "by owning user namespace (the default of --tree)"),
            ])
        case .filter: .lsnsFilter
        case .watch: .unguessable("interval: 500ms, 2s, 1.5")
        case .watchSource:
            .choices([
                .init("poll", "look again at every interval only"),
                .init("events", "also when a process forks, execs or exits, or mounts change"),
            ])
        case .json, .list, .noHeadings, .outputAll, .persistent, .raw, .noTruncate, .noWrap, .listColumns, .help,
             .version, .watchEventsOnly:
            nil
        }
    }

    public var repeats: Bool { self == .type }

    public var actsAlone: Bool { self == .help || self == .version }

    public static let operands = OperandCompletion<LsnsOption>.namespace(excludedBy: .task)
}
