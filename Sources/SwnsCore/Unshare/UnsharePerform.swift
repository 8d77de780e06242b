import Glibc

extension UnsharePlan {
    /// Carries out the plan in util-linux's order. Returns the exit status for the caller when
    /// swunshare waits for a forked child; otherwise it ends in exec, or throws.
    public func perform(diagnostics: Diagnostics) throws(SwnsError) -> Int32 {
        // As util-linux: a SIGCHLD that our caller ignores would leave no child to wait for, and
        // would be passed on to the program.
        try? Kernel.setDefaultAction(SIGCHLD)
        statusReports.keepFromProgram()
        let parent = Kernel.processID
        let helpers = try startHelpers(parent: parent, diagnostics: diagnostics)
        try makeNamespaces(mapper: helpers.mapper)

        guard let fork else {
            try persist(helpers)
            do {
                try execute(reportsStart: true)
            } catch {
                // A step between unsharing and exec failed: nothing of this run persists.
                helpers.undo?.undo()
                throw error
            }
        }
        let child = try startChild(fork, helpers: helpers)
        statusReports.started(pid: child, forked: true)
        return try exitStatus(of: child)
    }

    /// The helpers forked before unsharing, so that they keep the original namespaces: a new mount
    /// or user namespace would take away the right to bind onto the caller's files, and only a
    /// process outside a user namespace can write its maps.
    struct Helpers {
        /// Binds the namespace files (with a new mount or user namespace; else we bind them).
        var binder: HelperProcess?
        /// Takes the bound files down again in our original mount namespace when a later step fails.
        var undo: UndoHelper?
        /// Writes the id maps that need a process outside the user namespace.
        var mapper: HelperProcess?
    }

    func startHelpers(parent: pid_t, diagnostics: Diagnostics) throws(SwnsError) -> Helpers {
        var helpers = Helpers()
        let persist = persist
        if !persist.isEmpty, !namespaces.isDisjoint(with: [.mount, .user]) {
            helpers.binder = try HelperProcess.start(diagnostics: diagnostics) { () throws(SwnsError) in
                try NamespacePersistence.bind(pid: parent, targets: persist)
            }
        }
        if !persist.isEmpty {
            helpers.undo = try UndoHelper.start(waited: fork != nil) { NamespacePersistence.unbind(persist, of: parent) }
        }
        if helperUserMap != nil || helperGroupMap != nil {
            let userMap = helperUserMap, groupMap = helperGroupMap, privileged = privileged
            helpers.mapper = try HelperProcess.start(diagnostics: diagnostics) { () throws(SwnsError) in
                if let userMap {
                    try IDMapWriter.write(userMap, .user, pid: parent, privileged: privileged, diagnostics: diagnostics)
                }
                if let groupMap {
                    try IDMapWriter.write(groupMap, .group, pid: parent, privileged: privileged, diagnostics: diagnostics)
                }
            }
        }
        return helpers
    }

    /// unshare(2) as the owner, the helper's maps, and what must be set before any process is
    /// in the new namespaces: clock offsets, and the names of the UTS namespace.
    func makeNamespaces(mapper: HelperProcess?) throws(SwnsError) {
        // The user namespace is owned by the credentials that create it.
        if let owner {
            try ProcessCredentials.dropSupplementaryGroups()
            try ProcessCredentials.setgid(owner.gid)
            try ProcessCredentials.setuid(owner.uid)
        }
        do {
            try Kernel.unshare(namespaces)
        } catch {
            throw SwnsError("unshare failed", error,
                            hint: UnshareHints.afterUnshareFailure(error, mask: namespaces, euid: euid))
        }
        try mapper?.release()
        if let offset = boottimeOffset { try TimeNamespace.setOffset(offset, clock: CLOCK_BOOTTIME) }
        if let offset = monotonicOffset { try TimeNamespace.setOffset(offset, clock: CLOCK_MONOTONIC) }
        if let name = hostname {
            try SwnsError.wording("sethostname failed") { () throws(SystemError) in try Kernel.sethostname(name) }
        }
        if let name = domainname {
            try SwnsError.wording("setdomainname failed") { () throws(SystemError) in try Kernel.setdomainname(name) }
        }
    }

    /// Binds the namespace files: through the binder helper, or ourselves. A helper that failed
    /// has unbound what it bound; one that was killed has not.
    func persist(_ helpers: Helpers) throws(SwnsError) {
        guard !persist.isEmpty else { return }
        guard let binder = helpers.binder else {
            return try NamespacePersistence.bind(pid: Kernel.processID, targets: persist)
        }
        do {
            try binder.release()
        } catch {
            helpers.undo?.undo()
            throw error
        }
    }

    /// --fork: the child goes on to exec once the namespace files are bound; we stay to wait.
    func startChild(_ fork: Fork, helpers: Helpers) throws(SwnsError) -> pid_t {
        // The parent leaves SIGINT and SIGTERM to the child (or forwards them): they are blocked
        // before the fork so that none is lost in between.
        let oldMask = try SwnsError.wording("sigprocmask block failed") { () throws(SystemError) in
            try Kernel.blockSignals([SIGINT, SIGTERM])
        }
        let parentHandle = fork.killChildSignal == nil ? nil
            : try SwnsError.wording("pidfd_open failed") { () throws(SystemError) in try Kernel.pidfdOpen(Kernel.processID) }
        // The child waits at the gate until the files are bound, and tells of a failure before
        // exec on `setupFailure` (close-on-exec, so a program that runs closes it unwritten).
        let gate = persist.isEmpty ? nil : try StartGate()
        let setupFailure = persist.isEmpty ? nil
            : try SwnsError.wording("pipe failed") { () throws(SystemError) in try Kernel.pipe() }
        let child = try Processes.fork()
        if child == 0 {
            try runChild(fork, oldMask: oldMask, parentHandle: parentHandle, gate: gate, setupFailure: setupFailure?.write)
        }
        if let parentHandle { Kernel.close(parentHandle) }
        if let setupFailure { Kernel.close(setupFailure.write) }
        gate?.closeReadEnd()
        if fork.forwardSignals {
            try SwnsError.wording("sigaction failed") { () throws(SystemError) in try Kernel.forwardSignals(to: child) }
            try restoreSignalMask(oldMask)
        }
        try persist(helpers)
        gate?.open()
        // The child tells of a failure before exec, or closes the pipe by exec'ing: from then on
        // the files stay, and the undo helper can go.
        if let setupFailure {
            if Kernel.readByte(setupFailure.read) != nil { helpers.undo?.undo() } else { helpers.undo?.dismiss() }
            Kernel.close(setupFailure.read)
        }
        return child
    }

    /// The forked child, up to exec.
    private func runChild(_ fork: Fork, oldMask: sigset_t, parentHandle: Int32?, gate: StartGate?,
                          setupFailure: Int32?) throws(SwnsError) -> Never {
        try restoreSignalMask(oldMask)
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
        do {
            try execute(reportsStart: false)
        } catch {
            // The program never ran: the parent takes the namespace files down again.
            if let setupFailure { try? Kernel.write(setupFailure, [1]) }
            throw error
        }
    }

    private func restoreSignalMask(_ mask: sigset_t) throws(SwnsError) {
        try SwnsError.wording("sigprocmask restore failed") { () throws(SystemError) in try Kernel.restoreSignalMask(mask) }
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
