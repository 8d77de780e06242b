import CSwns
import Glibc

extension UnsharePlan {
    /// Carries out the plan in util-linux's order. Returns the exit status for the caller when
    /// swunshare waits for a forked child; otherwise it ends in exec, or throws.
    public func perform(diagnostics: Diagnostics) throws(SwnsError) -> Int32 {
        let mask = command.namespaces
        let parent = getpid()
        // As util-linux: a SIGCHLD that our caller ignores would leave no child to wait for, and
        // would be passed on to the program.
        _ = swns_default_signal(SIGCHLD)

        // Helpers are forked before unsharing so that they keep the original namespaces: a new
        // mount or user namespace would take away the right to bind onto the caller's files, and
        // only a process outside a user namespace can write its maps.
        var binder: HelperProcess?
        if !command.persist.isEmpty, !mask.isDisjoint(with: [.mount, .user]) {
            let targets = command.persist
            binder = try HelperProcess.start(diagnostics: diagnostics) { () throws(SwnsError) in
                try NamespacePersistence.bind(pid: parent, targets: targets)
            }
        }
        // Persisted files are bound in our original mount namespace; if a later step fails, this
        // helper, also forked before unsharing, takes them down there again.
        let undo = command.persist.isEmpty ? nil : try UndoHelper.start(command.persist, of: parent, waited: command.fork)
        var mapper: HelperProcess?
        if helperUserMap != nil || helperGroupMap != nil {
            let userMap = helperUserMap, groupMap = helperGroupMap, privileged = privileged
            mapper = try HelperProcess.start(diagnostics: diagnostics) { () throws(SwnsError) in
                if let userMap { try IDMapWriter.write(userMap, .user, pid: parent, privileged: privileged,
                                                             diagnostics: diagnostics) }
                if let groupMap { try IDMapWriter.write(groupMap, .group, pid: parent, privileged: privileged,
                                                               diagnostics: diagnostics) }
            }
        }

        // The user namespace is owned by the credentials that create it.
        if let owner = command.owner {
            try Kernel.dropSupplementaryGroups()
            try Kernel.setgid(owner.gid)
            try Kernel.setuid(owner.uid)
        }

        do {
            try Kernel.unshare(mask)
        } catch {
            throw error.withHint(UnshareHints.afterUnshareFailure(error, mask: mask, euid: euid))
        }
        try mapper?.release()

        // Offsets can only be written before any process is in the time namespace.
        if let offset = command.boottimeOffset { try TimeNamespace.setOffset(offset, clock: CLOCK_BOOTTIME) }
        if let offset = command.monotonicOffset { try TimeNamespace.setOffset(offset, clock: CLOCK_MONOTONIC) }
        if let name = command.hostname { try Kernel.sethostname(name) }
        if let name = command.domainname { try Kernel.setdomainname(name) }

        var child: pid_t = 0
        var gate: StartGate?
        // Written by the child when a step before exec fails (close-on-exec, so a program that
        // runs closes it unwritten).
        var setupFailure: (read: Int32, write: Int32)?
        if command.fork {
            // The parent leaves SIGINT and SIGTERM to the child (or forwards them): they are
            // blocked before the fork so that none is lost in between.
            let oldMask = try Kernel.blockSignals([SIGINT, SIGTERM])
            let parentHandle = command.killChildSignal == nil ? -1 : try Kernel.pidfdOpen(getpid())
            if !command.persist.isEmpty {
                gate = try StartGate()
                setupFailure = try Kernel.pipe()
            }
            child = try Kernel.fork()
            if child == 0 {
                try Kernel.restoreSignalMask(oldMask)
                gate?.wait()
                if let signal = command.killChildSignal {
                    try Kernel.setParentDeathSignal(signal)
                    // Reparented before prctl took effect: the parent is gone, and nobody
                    // wants the orphan's status.
                    if try Kernel.hasExited(pidfd: parentHandle) { exit(1) }
                    Kernel.close(parentHandle)
                }
                do {
                    try execute()
                } catch {
                    // The program never ran: the parent takes the namespace files down again.
                    if let setupFailure { _ = Kernel.writeAll(setupFailure.write, [1]) }
                    throw error
                }
            }
            if parentHandle >= 0 { Kernel.close(parentHandle) }
            if let setupFailure { Kernel.close(setupFailure.write) }
            gate?.closeReadEnd()
            if command.forwardSignals {
                if swns_forward_signals(child) != 0 { throw .system("sigaction failed") }
                try Kernel.restoreSignalMask(oldMask)
            }
        }

        if !command.persist.isEmpty {
            if let binder {
                do {
                    try binder.release()
                } catch {
                    // A helper that failed has unbound what it bound; one that was killed has not.
                    undo?.undo()
                    throw error
                }
            } else {
                try NamespacePersistence.bind(pid: getpid(), targets: command.persist)
            }
            gate?.open()
            // The child tells of a failure before exec, or closes the pipe by exec'ing: from then
            // on the files stay, and the undo helper can go.
            if let setupFailure {
                if Kernel.readByte(setupFailure.read) != nil { undo?.undo() } else { undo?.dismiss() }
                Kernel.close(setupFailure.read)
            }
        }

        guard child > 0 else {
            do {
                try execute()
            } catch {
                // A step between unsharing and exec failed: nothing of this run persists.
                undo?.undo()
                throw error
            }
        }
        // Beyond util-linux, which keeps waiting for a stopped child: stops are mirrored, so
        // that a shell gets its prompt back and `fg` continues both.
        let status = try Kernel.waitMirroringStops(child)
        switch status {
        case .exited(let status):
            return status
        case .signaled(let signal):
            // util-linux resets the signal's handler before re-raising it, which SIGKILL refuses:
            // a child killed by SIGKILL makes it exit 1 with this message, and so does swunshare.
            if signal == SIGKILL { throw SwnsError("sigprocmask unblock failed", errno: EINVAL) }
            try Kernel.reraise(signal)
        default:
            break
        }
        throw .system("child exit failed")
    }

