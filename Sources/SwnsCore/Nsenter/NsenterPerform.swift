import CSwns
import Glibc

extension NsenterPlan {
    /// Carries out the plan in util-linux's order. Returns the exit status when swnsenter forked
    /// and waited for the program; otherwise it ends in exec, or throws.
    public func perform() throws(SwnsError) -> Int32 {
        let entering = entered
        let pid = command.target?.pid ?? 0
        // Entering a user namespace sets uid and gid 0 there unless told otherwise, and drops the
        // supplementary groups. setgroups is tried before (where we are privileged) and after
        // (where we may have become so); only both failing is an error.
        let changesCredentials = entering.contains(.user) && !command.preserveCredentials
        let forceUID = changesCredentials || uid != nil
        let forceGID = changesCredentials || gid != nil
        var setgroupsFailedBefore = false
        if changesCredentials { setgroupsFailedBefore = setgroups(0, nil) != 0 }

        try enterNamespaces(pid: pid)

        // chroot, then the working directory: -w's descriptor, -W's path inside, or the one we
        // had (kept across the chroot, as util-linux does).
        var workingDirectory = workingDirectoryFD
        if rootFD != nil, workingDirectory == nil, command.workingDirectoryInNamespace == nil {
            let fd = Kernel.open(".", O_RDONLY)
            if fd < 0 { throw .system("cannot open current working directory") }
            workingDirectory = fd
        }
        if let rootFD {
            if fchdir(rootFD) != 0 { throw .system("change directory by root file descriptor failed") }
            if Glibc.chroot(".") != 0 { throw .system("chroot failed") }
        }
        if let directory = command.workingDirectoryInNamespace {
            let fd = Kernel.open(directory, O_RDONLY)
            if fd < 0 { throw .system("cannot open current working directory") }
            workingDirectory = fd
        }
        if let workingDirectory, fchdir(workingDirectory) != 0 {
            throw .system("change directory by working directory file descriptor failed")
        }

        if let cgroupProcsFD, let error = Kernel.writeAll(cgroupProcsFD, Array(String(getpid()).utf8)) {
            throw .system("write cgroup.procs (\(getpid())) failed", errno: error)
        }

        // A pid namespace is entered by children only: fork so that the program is inside.
        if entering.contains(.pid), !command.noFork {
            // A caller that ignores SIGCHLD would leave nothing to wait for.
            _ = swns_default_signal(SIGCHLD)
            let child = try Kernel.fork()
            if child > 0 { return try Self.continueAsParent(of: child) }
        }

        let capabilities = try command.capabilities.prepare(enteringUserNamespace: entering.contains(.user),
                                                            uid: forceUID ? uid ?? 0 : nil)
        if forceGID {
            if setgroups(0, nil) != 0 && setgroupsFailedBefore {
                throw SwnsError.system("setgroups failed").withHint(NsenterHints.afterSetgroupsFailure(errno: errno))
            }
            try Kernel.setgid(gid ?? 0)
        }
        if forceUID {
            try Kernel.setuid(uid ?? 0)
        }
        try command.capabilities.applyAfterCredentials(capabilities)

        // The login shell is run by its path, as util-linux's execl runs it.
        throw Kernel.exec(program, argv0: programArgv0, environment: targetEnvironment, searchPath: programArgv0 == nil)
    }

    /// Two passes: everything but the user namespace first, failures tolerated (entering them
    /// first deprivileges a root caller last); then the user namespace and whatever failed,
    /// failures fatal (entering it first gives an unprivileged caller the rights for the rest).
    func enterNamespaces(pid: pid_t) throws(SwnsError) {
        var pendingMask = pidfdMask
        var pendingFiles = files
        if let pidfd, !pendingMask.subtracting(.user).isEmpty {
            if NamespaceFiles.enter(pidfd, pendingMask.subtracting(.user)) == nil {
                pendingMask = pendingMask.intersection(.user)
            }
        }
        pendingFiles.removeAll { file in
            guard file.kind != .user, NamespaceFiles.enter(file.fd, file.kind.mask) == nil else { return false }
            Kernel.close(file.fd)
            return true
        }

        let userFirst = pendingFiles.first { $0.kind == .user }
        if let user = userFirst, let error = NamespaceFiles.enter(user.fd, .user) {
            throw failure(entering: "namespace 'ns/user'", errno: error, pid: pid)
        }
        if let pidfd, !pendingMask.isEmpty, let error = NamespaceFiles.enter(pidfd, pendingMask) {
            throw failure(entering: "namespaces", errno: error, pid: pid)
        }
        for file in pendingFiles where file.kind != .user {
            if let error = NamespaceFiles.enter(file.fd, file.kind.mask) {
                throw failure(entering: "namespace 'ns/\(file.kind.procEntry)'", errno: error, pid: pid)
            }
        }
    }

    private func failure(entering what: String, errno: Int32, pid: pid_t) -> SwnsError {
        SwnsError("reassociate to \(what) failed", errno: errno)
            .withHint(NsenterHints.afterSetnsFailure(errno: errno, entering: entered, euid: euid, pid: pid,
                                                     pidfd: pidfd))
    }

    /// util-linux's continue_as_child: wait, stop when the child stops and continue it when we
    /// are continued, then exit as it did.
    static func continueAsParent(of child: pid_t) throws(SwnsError) -> Int32 {
        switch try Kernel.waitMirroringStops(child) {
        case .exited(let status):
            return status
        case .signaled(let signal):
            try Kernel.reraise(signal)
            return 1
        default:
            return 1
        }
    }
}

/// The `hint:` line after a refusal, when its cause is cheap to know.
enum NsenterHints {
    static func afterSetnsFailure(errno: Int32, entering: NamespaceMask, euid: UInt32, pid: pid_t,
                                  pidfd: Int32?) -> String? {
        if errno == ESRCH || (pidfd.map { (try? Kernel.hasExited(pidfd: $0)) ?? false } ?? false) {
            return "process \(pid) has exited"
        }
        if errno == EPERM, euid != 0, !entering.contains(.user) {
            return "entering namespaces needs CAP_SYS_ADMIN in the user namespace that owns them: "
                + "add -U (--user) to enter the target's user namespace first"
        }
        if errno == EINVAL, entering.contains(.user), pid > 0,
           NamespaceFiles.inode(path: "/proc/\(pid)/ns/user") == NamespaceFiles.inode(path: "/proc/self/ns/user") {
            return "the target is in your own user namespace, which cannot be entered again: leave out -U"
        }
        return nil
    }

    static func afterSetgroupsFailure(errno: Int32) -> String? {
        guard errno == EPERM else { return nil }
        return "the user namespace denies setgroups (see /proc/PID/setgroups): "
            + "add --preserve-credentials to keep your ids and groups"
    }
}
