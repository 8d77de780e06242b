import Glibc

/// A checked swunshare command: every value is valid, every file it names exists, every helper
/// program it needs is there, and every decision perform makes is made here. Building it changes
/// nothing on the system; `perform` reads nothing but the plan (and the process it runs in).
public struct UnsharePlan: Sendable {
    /// The namespaces unshare(2) makes.
    public let namespaces: NamespaceMask
    /// Where each namespace is bound to persist, by kind.
    public let persist: [NamespaceKind: String]
    /// `--owner`: the credentials that create, and so own, the new user namespace.
    public let owner: UnshareCommand.Credentials?
    /// The caller is root in its user namespace, so id maps are written directly rather than
    /// through newuidmap/newgidmap.
    public let privileged: Bool
    /// Complete maps written by the helper forked before unsharing (block maps, with the single
    /// mapping punched into them), and single maps written by the program's own process.
    public let helperUserMap: IDMap?
    public let helperGroupMap: IDMap?
    public let ownUserMap: IDRange?
    public let ownGroupMap: IDRange?
    public let setgroups: SetgroupsMode?
    /// The time namespace's clock offsets, in seconds.
    public let boottimeOffset: Int64?
    public let monotonicOffset: Int64?
    public let hostname: String?
    public let domainname: String?
    /// `--fork` and what comes with it; nil: swunshare becomes the program.
    public let fork: Fork?
    /// The propagation given to / in the new mount namespace; nil: none is made, or `unchanged`.
    public let rootPropagation: MountFlags?
    public let root: String?
    /// The directory to change to: `--wd`, or `/` of the new root.
    public let workingDirectory: String?
    public let procMount: ProcMount?
    public let binfmt: BinfmtMount?
    public let capabilities: CapabilityPlan
    /// `-S` and `-G`, switched to after everything else, before exec.
    public let uid: UInt32?
    public let gid: UInt32?
    public let program: Program
    /// `--json-status-fd` and `--info-fd`, their descriptors checked.
    public let statusReports: StatusReports
    /// The caller's effective uid, for the hints after a refusal.
    public let euid: UInt32
    /// Everything the run does, in order, in the processes that do it: `perform` walks them and
    /// `--dry-run` prints them.
    public private(set) var steps: [Step] = []

    public struct Fork: Sendable, Equatable {
        /// `--kill-child`: the signal the child gets when swunshare dies.
        public var killChildSignal: Int32?
        /// `--forward-signals`: SIGINT and SIGTERM are sent on to the child.
        public var forwardSignals: Bool
    }

    /// `--mount-proc`: proc mounted at `mountpoint`, after its propagation is made private where
    /// / is not private already (and no new root makes it a different mount).
    public struct ProcMount: Sendable, Equatable {
        public var mountpoint: String
        public var makePrivateFirst: Bool
    }

    /// `--mount-binfmt` and `--load-interp`.
    public struct BinfmtMount: Sendable, Equatable {
        public var mountpoint: String
        public var interpreter: BinfmtInterpreter?
        /// With the F flag the kernel opens the interpreter when it is registered, so with a new
        /// root it is registered from the caller's file system, before the chroot.
        public var registersBeforeRoot: Bool
    }

    /// The program's environment: nil, the inherited one.
    public var environment: [String]? { program.environment }

