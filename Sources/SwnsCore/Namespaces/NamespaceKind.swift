extension NamespaceMask {
    /// The kinds in the mask, in `NamespaceKind.all` order.
    public var kinds: [NamespaceKind] { NamespaceKind.all.filter { contains($0.mask) } }
}

/// One namespace type: everything the tools need to know about it, in one table.
public struct NamespaceKind: Sendable, Hashable, CustomStringConvertible {
    /// The type name lsns prints (`mnt`, `uts`, ...).
    public let name: String
    /// The long option (`--mount`) and the short one (`-m`).
    public let longOption: String
    public let shortOption: Character
    public let mask: NamespaceMask
    /// The entry in /proc/PID/ns that names the namespace the process is in.
    public let procEntry: String
    /// The entry that names the namespace the process's children will be in, where the two differ
    /// (pid and time namespaces are entered by children only).
    public let forChildrenEntry: String?
    /// What the option's help line calls it.
    public let title: String

    public var description: String { name }

    /// The entry to bind-mount when persisting a namespace made by unshare(2).
    public var persistEntry: String { forChildrenEntry ?? procEntry }

    public static let user = NamespaceKind(name: "user", longOption: "user", shortOption: "U", mask: .user,
                                           procEntry: "user", forChildrenEntry: nil, title: "user")
    public static let cgroup = NamespaceKind(name: "cgroup", longOption: "cgroup", shortOption: "C", mask: .cgroup,
                                             procEntry: "cgroup", forChildrenEntry: nil, title: "cgroup")
    public static let ipc = NamespaceKind(name: "ipc", longOption: "ipc", shortOption: "i", mask: .ipc,
                                          procEntry: "ipc", forChildrenEntry: nil, title: "System V IPC")
    public static let uts = NamespaceKind(name: "uts", longOption: "uts", shortOption: "u", mask: .uts,
                                          procEntry: "uts", forChildrenEntry: nil, title: "UTS")
    public static let net = NamespaceKind(name: "net", longOption: "net", shortOption: "n", mask: .net,
                                          procEntry: "net", forChildrenEntry: nil, title: "network")
    public static let pid = NamespaceKind(name: "pid", longOption: "pid", shortOption: "p", mask: .pid,
                                          procEntry: "pid", forChildrenEntry: "pid_for_children", title: "pid")
    public static let mount = NamespaceKind(name: "mnt", longOption: "mount", shortOption: "m", mask: .mount,
                                            procEntry: "mnt", forChildrenEntry: nil, title: "mounts")
    public static let time = NamespaceKind(name: "time", longOption: "time", shortOption: "T", mask: .time,
                                           procEntry: "time", forChildrenEntry: "time_for_children", title: "time")

    /// Every kind, in the order in which namespaces are entered with setns(2) and persistence
    /// files are bound: the user namespace first, so that the rights it grants apply to the
    /// others, and the mount namespace late, because entering it changes how paths resolve.
    public static let all: [NamespaceKind] = [.user, .cgroup, .ipc, .uts, .net, .pid, .mount, .time]

    /// The order in which the tools list their namespace options (util-linux's help order).
    public static let optionOrder: [NamespaceKind] = [.mount, .uts, .ipc, .net, .pid, .user, .cgroup, .time]

    /// The order in which lsns's help names the types.
    public static let typeHelpOrder: [NamespaceKind] = [.mount, .net, .ipc, .user, .pid, .uts, .cgroup, .time]

    public static func named(_ name: String) -> NamespaceKind? { all.first { $0.name == name } }
}
