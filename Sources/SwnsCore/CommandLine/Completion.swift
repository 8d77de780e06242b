/// How the shells complete a tool's command line, beside its option table: what each option's
/// value is, which options repeat, what the words that are not options are. The
/// bash, zsh and fish completion files are generated from these facts, the option table, the
/// namespace-kind table, the lsns column table and libcap's names (`swns-completions`, run by
/// make); none is written by hand.
public protocol CompletableOptions: OptionTable {
    /// What the option's value completes to; nil for an option that takes no value.
    var valueCompletion: CompletionValue? { get }
    /// Given again, the option adds to what it did (`--map-users`, `-t`): the shells offer it again.
    var repeats: Bool { get }
    /// The option acts alone and at once (`--help`): nothing else is offered with it.
    var actsAlone: Bool { get }
    /// What the words that are not options are.
    static var operands: OperandCompletion<Self> { get }
}

extension CompletableOptions {
    public var repeats: Bool { false }
}

/// What the value of an option completes to.
public enum CompletionValue: Sendable, Equatable {
    /// Nothing can be offered (a uid, an offset, a host name): what is expected, as zsh shows it.
    case unguessable(String)
    /// One of these words.
    case choices([Choice])
    case files
    case directories
    /// A file of a namespace of this kind: the entries of /proc/PID/ns that hold one, and for the
    /// network namespace those of ip-netns(8); or `:NSID`, which cannot be guessed.
    case namespaceFile(NamespaceKind)
    /// A comma-separated list of capability names and `all`; with `changes`, each with `+` or `-`
    /// in front (a change to one set).
    case capabilities(changes: Bool)
    /// A signal name, with or without `SIG`, as swunshare takes it.
    case signal
    /// A user or group name from /etc/passwd or /etc/group (the tools do not ask NSS).
    case userName, groupName
    /// `USER:GROUP`.
    case owner
    /// A numeric uid (or gid, with `groups`), or `follow`.
    case accountID(groups: Bool)
    /// A comma-separated list of environment variable names.
    case environmentNames
    /// A process ID; with `inode`, `PID:INODE` may name it too.
    case process(inode: Bool)
    /// A socket descriptor of the process that the option `processOption` (a long name) names.
    case socket(processOption: String)
    /// A comma-separated list of lsns columns; `+` in front adds to the default ones.
    case lsnsColumns
    /// An lsns filter expression: the column names in it.
    case lsnsFilter

    /// A word with what it means.
    public struct Choice: Sendable, Equatable {
        public let word: String
        public let help: String

        public init(_ word: String, _ help: String) {
            self.word = word
            self.help = help
        }
    }

    /// The words, without descriptions.
    public static func words(_ words: String...) -> CompletionValue { .choices(words.map { Choice($0, "") }) }
}

/// What the words that are not options are.
public enum OperandCompletion<Tag: Sendable>: Sendable {
    /// The first one is the program to run, and the options end there (getopt's `+`); the rest
    /// are the program's, completed as the program's own completion does.
    case program
    /// One namespace inode number, anywhere among the options; none with `excludedBy`.
    case namespace(excludedBy: Tag)
}
