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
        case .signaled(let signal): throw SwnsError("helper process \(pid) was killed by \(SignalName.name(of: signal))")
        default: throw SwnsError("helper process \(pid) failed")
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

/// A process forked before unshare(2) that takes the namespace files of a failed run down again
/// in the original mount namespace (where they were bound), or exits quietly when the run goes on:
/// when told so, or when the pipe closes (exec, or our death).
public struct UndoHelper {
    private let gate: Int32
    private let done: Int32
    /// Our own child, reaped by `undo` or `dismiss`; nil when it was detached.
    private let child: pid_t?

    /// `parent` is the process whose namespaces the targets are bound to (the caller). A
    /// `waited` helper stays our child, for a caller that goes on to wait (--fork); otherwise it
    /// is detached, so that the program we become after exec gets no child it never made.
    public static func start(_ targets: [NamespaceKind: String], of parent: pid_t,
                             waited: Bool) throws(SwnsError) -> UndoHelper {
        let gate = try Kernel.pipe()
        let done = try Kernel.pipe()
        let first = try Kernel.fork()
        if first == 0 {
            if !waited, Glibc.fork() != 0 { _exit(0) }
            Kernel.close(gate.write)
            Kernel.close(done.read)
            if Kernel.readByte(gate.read) == 2 { NamespacePersistence.unbind(targets, of: parent) }
            _exit(0)
        }
        if !waited { _ = try Kernel.waitpid(first) }
        Kernel.close(gate.read)
        Kernel.close(done.write)
        return UndoHelper(gate: gate.write, done: done.read, child: waited ? first : nil)
    }

    /// The run failed: undo, and return once it is done.
    public func undo() {
        _ = Kernel.writeAll(gate, [2])
        Kernel.close(gate)
        _ = Kernel.readByte(done)
        Kernel.close(done)
        if let child { _ = try? Kernel.waitpid(child) }
    }

    /// The run goes on.
    public func dismiss() {
        _ = Kernel.writeAll(gate, [1])
        Kernel.close(gate)
        Kernel.close(done)
        if let child { _ = try? Kernel.waitpid(child) }
    }
}
