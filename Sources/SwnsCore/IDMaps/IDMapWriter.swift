import Glibc

/// Writes uid_map, gid_map and setgroups: a user namespace's own from inside it, or another
/// process's from outside.
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
            try writeControlFile("/proc/\(pid)/\(kind.file)", ranges.map(\.description).joined(separator: "\n") + "\n")
            return
        }
        var arguments = [kind.tool, String(pid)]
        for range in ranges { arguments += [String(range.inner), String(range.outer), String(range.count)] }
        let child = try Processes.fork()
        if child == 0 {
            let error = Program(arguments: arguments).exec()
            diagnostics.report(error)
            Kernel.exitNow(error.status)
        }
        switch try Processes.wait(child) {
        case .exited(0): return
        case .exited(let status): throw .reported(status: status)
        default: throw .reported(status: 1)
        }
    }

    /// The process's own map, from inside its new user namespace: one mapping of one id.
    public static func writeOwn(_ range: IDRange, _ kind: Kind) throws(SwnsError) {
        try writeControlFile("/proc/self/\(kind.file)", range.description)
    }

    /// /proc/self/setgroups; kernels before 3.19 have none, and nothing to control.
    public static func writeSetgroups(_ mode: SetgroupsMode) throws(SwnsError) {
        try writeControlFile("/proc/self/setgroups", mode.rawValue, skipIfMissing: true)
    }

    /// A /proc control file written as util-linux writes it: open and write failures told apart.
    static func writeControlFile(_ path: String, _ text: String, skipIfMissing: Bool = false) throws(SwnsError) {
        do {
            try Kernel.writeFile(path, text)
        } catch where error.call == "open" {
            if skipIfMissing && error.errno == ENOENT { return }
            throw SwnsError("cannot open \(path)", error)
        } catch {
            throw SwnsError("write failed \(path)", error)
        }
    }
}

/// What /proc/PID/setgroups allows (`--setgroups`).
public enum SetgroupsMode: String, Sendable { case allow, deny }
