import Glibc

/// A checked swnsenter command with every descriptor it needs already open: the target's pidfd,
/// namespace files, root, working directory, cgroup. Paths stop resolving the same way once a
/// mount or user namespace is entered, so nothing is opened after the first setns but what must be
/// found inside (`-W`, and the working directory kept across `-r`). Building the plan reads and
/// opens, and changes nothing; `perform` reads nothing but the plan.
public final class NsenterPlan {
    /// The process whose namespaces, root and directories are taken; nil with namespace files only.
    public let target: TargetProcess?
    /// Every namespace type that will be entered.
    public let entering: NamespaceMask
    /// Namespaces entered with one setns(pidfd, MASK).
    public let pidfdMask: NamespaceMask
    /// Namespaces entered from a descriptor each, in setns order (user first).
    public let files: [NamespaceDescriptor]
    /// A user namespace is entered and the credentials are not preserved: uid and gid become 0
    /// there (or -S and -G), and the supplementary groups are dropped.
    public let changesCredentials: Bool
    /// The ids switched to after entering; nil: kept.
    public let switchUID: UInt32?
    public let switchGID: UInt32?
    public let rootFD: Int32?
    public let workingDirectoryFD: Int32?
    /// `-W`: a path inside the entered namespaces, opened there.
    public let workingDirectoryInNamespace: String?
    /// With `-r` and no other working directory, the one we are in is kept across the chroot, as
    /// util-linux does: it is opened after the namespaces are entered (entering a mount namespace
    /// moves us to its root).
    public let keepsWorkingDirectory: Bool
    public let cgroupProcsFD: Int32?
    /// A pid namespace is entered by children only: fork so that the program is inside.
    public let forksForPidNamespace: Bool
    public let capabilities: CapabilityPlan
    public let program: Program
    /// `--json-status-fd` and `--info-fd`, their descriptors checked.
    public let statusReports: StatusReports
    /// For the hints after a refusal: our effective uid, and whether the user namespace to enter
    /// is our own (which setns refuses).
    public let euid: UInt32
    public let userNamespaceIsOurs: Bool
    /// Everything the run does, in order, in the processes that do it: `perform` walks them and
    /// `--dry-run` prints them.
    public private(set) var steps: [Step] = []

    /// One namespace to enter from a descriptor of its own.
    public struct NamespaceDescriptor {
        public let kind: NamespaceKind
        public let fd: Int32
        /// Where it came from (a path, or the namespace id), for the error of its setns.
        public let origin: String
    }

    public init(_ command: NsenterCommand, context: HostContext = .live) throws(SwnsError) {
        // Checked first, before any descriptor of ours can take a number the command line names.
        statusReports = try command.status.reports()
        let opened = OpenDescriptors()
        defer { opened.closeUnlessKept() }
        let sources = Self.sources(command)
        let target = try command.target.map { (target) throws(SwnsError) in
            try Self.openTarget(target, firstEntry: Self.firstEntry(sources, command), opened: opened)
        }
        self.target = target
        let viaPidfd = target?.pidfd != nil && Self.setnsAcceptsPidfd && !command.userParent

        var namespaces = try Self.openNamespaces(sources, command, target: target, viaPidfd: viaPidfd, opened: opened)
        try Self.addSocketNamespace(command, target: target, to: &namespaces.files, opened: opened)
        if command.userParent { try Self.replaceUserByParent(&namespaces.files, target: target, opened: opened) }
        pidfdMask = namespaces.mask
        files = namespaces.files
        entering = files.reduce(pidfdMask) { $0.union($1.kind.mask) }
        let entersUser = entering.contains(.user)
        changesCredentials = entersUser && !command.preserveCredentials

        let root = try Self.openDirectory(command.root, target: target, entry: "root", opened: opened)
        let workingDirectory = try Self.openDirectory(command.workingDirectory, target: target, entry: "cwd", opened: opened)
        rootFD = root?.fd
        workingDirectoryFD = workingDirectory?.fd
        workingDirectoryInNamespace = command.workingDirectoryInNamespace
        keepsWorkingDirectory = rootFD != nil && workingDirectoryFD == nil && workingDirectoryInNamespace == nil
        let environment = command.environment ? try Self.readEnvironment(Self.proc(target)) : nil
        let cgroupProcs = command.joinCgroup ? try Self.openCgroupProcs(Self.proc(target)) : nil
        cgroupProcsFD = cgroupProcs.map { opened.add($0.fd) }

        (switchUID, switchGID) = try Self.credentials(command, target: target, changesCredentials: changesCredentials)
        let resolved = try command.capabilities.resolveForProgram(enteringUserNamespace: entersUser, uid: switchUID)
        capabilities = command.capabilities
        forksForPidNamespace = entering.contains(.pid) && !command.noFork
        euid = context.euid
        userNamespaceIsOurs = entersUser && Self.isOurUserNamespace(files, target: target, viaPidfd: pidfdMask.contains(.user))

        // Everything under /proc/PID was opened while the pidfd's process was alive, so the PID
        // named that process all along.
        if let target, let pidfd = target.pidfd, (try? Kernel.hasExited(pidfd: pidfd)) ?? false {
            throw SwnsError("process \(target.pid) exited while its namespaces were being opened")
        }
        // The shell of the user the program runs as.
        program = LoginShell.program(command.program, environment: environment, context: context, uid: switchUID)
        steps = stepsInOrder(rootName: root?.path, workingDirectoryName: workingDirectory?.path,
                             cgroupProcs: cgroupProcs?.path, capabilities: resolved)
        opened.keep()
    }