    /// The steps in the process that becomes the program.
    func execute() throws(SwnsError) -> Never {
        let mask = command.namespaces
        if let range = ownUserMap { try Kernel.writeFile("/proc/self/uid_map", range.description) }
        // Since Linux 3.19 an unprivileged process may write gid_map only after denying setgroups.
        if let range = ownGroupMap {
            try Self.writeSetgroups(.deny)
            try Kernel.writeFile("/proc/self/gid_map", range.description)
        }
        if let mode = command.setgroups { try Self.writeSetgroups(mode) }
        if mask.contains(.mount), let flags = command.propagation.mountFlags {
            try Kernel.mount(source: "none", target: "/", type: nil, flags: flags,
                             what: "cannot change root filesystem propagation")
        }

        // With the F flag the kernel opens the interpreter when it is registered, so it is
        // registered from the caller's file system, before the chroot.
        var interpreterLoaded = false
        if let interpreter = command.interpreter, interpreter.fixBinary, command.root != nil,
           let binfmt = command.binfmtMountpoint {
            try Binfmt.mount(binfmt)
            try Binfmt.register(interpreter, in: binfmt)
            interpreterLoaded = true
        }

        if let root = command.root {
            try Kernel.chroot(root)
            try Kernel.chdir(command.workingDirectory ?? "/")
        } else if let directory = command.workingDirectory {
            try Kernel.chdir(directory)
        }

        if let proc = command.procMountpoint {
            // With the default private propagation of / the proc mount is already private.
            // EINVAL: nothing is mounted there yet, so there is no propagation to change.
            if command.root == nil, command.propagation != .private {
                do {
                    try Kernel.mount(source: "none", target: proc, type: nil, flags: SWNS_MS_PRIVATE | SWNS_MS_REC,
                                     what: "cannot change \(proc) filesystem propagation")
                } catch where error.errno != EINVAL {
                    throw error
                } catch {}
            }
            try Kernel.mount(source: "proc", target: proc, type: "proc",
                             flags: SWNS_MS_NOSUID | SWNS_MS_NOEXEC | SWNS_MS_NODEV, what: "mount \(proc) failed")
        }
        if let binfmt = command.binfmtMountpoint {
            try Binfmt.mount(binfmt)
            if let interpreter = command.interpreter, !interpreterLoaded {
                try Binfmt.register(interpreter, in: binfmt)
            }
        }

        // Capabilities in the kernel's order: the bounding set while still privileged, keep-caps
        // across the uid switch, then the other sets, ambient last.
        let capabilities = try command.capabilities.prepare(enteringUserNamespace: mask.contains(.user), uid: command.uid)
        if let gid = command.gid {
            try Kernel.dropSupplementaryGroups()
            try Kernel.setgid(gid)
        }
        if let uid = command.uid { try Kernel.setuid(uid) }
        try command.capabilities.applyAfterCredentials(capabilities)

        // The login shell is run by its path, as util-linux's execl runs it.
        throw Kernel.exec(program, argv0: programArgv0, environment: environment, searchPath: programArgv0 == nil)
    }

