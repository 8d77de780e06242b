import CSwns
import Glibc

/// A checked swnsenter command with every descriptor it needs already open: the target's pidfd,
/// namespace files, root, working directory, cgroup. Paths stop resolving the same way once a
/// mount or user namespace is entered, so nothing is opened after the first setns. Building the
/// plan reads and opens, and changes nothing.
public final class NsenterPlan {
    public let command: NsenterCommand
    public let euid: UInt32
    /// The target, held as a pidfd from the start to the end, so that its PID cannot be recycled
    /// underneath; nil without a target or on kernels before 5.3.
    public let pidfd: Int32?
    /// Namespaces entered with one setns(pidfd, MASK).
    public let pidfdMask: NamespaceMask
    /// Namespaces entered from a descriptor each, in setns order (user first).
    public let files: [(kind: NamespaceKind, fd: Int32)]
    public let rootFD: Int32?
    public let workingDirectoryFD: Int32?
    /// The target's environment, for `-e`.
    public let targetEnvironment: [String]?
    public let cgroupProcsFD: Int32?
    public let uid: UInt32?
    public let gid: UInt32?
    /// argv for exec, and argv[0] when it differs from the file (a login shell's `-bash`).
    public let program: [String]
    public let programArgv0: String?

    /// Every namespace type that will be entered.
    public var entered: NamespaceMask {
        files.reduce(pidfdMask) { $0.union($1.kind.mask) }
    }

