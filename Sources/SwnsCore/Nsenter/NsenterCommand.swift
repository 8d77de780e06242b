import Glibc

/// swnsenter's command line, every value converted and checked on its own and the options
/// checked against each other. Nothing is opened yet: that is `NsenterPlan`'s work.
public struct NsenterCommand: ToolCommand, Equatable, Sendable {
    public enum Action: Equatable, Sendable { case run, help, version }

    /// `-t PID` or `-t PID:INODE`, where INODE is the inode of the process's pidfd (pidfs).
    public struct Target: Equatable, Sendable {
        public var pid: pid_t
        public var inode: UInt64?
    }

    /// Where a namespace comes from.
    public enum Source: Equatable, Sendable {
        /// The target process's.
        case target
        /// A namespace file: /proc/PID/ns/TYPE, a bind mount such as /run/netns/NAME.
        case file(String)
        /// A namespace id (`=:NSID`).
        case id(UInt64)
    }

    /// Where each kind of namespace comes from, if it is entered. Eight slots rather than a
    /// dictionary: hashing would cost a start-up more than it saves.
    public struct Sources: Equatable, Sendable, ExpressibleByDictionaryLiteral {
        private var slots: [Source?] = NamespaceKind.all.map { _ in nil }

        public init() {}

        public init(dictionaryLiteral elements: (NamespaceKind, Source)...) {
            for (kind, source) in elements { self[kind] = source }
        }

        public subscript(kind: NamespaceKind) -> Source? {
            get { slots[Self.slot(kind)] }
            set { slots[Self.slot(kind)] = newValue }
        }

        public var isEmpty: Bool { slots.allSatisfy { $0 == nil } }

        private static func slot(_ kind: NamespaceKind) -> Int {
            NamespaceKind.all.firstIndex { $0.mask == kind.mask }!
        }
    }

    /// A uid or gid, or `follow`: the owner of /proc/PID.
    public enum ID: Equatable, Sendable {
        case value(UInt32)
        case follow
    }

    /// `-r`/`-w` without a value mean the target's own root or working directory.
    public enum Directory: Equatable, Sendable {
        case target
        case path(String)
    }

    public var action: Action = .run
    public var target: Target?
    public var all = false
    /// The namespaces named on the command line; `--all` adds the rest in the plan.
    public var namespaces = Sources()
    public var netSocket: Int32?
    public var userParent = false
    public var uid: ID?
    public var gid: ID?
    public var preserveCredentials = false
    public var capabilities = CapabilityPlan()
    public var root: Directory?
    public var workingDirectory: Directory?
    public var workingDirectoryInNamespace: String?
    public var environment = false
    public var noFork = false
    public var joinCgroup = false
    /// `--json-status-fd` and `--info-fd`.
    public var status = StatusRequest()
    /// The program and its arguments; empty means the shell.
    public var program: [String] = []

    public init() {}

    /// Parses the C argument vector (a tool's own, `ArgumentVector.process`): values in
    /// command-line order, the first bad one reported, as util-linux's getopt loop does; `-h`/`-V`
    /// win over anything after them. Then the checks between options.
    public static func parse(_ arguments: ArgumentVector) throws(SwnsError) -> NsenterCommand {
        var command = NsenterCommand()
        let parsed = NsenterOption.parser.parse(arguments)
        let acted = try parsed.applyOptions { (option) throws(SwnsError) in
            try command.apply(option.tag, option.value)
            return command.action != .run
        }
        if acted { return command }
        command.program = parsed.operands
        try command.validate()
        return command
    }

    private mutating func apply(_ option: NsenterOption, _ value: String?) throws(SwnsError) {
        switch option {
        case .all:
            all = true
        case .target:
            // util-linux 2.42: a second -t is no longer the one that counts.
            if target != nil { throw SwnsError("option --target may be given only once") }
            target = try Self.target(value ?? "")
        case .namespace(let kind):
            namespaces[kind] = try Self.source(value)
        case .netSocket:
            guard let text = value, let fd = CNumber.parse(text.utf8).fitting(Int32.self), fd >= 0 else {
                throw SwnsError("failed to parse file descriptor: '\(value ?? "")'")
            }
            netSocket = fd
        case .userParent:
            userParent = true
        case .setuid:
            uid = try Self.id(value ?? "", "failed to parse uid")
        case .setgid:
            gid = try Self.id(value ?? "", "failed to parse gid")
        case .preserveCredentials:
            preserveCredentials = true
        case .capability(let option):
            try capabilities.apply(option, value)
        case .root:
            root = Self.directory(value)
        case .workingDirectory:
            workingDirectory = Self.directory(value)
        case .workingDirectoryInNamespace:
            // util-linux 2.42's W::, which drops the '=' of -W=DIR; -W alone takes back a -W before it.
            workingDirectoryInNamespace = value.map(Self.attached)
        case .environment:
            environment = true
        case .noFork:
            noFork = true
        case .joinCgroup:
            joinCgroup = true
        case .status(let option):
            try status.apply(option, value)
        case .help:
            action = .help
        case .version:
            action = .version
        }
    }

