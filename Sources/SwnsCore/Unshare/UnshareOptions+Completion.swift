extension UnshareOption: CompletableOptions {
    public var valueCompletion: CompletionValue? {
        switch self {
        case .namespace: .files
        case .mapUser: .userName
        case .mapGroup: .groupName
        case .mapUsers, .mapGroups: .words("auto", "subids", "all")
        case .owner: .owner
        case .killChild: .signal
        case .mountProc, .mountBinfmt, .root, .workingDirectory: .directories
        case .loadInterp: .unguessable(":name:type:offset:magic:mask:interpreter:flags")
        case .propagation: .words("slave", "shared", "private", "unchanged")
        case .setgroups: .words("allow", "deny")
        case .capability(let option): option.valueCompletion
        case .status(let option): option.valueCompletion
        case .setuid: .unguessable("uid")
        case .setgid: .unguessable("gid")
        case .monotonic, .boottime: .unguessable("offset (seconds)")
        case .whitelistEnv: .environmentNames
        case .hostname: .unguessable("host name")
        case .domainname: .unguessable("NIS domain name")
        case .fork, .forwardSignals, .mapRootUser, .mapCurrentUser, .mapAuto, .mapSubids, .clearEnv, .help, .version:
            nil
        }
    }

    public var repeats: Bool {
        switch self {
        case .mapUsers, .mapGroups, .whitelistEnv: true
        case .capability(let option): option.repeats
        default: false
        }
    }

    public var actsAlone: Bool { self == .help || self == .version }

    public static let operands = OperandCompletion<UnshareOption>.program
}
