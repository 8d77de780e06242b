import Glibc

extension NsenterPlan {
    /// Carries out the plan in util-linux's order. Returns the exit status when swnsenter forked
    /// and waited for the program; otherwise it ends in exec, or throws.
    public func perform() throws(SwnsError) -> Int32 {
        // Entering a user namespace drops the supplementary groups: setgroups is tried before
        // (where we are privileged) and after (where we may have become so); only both failing
        // is an error.
        let setgroupsFailedBefore = changesCredentials && (try? Kernel.dropSupplementaryGroups()) == nil
        statusReports.keepFromProgram()
        try enterNamespaces()
        try changeDirectories()
        if let cgroupProcsFD {
            let pid = Kernel.processID
            try SwnsError.wording("write cgroup.procs (\(pid)) failed") { () throws(SystemError) in
                try Kernel.write(cgroupProcsFD, Array(String(pid).utf8))
            }
        }
        if forksForPidNamespace {
            // A caller that ignores SIGCHLD would leave nothing to wait for.
            try? Kernel.setDefaultAction(SIGCHLD)
            let child = try Processes.fork()
            if child > 0 {
                statusReports.started(pid: child, forked: true)
                return try continueAsParent(of: child)
            }
        }
        try switchCredentials(setgroupsFailedBefore: setgroupsFailedBefore)
        if !forksForPidNamespace { statusReports.started(pid: Kernel.processID, forked: false) }
        throw program.exec()
    }

    /// Two passes: everything but the user namespace first, failures tolerated (entering them
    /// first deprivileges a root caller last); then the user namespace and whatever failed,
    /// failures fatal (entering it first gives an unprivileged caller the rights for the rest).
    func enterNamespaces() throws(SwnsError) {
        var pendingMask = pidfdMask
        if let target, let pidfd = target.pidfd, !pendingMask.subtracting(.user).isEmpty,
           (try? Kernel.setns(pidfd, pendingMask.subtracting(.user), name: "pidfd of \(target.pid)")) != nil {
            pendingMask = pendingMask.intersection(.user)
        }
        var pending: [NamespaceDescriptor] = []
        for file in files {
            if file.kind != .user, (try? Kernel.setns(file.fd, file.kind.mask, name: file.origin)) != nil { continue }
            pending.append(file)
        }

        if let user = pending.first(where: { $0.kind == .user }) {
            try enter(user.fd, .user, name: user.origin, what: "namespace 'ns/user'")
        }
        if let target, let pidfd = target.pidfd, !pendingMask.isEmpty {
            try enter(pidfd, pendingMask, name: "pidfd of \(target.pid)", what: "namespaces")
        }
        for file in pending where file.kind != .user {
            try enter(file.fd, file.kind.mask, name: file.origin, what: "namespace 'ns/\(file.kind.procEntry)'")
        }
    }

    private func enter(_ fd: Int32, _ mask: NamespaceMask, name: @autoclosure () -> String,
                       what: @autoclosure () -> String) throws(SwnsError) {
        do {
            try Kernel.setns(fd, mask, name: name())
        } catch {
            throw SwnsError("reassociate to \(what()) failed", error).withHint(NsenterHints.afterSetnsFailure(error, plan: self))
        }
    }

    /// chroot, then the working directory: -w's descriptor, -W's path inside, or the one we had
    /// (kept across the chroot, as util-linux does).
    func changeDirectories() throws(SwnsError) {
        var workingDirectory = workingDirectoryFD
        if keepsWorkingDirectory { workingDirectory = try openWorkingDirectory(".") }
        if let rootFD {
            try SwnsError.wording("change directory by root file descriptor failed") { () throws(SystemError) in
                try Kernel.fchdir(rootFD)
            }
            try SwnsError.wording("chroot failed") { () throws(SystemError) in try Kernel.chroot(".") }
        }
        if let directory = workingDirectoryInNamespace { workingDirectory = try openWorkingDirectory(directory) }
        if let workingDirectory {
            try SwnsError.wording("change directory by working directory file descriptor failed") { () throws(SystemError) in
                try Kernel.fchdir(workingDirectory)
            }
        }
    }

    private func openWorkingDirectory(_ path: String) throws(SwnsError) -> Int32 {
        try SwnsError.wording("cannot open current working directory") { () throws(SystemError) in
            try Kernel.open(path, O_RDONLY)
        }
    }

    /// Capabilities and ids in the kernel's order, as in swunshare.
    func switchCredentials(setgroupsFailedBefore: Bool) throws(SwnsError) {
        let sets = try capabilities.prepare(enteringUserNamespace: entering.contains(.user), uid: switchUID)
        if let gid = switchGID {
            do {
                try Kernel.dropSupplementaryGroups()
            } catch where setgroupsFailedBefore {
                throw SwnsError("setgroups failed", error).withHint(NsenterHints.afterSetgroupsFailure(error))
            } catch {}
            try ProcessCredentials.setgid(gid)
        }
        if let uid = switchUID { try ProcessCredentials.setuid(uid) }
        try capabilities.applyAfterCredentials(sets)
    }

    /// util-linux's continue_as_child: wait, stop when the child stops and continue it when we
    /// are continued, then exit as it did. The status reports get the status swnsenter exits with.
    func continueAsParent(of child: pid_t) throws(SwnsError) -> Int32 {
        switch try Processes.waitMirroringStops(child) {
        case .exited(let status):
            statusReports.ended(exitCode: status)
            return status
        case .signaled(let signal):
            statusReports.ended(exitCode: 128 + signal)
            try Processes.reraise(signal)
            return 1
        default:
            statusReports.ended(exitCode: 1)
            return 1
        }
    }
}

/// The `hint:` line after a refusal, when its cause is cheap to know.
enum NsenterHints {
    static func afterSetnsFailure(_ error: SystemError, plan: NsenterPlan) -> String? {
        if error.errno == ESRCH || (plan.target?.hasExited ?? false) {
            return "process \(plan.target?.pid ?? 0) has exited"
        }
        if error.errno == EPERM, plan.euid != 0, !plan.entering.contains(.user) {
            return "entering namespaces needs CAP_SYS_ADMIN in the user namespace that owns them: "
                + "add -U (--user) to enter the target's user namespace first"
        }
        if error.errno == EINVAL, plan.userNamespaceIsOurs {
            return "the target is in your own user namespace, which cannot be entered again: leave out -U"
        }
        return nil
    }

    static func afterSetgroupsFailure(_ error: SystemError) -> String? {
        guard error.errno == EPERM else { return nil }
        return "the user namespace denies setgroups (see /proc/PID/setgroups): "
            + "add --preserve-credentials to keep your ids and groups"
    }
}
