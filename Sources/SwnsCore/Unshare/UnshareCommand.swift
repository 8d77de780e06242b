import Glibc

/// Environment handed to the program, as util-linux's unshare makes it: `--clear-env` empties
/// it, `--whitelist-env` (repeatable, adding up) keeps only the variables named; the named ones
/// are kept after `--clear-env` too, whichever comes first.
public struct EnvironmentPolicy: Equatable, Sendable {
    public var clear = false
    public var keep: [String] = []

    public init(clear: Bool = false, keep: [String] = []) {
        self.clear = clear
        self.keep = keep
    }

    public static var inherit: EnvironmentPolicy { EnvironmentPolicy() }
    public var inherits: Bool { !clear && keep.isEmpty }
}

/// swunshare's command line, every value converted and checked on its own. Checks that
/// involve several options or the file system belong to `UnsharePlan`.
public struct UnshareCommand: ToolCommand, Equatable, Sendable {
    public enum Action: Equatable, Sendable { case run, help, version }

    public var action: Action = .run
    public var namespaces: NamespaceMask = []
    /// Persistence targets, by kind, in command-line order of last mention.
    public var persist: [NamespaceKind: String] = [:]
    public var fork = false
    public var killChildSignal: Int32?
    public var forwardSignals = false
    public var procMountpoint: String?
    public var binfmtMountpoint: String?
    public var interpreter: BinfmtInterpreter?
    public var propagation: Propagation = .private
    public var root: String?
    public var workingDirectory: String?
    public var uid: UInt32?
    public var gid: UInt32?
    public var mapUser: UInt32?
    public var mapGroup: UInt32?
    public var userBlocks: [IDRange] = []
    public var groupBlocks: [IDRange] = []
    /// `--owner`: the credentials that create, and so own, the new user namespace.
    public var owner: Credentials?
    public var setgroups: SetgroupsMode?
    public var capabilities = CapabilityPlan()
    public var monotonicOffset: Int64?
    public var boottimeOffset: Int64?
    public var environment: EnvironmentPolicy = .inherit
    public var hostname: String?
    public var domainname: String?
    /// `--json-status-fd` and `--info-fd`.
    public var status = StatusRequest()
    /// The program and its arguments; empty means the shell.
    public var program: [String] = []

    public init() {}

    public struct Credentials: Equatable, Sendable {
        public var uid: UInt32
        public var gid: UInt32
    }

    public static let defaultProcMountpoint = "/proc"
    public static let defaultBinfmtMountpoint = "/proc/sys/fs/binfmt_misc"
    public static let hostNameLimit = 64

    /// Parses the C argument vector (a tool's own, `ArgumentVector.process`). Option values are
    /// converted in command-line order and the first bad one is reported, as util-linux's getopt
    /// loop does; `-h`/`-V` win over anything after them.
    public static func parse(_ arguments: ArgumentVector) throws(SwnsError) -> UnshareCommand {
        try parse(arguments, context: .live)
    }

    /// Parses argv given as strings, with `context` for the lookups (tests).
    public static func parse(_ arguments: [String], context: HostContext) throws(SwnsError) -> UnshareCommand {
        let vector = CStrings.vector(arguments)
        defer { CStrings.free(vector) }
        return try parse(ArgumentVector(count: Int32(arguments.count), pointers: vector), context: context)
    }

    public static func parse(_ arguments: ArgumentVector, context: HostContext) throws(SwnsError) -> UnshareCommand {
        var command = UnshareCommand()
        let parsed = UnshareOption.parser.parse(arguments)
        let acted = try parsed.applyOptions { (option) throws(SwnsError) in
            try command.apply(option.tag, option.value, context: context)
            return command.action != .run
        }
        if !acted { command.program = parsed.operands }
        return command
    }

    /// One option, in command-line order: the checks of each value alone. The groups of options
    /// are one function each.
    private mutating func apply(_ option: UnshareOption, _ value: String?, context: HostContext) throws(SwnsError) {
        switch option {
        case .namespace(let kind):
            namespaces.insert(kind.mask)
            if let value { persist[kind] = value }
        case .fork:
            fork = true
        case .killChild:
            if let value {
                guard let signal = SignalName.number(value) else { throw SwnsError("unknown signal: \(value)") }
                killChildSignal = signal
            } else {
                killChildSignal = SIGKILL
            }
            fork = true
        case .forwardSignals:
            forwardSignals = true
            fork = true
        case .mountProc, .mountBinfmt, .loadInterp, .propagation, .root, .workingDirectory:
            try applyMountOption(option, value)
        case .setuid, .setgid, .mapUser, .mapGroup, .mapRootUser, .mapCurrentUser, .mapUsers, .mapGroups, .mapAuto,
             .mapSubids, .owner, .setgroups:
            try applyIdentityOption(option, value ?? "", context: context)
        case .capability(let option):
            try capabilities.apply(option, value)
        case .monotonic:
            monotonicOffset = try Numbers.checked(value ?? "", "failed to parse monotonic offset", as: Int64.self)
        case .boottime:
            boottimeOffset = try Numbers.checked(value ?? "", "failed to parse boottime offset", as: Int64.self)
        case .clearEnv:
            environment.clear = true
        case .whitelistEnv:
            // A name with `=` names no variable, and keeps none, as getenv(3) finds none.
            environment.keep += (value ?? "").utf8.split(separator: UInt8(ascii: ",")).map { String(decoding: $0, as: UTF8.self) }
        case .hostname:
            namespaces.insert(.uts)
            hostname = try Self.utsName(value ?? "", what: "hostname")
        case .domainname:
            namespaces.insert(.uts)
            domainname = try Self.utsName(value ?? "", what: "domain name")
        case .status(let option):
            try status.apply(option, value)
        case .help:
            action = .help
        case .version:
            action = .version
        }
    }

