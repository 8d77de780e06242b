import Glibc

/// Namespace descriptors found by what names them (an id, a socket), and checked, in util-linux's
/// words. Every descriptor is close-on-exec.
public enum NamespaceFiles {
    /// The namespace whose id is `id`, of type `kind`. A file handle opens it directly where the
    /// kernel accepts a handle with the id alone; otherwise (Linux 6.18) the namespaces that
    /// processes are in are searched for it.
    public static func open(id: UInt64, kind: NamespaceKind) throws(SwnsError) -> Int32 {
        let fd: Int32
        do {
            fd = try Kernel.openNamespace(id: id)
        } catch where [EBADF, ENOSYS, EOPNOTSUPP].contains(error.errno) {
            throw SwnsError("cannot open the \(kind.name) namespace with id \(id)", error,
                            hint: "namespace ids need Linux 6.18 or later")
        } catch {
            return try searchProcesses(id: id, kind: kind)
        }
        if (try? Kernel.namespaceType(fd)) == kind.mask { return fd }
        Kernel.close(fd)
        throw SwnsError("namespace id \(id) is not a \(kind.name) namespace")
    }

    /// A kernel that knows namespace ids but takes no handle of the id alone: the namespaces of
    /// the processes, searched for the id.
    private static func searchProcesses(id: UInt64, kind: NamespaceKind) throws(SwnsError) -> Int32 {
        for pid in Kernel.numberedEntries("/proc") {
            guard let candidate = try? Kernel.open("/proc/\(pid)/ns/\(kind.procEntry)", O_RDONLY) else { continue }
            if (try? Kernel.namespaceID(candidate)) == id { return candidate }
            Kernel.close(candidate)
        }
        throw SwnsError("cannot open the \(kind.name) namespace with id \(id)", errno: ENOENT,
                        hint: "no process is in a \(kind.name) namespace with that id")
    }

    /// The network namespace of socket `socket` of the process behind `pidfd`.
    public static func socketNamespace(pidfd: Int32, pid: pid_t, socket: Int32) throws(SwnsError) -> Int32 {
        let copy = try SwnsError.wording("cannot get file descriptor \(socket) of process \(pid)") {
            () throws(SystemError) in try Kernel.pidfdGetfd(pidfd, socket)
        }
        defer { Kernel.close(copy) }
        return try SwnsError.wording("cannot get the network namespace of file descriptor \(socket) of process \(pid)") {
            () throws(SystemError) in try Kernel.socketNamespace(copy)
        }
    }

    /// The inode number of what `fd` refers to: for a namespace file, the namespace's.
    public static func inode(_ fd: Int32) -> UInt64? { (try? Kernel.fstat(fd))?.inode }

    /// The inode number of the namespace at `path` (/proc/PID/ns/TYPE), without opening it.
    public static func inode(path: String) -> UInt64? { (try? Kernel.stat(path))?.inode }
}
