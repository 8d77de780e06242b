import Glibc

/// Writes a user namespace's uid_map or gid_map from outside it.
public enum IDMapWriter {
    public enum Kind: String, Sendable {
        case user = "uid", group = "gid"
        var file: String { "\(rawValue)_map" }
        /// The setuid helper that writes maps for unprivileged users (Debian's uidmap package).
        var tool: String { "new\(rawValue)map" }
    }

    /// Root writes the map file itself (one write, as the kernel requires); anyone else asks
    /// newuidmap/newgidmap, which check /etc/subuid and /etc/subgid.
    public static func write(_ map: IDMap, _ kind: Kind, pid: pid_t, privileged: Bool,
                             diagnostics: Diagnostics) throws(SwnsError) {
        let ranges = map.ranges
        if privileged {
            try Kernel.writeFile("/proc/\(pid)/\(kind.file)", ranges.map(\.description).joined(separator: "\n") + "\n")
            return
        }
        var arguments = [kind.tool, String(pid)]
        for range in ranges { arguments += [String(range.inner), String(range.outer), String(range.count)] }
        let child = try Kernel.fork()
        if child == 0 {
            let error = Kernel.exec(arguments, environment: nil)
            diagnostics.report(error)
            _exit(error.status)
        }
        switch try Kernel.waitpid(child) {
        case .exited(0): return
        case .exited(let status): throw .reported(status: status)
        default: throw .reported(status: 1)
        }
    }
}
