import Glibc

/// swlsns's command line, converted and checked; the filter is parsed here, before any scanning.
public struct LsnsCommand: Sendable {
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
    /// Columns to show; nil: the defaults.
    public var columns: [LsnsColumn]?
    /// Columns added to the defaults with `-o +LIST`.
    public var extraColumns: [LsnsColumn] = []
    public var pid: pid_t?
    public var kinds: [NamespaceKind] = []
    public var persistentOnly = false
    public var filter: FilterExpression?
    /// The namespace operand: its processes are listed.
    public var namespace: UInt64?

    public init() {}

    public static func parse(_ arguments: [String]) throws(SwnsError) -> LsnsCommand {
        try parse(LsnsOption.parser.parse(arguments), program: arguments.first ?? "swlsns")
    }

    /// Parses the C argument vector (a tool's own, `ArgumentVector.process`).
    public static func parse(_ arguments: ArgumentVector) throws(SwnsError) -> LsnsCommand {
        try parse(LsnsOption.parser.parse(arguments),
                  program: arguments.count > 0 ? String(cString: arguments[0]) : "swlsns")
    }

    private static func parse(_ parsed: ParsedCommandLine<LsnsOption>,
                              program: String) throws(SwnsError) -> LsnsCommand {
        var command = LsnsCommand()
        var seen: [LsnsOption] = []
        for option in parsed.options {
            try command.apply(option.tag, option.value)
            seen.append(option.tag)
            if command.action == .help || command.action == .version { return command }
        }
        if let error = parsed.error { throw .usage(error.getoptMessage) }
        for (first, second) in [(LsnsOption.json, LsnsOption.raw), (.persistent, .task), (.list, .tree)]
        where seen.contains(first) && seen.contains(second) {
            let names = [first, second].compactMap { tag in LsnsOption.table.first { $0.tag == tag }?.long }
            throw SwnsError("mutually exclusive arguments: " + names.map { "--" + $0 }.joined(separator: " "))
        }
        if parsed.operands.count > 1 { throw .usage("\(program): too many arguments\n") }
        if let operand = parsed.operands.first {
            guard let id: UInt64 = decimalNumber(operand.utf8) else {
                throw SwnsError("invalid namespace argument: '\(operand)'")
            }
            if command.pid != nil { throw SwnsError("--task is mutually exclusive with <namespace>") }
            command.namespace = id
        }
        return command
    }

    private mutating func apply(_ option: LsnsOption, _ value: String?) throws(SwnsError) {
        switch option {
        case .json: format = .json
        case .raw: format = .raw; wrap = false
        case .list: list = true
        case .noHeadings: headings = false
        case .noTruncate: truncate = false
        case .noWrap: wrap = false
        case .output:
            var text = value ?? ""
            if text.hasPrefix("+") {
                text.removeFirst()
                extraColumns += try Self.columns(text)
            } else {
                columns = try Self.columns(text)
            }
        case .outputAll: columns = LsnsColumn.allCases
        case .task:
            guard let text = value, let number: pid_t = decimalNumber(text.utf8), number > 0 else {
                throw SwnsError("invalid PID argument: '\(value ?? "")'")
            }
            pid = number
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
        case .listColumns: action = .listColumns
        case .help: action = .help
        case .version: action = .version
        }
    }

    static func columns(_ list: String) throws(SwnsError) -> [LsnsColumn] {
        var result: [LsnsColumn] = []
        for name in list.split(separator: ",", omittingEmptySubsequences: false) {
            guard let column = LsnsColumn.named(String(name)) else { throw SwnsError("unknown column: \(name)") }
            result.append(column)
        }
        return result
    }

    /// The columns shown: the defaults (with NETNSID and NSFS for `-t net` alone), or the chosen ones.
    public var shownColumns: [LsnsColumn] {
        if namespace != nil { return [.pid, .ppid, .user, .command] }
        var shown = columns ?? {
            var defaults: [LsnsColumn] = [.ns, .type, .nprocs, .pid, .user]
            if kinds.count == 1 && kinds[0] == .net { defaults += [.netnsid, .nsfs] }
            return defaults + [.command]
        }()
        shown += extraColumns
        return shown
    }
}