    /// --mount-proc, --mount-binfmt, --load-interp, --propagation, --root and --wd.
    private mutating func applyMountOption(_ option: UnshareOption, _ value: String?) throws(SwnsError) {
        switch option {
        case .mountProc:
            namespaces.insert(.mount)
            procMountpoint = value ?? Self.defaultProcMountpoint
        case .mountBinfmt:
            namespaces.formUnion([.mount, .user])
            if let value {
                binfmtMountpoint = value
            } else {
                mountBinfmtAtItsDefault()
            }
        case .loadInterp:
            let text = value ?? ""
            guard let spec = BinfmtInterpreter(text) else { throw SwnsError("invalid interpreter specification '\(text)'") }
            interpreter = spec
            namespaces.formUnion([.mount, .user])
            if binfmtMountpoint == nil { mountBinfmtAtItsDefault() }
        case .propagation:
            guard let mode = Propagation(rawValue: value ?? "") else {
                throw SwnsError("unsupported propagation mode: \(value ?? "")")
            }
            propagation = mode
        case .root:
            root = value
        case .workingDirectory:
            workingDirectory = value
        default:
            preconditionFailure("not a mount option: \(option)")
        }
    }

    /// binfmt_misc at its place below /proc, which must then be the namespace's own.
    private mutating func mountBinfmtAtItsDefault() {
        if procMountpoint == nil { procMountpoint = Self.defaultProcMountpoint }
        binfmtMountpoint = Self.defaultBinfmtMountpoint
    }

    /// --setuid, --setgid, the --map-* options, --owner and --setgroups.
    private mutating func applyIdentityOption(_ option: UnshareOption, _ value: String,
                                              context: HostContext) throws(SwnsError) {
        switch option {
        case .setuid:
            uid = try Self.id(value, "failed to parse uid")
        case .setgid:
            gid = try Self.id(value, "failed to parse gid")
        case .setgroups:
            guard let mode = SetgroupsMode(rawValue: value) else {
                throw SwnsError("unsupported --setgroups argument '\(value)'")
            }
            setgroups = mode
        default:
            try applyMapOption(option, value, context: context)
        }
    }

    /// The options that map ids, and --owner: each implies --user.
    private mutating func applyMapOption(_ option: UnshareOption, _ value: String, context: HostContext) throws(SwnsError) {
        namespaces.insert(.user)
        switch option {
        case .mapUser:
            guard let id = context.userID(value) else { throw SwnsError("failed to parse uid: '\(value)'") }
            mapUser = id
        case .mapGroup:
            guard let id = context.groupID(value) else { throw SwnsError("failed to parse gid: '\(value)'") }
            mapGroup = id
        case .mapRootUser:
            (mapUser, mapGroup) = (0, 0)
        case .mapCurrentUser:
            (mapUser, mapGroup) = (context.euid, context.egid)
        case .mapUsers:
            userBlocks += try Self.blocks(value, of: .user, context: context)
        case .mapGroups:
            groupBlocks += try Self.blocks(value, of: .group, context: context)
        case .mapAuto, .mapSubids:
            let word = option == .mapAuto ? "auto" : "subids"
            userBlocks += try Self.blocks(word, of: .user, context: context)
            groupBlocks += try Self.blocks(word, of: .group, context: context)
        case .owner:
            let parts = value.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, let uid = context.userID(String(parts[0])),
                  let gid = context.groupID(String(parts[1])) else {
                throw SwnsError("failed to parse owner: '\(value)'")
            }
            owner = Credentials(uid: uid, gid: gid)
        default:
            preconditionFailure("not a mapping option: \(option)")
        }
    }

    private static func id(_ text: String, _ message: String) throws(SwnsError) -> UInt32 {
        guard let id = Numbers.id(text) else { throw SwnsError("\(message): '\(text)'") }
        return id
    }

    private static func utsName(_ text: String, what: String) throws(SwnsError) -> String {
        guard CStrings.bytes(text).count <= hostNameLimit else {
            throw SwnsError("invalid \(what) '\(text)': longer than \(hostNameLimit) bytes")
        }
        return text
    }

    /// `inner:outer:count`, `auto`, `subids` or `all`, resolved now, as util-linux does, so that a
    /// missing /etc/subuid line is reported before anything is changed.
    static func blocks(_ text: String, of kind: IDMapWriter.Kind, context: HostContext) throws(SwnsError) -> [IDRange] {
        switch text {
        case "auto", "subids":
            let file = kind == .user ? "/etc/subuid" : "/etc/subgid"
            let name = context.userName
            guard var range = SubordinateIDs.firstRange(in: try context.readFile(file), userName: name,
                                                        uid: context.euid) else {
                throw SwnsError("no line matching user \"\(name)\" in \(file)")
            }
            if text == "auto" {
                range.inner = 0
                range.automatic = true
            }
            return [range]
        case "all":
            let map = try context.readFile("/proc/self/\(kind.file)")
            return IDRange.parseMap(map).map { IDRange(inner: $0.inner, outer: $0.inner, count: $0.count) }
        default:
            guard let range = IDRange.parse(text) else { throw SwnsError("invalid mapping '\(text)'") }
            return [range]
        }
    }
}
