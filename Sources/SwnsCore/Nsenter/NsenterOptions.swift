/// swnsenter's options: one table for getopt, --help, and the documentation checks.
public enum NsenterOption: OptionTable {
    case all, target
    case namespace(NamespaceKind)
    case netSocket, userParent
    case setuid, setgid, preserveCredentials
    /// `--keep-caps` and the options of the capability grammar, which swunshare shares.
    case capability(CapabilityPlan.Option)
    case root, workingDirectory, workingDirectoryInNamespace
    case environment, noFork, joinCgroup
    /// `--json-status-fd` and `--info-fd`, which swunshare shares.
    case status(StatusRequest.Option)
    case help, version

    public static let table: [OptionSpec<NsenterOption>] =
        targetOptions + namespaceOptions + credentialOptions + capabilityOptions + directoryOptions

    private static let targetOptions: [OptionSpec<NsenterOption>] = [
        OptionSpec(.all, long: "all", short: "a", help: "enter all namespaces"),
        OptionSpec(.target, long: "target", short: "t", argument: .required, value: "<pid>[:<inode>]",
                   help: "target process to get namespaces from"),
    ]

    /// nsenter's help names the cgroup namespace before the user namespace, unlike unshare's.
    private static let namespaceOptions: [OptionSpec<NsenterOption>] = NamespaceKind.optionOrder.flatMap { kind in
        kind == .user ? [] : kind == .cgroup ? [NamespaceKind.cgroup, .user] : [kind]
    }.flatMap { kind in
        var rows: [OptionSpec<NsenterOption>] = [
            OptionSpec(.namespace(kind), long: kind.longOption, short: kind.shortOption, argument: .optional,
                       value: "<file>", help: "enter \(kind.title == "mounts" ? "mount" : kind.title) namespace"
                           + (kind == .uts ? " (hostname etc)" : "")),
        ]
        if kind == .net {
            rows.append(OptionSpec(.netSocket, long: "net-socket", short: "N", argument: .required, value: "<fd>",
                                   help: "enter socket's network namespace (use with --target)"))
        }
        if kind == .user { rows.append(OptionSpec(.userParent, long: "user-parent", help: "enter parent user namespace")) }
        return rows
    }

    private static let credentialOptions: [OptionSpec<NsenterOption>] = [
        OptionSpec(.setuid, long: "setuid", short: "S", argument: .required, value: "<uid>",
                   help: "set uid in entered namespace (or follow the target)"),
        OptionSpec(.setgid, long: "setgid", short: "G", argument: .required, value: "<gid>",
                   help: "set gid in entered namespace (or follow the target)"),
        OptionSpec(.preserveCredentials, long: "preserve-credentials", help: "do not touch uids or gids"),
        OptionSpec(.capability(.keepPermitted), long: "keep-caps", help: "retain capabilities granted in user namespaces"),
    ]

    private static let capabilityOptions: [OptionSpec<NsenterOption>] =
        CapabilityOptions.specs(group: 0) { .capability($0) }

    private static let directoryOptions: [OptionSpec<NsenterOption>] = [
        OptionSpec(.root, long: "root", short: "r", argument: .optional, value: "<dir>",
                   help: "set the root directory"),
        OptionSpec(.workingDirectory, long: "wd", short: "w", argument: .optional, value: "<dir>",
                   help: "set the working directory", exclusive: 1),
        OptionSpec(.workingDirectoryInNamespace, long: "wdns", short: "W", argument: .optional, value: "<dir>",
                   help: "set the working directory in namespace", exclusive: 1),
        OptionSpec(.environment, long: "env", short: "e", help: "inherit environment variables from target process"),
        OptionSpec(.noFork, long: "no-fork", short: "F", help: "do not fork before exec'ing <program>"),
        OptionSpec(.joinCgroup, long: "join-cgroup", short: "c", help: "join the cgroup of the target process"),
    ] + StatusOptions.specs(group: 1) { .status($0) } + [
        OptionSpec(.help, long: "help", short: "h", help: "display this help", group: 2),
        OptionSpec(.version, long: "version", short: "V", help: "display version", group: 2),
    ]

    public static let parser = CommandLineParser(options: table)

    public static let helpLayout = HelpText(tool: "swnsenter", usage: "[options] [<program> [<argument>...]]",
                                            summary: "Run a program with namespaces of other processes.",
                                            manPage: "swnsenter(1)", column: 24, wideOnOwnLine: false, alignLongOnly: true)
}
