import CSwns

/// A set of namespace types as the kernel's `CLONE_NEW*` bits, as unshare(2) and setns(2) take them.
public struct NamespaceMask: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// `CLONE_NEWNS`
    public static let mount = NamespaceMask(rawValue: SWNS_CLONE_NEWNS)
    /// `CLONE_NEWUTS`
    public static let uts = NamespaceMask(rawValue: SWNS_CLONE_NEWUTS)
    /// `CLONE_NEWIPC`
    public static let ipc = NamespaceMask(rawValue: SWNS_CLONE_NEWIPC)
    /// `CLONE_NEWNET`
    public static let net = NamespaceMask(rawValue: SWNS_CLONE_NEWNET)
    /// `CLONE_NEWPID`
    public static let pid = NamespaceMask(rawValue: SWNS_CLONE_NEWPID)
    /// `CLONE_NEWUSER`
    public static let user = NamespaceMask(rawValue: SWNS_CLONE_NEWUSER)
    /// `CLONE_NEWCGROUP`
    public static let cgroup = NamespaceMask(rawValue: SWNS_CLONE_NEWCGROUP)
    /// `CLONE_NEWTIME`
    public static let time = NamespaceMask(rawValue: SWNS_CLONE_NEWTIME)

    /// Each bit with its name in linux/sched.h, lowest bit first.
    static let names: [(bit: NamespaceMask, name: String)] = [
        (.time, "CLONE_NEWTIME"), (.mount, "CLONE_NEWNS"), (.cgroup, "CLONE_NEWCGROUP"), (.uts, "CLONE_NEWUTS"),
        (.ipc, "CLONE_NEWIPC"), (.user, "CLONE_NEWUSER"), (.pid, "CLONE_NEWPID"), (.net, "CLONE_NEWNET"),
    ]

    /// `CLONE_NEWUTS|CLONE_NEWPID`, as the kernel's headers name the bits, lowest bit first; 0 for
    /// none.
    public var description: String {
        let text = Self.names.filter { contains($0.bit) }.map(\.name).joined(separator: "|")
        return text.isEmpty ? "0" : text
    }
}

/// The flags of mount(2) and umount2(2) that the tools use.
public struct MountFlags: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt
    public init(rawValue: UInt) { self.rawValue = rawValue }

    /// `MS_NOSUID`
    public static let noSetuid = MountFlags(rawValue: SWNS_MS_NOSUID)
    /// `MS_NODEV`
    public static let noDevices = MountFlags(rawValue: SWNS_MS_NODEV)
    /// `MS_NOEXEC`
    public static let noExec = MountFlags(rawValue: SWNS_MS_NOEXEC)
    /// `MS_BIND`
    public static let bind = MountFlags(rawValue: SWNS_MS_BIND)
    /// `MS_REC`
    public static let recursive = MountFlags(rawValue: SWNS_MS_REC)
    /// `MS_PRIVATE`
    public static let `private` = MountFlags(rawValue: SWNS_MS_PRIVATE)
    /// `MS_SLAVE`
    public static let slave = MountFlags(rawValue: SWNS_MS_SLAVE)
    /// `MS_SHARED`
    public static let shared = MountFlags(rawValue: SWNS_MS_SHARED)

    /// `MS_REC|MS_PRIVATE`
    public var description: String {
        let names: [(MountFlags, String)] = [
            (.noSetuid, "MS_NOSUID"), (.noDevices, "MS_NODEV"), (.noExec, "MS_NOEXEC"), (.bind, "MS_BIND"),
            (.recursive, "MS_REC"), (.private, "MS_PRIVATE"), (.slave, "MS_SLAVE"), (.shared, "MS_SHARED"),
        ]
        let text = names.filter { contains($0.0) }.map(\.1).joined(separator: "|")
        return text.isEmpty ? "0" : text
    }
}
