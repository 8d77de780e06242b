import Glibc

/// Forking, waiting and ending as a parent, in util-linux's words.
public enum Processes {
    public static func fork() throws(SwnsError) -> pid_t {
        try SwnsError.wording("fork failed") { () throws(SystemError) in try Kernel.fork() }
    }

    public static func wait(_ pid: pid_t) throws(SwnsError) -> WaitStatus {
        try SwnsError.wording("waitpid failed") { () throws(SystemError) in try Kernel.waitpid(pid) }
    }

    /// Waits for `child` as util-linux nsenter's continue_as_child does (stops mirrored), and
    /// returns what it did: `.exited` or `.signaled`.
    public static func waitMirroringStops(_ child: pid_t) throws(SwnsError) -> WaitStatus {
        try SwnsError.wording("waitpid failed") { () throws(SystemError) in try Kernel.waitMirroringStops(child) }
    }

    /// Dies of `signal` the way the child did, so that the caller's shell sees 128+N; returns
    /// only when the signal did not kill us.
    public static func reraise(_ signal: Int32) throws(SwnsError) {
        if signal != SIGKILL {
            try SwnsError.wording("signal handler reset failed") { () throws(SystemError) in
                try Kernel.setDefaultAction(signal)
            }
        }
        try SwnsError.wording("sigprocmask unblock failed") { () throws(SystemError) in try Kernel.unblockSignal(signal) }
        Kernel.kill(Kernel.processID, signal)
    }
}