    /// `environment` stands in for the process's own (read only where an option needs it), and
    /// `files` for the file system.
    public init(_ command: UnshareCommand, context: HostContext = .live, environment: [String]? = nil,
                files: PlanFileSystem = .live) throws(SwnsError) {
        try Self.checkContradictions(command)
        try Self.checkPaths(command, files)
        // What the capability options come to, against what the program's process will hold:
        // the steps carry the sets.
        let resolved = try command.capabilities.resolveForProgram(enteringUserNamespace: command.namespaces.contains(.user),
                                                                 uid: command.uid)

        namespaces = command.namespaces
        persist = command.persist
        owner = command.owner
        euid = context.euid
        privileged = context.euid == 0
        (helperUserMap, ownUserMap) = Self.userMaps(command.mapUser, command.userBlocks, outer: context.euid, command)
        (helperGroupMap, ownGroupMap) = Self.userMaps(command.mapGroup, command.groupBlocks, outer: context.egid, command)
        setgroups = command.setgroups
        if !privileged {
            let path = (environment.map { ProcessEnvironment.value("PATH", in: $0) } ?? ProcessEnvironment.value("PATH"))
                ?? "/usr/local/bin:/usr/bin:/bin"
            if helperUserMap != nil { try Self.checkMapTool("newuidmap", path: path, files) }
            if helperGroupMap != nil { try Self.checkMapTool("newgidmap", path: path, files) }
        }

        boottimeOffset = command.boottimeOffset
        monotonicOffset = command.monotonicOffset
        hostname = command.hostname
        domainname = command.domainname
        fork = command.fork ? Fork(killChildSignal: command.killChildSignal, forwardSignals: command.forwardSignals) : nil
        rootPropagation = command.namespaces.contains(.mount) ? command.propagation.mountFlags : nil
        root = command.root
        workingDirectory = command.workingDirectory ?? (command.root == nil ? nil : "/")
        procMount = command.procMountpoint.map {
            ProcMount(mountpoint: $0, makePrivateFirst: command.root == nil && command.propagation != .private)
        }
        binfmt = command.binfmtMountpoint.map {
            BinfmtMount(mountpoint: $0, interpreter: command.interpreter,
                        registersBeforeRoot: command.root != nil && command.interpreter?.fixBinary == true)
        }
        capabilities = command.capabilities
        uid = command.uid
        gid = command.gid
        program = Self.program(command, context: context, environment: environment)
        statusReports = try command.status.reports()
        steps = stepsInOrder(capabilities: resolved)
    }

    /// The checks between options, as util-linux makes them.
    static func checkContradictions(_ command: UnshareCommand) throws(SwnsError) {
        if command.monotonicOffset != nil || command.boottimeOffset != nil, !command.namespaces.contains(.time) {
            throw SwnsError("options --monotonic and --boottime require unsharing of a time namespace (-T)")
        }
        if command.mapGroup != nil, command.groupBlocks.isEmpty, command.owner == nil, command.setgroups == .allow {
            throw SwnsError("options --setgroups=allow and --map-group are mutually exclusive")
        }
        if command.persist[.pid] != nil, command.fork == false {
            throw SwnsError("persisting a pid namespace (--pid=FILE) requires --fork",
                            hint: "the file names the namespace of unshare's children, and only --fork makes one")
        }
    }

    /// Every file the command names, found before anything changes. A directory that only the
    /// new user namespace's root (or --owner) may enter is the later step's to judge: refused up
    /// front is only what cannot be there at all.
    static func checkPaths(_ command: UnshareCommand, _ files: PlanFileSystem) throws(SwnsError) {
        for kind in NamespaceKind.all {
            guard let target = command.persist[kind] else { continue }
            try SwnsError.wording("cannot access \(target)") { () throws(SystemError) in try files.stat(target) }
        }
        let credentialsChange = command.namespaces.contains(.user) || command.owner != nil
        func check(_ message: @autoclosure () -> String, _ body: () throws(SystemError) -> Void) throws(SwnsError) {
            do {
                try body()
            } catch where credentialsChange && (error.errno == EACCES || error.errno == EPERM) {
                return
            } catch {
                throw SwnsError(message(), error)
            }
        }
        if let root = command.root {
            try check("cannot change root directory to '\(root)'") { () throws(SystemError) in try files.stat(root + "/.") }
        }
        // --wd and --mount-proc are resolved as the process that execs will resolve them: after
        // chroot (symbolic links inside the new root point within it), --mount-proc after --wd.
        if let directory = command.workingDirectory {
            try check("cannot chdir to '\(directory)'") { () throws(SystemError) in
                try files.resolve(directory, root: command.root, from: nil, directory: true)
            }
        }
        if let proc = command.procMountpoint {
            try check("mount \(proc) failed") { () throws(SystemError) in
                try files.resolve(proc, root: command.root, from: command.workingDirectory ?? (command.root == nil ? nil : "/"),
                                  directory: false)
            }
        }
    }

    /// A single mapping maps the invoking user (also with --owner, as util-linux: -r binds the
    /// invoking user to root). With --owner it is written by the helper, which is still that user
    /// when we have become the owner; so are block maps, with the single mapping punched into them.
    static func userMaps(_ inner: UInt32?, _ blocks: [IDRange], outer: UInt32,
                         _ command: UnshareCommand) -> (helper: IDMap?, own: IDRange?) {
        let single = inner.map { IDRange(inner: $0, outer: outer, count: 1) }
        if blocks.isEmpty && (command.owner == nil || single == nil) { return (nil, single) }
        return (IDMap(single: single, blocks: blocks), nil)
    }

