import CSwns
import Glibc

/// Namespaces: unshare(2), setns(2), the nsfs ioctls, namespace ids, the UTS names.
extension Kernel {
    public static func unshare(_ mask: NamespaceMask) throws(SystemError) {
        if swns_unshare(mask.rawValue) != 0 { throw SystemError("unshare", mask.description) }
    }

    /// setns(2) on a namespace file (`mask` is its one type) or on a pidfd (`mask` any set of
    /// types); `name` says what `fd` is, for the error.
    public static func setns(_ fd: Int32, _ mask: NamespaceMask,
                             name: @autoclosure () -> String) throws(SystemError) {
        if swns_setns(fd, mask.rawValue) != 0 { throw SystemError("setns", "\(name()), \(mask)") }
    }

    /// The CLONE_NEW* type of a namespace file (NS_GET_NSTYPE).
    public static func namespaceType(_ fd: Int32) throws(SystemError) -> NamespaceMask {
        let type = swns_ioctl_none(fd, SWNS_NS_GET_NSTYPE)
        if type < 0 { throw SystemError("ioctl", "NS_GET_NSTYPE") }
        return NamespaceMask(rawValue: type)
    }

    /// The namespace's 64-bit id (NS_GET_ID, Linux 6.18 and later).
    public static func namespaceID(_ fd: Int32) throws(SystemError) -> UInt64 {
        var id: UInt64 = 0
        if swns_ioctl_u64(fd, SWNS_NS_GET_ID, &id) != 0 { throw SystemError("ioctl", "NS_GET_ID") }
        return id
    }

    /// A descriptor of the user namespace that owns the namespace `fd` (NS_GET_USERNS), or of its
    /// parent (NS_GET_PARENT: pid and user namespaces only), close-on-exec.
    public static func relatedNamespace(_ fd: Int32, parent: Bool) throws(SystemError) -> Int32 {
        let related = swns_ioctl_none(fd, parent ? SWNS_NS_GET_PARENT : SWNS_NS_GET_USERNS)
        if related < 0 { throw SystemError("ioctl", parent ? "NS_GET_PARENT" : "NS_GET_USERNS") }
        _ = fcntl(related, F_SETFD, FD_CLOEXEC)
        return related
    }

    /// The uid that owns the user namespace `fd` (NS_GET_OWNER_UID).
    public static func ownerUID(_ fd: Int32) throws(SystemError) -> UInt32 {
        var uid: UInt32 = 0
        if swns_ioctl_u32(fd, SWNS_NS_GET_OWNER_UID, &uid) != 0 { throw SystemError("ioctl", "NS_GET_OWNER_UID") }
        return uid
    }

    /// The network namespace of the socket `fd` (SIOCGSKNS), close-on-exec.
    public static func socketNamespace(_ fd: Int32) throws(SystemError) -> Int32 {
        let namespace = swns_ioctl_none(fd, UInt(SWNS_SIOCGSKNS))
        if namespace < 0 { throw SystemError("ioctl", "SIOCGSKNS") }
        _ = fcntl(namespace, F_SETFD, FD_CLOEXEC)
        return namespace
    }

    /// The namespace whose id is `id`, opened from a namespace file handle (open_by_handle_at(2)
    /// against FD_NSFS_ROOT). EBADF, ENOSYS or EOPNOTSUPP: this kernel takes no such handle.
    public static func openNamespace(id: UInt64) throws(SystemError) -> Int32 {
        let fd = swns_open_namespace_by_id(id)
        if fd < 0 { throw SystemError("open_by_handle_at", String(id)) }
        return fd
    }

    /// True when pidfds live on pidfs (Linux 6.9 and later), where the inode of a pidfd names one
    /// process for the life of the system.
    public static func isPidfs(_ pidfd: Int32) -> Bool {
        (try? fileSystemType(pidfd)) == Int(SWNS_PIDFS_MAGIC)
    }

    /// A NETLINK_ROUTE socket, for `netnsid`.
    public static func routeSocket() throws(SystemError) -> Int32 {
        let fd = swns_netlink_route_open()
        if fd < 0 { throw SystemError("socket", "AF_NETLINK, NETLINK_ROUTE") }
        return fd
    }

    /// The id that our network namespace gives the network namespace `namespace` (RTM_GETNSID on
    /// `socket`), nil when it has none.
    public static func netnsid(_ socket: Int32, _ namespace: Int32) throws(SystemError) -> Int32? {
        let id = swns_netnsid(socket, namespace)
        if id == -2 { throw SystemError("RTM_GETNSID", String(namespace)) }
        return id >= 0 ? id : nil
    }

    public static func sethostname(_ name: String) throws(SystemError) {
        let bytes = CStrings.bytes(name)
        let rc = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { swns_sethostname($0.baseAddress, $0.count) }
        }
        if rc != 0 { throw SystemError("sethostname", name) }
    }

    public static func setdomainname(_ name: String) throws(SystemError) {
        let bytes = CStrings.bytes(name)
        let rc = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { swns_setdomainname($0.baseAddress, $0.count) }
        }
        if rc != 0 { throw SystemError("setdomainname", name) }
    }
}