    /// The checks between options, in the order util-linux makes them.
    private func validate() throws(SwnsError) {
        if target == nil {
            func needsTarget(_ option: String) -> SwnsError { SwnsError("no target PID specified for \(option)") }
            if all { throw needsTarget("--all") }
            for kind in NamespaceKind.all where namespaces[kind] == .target {
                throw needsTarget("--\(kind.longOption)")
            }
            if netSocket != nil { throw needsTarget("--net-socket") }
            if root == .target { throw needsTarget("--root") }
            if workingDirectory == .target { throw needsTarget("--wd") }
            if environment { throw needsTarget("--env") }
            if joinCgroup { throw needsTarget("--join-cgroup") }
            if uid == .follow { throw needsTarget("--setuid follow") }
            if gid == .follow { throw needsTarget("--setgid follow") }
            if userParent { throw needsTarget("--user-parent") }
        }
        // As util-linux 2.40 and later: options that enter nothing (-r, -w, -e, -S, ...) do not
        // make a namespace to enter.
        if !all && namespaces.isEmpty && netSocket == nil && !userParent {
            throw SwnsError("no namespace specified")
        }
    }

    /// `PID` or `PID:INODE`, as util-linux 2.42's ul_parse_pid_str reads it: the number at the start
    /// (blanks or a sign before it, as strtoimax takes them), a PID from 1 to INT_MAX, then nothing
    /// or `:` and an inode above 0; the message says why, `Invalid argument` for what is no number
    /// and `Numerical result out of range` for a number outside those.
    static func target(_ text: String) throws(SwnsError) -> Target {
        // Bytes rather than characters, and patterns rather than comparisons of values with
        // payloads: a tool's start makes no substrings (see CStrings).
        let bytes = text.utf8
        func failure(_ code: Int32) -> SwnsError { SwnsError("failed to parse PID argument '\(text)'", errno: code) }
        var end = bytes.startIndex
        while end < bytes.endIndex, Numbers.isBlank(bytes[end]) { end = bytes.index(after: end) }
        if end < bytes.endIndex, bytes[end] == UInt8(ascii: "+") || bytes[end] == UInt8(ascii: "-") {
            end = bytes.index(after: end)
        }
        let digits = end
        while end < bytes.endIndex, Numbers.isDigit(bytes[end]) { end = bytes.index(after: end) }
        if end == digits { throw failure(EINVAL) }
        guard let pid = CNumber.parse(bytes[..<end]).fitting(pid_t.self), pid > 0 else { throw failure(ERANGE) }
        var target = Target(pid: pid, inode: nil)
        guard end < bytes.endIndex else { return target }
        guard bytes[end] == UInt8(ascii: ":") else { throw failure(EINVAL) }
        let inode = CNumber.parse(bytes[bytes.index(after: end)...])
        if case .invalid = inode { throw failure(EINVAL) }
        guard let value = inode.fitting(UInt64.self), value > 0 else { throw failure(ERANGE) }
        target.inode = value
        return target
    }

    /// The value of a namespace option: none, `FILE`, `=FILE` (getopt leaves the `=` of `-n=FILE`)
    /// or `:NSID`.
    static func source(_ value: String?) throws(SwnsError) -> Source {
        guard var text = value else { return .target }
        if text.hasPrefix("=") { text.removeFirst() }
        if text.hasPrefix(":") {
            let digits = text.dropFirst()
            guard let id: UInt64 = Numbers.digits(digits.utf8), id > 0 else {
                throw SwnsError("failed to parse namespace id: '\(digits)'")
            }
            return .id(id)
        }
        guard !text.isEmpty else { throw SwnsError("empty namespace file name") }
        return .file(text)
    }

    /// `-r`/`-w`: none, `DIR`, or `=DIR` (getopt leaves the `=` of `-w=DIR`).
    static func directory(_ value: String?) -> Directory { value.map { .path(attached($0)) } ?? .target }

    /// A value attached to a short option, less the `=` of `-w=DIR` that getopt leaves in it.
    static func attached(_ value: String) -> String {
        var text = value
        if text.hasPrefix("=") { text.removeFirst() }
        return text
    }

    static func id(_ text: String, _ message: String) throws(SwnsError) -> ID {
        if text == "follow" { return .follow }
        guard let id = Numbers.id(text) else { throw SwnsError("\(message): '\(text)'") }
        return .value(id)
    }
}
