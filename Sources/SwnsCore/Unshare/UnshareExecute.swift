import Glibc

extension UnsharePlan {
    /// The steps in the process that becomes the program, in util-linux's order: its own id maps,
    /// the mounts of the new mount namespace, the root and working directory, capabilities and
    /// ids, exec. `reportsStart`: swunshare itself becomes the program (no --fork), and tells the
    /// status reports of it just before exec.
    func execute(reportsStart: Bool) throws(SwnsError) -> Never {
        do {
            if let range = ownUserMap { try IDMapWriter.writeOwn(range, .user) }
            // Since Linux 3.19 an unprivileged process may write gid_map only after denying setgroups.
            if let range = ownGroupMap {
                try IDMapWriter.writeSetgroups(.deny)
                try IDMapWriter.writeOwn(range, .group)
            }
            if let mode = setgroups { try IDMapWriter.writeSetgroups(mode) }
        } catch {
            throw error.withHint(UnshareHints.afterMapWriteFailure(error, euid: euid))
        }
        try mountFileSystems()
        try switchCredentials()
        if reportsStart { statusReports.started(pid: Kernel.processID, forked: false) }
        throw program.exec()
    }

    /// Propagation of /, binfmt_misc and proc, around the change of root and working directory.
    func mountFileSystems() throws(SwnsError) {
        if let flags = rootPropagation {
            try SwnsError.wording("cannot change root filesystem propagation") { () throws(SystemError) in
                try Kernel.mount("none", on: "/", type: nil, flags: flags)
            }
        }
        if let binfmt, binfmt.registersBeforeRoot, let interpreter = binfmt.interpreter {
            try Binfmt.mount(binfmt.mountpoint)
            try Binfmt.register(interpreter, in: binfmt.mountpoint)
        }
        if let root {
            try SwnsError.wording("cannot change root directory to '\(root)'") { () throws(SystemError) in
                try Kernel.chroot(root)
            }
        }
        if let directory = workingDirectory {
            try SwnsError.wording("cannot chdir to '\(directory)'") { () throws(SystemError) in try Kernel.chdir(directory) }
        }
        if let procMount { try mountProc(procMount) }
        if let binfmt {
            try Binfmt.mount(binfmt.mountpoint)
            if let interpreter = binfmt.interpreter, !binfmt.registersBeforeRoot {
                try Binfmt.register(interpreter, in: binfmt.mountpoint)
            }
        }
    }

    /// With the default private propagation of / the proc mount is already private. EINVAL when
    /// making it private: nothing is mounted there yet, so there is no propagation to change.
    func mountProc(_ proc: ProcMount) throws(SwnsError) {
        if proc.makePrivateFirst {
            do {
                try Kernel.mount("none", on: proc.mountpoint, type: nil, flags: [.private, .recursive])
            } catch where error.errno != EINVAL {
                throw SwnsError("cannot change \(proc.mountpoint) filesystem propagation", error)
            } catch {}
        }
        try SwnsError.wording("mount \(proc.mountpoint) failed") { () throws(SystemError) in
            try Kernel.mount("proc", on: proc.mountpoint, type: "proc", flags: [.noSetuid, .noExec, .noDevices])
        }
    }

    /// Capabilities in the kernel's order: the bounding set while still privileged, keep-caps
    /// across the uid switch, then the other sets, ambient last.
    func switchCredentials() throws(SwnsError) {
        let sets = try capabilities.prepare(enteringUserNamespace: namespaces.contains(.user), uid: uid)
        if let gid {
            try ProcessCredentials.dropSupplementaryGroups()
            try ProcessCredentials.setgid(gid)
        }
        if let uid { try ProcessCredentials.setuid(uid) }
        try capabilities.applyAfterCredentials(sets)
    }
}
