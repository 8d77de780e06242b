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

    /// The map file of process `pid` (a number, or `self`).
    public static func file(_ kind: Kind, of pid: String) -> String { "/proc/\(pid)/\(kind.file)" }

    /// A map as root writes it, in one write: a line per range.
    public static func text(_ map: IDMap) -> String { map.ranges.map { $0.description + "\n" }.joined() }

    /// newuidmap or newgidmap with its arguments: the process, then each range's numbers.
    public static func toolArguments(_ map: IDMap, _ kind: Kind, for pid: String) -> [String] {
        [kind.tool, pid] + map.ranges.flatMap { [String($0.inner), String($0.outer), String($0.count)] }
    }

    public static let setgroupsFile = "/proc/self/setgroups"

    /// Root writes the map file itself (one write, as the kernel requires); anyone else asks
    /// newuidmap/newgidmap, which check /etc/subuid and /etc/subgid.
    public static func write(_ map: IDMap, _ kind: Kind, pid: pid_t, privileged: Bool,
                             diagnostics: Diagnostics) throws(SwnsError) {
        if privileged {
            try writeControlFile(file(kind, of: String(pid)), text(map))
            return
        }
        let child = try Processes.fork()
        if child == 0 {
            let error = Program(arguments: toolArguments(map, kind, for: String(pid))).exec()
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
        try writeControlFile(file(kind, of: "self"), range.description)
    }

    /// /proc/self/setgroups; kernels before 3.19 have none, and nothing to control.
    public static func writeSetgroups(_ mode: SetgroupsMode) throws(SwnsError) {
        try writeControlFile(setgroupsFile, mode.rawValue, skipIfMissing: true)
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