    deinit {
        if let pidfd = target?.pidfd { Kernel.close(pidfd) }
        for file in files { Kernel.close(file.fd) }
        for fd in [rootFD, workingDirectoryFD, cgroupProcsFD] { if let fd { Kernel.close(fd) } }
    }

    // MARK: what to enter

    /// The kinds to enter, and where each comes from. `--all` adds the target's namespaces that
    /// differ from ours: a type this kernel lacks is left out, and so is one the target shares
    /// with us (setns refuses to re-enter our own user namespace, and re-entering one owned by
    /// another user namespace needs privilege there, which a container's unprivileged owner lacks).
    static func sources(_ command: NsenterCommand) -> NsenterCommand.Sources {
        var sources = command.namespaces
        guard command.all, let pid = command.target?.pid else { return sources }
        for kind in NamespaceKind.all where sources[kind] == nil {
            guard let mine = NamespaceFiles.inode(path: "/proc/self/ns/\(kind.procEntry)") else { continue }
            if NamespaceFiles.inode(path: "/proc/\(pid)/ns/\(kind.procEntry)") == mine { continue }
            sources[kind] = .target
        }
        return sources
    }

    /// The target's /proc folder, made only where a step needs it (a start that enters by pidfd
    /// alone makes no strings, see CStrings), and passed as the target rather than captured in a
    /// closure, whose context would have the runtime look its type up at every start.
    static func proc(_ target: TargetProcess?) -> String { target?.procPath ?? "/proc/0" }

    /// The first /proc/PID file util-linux would open, which names a target that is gone.
    static func firstEntry(_ sources: NsenterCommand.Sources, _ command: NsenterCommand) -> String {
        NamespaceKind.all.first { sources[$0] == .target }.map { "ns/\($0.procEntry)" }
            ?? (command.root == .target ? "root" : command.workingDirectory == .target ? "cwd" : "ns")
    }

    /// The target, held as a pidfd from the start to the end, so that its PID cannot be recycled
    /// underneath: a thread other than its group's leader (a thread may have namespaces of its
    /// own) by a thread pidfd (Linux 6.9 and later), or else by its /proc files; none before 5.3.
    static func openTarget(_ target: NsenterCommand.Target, firstEntry: @autoclosure () -> String,
                           opened: OpenDescriptors) throws(SwnsError) -> TargetProcess {
        let pid = target.pid
        func unusable(_ error: SystemError) throws(SwnsError) -> Int32? {
            if error.errno == ESRCH {
                let gone = "no process has PID \(pid) (it may have exited)"
                // PID:INODE fails as util-linux 2.42's pidfd step; a PID alone as its first open.
                if target.inode != nil {
                    throw SwnsError("failed to obtain a valid file descriptor for PID \(pid)", error, hint: gone)
                }
                throw SwnsError("cannot open /proc/\(pid)/\(firstEntry())", errno: ENOENT, hint: gone)
            }
            if error.errno == ENOSYS { return nil }
            throw SwnsError("pidfd_open \(pid) failed", error)
        }
        var pidfd: Int32?
        do {
            pidfd = try Kernel.pidfdOpen(pid)
        } catch where error.errno == ENOENT || error.errno == EINVAL {
            do {
                pidfd = try Kernel.pidfdOpen(pid, thread: true)
            } catch where error.errno == EINVAL && target.inode == nil {
                pidfd = nil
            } catch {
                pidfd = try unusable(error)
            }
        } catch {
            pidfd = try unusable(error)
        }
        if let pidfd { opened.add(pidfd) }
        if let inode = target.inode { try check(pidfd, of: pid, hasInode: inode) }
        return TargetProcess(pid: pid, pidfd: pidfd)
    }

    /// `-t PID:INODE`: the pidfd's inode (pidfs) names the process meant, which a PID reused after
    /// its end does not. The messages are util-linux 2.42's (ul_get_valid_pidfd_or_err).
    static func check(_ pidfd: Int32?, of pid: pid_t, hasInode inode: UInt64) throws(SwnsError) {
        guard let pidfd, Kernel.isPidfs(pidfd) else {
            throw SwnsError("failed to obtain a valid file descriptor for PID \(pid)", errno: ENOTSUP,
                            hint: "-t PID:INODE needs pidfds on pidfs (Linux 6.9 or later)")
        }
        let actual = NamespaceFiles.inode(pidfd) ?? 0
        if actual != inode {
            throw SwnsError("failed to obtain a valid file descriptor for PID \(pid)", errno: ESRCH,
                            hint: "process \(pid) has pidfd inode \(actual): the process with inode \(inode) has exited "
                                + "and its PID was reused")
        }
    }