    /// Kernels before 3.19 have no setgroups file, and nothing to control.
    static func writeSetgroups(_ mode: UnshareCommand.SetgroupsMode) throws(SwnsError) {
        try Kernel.writeFile("/proc/self/setgroups", mode.rawValue, skipIfMissing: true)
    }
}

/// Binding namespace files onto paths, so that the namespaces outlive their processes.
public enum NamespacePersistence {
    /// Takes the files of a failed run of process `pid` down again: each target on which that
    /// process's namespace is bound, and no other mount (a target that was never bound may hold
    /// someone else's).
    public static func unbind(_ targets: [NamespaceKind: String], of pid: pid_t) {
        for kind in NamespaceKind.all.reversed() {
            guard let target = targets[kind] else { continue }
            var bound = stat(), ours = stat()
            guard CStrings.withCString(target, { stat($0, &bound) }) == 0, stat("/proc/\(pid)/ns/\(kind.persistEntry)", &ours) == 0,
                  bound.st_dev == ours.st_dev, bound.st_ino == ours.st_ino else { continue }
            _ = Kernel.unmount(target)
        }
    }

    /// Binds /proc/PID/ns/TYPE onto each target; when one fails, the ones already bound are
    /// unmounted again, so that a failure leaves nothing behind.
    public static func bind(pid: pid_t, targets: [NamespaceKind: String]) throws(SwnsError) {
        var bound: [String] = []
        for kind in NamespaceKind.all {
            guard let target = targets[kind] else { continue }
            let source = "/proc/\(pid)/ns/\(kind.persistEntry)"
            do {
                try Kernel.mount(source: source, target: target, type: nil, flags: SWNS_MS_BIND,
                                 what: "mount \(source) on \(target) failed")
            } catch {
                for path in bound.reversed() { _ = Kernel.unmount(path) }
                throw error.withHint(UnshareHints.afterBindFailure(error, kind: kind, target: target))
            }
            bound.append(target)
        }
    }
}

/// CLOCK_MONOTONIC and CLOCK_BOOTTIME offsets of a new time namespace.
public enum TimeNamespace {
    public static func setOffset(_ seconds: Int64, clock: Int32) throws(SwnsError) {
        let path = "/proc/self/timens_offsets"
        let fd = Kernel.open(path, O_WRONLY)
        if fd < 0 { throw .system("failed to open \(path)") }
        defer { Kernel.close(fd) }
        if let error = Kernel.writeAll(fd, Array("\(clock) \(seconds) 0".utf8)) {
            throw .system("failed to write to \(path)", errno: error)
        }
    }
}

/// binfmt_misc in a new user and mount namespace (Linux 6.7 and later give each user namespace
/// its own).
public enum Binfmt {
    public static func mount(_ directory: String) throws(SwnsError) {
        try Kernel.mount(source: "binfmt_misc", target: directory, type: "binfmt_misc",
                         flags: SWNS_MS_NOSUID | SWNS_MS_NOEXEC | SWNS_MS_NODEV, what: "mount \(directory) failed")
    }

    public static func register(_ interpreter: BinfmtInterpreter, in directory: String) throws(SwnsError) {
        let path = directory + "/register"
        let fd = Kernel.open(path, O_WRONLY)
        if fd < 0 { throw .system("cannot open \(path)") }
        defer { Kernel.close(fd) }
        if let error = Kernel.writeAll(fd, Array(interpreter.specification.utf8)) {
            throw .system("cannot write interpreter", errno: error)
        }
    }
}
