import Glibc

/// swlsns's command line, converted and checked; the filter is parsed here, before any scanning.
public struct LsnsCommand: ToolCommand, Sendable {
    public enum Action: Equatable, Sendable { case run, help, version, listColumns }
    public enum Tree: Equatable, Sendable { case process, parent, owner }

    public var action: Action = .run
    public var format: Table.Format = .table
    public var list = false
    /// nil: the default (a process tree, unless --list).
    public var tree: Tree?
    public var headings = true
    public var truncate = true
    public var wrap = true
    /// The columns shown, in order.
    public var shownColumns: [LsnsColumn] = []
    /// `--task`; nil also for `-p 0`, which util-linux takes as no filter.
    public var pid: pid_t?
    public var kinds: [NamespaceKind] = []
    public var persistentOnly = false
    public var filter: FilterExpression?
    /// The namespace operand: its processes are listed. nil also for the operand 0, which
    /// util-linux takes as no operand (the whole list, with the operand's columns).
    public var namespace: UInt64?
    /// `--watch`: nil, one listing.
    public var watch: Watch?

    /// `--watch[=INTERVAL]`, `--watch-events-only` and `--watch-source`.
    public struct Watch: Equatable, Sendable {
        /// What makes the watch look again besides the interval.
        public enum Source: Equatable, Sendable {
            /// The interval only.
            case poll
            /// The proc connector's fork, exec and exit events and the mount table's changes too;
            /// an error where the proc connector cannot be opened.
            case events
            /// Every source that works: the mount table always, the proc connector where allowed.
            case automatic
        }
        public var intervalMilliseconds: Int64 = 1000
        public var eventsOnly = false
        public var source: Source = .automatic
    }

    /// The last `-o` (util-linux keeps only the last), applied after the defaults or `--output-all`.
    private var outputList: String?
    private var outputAll = false

    public init() {}

    /// Parses the C argument vector (a tool's own, `ArgumentVector.process`).
    public static func parse(_ arguments: ArgumentVector) throws(SwnsError) -> LsnsCommand {
        var command = LsnsCommand()
        let parsed = LsnsOption.parser.parse(arguments)
        let acted = try parsed.applyOptions { (option) throws(SwnsError) in
            try command.apply(option.tag, option.value)
            // --help and --version act at once; --list-columns after the other options, so that
            // -J and -r shape it in any order (util-linux 2.42).
            return command.action == .help || command.action == .version
        }
        if acted || command.action == .listColumns { return command }
        try command.applyOperands(parsed.operands)
        return command
    }

    /// The namespace operand (as util-linux: the first; the others are ignored), then the columns
    /// and the tree that the options and the operand make.
    private mutating func applyOperands(_ operands: [String]) throws(SwnsError) {
        var operand = false
        if let text = operands.first {
            if pid != nil { throw SwnsError("--task is mutually exclusive with <namespace>") }
            if watch != nil { throw SwnsError("--watch is mutually exclusive with <namespace>") }
            let id = try Numbers.checked(text, "invalid namespace argument", as: UInt64.self)
            namespace = id == 0 ? nil : id
            operand = true
        }
        var columns: [LsnsColumn] = []
        if outputAll {
            columns = LsnsColumn.allCases
        } else if operand {
            columns = [.pid, .ppid, .user, .command]
        } else {
            columns = [.ns, .type, .nprocs, .pid, .user]
            if kinds.contains(.net) { columns += [.netnsid, .nsfs] }
            columns.append(.command)
        }
        // As util-linux: the process tree is the default where the default columns are, and for
        // the operand; --output-all without an operand is a list.
        if tree == nil && !list && (operand || !outputAll) { tree = .process }
        if let list = outputList {
            let adding = list.hasPrefix("+")
            let named = try Self.columns(adding ? String(list.dropFirst()) : list)
            columns = adding ? columns + named : named
        }
        shownColumns = columns
    }