    public init(_ command: NsenterCommand, context: HostContext = .live) throws(SwnsError) {
        self.command = command
        euid = context.euid
        let opened = OpenDescriptors()
        let pid = command.target?.pid ?? 0
        // Made only where used: a start that enters by pidfd makes no strings (see CStrings).
        var proc: String { "/proc/\(pid)" }

        // The kinds to enter, and where each comes from.
        var sources = command.namespaces
        if command.all {
            for kind in NamespaceKind.all where sources[kind] == nil {
                // Only namespaces that differ from ours: a type this kernel lacks is left out, and
                // so is one the target shares with us (setns refuses to re-enter our own user
                // namespace, and re-entering one owned by another user namespace needs privilege
                // there, which a container's unprivileged owner lacks).
                guard let mine = NamespaceFiles.inode(path: "/proc/self/ns/\(kind.procEntry)") else { continue }
                if NamespaceFiles.inode(path: "\(proc)/ns/\(kind.procEntry)") == mine { continue }
                sources[kind] = .target
            }
        }
        var firstEntry: String {
            NamespaceKind.all.first { sources[$0] == .target }.map { "ns/\($0.procEntry)" }
                ?? (command.root == .target ? "root" : command.workingDirectory == .target ? "cwd" : "ns")
        }

        // The target, once.
        var pidfd: Int32?
        if let target = command.target {
            var fd = swns_pidfd_open(target.pid, 0)
            if fd < 0, errno == ENOENT || errno == EINVAL {
                // A thread other than its group's leader (a thread may have namespaces of its
                // own): a pidfd of that thread (Linux 6.9 and later), or else its /proc files.
                fd = swns_pidfd_open(target.pid, UInt32(O_EXCL))
                if fd < 0, errno == EINVAL, target.inode == nil { errno = ENOSYS }
            }
            if fd >= 0 {
                pidfd = fd
                opened.add(fd)
            } else if errno == ESRCH {
                throw SwnsError("cannot open \(proc)/\(firstEntry)", errno: ENOENT,
                                hint: "no process has PID \(target.pid) (it may have exited)")
            } else if errno != ENOSYS {
                throw .system("pidfd_open \(target.pid) failed")
            }
            if let inode = target.inode {
                guard let fd = pidfd, NamespaceFiles.isPidfs(fd) else {
                    throw SwnsError("-t PID:INODE needs pidfds on pidfs (Linux 6.9 or later)")
                }
                let actual = NamespaceFiles.inode(fd) ?? 0
                if actual != inode {
                    throw SwnsError("process \(target.pid) is not the one with pidfd inode \(inode) (it has \(actual))",
                                    hint: "the process with inode \(inode) has exited and its PID was reused")
                }
            }
        }
        self.pidfd = pidfd
        let viaPidfd = pidfd != nil && NamespaceFiles.setnsAcceptsPidfd && !command.userParent

        // Namespace descriptors, in setns order.
        var mask: NamespaceMask = []
        var files: [(kind: NamespaceKind, fd: Int32)] = []
        for kind in NamespaceKind.all {
            guard let source = sources[kind] else { continue }
            if kind == .net, command.netSocket != nil, source == .target { continue }
            switch source {
            case .target:
                if viaPidfd {
                    mask.insert(kind.mask)
                } else {
                    files.append((kind, try opened.open("\(proc)/ns/\(kind.procEntry)")))
                }
            case .file(let path):
                let fd = try opened.open(path)
                try Self.check(fd, is: kind, path: path)
                files.append((kind, fd))
            case .id(let id):
                files.append((kind, opened.add(try NamespaceFiles.open(id: id, kind: kind))))
            }
        }
        if let socket = command.netSocket, let pidfd {
            files.removeAll { $0.kind == .net }
            let fd = opened.add(try NamespaceFiles.socketNamespace(pidfd: pidfd, pid: pid, socket: socket))
            files.append((.net, fd))
            files.sort { a, b in NamespaceKind.all.firstIndex(of: a.kind)! < NamespaceKind.all.firstIndex(of: b.kind)! }
        } else if command.netSocket != nil {
            throw SwnsError("--net-socket needs pidfd_getfd (Linux 5.6 or later)")
        }

        // --user-parent: the parent of the user namespace -U names, or else of the target's.
        if command.userParent {
            let user: Int32
            if let index = files.firstIndex(where: { $0.kind == .user }) {
                user = files.remove(at: index).fd
            } else {
                user = try opened.open("\(proc)/ns/user")
            }
            let parent = swns_ioctl_none(user, SWNS_NS_GET_USERNS)
            if parent < 0 { throw .system("failed to open parent namespace") }
            _ = fcntl(parent, F_SETFD, FD_CLOEXEC)
            files.insert((.user, opened.add(parent)), at: 0)
        }
        pidfdMask = mask
        self.files = files

        func directory(_ choice: NsenterCommand.Directory?, entry: String) throws(SwnsError) -> Int32? {
            switch choice {
            case nil: return nil
            case .target: return try opened.open("\(proc)/\(entry)")
            case .path(let path): return try opened.open(path)
            }
        }
        rootFD = try directory(command.root, entry: "root")
        workingDirectoryFD = try directory(command.workingDirectory, entry: "cwd")

        if command.environment {
            switch Kernel.readFile("\(proc)/environ") {
            case .success(let bytes):
                targetEnvironment = bytes.split(separator: 0).map { CStrings.string($0) }
            case .failure(let error):
                throw error
            }
        } else {
            targetEnvironment = nil
        }

        if command.joinCgroup {
            cgroupProcsFD = opened.add(try Self.openCgroupProcs(pid: pid))
        } else {
            cgroupProcsFD = nil
        }

        var owner = stat()
        if command.uid == .follow || command.gid == .follow {
            if stat(proc, &owner) != 0 { throw .system("cannot stat \(proc)") }
        }
        switch command.uid {
        case .value(let id): uid = id
        case .follow: uid = owner.st_uid
        case nil: uid = nil
        }
        switch command.gid {
        case .value(let id): gid = id
        case .follow: gid = owner.st_gid
        case nil: gid = nil
        }
        // Entering a user namespace switches to user ID 0 there, unless credentials are preserved.
        let enteringUserNamespace = files.contains { $0.kind == .user } || mask.contains(.user)
        let switchesUser = uid != nil || (enteringUserNamespace && !command.preserveCredentials)
        try command.capabilities.validate(enteringUserNamespace: enteringUserNamespace, uid: switchesUser ? uid ?? 0 : nil)

        // Everything under /proc/PID was opened while the pidfd's process was alive, so the PID
        // named that process all along.
        if let pidfd, (try? Kernel.hasExited(pidfd: pidfd)) ?? false {
            throw SwnsError("process \(pid) exited while its namespaces were being opened")
        }

        // The shell of the user the program runs as: entering a user namespace makes it 0 there
        // unless the credentials are kept.
        let entersUser = files.contains { $0.kind == .user } || mask.contains(.user)
        let runAs = uid ?? (entersUser && !command.preserveCredentials ? 0 : nil)
        (program, programArgv0) = LoginShell.program(command.program, environment: targetEnvironment, context: context,
                                                     uid: runAs)
        opened.keep()
    }

