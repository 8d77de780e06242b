import Glibc

extension NsenterPlan {
    /// Carries out the plan's steps. Returns the exit status when swnsenter forked and waited for
    /// the program; otherwise it ends in exec, or throws.
    public func perform() throws(SwnsError) -> Int32 {
        statusReports.keepFromProgram()
        var run = NsenterRun(plan: self, log: StepLog.fromEnvironment())
        return try run.walk()
    }
}

/// One run of a plan: the caller's steps, and after a fork into the PID namespace, the child's in
/// the child while the caller waits.
struct NsenterRun {
    let plan: NsenterPlan
    let log: StepLog
    /// Refused setns steps of the first pass, made again after the user namespace.
    var retries: [Step] = []
    /// The first attempt at dropping the supplementary groups was refused: the second must not be.
    var groupsRefused = false
    /// The working directory opened before the chroot, to go back to.
    var keptDirectory: Int32?

    /// The steps of `process`: the caller's, or, after the fork into the PID namespace, the
    /// child's in the child, which ends in exec.
    mutating func walk(_ process: StepProcess = .caller) throws(SwnsError) -> Int32 {
        var child: pid_t = 0
        for step in plan.steps where step.process == process {
            // The refused steps of the first pass are made again after the user namespace, or
            // before the first step that is not a setns.
            if case .setns = step.action {} else { try flushRetries() }
            switch step.action {
            case .setns(let fd, let mask, let source, let retried):
                do {
                    try enter(fd, mask, source)
                } catch where retried {
                    retries.append(step)
                    continue
                }
                log.record(step)
                if !retried { try flushRetries() }
                continue
            case .fork(.child):
                log.record(step)
                // A caller that ignores SIGCHLD would leave nothing to wait for.
                try? Kernel.setDefaultAction(SIGCHLD)
                child = try Processes.fork()
                if child == 0 { return try walk(.child) }
                plan.statusReports.started(pid: child, forked: true)
                continue
            case .wait:
                log.record(step)
                return try plan.continueAsParent(of: child)
            case .exec:
                log.record(step)
                if process == .caller { plan.statusReports.started(pid: Kernel.processID, forked: false) }
                throw plan.program.exec()
            default:
                try perform(step.action)
            }
            log.record(step)
        }
        throw SwnsError("the plan ends without exec")
    }

    private mutating func flushRetries() throws(SwnsError) {
        let pending = retries
        retries = []
        for step in pending {
            guard case .setns(let fd, let mask, let source, _) = step.action else { continue }
            try enter(fd, mask, source)
            log.record(step)
        }
    }

    /// setns(2); the names in its message are made only when it fails.
    private func enter(_ fd: Int32, _ mask: NamespaceMask, _ source: StepAction.SetnsSource) throws(SwnsError) {
        do {
            switch source {
            case .pidfd(let pid): try Kernel.setns(fd, mask, name: "pidfd of \(pid)")
            case .file(let origin): try Kernel.setns(fd, mask, name: origin)
            }
        } catch {
            let what: String
            switch source {
            case .pidfd: what = "namespaces"
            case .file: what = "namespace 'ns/\(NamespaceKind.all.first { $0.mask == mask }?.procEntry ?? "")'"
            }
            throw SwnsError("reassociate to \(what) failed", error).withHint(NsenterHints.afterSetnsFailure(error, plan: plan))
        }
    }

    private mutating func perform(_ action: StepAction) throws(SwnsError) {
        switch action {
        case .dropGroups(tolerated: true):
            do {
                try Kernel.dropSupplementaryGroups()
            } catch where groupsRefused {
                throw SwnsError("setgroups failed", error).withHint(NsenterHints.afterSetgroupsFailure(error))
            } catch {
                groupsRefused = true
            }
        case .keepWorkingDirectory:
            keptDirectory = try openWorkingDirectory(".")
        case .chrootToDescriptor(let fd, _):
            try SwnsError.wording("change directory by root file descriptor failed") { () throws(SystemError) in
                try Kernel.fchdir(fd)
            }
            try SwnsError.wording("chroot failed") { () throws(SystemError) in try Kernel.chroot(".") }
        case .changeDirectory(let directory):
            let fd: Int32
            switch directory {
            case .descriptor(let descriptor, _): fd = descriptor
            case .inNamespace(let path): fd = try openWorkingDirectory(path)
            case .kept: fd = keptDirectory ?? -1
            }
            try SwnsError.wording("change directory by working directory file descriptor failed") { () throws(SystemError) in
                try Kernel.fchdir(fd)
            }
        case .joinCgroup(let fd, _):
            let pid = Kernel.processID
            try SwnsError.wording("write cgroup.procs (\(pid)) failed") { () throws(SystemError) in
                try Kernel.write(fd, Array(String(pid).utf8))
            }
        default:
            try action.performShared()
        }
    }

    private func openWorkingDirectory(_ path: String) throws(SwnsError) -> Int32 {
        try SwnsError.wording("cannot open current working directory") { () throws(SystemError) in
            try Kernel.open(path, O_RDONLY)
        }
    }
}

extension NsenterPlan {
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
