import CSwns
import Glibc

/// Mounts, the root directory and the working directory.
extension Kernel {
    /// mount(2) with no data; `type` nil for a change of propagation or a bind mount.
    public static func mount(_ source: String, on target: String, type: String?, flags: MountFlags) throws(SystemError) {
        let rc = CStrings.withCString(source) { source in
            CStrings.withCString(target) { target in
                if let type { return Glibc.mount(source, target, type, flags.rawValue, nil) }
                return Glibc.mount(source, target, nil, flags.rawValue, nil)
            }
        }
        if rc != 0 { throw SystemError("mount", "\(source), \(target), \(type ?? "NULL"), \(flags)") }
    }

    /// umount2(2), detached (MNT_DETACH) unless told otherwise.
    public static func unmount(_ target: String, detach: Bool = true) throws(SystemError) {
        if CStrings.withCString(target, { umount2($0, detach ? SWNS_MNT_DETACH : 0) }) != 0 {
            throw SystemError("umount2", target)
        }
    }

    public static func chroot(_ path: String) throws(SystemError) {
        if CStrings.withCString(path, { Glibc.chroot($0) }) != 0 { throw SystemError("chroot", path) }
    }

    public static func chdir(_ path: String) throws(SystemError) {
        if CStrings.withCString(path, { Glibc.chdir($0) }) != 0 { throw SystemError("chdir", path) }
    }

    public static func fchdir(_ fd: Int32) throws(SystemError) {
        if Glibc.fchdir(fd) != 0 { throw SystemError("fchdir", String(fd)) }
    }

    /// An O_PATH descriptor (of a directory, if `directory`) for `path` resolved as if `root` (a
    /// descriptor) were the root directory, as a process chrooted there resolves it: openat2(2)
    /// with RESOLVE_IN_ROOT (Linux 5.6 and later; ENOSYS before). Without `root`: `path` itself.
    public static func openPath(_ path: String, inRoot root: Int32? = nil, directory: Bool) throws(SystemError) -> Int32 {
        let fd = CStrings.withCString(path) { swns_open_in_root(root ?? -1, $0, directory ? 1 : 0) }
        if fd < 0 { throw SystemError(root == nil ? "open" : "openat2", path) }
        return fd
    }
}

/// Users, groups and ids.
extension Kernel {
    /// setgroups(2) with no groups.
    public static func dropSupplementaryGroups() throws(SystemError) {
        if setgroups(0, nil) != 0 { throw SystemError("setgroups", "0, NULL") }
    }

    public static func setgid(_ gid: gid_t) throws(SystemError) {
        if Glibc.setgid(gid) != 0 { throw SystemError("setgid", String(gid)) }
    }

    public static func setuid(_ uid: uid_t) throws(SystemError) {
        if Glibc.setuid(uid) != 0 { throw SystemError("setuid", String(uid)) }
    }
}
