import Glibc

extension UnsharePlan {
    /// Carries out the plan's steps. Returns the exit status for the caller when swunshare waits
    /// for a forked child; otherwise it ends in exec, or throws.
    public func perform(diagnostics: Diagnostics) throws(SwnsError) -> Int32 {
        // As util-linux: a SIGCHLD that our caller ignores would leave no child to wait for, and
        // would be passed on to the program.
        try? Kernel.setDefaultAction(SIGCHLD)
        statusReports.keepFromProgram()
        var run = UnshareRun(plan: self, diagnostics: diagnostics, log: StepLog.fromEnvironment(),
                             parent: Kernel.processID)
        return try run.walk()
    }
}

/// One run of a plan, in the caller: it walks the steps, makes its own, forks the helpers and the
/// child where their steps begin and lets each go at its first step (a helper makes all of its
/// steps then; the child waits while the caller binds the namespace files).
struct UnshareRun {
    let plan: UnsharePlan
    let diagnostics: Diagnostics
    let log: StepLog
    let parent: pid_t
    var binder: HelperProcess?
    var mapper: HelperProcess?
    /// Takes the bound files down again in our original mount namespace when a later step fails.
    var undo: UndoHelper?
    var child: ForkedChild?
    /// A step that binds files was reached: a failure from here on takes them down again.
    var binding = false

    /// The child of --fork, from its fork to its release.
    struct ForkedChild {
        let pid: pid_t
        /// The child waits at the gate until the files are bound, and tells of a failure before
        /// exec on `setupFailure` (close-on-exec, so a program that runs closes it unwritten).
        let gate: StartGate?
        let setupFailure: Int32?
        var released = false
    }

    mutating func walk() throws(SwnsError) -> Int32 {
        for step in plan.steps {
            do {
                switch step.process {
                case .caller:
                    if let status = try performInCaller(step) { return status }
                case .bindHelper:
                    binding = true
                    try binder?.release()
                    binder = nil
                case .mapHelper:
                    try mapper?.release()
                    mapper = nil
                case .child:
                    try releaseChild()
                case .undoHelper:
                    break
                }
            } catch {
                // Nothing of this run persists. A helper that failed has unbound what it bound;
                // one that was killed has not. Once the child is let go, its own report of a
                // failure before exec has decided (see releaseChild).
                if binding && !(child?.released ?? false) { undo?.undo() }
                throw error
            }
        }
        throw SwnsError("the plan ends without exec")
    }

    /// Our own steps; the exit status once the child is waited for.
    private mutating func performInCaller(_ step: Step) throws(SwnsError) -> Int32? {
        switch step.action {
        case .fork(.bindHelper):
            let (plan, parent, log) = (plan, parent, log)
            binder = try HelperProcess.start(diagnostics: diagnostics) { () throws(SwnsError) in
                try plan.performBinds(in: .bindHelper, pid: parent, log: log)
            }
        case .fork(.undoHelper):
            let (persist, parent) = (plan.persist, parent)
            undo = try UndoHelper.start(waited: plan.fork != nil) { NamespacePersistence.unbind(persist, of: parent) }
        case .fork(.mapHelper):
            let (plan, parent, log, diagnostics) = (plan, parent, log, diagnostics)
            mapper = try HelperProcess.start(diagnostics: diagnostics) { () throws(SwnsError) in
                for step in plan.steps where step.process == .mapHelper {
                    guard case .writeCallerMap(let kind, let map, let privileged) = step.action else { continue }
                    try IDMapWriter.write(map, kind, pid: parent, privileged: privileged, diagnostics: diagnostics)
                    log.record(step)
                }
            }
        case .fork:
            log.record(step)
            child = try startChild()
            return nil
        case .unshare(let mask):
            do {
                try Kernel.unshare(mask)
            } catch {
                throw SwnsError("unshare failed", error,
                                hint: UnshareHints.afterUnshareFailure(error, mask: mask, euid: plan.euid))
            }
        case .bind:
            // Ours, with no new mount or user namespace: all of them at once, at the first.
            guard !binding else { return nil }
            binding = true
            try plan.performBinds(in: .caller, pid: parent, log: log)
            return nil
        case .wait:
            log.record(step)
            return try plan.exitStatus(of: child?.pid ?? 0)
        default:
            try performStep(step, reportsStart: true)
            return nil
        }
        log.record(step)
        return nil
    }

    /// A step that needs nothing of the run's processes: a shared one, or exec, which ends this
    /// process; `reportsStart`: this process becomes the program (no --fork), and tells the
    /// status reports of it (else the parent does).
    private func performStep(_ step: Step, reportsStart: Bool) throws(SwnsError) {
        if case .exec = step.action {
            log.record(step)
            if reportsStart { plan.statusReports.started(pid: parent, forked: false) }
            throw plan.program.exec()
        }
        try plan.performInProgram(step)
        log.record(step)
    }

