import Glibc

/// Where the tools look things up while parsing: the caller's ids, user and group names,
/// and the subordinate-id and id-map files. Unit tests pass their own.
public struct HostContext: Sendable {
    public var euid: UInt32
    public var egid: UInt32
    public var readFile: @Sendable (String) -> Result<String, SwnsError>

    public init(euid: UInt32, egid: UInt32, readFile: @escaping @Sendable (String) -> Result<String, SwnsError>) {
        self.euid = euid
        self.egid = egid
        self.readFile = readFile
    }

    public static var live: HostContext {
        HostContext(euid: geteuid(), egid: getegid()) { path in
            Kernel.readFile(path).map { CStrings.string($0) }
        }
    }

    func userID(_ text: String) -> UInt32? {
        if case .success(let passwd) = readFile("/etc/passwd"), let entry = Accounts.user(named: text, passwd: passwd) {
            return entry.id
        }
        return UnshareCommand.decimalID(text)
    }

    func groupID(_ text: String) -> UInt32? {
        if case .success(let group) = readFile("/etc/group"), let entry = Accounts.group(named: text, group: group) {
            return entry.id
        }
        return UnshareCommand.decimalID(text)
    }

    var userName: String {
        if case .success(let passwd) = readFile("/etc/passwd"), let entry = Accounts.user(id: euid, passwd: passwd) {
            return entry.name
        }
        return String(euid)
    }
}

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
public struct UnshareCommand: Equatable, Sendable {
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
    /// The program and its arguments; empty means the shell.
    public var program: [String] = []

    public init() {}

    public enum SetgroupsMode: String, Sendable { case allow, deny }

    public struct Credentials: Equatable, Sendable {
        public var uid: UInt32
        public var gid: UInt32
    }

    public static let defaultProcMountpoint = "/proc"
    public static let defaultBinfmtMountpoint = "/proc/sys/fs/binfmt_misc"
    public static let hostNameLimit = 64

    /// Parses argv. Option values are converted in command-line order and the first bad one is
    /// reported, as util-linux's getopt loop does; `-h`/`-V` win over anything after them.
    public static func parse(_ arguments: [String], context: HostContext = .live) throws(SwnsError) -> UnshareCommand {
        try parse(UnshareOption.parser.parse(arguments), context: context)
    }

    /// Parses the C argument vector (a tool's own, `ArgumentVector.process`).
    public static func parse(_ arguments: ArgumentVector, context: HostContext = .live) throws(SwnsError) -> UnshareCommand {
        try parse(UnshareOption.parser.parse(arguments), context: context)
    }