    /// Bad input is reported before anything is entered: a file that is not a namespace of the
    /// option's type gets the message setns would give, with the reason.
    static func check(_ fd: Int32, is kind: NamespaceKind, path: String) throws(SwnsError) {
        let failure = SwnsError("reassociate to namespace 'ns/\(kind.procEntry)' failed", errno: EINVAL)
        switch NamespaceFiles.type(of: fd) {
        case .success(let type) where type == kind.mask:
            return
        case .success(let type):
            let other = NamespaceKind.all.first { $0.mask == type }?.name ?? "another"
            throw failure.withHint("\(path) is a \(other) namespace, not a \(kind.name) namespace")
        case .failure:
            throw failure.withHint("\(path) is not a namespace file")
        }
    }

    /// cgroup.procs of the target's cgroup (cgroup v2), opened for the join after entering.
    static func openCgroupProcs(pid: pid_t) throws(SwnsError) -> Int32 {
        guard let text = Kernel.readText("/proc/\(pid)/cgroup"),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("0::") }) else {
            throw SwnsError("failed to get cgroup path", errno: ENOENT,
                            hint: "--join-cgroup works with the unified cgroup hierarchy (cgroup v2)")
        }
        let path = cgroup2Mountpoint() + line.dropFirst(3) + "/cgroup.procs"
        let fd = Kernel.open(path, O_WRONLY | O_APPEND)
        if fd < 0 { throw .system("failed to open cgroup.procs") }
        return fd
    }

    /// Where the unified hierarchy is mounted: /sys/fs/cgroup, or /sys/fs/cgroup/unified on hybrid
    /// systems (read from our mount table, before any namespace is entered).
    static func cgroup2Mountpoint() -> String {
        for line in (Kernel.readText("/proc/self/mountinfo") ?? "").split(separator: "\n") {
            let halves = line.split(separator: " - ", maxSplits: 1)
            guard halves.count == 2, halves[1].hasPrefix("cgroup2 ") else { continue }
            let fields = halves[0].split(separator: " ")
            if fields.count > 4 { return String(fields[4]) }
        }
        return "/sys/fs/cgroup"
    }

    deinit {
        if let pidfd { Kernel.close(pidfd) }
        for file in files { Kernel.close(file.fd) }
        for fd in [rootFD, workingDirectoryFD, cgroupProcsFD] { if let fd { Kernel.close(fd) } }
    }
}

/// The descriptors a plan has opened so far, closed again when building it fails.
final class OpenDescriptors {
    private var fds: [Int32] = []
    private var kept = false

    @discardableResult
    func add(_ fd: Int32) -> Int32 {
        fds.append(fd)
        return fd
    }

    /// open(2) read-only, with util-linux's message on failure.
    func open(_ path: String) throws(SwnsError) -> Int32 {
        let fd = Kernel.open(path, O_RDONLY)
        if fd < 0 { throw .system("cannot open \(path)") }
        return add(fd)
    }

    /// The plan owns them now.
    func keep() { kept = true }

    deinit {
        if !kept { for fd in fds { Kernel.close(fd) } }
    }
}

extension NamespaceFiles {
    /// setns(2) takes a pidfd from Linux 5.8 on.
    public static var setnsAcceptsPidfd: Bool {
        var name = utsname()
        guard uname(&name) == 0 else { return false }
        // "6.18.44-...": the first two numbers.
        var numbers = (major: 0, minor: 0, count: 0)
        withUnsafeBytes(of: name.release) { raw in
            var current: Int?
            for byte in raw {
                if byte >= 48 && byte <= 57 {
                    current = (current ?? 0) * 10 + Int(byte - 48)
                    continue
                }
                if let value = current {
                    if numbers.count == 0 { numbers.major = value } else { numbers.minor = value }
                    numbers.count += 1
                }
                current = nil
                if byte != 46 || numbers.count == 2 { break }  // stop at anything but '.'
            }
        }
        guard numbers.count >= 2 else { return false }
        return numbers.major > 5 || (numbers.major == 5 && numbers.minor >= 8)
    }
}