    private mutating func apply(_ option: LsnsOption, _ value: String?) throws(SwnsError) {
        switch option {
        case .json: format = .json
        case .raw: format = .raw; wrap = false
        case .list: list = true
        case .noHeadings: headings = false
        case .noTruncate: truncate = false
        case .noWrap: wrap = false
        case .output: outputList = value ?? ""
        case .outputAll: outputAll = true
        case .task:
            let number = try Numbers.checked(value ?? "", "invalid PID argument", as: Int32.self)
            pid = number == 0 ? nil : number
        case .type:
            guard let kind = NamespaceKind.named(value ?? "") else {
                throw SwnsError("unknown namespace type: \(value ?? "")")
            }
            if !kinds.contains(kind) { kinds.append(kind) }
        case .tree:
            var text = value ?? "owner"
            if text.hasPrefix("=") { text.removeFirst() }
            switch text {
            case "process": tree = .process
            case "parent": tree = .parent
            case "owner": tree = .owner
            default: throw SwnsError("unknown tree type: \(text)")
            }
        case .persistent: persistentOnly = true
        case .filter:
            filter = try FilterExpression.parse(value ?? "", columns: LsnsColumn.allCases.map(\.name))
        case .watch, .watchEventsOnly, .watchSource:
            // Each of them asks for a watch.
            var settings = watch ?? Watch()
            try settings.apply(option, value)
            watch = settings
        case .listColumns: action = .listColumns
        case .help: action = .help
        case .version: action = .version
        }
    }

    /// util-linux's string_to_idarray: an empty list, or an empty name, fails without a message;
    /// an unknown name is reported with the rest of the list after it.
    static func columns(_ list: String) throws(SwnsError) -> [LsnsColumn] {
        if list.isEmpty { throw .reported(status: 1) }
        var result: [LsnsColumn] = []
        var rest = Substring(list)
        while !rest.isEmpty {
            let name = rest.prefix { $0 != "," }
            // "NS," names "NS," as a whole: string_to_idarray ends the last name at the end of the string.
            let whole = name.endIndex < rest.endIndex && rest.index(after: name.endIndex) == rest.endIndex
            if name.isEmpty { throw .reported(status: 1) }
            guard !whole, let column = LsnsColumn.named(String(name)) else { throw SwnsError("unknown column: \(rest)") }
            result.append(column)
            rest = rest[name.endIndex...].dropFirst()
        }
        return result
    }
}

extension LsnsCommand.Watch {
    mutating func apply(_ option: LsnsOption, _ value: String?) throws(SwnsError) {
        switch option {
        case .watch:
            if let value { intervalMilliseconds = try Self.interval(value) }
        case .watchEventsOnly:
            eventsOnly = true
        default:
            switch value ?? "" {
            case "poll": source = .poll
            case "events": source = .events
            default: throw SwnsError("unknown watch source: \(value ?? "")")
            }
        }
    }

    /// `500ms`, `2s`, `1.5` (seconds): at least 1 ms, at most a day.
    static func interval(_ text: String) throws(SwnsError) -> Int64 {
        var body = Substring(text.hasPrefix("=") ? String(text.dropFirst()) : text)
        var scale: Int64 = 1000
        if body.hasSuffix("ms") {
            scale = 1
            body = body.dropLast(2)
        } else if body.hasSuffix("s") {
            body = body.dropLast()
        }
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0], fraction = parts.count > 1 ? parts[1] : ""
        let digits = { (part: Substring) in part.utf8.allSatisfy(Numbers.isDigit) }
        guard !whole.isEmpty, whole.count <= 9, fraction.count <= 3, digits(whole), digits(fraction),
              scale == 1000 || fraction.isEmpty, var milliseconds = Int64(whole).map({ $0 * scale }) else {
            throw SwnsError("invalid --watch interval: '\(text)'")
        }
        if !fraction.isEmpty { milliseconds += Int64(fraction + String(repeating: "0", count: 3 - fraction.count)) ?? 0 }
        guard milliseconds >= 1, milliseconds <= 86_400_000 else { throw SwnsError("invalid --watch interval: '\(text)'") }
        return milliseconds
    }
}
