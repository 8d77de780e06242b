import SwnsCore

/// One tool's command line as the completion files need it: the option table with each option's
/// completion facts, in a form that does not depend on the tool's option type.
struct ToolCompletion {
    struct Option {
        let long: String
        let short: Character?
        /// What the long form takes, and what the short form takes.
        let argument: ArgumentKind
        let shortArgument: ArgumentKind
        /// nil for an option that takes no value.
        let value: CompletionValue?
        /// The first line of its --help text.
        let help: String
        let repeats: Bool
        let actsAlone: Bool
        /// The long names of the options the tool refuses it with.
        let excludes: [String]
    }

    enum Operands {
        /// The first word that is not an option is the program; the options end there.
        case program
        /// A namespace inode number, anywhere among the options; none with the option of this long name.
        case namespace(excludedBy: String)
    }

    let tool: String
    /// The manual section of its man page.
    let section: Int
    let options: [Option]
    let operands: Operands

    init<Tag: CompletableOptions>(_ type: Tag.Type, section: Int) {
        let table = Tag.table
        tool = Tag.helpLayout.tool
        self.section = section
        options = table.map { spec in
            let excludes = Tag.exclusive.compactMap { pair in
                pair.0 == spec.tag ? Tag.longName(pair.1) : pair.1 == spec.tag ? Tag.longName(pair.0) : nil
            }
            return Option(long: spec.long, short: spec.short, argument: spec.argument, shortArgument: spec.shortArgument,
                          value: spec.argument == .none && spec.shortArgument == .none ? nil : spec.tag.valueCompletion,
                          help: String(spec.help.prefix { $0 != "\n" }), repeats: spec.tag.repeats,
                          actsAlone: spec.tag.actsAlone, excludes: excludes)
        }
        switch Tag.operands {
        case .program: operands = .program
        case .namespace(let option): operands = .namespace(excludedBy: Tag.longName(option))
        }
    }

    func option(long name: String) -> Option? { options.first { $0.long == name } }

    /// The names of the completers that the tool's options use (`files`, `caps`, ...).
    var completers: Set<String> {
        Set(options.compactMap { $0.value.map(Self.completer) }.map { String($0.prefix { $0 != ":" }) })
    }

    /// What a form of an option takes, as the rows of the bash and fish files say it: n nothing, r a
    /// value, o a value only ever attached.
    static func kind(_ argument: ArgumentKind) -> String {
        switch argument {
        case .none: "n"
        case .required: "r"
        case .optional: "o"
        }
    }

    /// What an option's value completes to, as the rows of the bash and fish files say it: a
    /// completer's name, and after a colon what it is given.
    static func completer(_ value: CompletionValue) -> String {
        switch value {
        case .unguessable: "-"
        case .choices(let choices): "words:" + choices.map(\.word).joined(separator: ",")
        case .files: "files"
        case .directories: "dirs"
        case .namespaceFile(let kind):
            "nsfile:" + Vocabulary.namespaceEntries(kind).joined(separator: ",") + (kind == .net ? ":netns" : "")
        case .capabilities(let changes): changes ? "caps:changes" : "caps"
        case .signal: "signals"
        case .userName: "users"
        case .groupName: "groups"
        case .owner: "owner"
        case .accountID(let groups): groups ? "ids:/etc/group" : "ids:/etc/passwd"
        case .environmentNames: "env"
        case .process: "pids"
        case .socket(let option): "socket:" + option
        case .lsnsColumns: "columns"
        case .lsnsFilter: "filter"
        }
    }

    /// The three tools.
    static let all = [
        ToolCompletion(UnshareOption.self, section: 1),
        ToolCompletion(NsenterOption.self, section: 1),
        ToolCompletion(LsnsOption.self, section: 8),
    ]
}

/// What the completion files offer beside the options, from the tables the tools read.
enum Vocabulary {
    /// libcap's capability names, without `cap_`, in number order.
    static let capabilities: [String] = (0..<64).map(Capability.name).filter { $0.hasPrefix("cap_") }
        .map { String($0.dropFirst(4)) }

    /// The signal names swunshare takes, without `SIG`; realtime ones with their number, as
    /// util-linux takes them (bare RTMIN and RTMAX are no names there).
    static let signals: [String] = SignalName.table.map(\.name) + ["RTMIN+1", "RTMAX-1"]

    /// swlsns's columns with what they show.
    static let columns: [CompletionValue.Choice] = LsnsColumn.allCases.map { .init($0.name, $0.help) }

    /// The entries of /proc/PID/ns that hold a namespace of `kind`.
    static func namespaceEntries(_ kind: NamespaceKind) -> [String] {
        [kind.procEntry] + (kind.forChildrenEntry.map { [$0] } ?? [])
    }
}
