import Glibc

/// A child forked before unshare(2), so that it stays in the original namespaces, and held
/// until the parent has made the new ones: it then does its work on the parent (bind-mounts the
/// parent's namespace files, writes its id maps) and exits.
///
/// If the parent dies or fails before `release`, the pipe closes and the helper exits
/// without doing anything.
public struct HelperProcess {
    public let pid: pid_t
    private let gate: Int32

    public static func start(diagnostics: Diagnostics,
                             _ work: () throws(SwnsError) -> Void) throws(SwnsError) -> HelperProcess {
        let pipe = try Kernel.pipe()
        let pid = try Kernel.fork()
        if pid == 0 {
            Kernel.close(pipe.write)
            guard Kernel.readByte(pipe.read) != nil else { _exit(0) }
            do {
                try work()
                _exit(0)
            } catch {
                diagnostics.report(error)
                _exit(error.status)
            }
        }
        Kernel.close(pipe.read)
        return HelperProcess(pid: pid, gate: pipe.write)
    }

    /// Lets the helper do its work and waits for it. Its failure, which it has reported
    /// itself, becomes ours with its exit status.
    public func release() throws(SwnsError) {
        _ = Kernel.writeAll(gate, [1])
        Kernel.close(gate)
        switch try Kernel.waitpid(pid) {
        case .exited(0): return
        case .exited(let status): throw .reported(status: status)
        default: throw .reported(status: 1)
        }
    }
}

/// A pipe on which a forked child waits until its parent says go: the child of `--fork` waits
/// for its namespaces to be persisted, so that nothing runs when persisting fails.
public struct StartGate {
    private let fds: (read: Int32, write: Int32)

    public init() throws(SwnsError) { fds = try Kernel.pipe() }

    /// In the child: returns when the parent opens the gate; exits quietly when it dies first.
    public func wait() {
        Kernel.close(fds.write)
        if Kernel.readByte(fds.read) == nil { _exit(1) }
        Kernel.close(fds.read)
    }

    public func closeReadEnd() { Kernel.close(fds.read) }

    public func open() {
        _ = Kernel.writeAll(fds.write, [1])
        Kernel.close(fds.write)
    }
}