    private static func parse(_ parsed: ParsedCommandLine<UnshareOption>,
                              context: HostContext) throws(SwnsError) -> UnshareCommand {
        var command = UnshareCommand()
        for option in parsed.options {
            try command.apply(option.tag, option.value, context: context)
            if command.action != .run { return command }
        }
        if let error = parsed.error {
            throw .usage(error.getoptMessage)
        }
        command.program = parsed.operands
        return command
    }

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
        case .mountProc:
            namespaces.insert(.mount)
            procMountpoint = value ?? Self.defaultProcMountpoint
        case .mountBinfmt:
            namespaces.formUnion([.mount, .user])
            if let value {
                binfmtMountpoint = value
            } else {
                // binfmt_misc sits below /proc, which must be the namespace's own.
                if procMountpoint == nil { procMountpoint = Self.defaultProcMountpoint }
                binfmtMountpoint = Self.defaultBinfmtMountpoint
            }
        case .loadInterp:
            let text = value ?? ""
            guard let spec = BinfmtInterpreter(text) else { throw SwnsError("invalid interpreter specification '\(text)'") }
            interpreter = spec
            namespaces.formUnion([.mount, .user])
            if binfmtMountpoint == nil {
                if procMountpoint == nil { procMountpoint = Self.defaultProcMountpoint }
                binfmtMountpoint = Self.defaultBinfmtMountpoint
            }
        case .propagation:
            guard let mode = Propagation(rawValue: value ?? "") else {
                throw SwnsError("unsupported propagation mode: \(value ?? "")")
            }
            propagation = mode
        case .root:
            root = value
        case .workingDirectory:
            workingDirectory = value
        case .setuid:
            uid = try Self.id(value, "failed to parse uid")
        case .setgid:
            gid = try Self.id(value, "failed to parse gid")
        case .mapUser:
            namespaces.insert(.user)
            guard let id = context.userID(value ?? "") else { throw SwnsError("failed to parse uid: '\(value ?? "")'") }
            mapUser = id
        case .mapGroup:
            namespaces.insert(.user)
            guard let id = context.groupID(value ?? "") else { throw SwnsError("failed to parse gid: '\(value ?? "")'") }
            mapGroup = id
        case .mapRootUser:
            namespaces.insert(.user)
            mapUser = 0
            mapGroup = 0
        case .mapCurrentUser:
            namespaces.insert(.user)
            mapUser = context.euid
            mapGroup = context.egid
        case .mapUsers:
            namespaces.insert(.user)
            userBlocks += try Self.blocks(value ?? "", file: "/etc/subuid", map: "/proc/self/uid_map", context: context)
        case .mapGroups:
            namespaces.insert(.user)
            groupBlocks += try Self.blocks(value ?? "", file: "/etc/subgid", map: "/proc/self/gid_map", context: context)
        case .mapAuto, .mapSubids:
            namespaces.insert(.user)
            let word = option == .mapAuto ? "auto" : "subids"
            userBlocks += try Self.blocks(word, file: "/etc/subuid", map: "/proc/self/uid_map", context: context)
            groupBlocks += try Self.blocks(word, file: "/etc/subgid", map: "/proc/self/gid_map", context: context)
        case .owner:
            namespaces.insert(.user)
            let text = value ?? ""
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, let uid = context.userID(String(parts[0])),
                  let gid = context.groupID(String(parts[1])) else {
                throw SwnsError("failed to parse owner: '\(text)'")
            }
            owner = Credentials(uid: uid, gid: gid)
        case .setgroups:
            guard let mode = SetgroupsMode(rawValue: value ?? "") else {
                throw SwnsError("unsupported --setgroups argument '\(value ?? "")'")
            }
            setgroups = mode
        case .capability(let option):
            try capabilities.apply(option, value)
        case .monotonic:
            monotonicOffset = try Self.offset(value, "failed to parse monotonic offset")
        case .boottime:
            boottimeOffset = try Self.offset(value, "failed to parse boottime offset")
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
        case .help:
            action = .help
        case .version:
            action = .version
        }
    }

    static func decimalID(_ text: String) -> UInt32? {
        guard let id: UInt32 = unsignedNumber(text.utf8), id != UInt32.max else { return nil }
        return id
    }

    private static func id(_ text: String?, _ message: String) throws(SwnsError) -> UInt32 {
        guard let id = decimalID(text ?? "") else { throw SwnsError("\(message): '\(text ?? "")'") }
        return id
    }

    /// util-linux's strtos64_or_err: blanks and a sign before the digits, nothing after.
    private static func offset(_ text: String?, _ message: String) throws(SwnsError) -> Int64 {
        let text = text ?? ""
        let number = CNumber.parse(Array(text.utf8))
        if number == .invalid { throw SwnsError("\(message): '\(text)'") }
        guard let value = number.fitting(Int64.self) else { throw SwnsError("\(message): '\(text)'", errno: ERANGE) }
        return value
    }

    private static func utsName(_ text: String, what: String) throws(SwnsError) -> String {
        guard CStrings.bytes(text).count <= hostNameLimit else {
            throw SwnsError("invalid \(what) '\(text)': longer than \(hostNameLimit) bytes")
        }
        return text
    }

    /// `inner:outer:count`, `auto`, `subids` or `all`, resolved now, as util-linux does, so that a
    /// missing /etc/subuid line is reported before anything is changed.
    static func blocks(_ text: String, file: String, map: String, context: HostContext) throws(SwnsError) -> [IDRange] {
        switch text {
        case "auto", "subids":
            let content: String
            switch context.readFile(file) {
            case .success(let text): content = text
            case .failure(let error): throw error
            }
            let name = context.userName
            guard var range = SubordinateIDs.firstRange(in: content, userName: name, uid: context.euid) else {
                throw SwnsError("no line matching user \"\(name)\" in \(file)")
            }
            if text == "auto" { range.inner = 0 }
            return [range]
        case "all":
            switch context.readFile(map) {
            case .success(let text):
                return IDRange.parseMap(text).map { IDRange(inner: $0.inner, outer: $0.inner, count: $0.count) }
            case .failure(let error):
                throw error
            }
        default:
            guard let range = IDRange.parse(text) else { throw SwnsError("invalid mapping '\(text)'") }
            return [range]
        }
    }
}
