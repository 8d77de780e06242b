import Glibc

extension StepAction {
    /// Carries out an action that means the same in every tool, with util-linux's message when
    /// it fails. The others a tool's run carries out before it comes here, because they make or
    /// wait for processes or need the tool's hints: fork, wait, exec, unshare, setns, binds, the
    /// maps written for the caller, and swnsenter's directories, cgroup and tolerated setgroups.
    func performShared() throws(SwnsError) {
        switch self {
        case .writeOwnMap(let kind, let range):
            try IDMapWriter.writeOwn(range, kind)
        case .writeSetgroups(let mode):
            try IDMapWriter.writeSetgroups(mode)
        case .setClockOffset(let clock, let seconds):
            try TimeNamespace.setOffset(seconds, clock: clock)
        case .sethostname(let name):
            try SwnsError.wording("sethostname failed") { () throws(SystemError) in try Kernel.sethostname(name) }
        case .setdomainname(let name):
            try SwnsError.wording("setdomainname failed") { () throws(SystemError) in try Kernel.setdomainname(name) }
        case .propagateRoot(let flags):
            try SwnsError.wording("cannot change root filesystem propagation") { () throws(SystemError) in
                try Kernel.mount("none", on: "/", type: nil, flags: flags)
            }
        case .makePrivate(let mountpoint):
            do {
                try Kernel.mount("none", on: mountpoint, type: nil, flags: [.private, .recursive])
            } catch where error.errno != EINVAL {
                throw SwnsError("cannot change \(mountpoint) filesystem propagation", error)
            } catch {}
        case .mountProc(let mountpoint):
            try SwnsError.wording("mount \(mountpoint) failed") { () throws(SystemError) in
                try Kernel.mount("proc", on: mountpoint, type: "proc", flags: Self.procFlags)
            }
        case .mountBinfmt(let mountpoint):
            try Binfmt.mount(mountpoint)
        case .registerBinfmt(let interpreter, let mountpoint):
            try Binfmt.register(interpreter, in: mountpoint)
        case .chroot(let path):
            try SwnsError.wording("cannot change root directory to '\(path)'") { () throws(SystemError) in
                try Kernel.chroot(path)
            }
        case .chdir(let path):
            try SwnsError.wording("cannot chdir to '\(path)'") { () throws(SystemError) in try Kernel.chdir(path) }
        case .dropGroups(tolerated: false):
            try ProcessCredentials.dropSupplementaryGroups()
        case .setgid(let gid):
            try ProcessCredentials.setgid(gid)
        case .setuid(let uid):
            try ProcessCredentials.setuid(uid)
        case .dropBounding(let mask):
            try Self.forEachCapability(in: mask) { (value) throws(SwnsError) in
                try SwnsError.wording("cannot drop \(Capability.name(value)) from the bounding set") {
                    () throws(SystemError) in try Libcap.dropBound(value)
                }
            }
        case .keepCapabilities(let keep):
            try SwnsError.wording("prctl(PR_SET_KEEPCAPS) failed") { () throws(SystemError) in
                try Kernel.setKeepCapabilities(keep)
            }
        case .setCapabilities(let sets):
            try SwnsError.wording("capset failed") { () throws(SystemError) in try Libcap.setProcessSets(sets) }
        case .clearAmbient:
            try SwnsError.wording("prctl(PR_CAP_AMBIENT_CLEAR_ALL) failed") { () throws(SystemError) in
                try Libcap.clearAmbient()
            }
        case .raiseAmbient(let mask):
            try Self.forEachCapability(in: mask) { (value) throws(SwnsError) in
                try SwnsError.wording("cannot raise \(Capability.name(value)) in the ambient set") {
                    () throws(SystemError) in try Kernel.raiseAmbient(value)
                }
            }
        case .noNewPrivileges:
            try SwnsError.wording("prctl(PR_SET_NO_NEW_PRIVS) failed") { () throws(SystemError) in
                try Kernel.setNoNewPrivileges()
            }
        default:
            break
        }
    }

    /// Each capability of `mask`, lowest first.
    static func forEachCapability(in mask: UInt64, _ body: (Int) throws(SwnsError) -> Void) throws(SwnsError) {
        var rest = mask
        while rest != 0 {
            try body(rest.trailingZeroBitCount)
            rest &= rest - 1
        }
    }

    /// proc is mounted as util-linux mounts it.
    static let procFlags: MountFlags = [.noSetuid, .noExec, .noDevices]
}
