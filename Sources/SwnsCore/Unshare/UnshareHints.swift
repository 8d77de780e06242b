import CSwns
import Glibc

/// The `hint:` line after a kernel refusal, when its likely cause can be read cheaply.
enum UnshareHints {
    static func afterUnshareFailure(_ error: SwnsError, mask: NamespaceMask, euid: UInt32) -> String? {
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

    static func afterBindFailure(_ error: SwnsError, kind: NamespaceKind, target: String) -> String? {
        guard error.errno == EINVAL, kind == .mount, isOnSharedMount(target) else { return nil }
        return "\(target) is on a mount with shared propagation, which cannot hold a mount namespace; "
            + "make its folder a private mount first (mount --bind DIR DIR && mount --make-private DIR)"
    }

    /// Whether the mount that `path` is on propagates as shared: its mount id from fdinfo, its
    /// `shared:N` tag from our mountinfo.
    static func isOnSharedMount(_ path: String) -> Bool {
        let fd = CStrings.withCString(path) { swns_open_in_root(-1, $0, 0) }
        guard fd >= 0 else { return false }
        defer { Kernel.close(fd) }
        guard let info = Kernel.readText("/proc/self/fdinfo/\(fd)"),
              let line = info.split(separator: "\n").first(where: { $0.hasPrefix("mnt_id:") }),
              let id = Int(line.dropFirst(7).trimmingPrefix(while: { $0 == " " || $0 == "\t" })),
              let table = Kernel.readText("/proc/self/mountinfo") else { return false }
        for mount in table.split(separator: "\n") {
            let fields = mount.split(separator: " ")
            guard fields.first.flatMap({ Int($0) }) == id else { continue }
            return fields.dropFirst(6).prefix { $0 != "-" }.contains { $0.hasPrefix("shared:") }
        }
        return false
    }

    static func sysctl(_ path: String) -> Int? {
        guard let text = Kernel.readText(path) else { return nil }
        return Int(text.split(separator: "\n").first ?? "")
    }

    static var isMultithreaded: Bool {
        guard let status = Kernel.readText("/proc/self/status") else { return false }
        for line in status.split(separator: "\n") where line.hasPrefix("Threads:") {
            return Int(line.dropFirst(8).trimmingPrefix(while: { $0 == " " || $0 == "\t" })) ?? 1 > 1
        }
        return false
    }
}
