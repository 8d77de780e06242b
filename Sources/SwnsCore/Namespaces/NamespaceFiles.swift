import CSwns
import Glibc

/// Descriptors of namespaces and processes: opening them, asking nsfs about them, and setns(2).
/// Every descriptor is close-on-exec.
public enum NamespaceFiles {
    /// setns(2) on a namespace file (`mask` is its one type) or on a pidfd (`mask` any set of types).
    public static func enter(_ fd: Int32, _ mask: NamespaceMask) -> Int32? {
        swns_setns(fd, mask.rawValue) == 0 ? nil : errno
    }

    /// The CLONE_NEW* type of a namespace file; nil with errno when `fd` is not one.
    public static func type(of fd: Int32) -> Result<NamespaceMask, SwnsError> {
        let type = swns_ioctl_none(fd, SWNS_NS_GET_NSTYPE)
        if type < 0 { return .failure(.system("NS_GET_NSTYPE failed")) }
        return .success(NamespaceMask(rawValue: type))
    }

    /// The namespace id (Linux 6.18 and later).
    public static func id(of fd: Int32) -> UInt64? {
        var id: UInt64 = 0
        return swns_ioctl_u64(fd, SWNS_NS_GET_ID, &id) == 0 ? id : nil
    }

    /// The owning user namespace (`NS_GET_USERNS`) or the parent (`NS_GET_PARENT`) of a namespace.
    public static func related(_ fd: Int32, parent: Bool) throws(SwnsError) -> Int32 {
        let related = swns_ioctl_none(fd, parent ? SWNS_NS_GET_PARENT : SWNS_NS_GET_USERNS)
        if related < 0 {
            throw .system(parent ? "failed to get the parent user namespace" : "failed to get the owning user namespace")
        }
        _ = fcntl(related, F_SETFD, FD_CLOEXEC)
        return related
    }

    /// The namespace whose id is `id`, of type `kind`. A file handle opens it directly where the
    /// kernel accepts a handle with the id alone; otherwise (Linux 6.18) the namespaces that
    /// processes are in are searched for it.
    public static func open(id: UInt64, kind: NamespaceKind) throws(SwnsError) -> Int32 {
        let fd = swns_open_namespace_by_id(id)
        if fd >= 0 {
            if case .success(let type) = type(of: fd), type == kind.mask { return fd }
            Kernel.close(fd)
            throw SwnsError("namespace id \(id) is not a \(kind.name) namespace")
        }
        let handleError = errno
        if handleError == EBADF || handleError == ENOSYS || handleError == EOPNOTSUPP {
            throw SwnsError("cannot open the \(kind.name) namespace with id \(id)", errno: handleError,
                            hint: "namespace ids need Linux 6.18 or later")
        }
        for pid in Processes.all() {
            let candidate = Kernel.open("/proc/\(pid)/ns/\(kind.procEntry)", O_RDONLY)
            if candidate < 0 { continue }
            if Self.id(of: candidate) == id { return candidate }
            Kernel.close(candidate)
        }
        throw SwnsError("cannot open the \(kind.name) namespace with id \(id)", errno: ENOENT,
                        hint: "no process is in a \(kind.name) namespace with that id")
    }

    /// The network namespace of socket `socket` of the process behind `pidfd`.
    public static func socketNamespace(pidfd: Int32, pid: pid_t, socket: Int32) throws(SwnsError) -> Int32 {
        let copy = swns_pidfd_getfd(pidfd, socket)
        if copy < 0 { throw .system("cannot get file descriptor \(socket) of process \(pid)") }
        defer { Kernel.close(copy) }
        let namespace = swns_ioctl_none(copy, UInt(SWNS_SIOCGSKNS))
        if namespace < 0 {
            throw .system("cannot get the network namespace of file descriptor \(socket) of process \(pid)")
        }
        _ = fcntl(namespace, F_SETFD, FD_CLOEXEC)
        return namespace
    }

    /// The inode number of what `fd` refers to.
    public static func inode(_ fd: Int32) -> UInt64? {
        var st = stat()
        return fstat(fd, &st) == 0 ? UInt64(st.st_ino) : nil
    }

    /// The inode number of the namespace at `path` (/proc/PID/ns/TYPE), without opening it.
    public static func inode(path: String) -> UInt64? {
        var st = stat()
        return CStrings.withCString(path) { stat($0, &st) } == 0 ? UInt64(st.st_ino) : nil
    }

    /// True when pidfds live on pidfs (Linux 6.9 and later), where the inode of a pidfd names one
    /// process for the life of the system.
    public static func isPidfs(_ pidfd: Int32) -> Bool {
        swns_fstatfs_type(pidfd) == SWNS_PIDFS_MAGIC
    }
}

/// The processes visible in /proc.
public enum Processes {
    /// Every PID in /proc, in directory order.
    public static func all() -> [pid_t] {
        guard let directory = opendir("/proc") else { return [] }
        defer { closedir(directory) }
        var pids: [pid_t] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if let pid = pid_t(name), pid > 0 { pids.append(pid) }
        }
        return pids
    }
}
