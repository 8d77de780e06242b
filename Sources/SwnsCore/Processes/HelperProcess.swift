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
        let pipe = try SwnsError.wording("pipe failed") { () throws(SystemError) in try Kernel.pipe() }
        let pid = try Processes.fork()
        if pid == 0 {
            Kernel.close(pipe.write)
            guard Kernel.readByte(pipe.read) != nil else { Kernel.exitNow(0) }
            do {
                try work()
                Kernel.exitNow(0)
            } catch {
                diagnostics.report(error)
                Kernel.exitNow(error.status)
            }
        }
        Kernel.close(pipe.read)
        return HelperProcess(pid: pid, gate: pipe.write)
    }

    /// Lets the helper do its work and waits for it. Its failure, which it has reported
    /// itself, becomes ours with its exit status.
    public func release() throws(SwnsError) {
        try? Kernel.write(gate, [1])
        Kernel.close(gate)
        switch try Processes.wait(pid) {
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

    public init() throws(SwnsError) {
        fds = try SwnsError.wording("pipe failed") { () throws(SystemError) in try Kernel.pipe() }
    }

    /// In the child: returns when the parent opens the gate; exits quietly when it dies first.
    public func wait() {
        Kernel.close(fds.write)
        if Kernel.readByte(fds.read) == nil { Kernel.exitNow(1) }
        Kernel.close(fds.read)
    }

    public func closeReadEnd() { Kernel.close(fds.read) }

    public func open() {
        try? Kernel.write(fds.write, [1])
        Kernel.close(fds.write)
    }
}

/// A process forked before unshare(2) that undoes the work of a failed run (takes the namespace
/// files down again in the original mount namespace, where they were bound), or exits quietly when
/// the run goes on: when told so, or when the pipe closes (exec, or our death).
public struct UndoHelper {
    private let gate: Int32
    private let done: Int32
    /// Our own child, reaped by `undo` or `dismiss`; nil when it was detached.
    private let child: pid_t?

    /// A `waited` helper stays our child, for a caller that goes on to wait (--fork); otherwise it
    /// is detached, so that the program we become after exec gets no child it never made.
    public static func start(waited: Bool, _ work: @escaping () -> Void) throws(SwnsError) -> UndoHelper {
        let (gate, done) = try SwnsError.wording("pipe failed") { () throws(SystemError) in
            (try Kernel.pipe(), try Kernel.pipe())
        }
        let first = try Processes.fork()
        if first == 0 {
            if !waited, (try? Kernel.fork()) != 0 { Kernel.exitNow(0) }
            Kernel.close(gate.write)
            Kernel.close(done.read)
            if Kernel.readByte(gate.read) == 2 { work() }
            Kernel.exitNow(0)
        }
        if !waited { _ = try Processes.wait(first) }
        Kernel.close(gate.read)
        Kernel.close(done.write)
        return UndoHelper(gate: gate.write, done: done.read, child: waited ? first : nil)
    }

    /// The run failed: undo, and return once it is done.
    public func undo() {
        try? Kernel.write(gate, [2])
        Kernel.close(gate)
        _ = Kernel.readByte(done)
        Kernel.close(done)
        if let child { _ = try? Processes.wait(child) }
    }

    /// The run goes on.
    public func dismiss() {
        try? Kernel.write(gate, [1])
        Kernel.close(gate)
        Kernel.close(done)
        if let child { _ = try? Processes.wait(child) }
    }
}