    /// newuidmap or newgidmap on PATH, or what execvp would say: 127 when it is missing, 126 when it
    /// is there but cannot be executed.
    static func checkMapTool(_ tool: String, path: String, _ files: PlanFileSystem) throws(SwnsError) {
        guard ProcessEnvironment.findExecutable(tool, path: path) == nil else { return }
        let present = path.split(separator: ":", omittingEmptySubsequences: false).contains { directory in
            (try? files.stat((directory.isEmpty ? "." : String(directory)) + "/" + tool)) != nil
        }
        if present { throw SwnsError("failed to execute \(tool)", errno: EACCES, status: 126) }
        throw SwnsError("failed to execute \(tool)", errno: ENOENT, status: 127,
                        hint: "\(tool) maps id blocks for unprivileged users; it comes with Debian's uidmap package")
    }

    /// The program and its environment. The default shell comes from the program's environment:
    /// after --clear-env, SHELL is gone and the password database names it, as in util-linux.
    static func program(_ command: UnshareCommand, context: HostContext, environment: [String]?) -> Program {
        var programEnvironment: [String]?
        if !command.environment.inherits {
            // Byte for byte, as getenv(3) compares (not as Swift compares characters).
            let names = command.environment.keep.map { Array($0.utf8) }.filter { !$0.contains(UInt8(ascii: "=")) }
            programEnvironment = (environment ?? ProcessEnvironment.current).filter { entry in
                let bytes = entry.utf8
                return names.contains { name in
                    bytes.starts(with: name) && bytes.dropFirst(name.count).first == UInt8(ascii: "=")
                }
            }
        }
        return LoginShell.program(command.program, environment: programEnvironment,
                                  shellEnvironment: programEnvironment ?? environment, context: context, uid: command.uid)
    }
}

/// The file system as a plan sees it before anything changes: the live one, or a test's.
public struct PlanFileSystem: Sendable {
    /// stat(2) of a path that must exist.
    public var stat: @Sendable (String) throws(SystemError) -> Void
    /// The absolute `path` resolved as a process chrooted to `root` would resolve it (symbolic
    /// links inside point within it), a directory if `directory`.
    public var resolveInRoot: @Sendable (_ root: String, _ path: String, _ directory: Bool) throws(SystemError) -> Void

    public init(stat: @escaping @Sendable (String) throws(SystemError) -> Void,
                resolveInRoot: @escaping @Sendable (String, String, Bool) throws(SystemError) -> Void) {
        self.stat = stat
        self.resolveInRoot = resolveInRoot
    }

    public static var live: PlanFileSystem {
        PlanFileSystem(stat: { (path) throws(SystemError) in _ = try Kernel.stat(path) },
                       resolveInRoot: liveResolveInRoot)
    }

    /// `path` resolved where the program's process will resolve it: after chroot to `root` and
    /// chdir to `base`. A relative path without a base, or with a relative base, starts from the
    /// directory we are in, which chroot keeps.
    func resolve(_ path: String, root: String?, from base: String?, directory: Bool) throws(SystemError) {
        let full = path.hasPrefix("/") ? path : base.map { $0 + "/" + path } ?? path
        guard let root, full.hasPrefix("/") else { return try stat(full + (directory ? "/." : "")) }
        try resolveInRoot(root, full, directory)
    }

    @Sendable static func liveResolveInRoot(_ root: String, _ path: String, _ directory: Bool) throws(SystemError) {
        let rootFD = try Kernel.openPath(root, directory: true)
        defer { Kernel.close(rootFD) }
        do {
            Kernel.close(try Kernel.openPath(path, inRoot: rootFD, directory: directory))
        } catch where error.errno == EXDEV {
            // A magic link (/proc/self/cwd) leads out of the root, which RESOLVE_IN_ROOT refuses
            // and chroot does not: the later step judges it.
        } catch where error.errno == ENOSYS {
            // Before Linux 5.6: the path as it stands under the root.
            _ = try Kernel.stat(root + path + (directory ? "/." : ""))
        }
    }
}
