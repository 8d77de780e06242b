import Glibc

/// Binding namespace files onto paths, so that the namespaces outlive their processes.
public enum NamespacePersistence {
    /// Takes the files of a failed run of process `pid` down again: each target on which that
    /// process's namespace is bound, and no other mount (a target that was never bound may hold
    /// someone else's).
    public static func unbind(_ targets: [NamespaceKind: String], of pid: pid_t) {
        for kind in NamespaceKind.all.reversed() {
            guard let target = targets[kind], let bound = try? Kernel.stat(target),
                  let ours = try? Kernel.stat(source(kind, of: String(pid))), bound.isSameFile(as: ours) else {
                continue
            }
            try? Kernel.unmount(target)
        }
    }

    /// The file of process `pid` that is bound to persist its namespace of `kind`.
    public static func source(_ kind: NamespaceKind, of pid: String) -> String { "/proc/\(pid)/ns/\(kind.persistEntry)" }

    /// Binds /proc/PID/ns/TYPE onto each target, in order, and tells `bound` of each; when one
    /// fails, the ones already bound are unmounted again, so that a failure leaves nothing behind.
    public static func bind(pid: pid_t, _ targets: [(kind: NamespaceKind, target: String)],
                            bound: (Int) -> Void = { _ in }) throws(SwnsError) {
        for (index, (kind, target)) in targets.enumerated() {
            let source = source(kind, of: String(pid))
            do {
                try Kernel.mount(source, on: target, type: nil, flags: .bind)
            } catch {
                for earlier in targets[..<index].reversed() { try? Kernel.unmount(earlier.target) }
                throw SwnsError("mount \(source) on \(target) failed", error,
                                hint: hintAfterBindFailure(error, kind: kind, target: target))
            }
            bound(index)
        }
    }

    static func hintAfterBindFailure(_ error: SystemError, kind: NamespaceKind, target: String) -> String? {
        guard error.errno == EINVAL, kind == .mount, isOnSharedMount(target) else { return nil }
        return "\(target) is on a mount with shared propagation, which cannot hold a mount namespace; "
            + "make its folder a private mount first (mount --bind DIR DIR && mount --make-private DIR)"
    }

    /// Whether the mount that `path` is on propagates as shared: its mount id from fdinfo, its
    /// `shared:N` tag from our mountinfo.
    static func isOnSharedMount(_ path: String) -> Bool {
        guard let fd = try? Kernel.openPath(path, directory: false) else { return false }
        defer { Kernel.close(fd) }
        guard let info = try? Kernel.readFile("/proc/self/fdinfo/\(fd)"),
              let line = info.split(separator: UInt8(ascii: "\n")).first(where: { $0.starts(with: Array("mnt_id:".utf8)) }),
              let id: Int = Numbers.digits(line.dropFirst(7).drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
        else { return false }
        return MountTable.current().first { $0.id == id }?.isShared ?? false
    }
}