    /// --fork: the child goes on to exec once the namespace files are bound; we stay to wait.
    private func startChild() throws(SwnsError) -> ForkedChild {
        let fork = plan.fork ?? UnsharePlan.Fork(killChildSignal: nil, forwardSignals: false)
        // The parent leaves SIGINT and SIGTERM to the child (or forwards them): they are blocked
        // before the fork so that none is lost in between.
        let oldMask = try SwnsError.wording("sigprocmask block failed") { () throws(SystemError) in
            try Kernel.blockSignals([SIGINT, SIGTERM])
        }
        let parentHandle = fork.killChildSignal == nil ? nil
            : try SwnsError.wording("pidfd_open failed") { () throws(SystemError) in try Kernel.pidfdOpen(Kernel.processID) }
        let persists = !plan.persist.isEmpty
        let gate = persists ? try StartGate() : nil
        let setupFailure = persists ? try SwnsError.wording("pipe failed") { () throws(SystemError) in try Kernel.pipe() } : nil
        let pid = try Processes.fork()
        if pid == 0 {
            try runChild(fork, oldMask: oldMask, parentHandle: parentHandle, gate: gate, setupFailure: setupFailure?.write)
        }
        if let parentHandle { Kernel.close(parentHandle) }
        if let setupFailure { Kernel.close(setupFailure.write) }
        gate?.closeReadEnd()
        if fork.forwardSignals {
            try SwnsError.wording("sigaction failed") { () throws(SystemError) in try Kernel.forwardSignals(to: pid) }
            try Self.restoreSignalMask(oldMask)
        }
        return ForkedChild(pid: pid, gate: gate, setupFailure: setupFailure?.read)
    }

    /// At the child's first step: the files are bound, the gate opens. The child tells of a
    /// failure before exec, or closes the pipe by exec'ing: from then on the files stay, and the
    /// undo helper can go.
    private mutating func releaseChild() throws(SwnsError) {
        guard var child, !child.released else { return }
        child.released = true
        self.child = child
        child.gate?.open()
        if let setupFailure = child.setupFailure {
            if Kernel.readByte(setupFailure) != nil { undo?.undo() } else { undo?.dismiss() }
            Kernel.close(setupFailure)
        }
        plan.statusReports.started(pid: child.pid, forked: true)
    }

    /// The forked child, up to exec: its steps are the plan's child steps.
    private func runChild(_ fork: UnsharePlan.Fork, oldMask: sigset_t, parentHandle: Int32?, gate: StartGate?,
                          setupFailure: Int32?) throws(SwnsError) -> Never {
        try Self.restoreSignalMask(oldMask)
        gate?.wait()
        if let signal = fork.killChildSignal, let parentHandle {
            try SwnsError.wording("prctl failed") { () throws(SystemError) in try Kernel.setParentDeathSignal(signal) }
            // Reparented before prctl took effect: the parent is gone, and nobody wants the
            // orphan's status.
            let gone = try SwnsError.wording("poll parent pidfd failed") { () throws(SystemError) in
                try Kernel.hasExited(pidfd: parentHandle)
            }
            if gone { Kernel.exit(1) }
            Kernel.close(parentHandle)
        }
        do throws(SwnsError) {
            for step in plan.steps where step.process == .child { try performStep(step, reportsStart: false) }
            throw SwnsError("the plan ends without exec")
        } catch {
            // The program never ran: the parent takes the namespace files down again.
            if let setupFailure { try? Kernel.write(setupFailure, [1]) }
            throw error
        }
    }

    private static func restoreSignalMask(_ mask: sigset_t) throws(SwnsError) {
        try SwnsError.wording("sigprocmask restore failed") { () throws(SystemError) in try Kernel.restoreSignalMask(mask) }
    }
}

extension UnsharePlan {
    /// The binds of `process`, all at once: when one fails, the ones before are taken down.
    func performBinds(in process: StepProcess, pid: pid_t, log: StepLog) throws(SwnsError) {
        var binds: [Step] = []
        var targets: [(kind: NamespaceKind, target: String)] = []
        for step in steps where step.process == process {
            guard case .bind(let kind, let target) = step.action else { continue }
            binds.append(step)
            targets.append((kind, target))
        }
        try NamespacePersistence.bind(pid: pid, targets) { log.record(binds[$0]) }
    }

    /// A step of the process that becomes the program (or of the caller before it): the shared
    /// ones, with the hint after a map that could not be written.
    func performInProgram(_ step: Step) throws(SwnsError) {
        do {
            try step.action.performShared()
        } catch {
            switch step.action {
            case .writeOwnMap, .writeSetgroups: throw error.withHint(UnshareHints.afterMapWriteFailure(error, euid: euid))
            default: throw error
            }
        }
    }

    /// Waits for the forked child and ends as it did. Beyond util-linux, which keeps waiting for a
    /// stopped child, stops are mirrored, so that a shell gets its prompt back and `fg` continues
    /// both. The status reports get the status swunshare exits with.
    func exitStatus(of child: pid_t) throws(SwnsError) -> Int32 {
        switch try Processes.waitMirroringStops(child) {
        case .exited(let status):
            statusReports.ended(exitCode: status)
            return status
        case .signaled(let signal):
            // util-linux resets the signal's handler before re-raising it, which SIGKILL refuses:
            // a child killed by SIGKILL makes it exit 1 with this message, and so does swunshare.
            statusReports.ended(exitCode: signal == SIGKILL ? 1 : 128 + signal)
            if signal == SIGKILL { throw SwnsError("sigprocmask unblock failed", errno: EINVAL) }
            try Processes.reraise(signal)
        default:
            break
        }
        statusReports.ended(exitCode: 1)
        throw SwnsError("child exit failed")
    }
}
