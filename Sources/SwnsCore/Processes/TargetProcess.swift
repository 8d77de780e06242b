import Glibc

/// A process that a tool acts on: its PID, the pidfd that holds it (nil on kernels without
/// pidfds), and its /proc folder.
public struct TargetProcess: Sendable {
    public let pid: pid_t
    public let pidfd: Int32?

    public init(pid: pid_t, pidfd: Int32?) {
        self.pid = pid
        self.pidfd = pidfd
    }

    /// `/proc/PID`, made where it is used: a start that enters by pidfd makes no strings (see
    /// CStrings).
    public var procPath: String { "/proc/\(pid)" }

    /// The process has ended (its pidfd is readable).
    public var hasExited: Bool { pidfd.map { (try? Kernel.hasExited(pidfd: $0)) ?? false } ?? false }
}
