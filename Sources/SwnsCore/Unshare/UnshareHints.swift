import Glibc

/// The `hint:` line after a kernel refusal, when its likely cause can be read cheaply.
enum UnshareHints {
    /// `sysctl` reads a number from a /proc/sys file (the live system's by default; a test's
    /// made-up one).
    static func afterUnshareFailure(_ error: SystemError, mask: NamespaceMask, euid: UInt32,
                                    sysctl: (String) -> Int? = readSysctl) -> String? {
        let wantsUser = mask.contains(.user)
        if wantsUser {
            if sysctl("/proc/sys/kernel/unprivileged_userns_clone") == 0 && euid != 0 {
                return "unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone = 0)"
            }
            if sysctl("/proc/sys/user/max_user_namespaces") == 0 {
                return "user namespaces are disabled here (user.max_user_namespaces = 0)"
            }
            if error.errno == ENOSPC {
                return "the limit on nested or per-user namespaces is reached (see /proc/sys/user/max_user_namespaces)"
            }
            if sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == 1 && euid != 0 {
                return "AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns = 1)"
            }
        } else if error.errno == EPERM && euid != 0 {
            return "creating namespaces needs CAP_SYS_ADMIN: run as root, or add --user or -r (--map-root-user) to create them in a new user namespace"
        }
        if error.errno == EINVAL && wantsUser && isMultithreaded {
            return "a user namespace cannot be created by a multithreaded process"
        }
        return nil
    }

    /// After `write failed /proc/self/uid_map: Operation not permitted` (or gid_map, setgroups)
    /// by an ordinary user: the user namespace was made, but without the capabilities to write its
    /// own maps. Ubuntu 24.04 and later do that to every unprivileged user namespace whose program
    /// AppArmor does not allow them (kernel.apparmor_restrict_unprivileged_userns = 1).
    static func afterMapWriteFailure(_ error: SwnsError, euid: UInt32, sysctl: (String) -> Int? = readSysctl) -> String? {
        guard error.errno == EPERM, euid != 0,
              sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == 1 else { return nil }
        return "AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns = 1): "
            + "the new namespace has no capabilities, not even to write its own id maps. Allow this program a user "
            + "namespace with an AppArmor profile that has the rule `userns,` (in /etc/apparmor.d, see apparmor.d(5)), "
            + "or, for the whole system, sysctl -w kernel.apparmor_restrict_unprivileged_userns=0"
    }

    /// The number on the first line of a /proc/sys file.
    static func readSysctl(_ path: String) -> Int? {
        guard let bytes = try? Kernel.readFile(path) else { return nil }
        return Numbers.digits(bytes.prefix { $0 != UInt8(ascii: "\n") })
    }

    static var isMultithreaded: Bool {
        guard let status = try? Kernel.readFile("/proc/self/status") else { return false }
        for line in status.split(separator: UInt8(ascii: "\n")) where line.starts(with: Array("Threads:".utf8)) {
            let count: Int? = Numbers.digits(line.dropFirst(8).drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
            return (count ?? 1) > 1
        }
        return false
    }
}