    /// setns(2) takes a pidfd from Linux 5.8 on.
    static var setnsAcceptsPidfd: Bool {
        guard let release = Kernel.release() else { return false }
        return release.major > 5 || (release.major == 5 && release.minor >= 8)
    }

    /// The namespace descriptors in setns order, and the target's namespaces entered by pidfd.
    static func openNamespaces(_ sources: NsenterCommand.Sources, _ command: NsenterCommand, target: TargetProcess?, viaPidfd: Bool,
                               opened: OpenDescriptors) throws(SwnsError)
        -> (mask: NamespaceMask, files: [NamespaceDescriptor]) {
        var mask: NamespaceMask = []
        var files: [NamespaceDescriptor] = []
        for kind in NamespaceKind.all {
            guard let source = sources[kind] else { continue }
            if kind == .net, command.netSocket != nil, source == .target { continue }
            switch source {
            case .target where viaPidfd:
                mask.insert(kind.mask)
            case .target:
                let path = "\(proc(target))/ns/\(kind.procEntry)"
                files.append(NamespaceDescriptor(kind: kind, fd: try opened.open(path), origin: path))
            case .file(let path):
                let fd = try opened.open(path)
                try check(fd, is: kind, path: path)
                files.append(NamespaceDescriptor(kind: kind, fd: fd, origin: path))
            case .id(let id):
                let fd = opened.add(try NamespaceFiles.open(id: id, kind: kind))
                files.append(NamespaceDescriptor(kind: kind, fd: fd, origin: "namespace id \(id)"))
            }
        }
        return (mask, files)
    }

    /// `-N FD`: the network namespace of the target's socket FD, in place of any other.
    static func addSocketNamespace(_ command: NsenterCommand, target: TargetProcess?,
                                   to files: inout [NamespaceDescriptor], opened: OpenDescriptors) throws(SwnsError) {
        guard let socket = command.netSocket else { return }
        guard let target, let pidfd = target.pidfd else {
            throw SwnsError("--net-socket needs pidfd_getfd (Linux 5.6 or later)")
        }
        for file in files where file.kind == .net { opened.release(file.fd) }
        files.removeAll { $0.kind == .net }
        let fd = opened.add(try NamespaceFiles.socketNamespace(pidfd: pidfd, pid: target.pid, socket: socket))
        files.append(NamespaceDescriptor(kind: .net, fd: fd, origin: "socket \(socket) of process \(target.pid)"))
        files.sort { a, b in NamespaceKind.all.firstIndex(of: a.kind)! < NamespaceKind.all.firstIndex(of: b.kind)! }
    }

    /// `--user-parent`: the parent of the user namespace -U names, or else of the target's.
    static func replaceUserByParent(_ files: inout [NamespaceDescriptor], target: TargetProcess?,
                                    opened: OpenDescriptors) throws(SwnsError) {
        let user: Int32
        if let index = files.firstIndex(where: { $0.kind == .user }) {
            user = files.remove(at: index).fd
        } else {
            user = try opened.open("\(proc(target))/ns/user")
        }
        let parent = try SwnsError.wording("failed to open parent namespace") { () throws(SystemError) in
            try Kernel.relatedNamespace(user, parent: false)
        }
        opened.release(user)
        files.insert(NamespaceDescriptor(kind: .user, fd: opened.add(parent), origin: "the parent user namespace"), at: 0)
    }

    /// Bad input is reported before anything is entered: a file that is not a namespace of the
    /// option's type gets the message setns would give, with the reason.
    static func check(_ fd: Int32, is kind: NamespaceKind, path: String) throws(SwnsError) {
        let failure = SwnsError("reassociate to namespace 'ns/\(kind.procEntry)' failed", errno: EINVAL)
        guard let type = try? Kernel.namespaceType(fd) else {
            throw failure.withHint("\(path) is not a namespace file")
        }
        guard type == kind.mask else {
            let other = NamespaceKind.all.first { $0.mask == type }?.name ?? "another"
            throw failure.withHint("\(path) is a \(other) namespace, not a \(kind.name) namespace")
        }
    }

    /// Whether the user namespace to enter is the one we are in, which setns refuses.
    static func isOurUserNamespace(_ files: [NamespaceDescriptor], target: TargetProcess?, viaPidfd: Bool) -> Bool {
        let ours = NamespaceFiles.inode(path: "/proc/self/ns/user")
        let entered = viaPidfd ? NamespaceFiles.inode(path: "\(proc(target))/ns/user")
            : files.first { $0.kind == .user }.flatMap { NamespaceFiles.inode($0.fd) }
        return ours != nil && ours == entered
    }
}
