/// Whether an option takes a value, in getopt_long's three ways.
public enum ArgumentKind: Int32, Sendable {
    case none = 0
    case required = 1
    /// Only ever attached: `--mount=FILE`, `-n/path` where the short form allows it.
    case optional = 2
}

/// One row of a tool's option table: it drives getopt, --help, and the checks that man pages
/// and completions list every option.
public struct OptionSpec<Tag: Sendable>: Sendable {
    public let tag: Tag
    public let long: String
    public let short: Character?
    public let argument: ArgumentKind
    /// What the short form takes, where it differs from the long one: swunshare's `-m` takes
    /// nothing while `--mount=FILE` does.
    public let shortArgument: ArgumentKind
    /// The value's name in --help: `<file>`, `=<uid>|<name>`.
    public let value: String?
    /// The text of --help, made when --help asks for it.
    private let helpText: @Sendable () -> String
    public var help: String { helpText() }
    /// Options of one group are listed together; groups are separated by a blank line.
    public let group: Int
    /// Options of one exclusive group (above 0) are refused together, as in util-linux's `excl`
    /// tables: `options --json and --raw cannot be combined`.
    public let exclusiveGroup: UInt8

    /// Stores its arguments and nothing else: the option tables are built at every start, and
    /// building strings there would cost start-up time and memory (see CStrings).
    public init(_ tag: Tag, long: String, short: Character? = nil, argument: ArgumentKind = .none,
                shortArgument: ArgumentKind? = nil, value: String? = nil, help: @autoclosure @escaping @Sendable () -> String,
                group: Int = 0, exclusive exclusiveGroup: UInt8 = 0) {
        self.tag = tag
        self.long = long
        self.short = short
        self.argument = argument
        self.shortArgument = shortArgument ?? argument
        self.value = value
        self.helpText = help
        self.group = group
        self.exclusiveGroup = exclusiveGroup
    }

    /// How --help shows the option and its value, e.g. `-m, --mount[=<file>]`.
    public var synopsis: String {
        var synopsis = short.map { "-\($0), " } ?? ""
        synopsis += "--\(long)"
        if let value {
            switch argument {
            case .none: break
            case .required: synopsis += value.hasPrefix("=") ? value : " \(value)"
            case .optional: synopsis += "[=\(value)]"
            }
        }
        return synopsis
    }
}

/// A tool's options: one table that drives getopt, --help, and the checks that man pages and
/// completions list every option; its order is getopt's and --help's.
public protocol OptionTable: Hashable, Sendable {
    static var table: [OptionSpec<Self>] { get }
    /// How --help lays the table out.
    static var helpLayout: HelpText { get }
}

extension OptionTable {
    /// The pairs of options that the tool refuses together (the rows' exclusive groups); the
    /// shells' completions stop offering one once the other is given.
    public static var exclusive: [(Self, Self)] {
        table.indices.flatMap { first in
            table.indices.filter { $0 > first && table[first].exclusiveGroup != 0
                && table[$0].exclusiveGroup == table[first].exclusiveGroup }.map { (table[first].tag, table[$0].tag) }
        }
    }

    /// The long name of `option`'s row.
    public static func longName(_ option: Self) -> String { table.first { $0.tag == option }?.long ?? "" }

    /// The help, its usage line naming the program as it was invoked (util-linux's
    /// program_invocation_short_name).
    public static func helpText(program: String) -> String { helpLayout.render(program: program, options: table) }

    /// The help under the tool's own name.
    public static var helpText: String { helpText(program: helpLayout.tool) }
}

/// util-linux's --help layout: option synopsis in a fixed-width field (27 columns for unshare,
/// 24 for nsenter), text after it. A synopsis too wide for the field gets a line of its own
/// (unshare) or one space before its text (nsenter); nsenter also lines up options without a short
/// form under the long ones (`     --keep-caps`).
public struct HelpText: Sendable {
    /// The tool's own name, and what follows the program's name on the usage line.
    public var tool: String
    public var usage: String
    public var summary: String
    public var manPage: String
    public var column = 27
    public var wideOnOwnLine = true
    public var alignLongOnly = false

    public init(tool: String, usage: String, summary: String, manPage: String, column: Int = 27,
                wideOnOwnLine: Bool = true, alignLongOnly: Bool = false) {
        self.tool = tool
        self.usage = usage
        self.summary = summary
        self.manPage = manPage
        self.column = column
        self.wideOnOwnLine = wideOnOwnLine
        self.alignLongOnly = alignLongOnly
    }

    public func render<Tag>(program: String, options: [OptionSpec<Tag>]) -> String {
        var text = "\nUsage:\n \(program) \(usage)\n\n\(summary)\n\nOptions:\n"
        var group = options.first?.group
        for option in options {
            if option.group != group {
                text += "\n"
                group = option.group
            }
            let lead = (alignLongOnly && option.short == nil ? "     " : " ") + option.synopsis
            let indent = String(repeating: " ", count: column)
            var lines = option.help.split(separator: "\n", omittingEmptySubsequences: false)[...]
            // A synopsis too wide for its column gets a line of its own, as in util-linux.
            if lead.count < column - 1 {
                text += lead + String(repeating: " ", count: column - lead.count) + lines.removeFirst() + "\n"
            } else if wideOnOwnLine {
                text += lead + "\n"
            } else {
                text += lead + " " + lines.removeFirst() + "\n"
            }
            for line in lines { text += indent + line + "\n" }
        }
        text += "\nFor more details see \(manPage).\n"
        return text
    }
}
