/// swunshare's options: one table for getopt, --help, and the documentation checks.
public enum UnshareOption: OptionTable {
    case namespace(NamespaceKind)
    case fork, killChild, forwardSignals, mountProc, mountBinfmt, loadInterp, propagation
    case root, workingDirectory, setuid, setgid
    case mapUser, mapGroup, mapRootUser, mapCurrentUser, mapUsers, mapGroups, mapAuto, mapSubids
    case owner, setgroups, monotonic, boottime, clearEnv, whitelistEnv
    /// `--keep-caps` and the options of the capability grammar, which swnsenter shares.
    case capability(CapabilityPlan.Option)
    case hostname, domainname
    /// `--json-status-fd` and `--info-fd`, which swnsenter shares.
    case status(StatusRequest.Option)
    case help, version

    public static let table: [OptionSpec<UnshareOption>] =
        NamespaceKind.optionOrder.map { kind in
            OptionSpec(.namespace(kind), long: kind.longOption, short: kind.shortOption, argument: .optional,
                       shortArgument: ArgumentKind.none, value: "<file>", help: "unshare \(kind.title) namespace" + (kind == .uts ? " (hostname etc)" : ""))
        } + [
            OptionSpec(.fork, long: "fork", short: "f", help: "fork before launching <program>", group: 1),
            OptionSpec(.mapUser, long: "map-user", argument: .required, value: "=<uid>|<name>",
                       help: "map current user to uid (implies --user)", group: 1),
            OptionSpec(.mapGroup, long: "map-group", argument: .required, value: "=<gid>|<name>",
                       help: "map current group to gid (implies --user)", group: 1),
            OptionSpec(.mapRootUser, long: "map-root-user", short: "r",
                       help: "map current user to root (implies --user)", group: 1),
            OptionSpec(.mapCurrentUser, long: "map-current-user", short: "c",
                       help: "map current user to itself (implies --user)", group: 1),
            OptionSpec(.mapAuto, long: "map-auto",
                       help: "map users and groups automatically (implies --user)", group: 1),
            OptionSpec(.mapSubids, long: "map-subids",
                       help: "map users and groups using subids (implies --user)", group: 1),
            OptionSpec(.mapUsers, long: "map-users", argument: .required,
                       value: "=<inneruid>:<outeruid>:<count>|auto|subids|all",
                       help: "map count users from outeruid to inneruid (implies --user)", group: 1),
            OptionSpec(.mapGroups, long: "map-groups", argument: .required,
                       value: "=<innergid>:<outergid>:<count>|auto|subids|all",
                       help: "map count groups from outergid to innergid (implies --user)", group: 1),
            OptionSpec(.owner, long: "owner", argument: .required, value: "=<uid>:<gid>",
                       help: "the new user namespace is owned by uid:gid (implies --user)", group: 1),
            OptionSpec(.killChild, long: "kill-child", argument: .optional, value: "<signame>",
                       help: "when dying, kill the forked child (implies --fork)\n  defaults to SIGKILL", group: 2),
            OptionSpec(.forwardSignals, long: "forward-signals",
                       help: "forward SIGTERM and SIGINT to the child (implies --fork)", group: 2),
            OptionSpec(.mountProc, long: "mount-proc", argument: .optional, value: "<dir>",
                       help: "mount proc filesystem first (implies --mount)", group: 2),
            OptionSpec(.mountBinfmt, long: "mount-binfmt", argument: .optional, value: "<dir>",
                       help: "mount binfmt filesystem first (implies --user and --mount)", group: 2),
            OptionSpec(.loadInterp, long: "load-interp", short: "l", argument: .required, value: "=<string>",
                       help: "load binfmt definition in the namespace (implies --mount-binfmt)", group: 2),
            OptionSpec(.propagation, long: "propagation", argument: .required, value: "slave|shared|private|unchanged",
                       help: "modify mount propagation in mount namespace", group: 2),
            OptionSpec(.setgroups, long: "setgroups", argument: .required, value: "allow|deny",
                       help: "control the setgroups syscall in user namespaces", group: 2),
            OptionSpec(.capability(.keepPermitted), long: "keep-caps",
                       help: "retain capabilities granted in user namespaces", group: 2),
        ] + CapabilityOptions.specs(group: 2) { .capability($0) } + [
            OptionSpec(.root, long: "root", short: "R", argument: .required, value: "=<dir>",
                       help: "run the command with root directory set to <dir>", group: 3),
            OptionSpec(.workingDirectory, long: "wd", short: "w", argument: .required, value: "=<dir>",
                       help: "change working directory to <dir>", group: 3),
            OptionSpec(.setuid, long: "setuid", short: "S", argument: .required, value: "<uid>",
                       help: "set uid in entered namespace", group: 3),
            OptionSpec(.setgid, long: "setgid", short: "G", argument: .required, value: "<gid>",
                       help: "set gid in entered namespace", group: 3),
            OptionSpec(.monotonic, long: "monotonic", argument: .required, value: "<offset>",
                       help: "set clock monotonic offset (seconds) in time namespaces", group: 3),
            OptionSpec(.boottime, long: "boottime", argument: .required, value: "<offset>",
                       help: "set clock boottime offset (seconds) in time namespaces", group: 3),
            OptionSpec(.clearEnv, long: "clear-env",
                       help: "start the program with an empty environment", group: 3),
            OptionSpec(.whitelistEnv, long: "whitelist-env", argument: .required, value: "<list>",
                       help: "keep only these environment variables (comma-separated)", group: 3),
            OptionSpec(.hostname, long: "hostname", argument: .required, value: "<name>",
                       help: "set the hostname in the new UTS namespace (implies --uts)", group: 3),
            OptionSpec(.domainname, long: "domainname", argument: .required, value: "<name>",
                       help: "set the NIS domain name in the new UTS namespace (implies --uts)", group: 3),
        ] + StatusOptions.specs(group: 4) { .status($0) } + [
            OptionSpec(.help, long: "help", short: "h", help: "display this help", group: 5),
            OptionSpec(.version, long: "version", short: "V", help: "display version", group: 5),
        ]

    public static let parser = CommandLineParser(options: table)

    public static let helpLayout = HelpText(tool: "swunshare", usage: "[options] [<program> [<argument>...]]",
                                            summary: "Run a program with some namespaces unshared from the parent.",
                                            manPage: "swunshare(1)")
}
