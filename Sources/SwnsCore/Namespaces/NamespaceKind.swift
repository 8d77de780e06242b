extension NamespaceMask: CustomStringConvertible {
    /// The kinds in the mask, in `NamespaceKind.all` order.
    public var kinds: [NamespaceKind] { NamespaceKind.all.filter { contains($0.mask) } }

    /// `CLONE_NEWUTS|CLONE_NEWPID`, as the kernel's headers name the bits, lowest bit first; 0 for none.
    public var description: String {
        let names = kinds.sorted { $0.mask.rawValue < $1.mask.rawValue }.map(\.cloneFlag)
        return names.isEmpty ? "0" : names.joined(separator: "|")
    }
}

/// One namespace type: everything the tools need to know about it, in one table.
public struct NamespaceKind: Sendable, Hashable, CustomStringConvertible {
    /// The type name lsns prints (`mnt`, `uts`, ...).
    public let name: String
    /// The long option (`--mount`) and the short one (`-m`).
    public let longOption: String
    public let shortOption: Character
    public let mask: NamespaceMask
    /// The mask's name in the kernel's headers (`CLONE_NEWNS`).
    public let cloneFlag: String
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

    public static let user = NamespaceKind(name: "user", longOption: "user", shortOption: "U", mask: .user, cloneFlag: "CLONE_NEWUSER",
                                           procEntry: "user", forChildrenEntry: nil, title: "user")
    public static let cgroup = NamespaceKind(name: "cgroup", longOption: "cgroup", shortOption: "C", mask: .cgroup, cloneFlag: "CLONE_NEWCGROUP",
                                             procEntry: "cgroup", forChildrenEntry: nil, title: "cgroup")
    public static let ipc = NamespaceKind(name: "ipc", longOption: "ipc", shortOption: "i", mask: .ipc, cloneFlag: "CLONE_NEWIPC",
                                          procEntry: "ipc", forChildrenEntry: nil, title: "System V IPC")
    public static let uts = NamespaceKind(name: "uts", longOption: "uts", shortOption: "u", mask: .uts, cloneFlag: "CLONE_NEWUTS",
                                          procEntry: "uts", forChildrenEntry: nil, title: "UTS")
    public static let net = NamespaceKind(name: "net", longOption: "net", shortOption: "n", mask: .net, cloneFlag: "CLONE_NEWNET",
                                          procEntry: "net", forChildrenEntry: nil, title: "network")
    public static let pid = NamespaceKind(name: "pid", longOption: "pid", shortOption: "p", mask: .pid, cloneFlag: "CLONE_NEWPID",
                                          procEntry: "pid", forChildrenEntry: "pid_for_children", title: "pid")
    public static let mount = NamespaceKind(name: "mnt", longOption: "mount", shortOption: "m", mask: .mount, cloneFlag: "CLONE_NEWNS",
                                            procEntry: "mnt", forChildrenEntry: nil, title: "mounts")
    public static let time = NamespaceKind(name: "time", longOption: "time", shortOption: "T", mask: .time, cloneFlag: "CLONE_NEWTIME",
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
