import CSwns
import Glibc

/// Processes, pipes and signals.
extension Kernel {
    public static var processID: pid_t { getpid() }
    public static var effectiveUserID: UInt32 { geteuid() }
    public static var effectiveGroupID: UInt32 { getegid() }
    public static var realUserID: UInt32 { getuid() }

    /// Forks after flushing stdio, so that buffered output is not printed twice.
    public static func fork() throws(SystemError) -> pid_t {
        fflush(nil)
        let pid = Glibc.fork()
        if pid < 0 { throw SystemError("fork") }
        return pid
    }

    /// Ends the process now, without exit handlers (a forked helper's end).
    public static func exitNow(_ status: Int32) -> Never { _exit(status) }

    /// Ends the process, flushing stdio.
    public static func exit(_ status: Int32) -> Never { Glibc.exit(status) }

    public static func waitpid(_ pid: pid_t, options: Int32 = 0) throws(SystemError) -> WaitStatus {
        var status: Int32 = 0
        while true {
            if Glibc.waitpid(pid, &status, options) >= 0 { return WaitStatus(raw: status) }
            if errno != EINTR { throw SystemError("waitpid", String(pid)) }
        }
    }

    /// Waits for `child` to end, stopping ourselves whenever it stops and continuing it when
    /// we are continued, so that a shell's job control sees the pair as one job (util-linux
    /// nsenter's continue_as_child). Returns `.exited` or `.signaled`.
    public static func waitMirroringStops(_ child: pid_t) throws(SystemError) -> WaitStatus {
        while true {
            let status = try waitpid(child, options: WUNTRACED)
            switch status {
            case .stopped:
                kill(getpid(), SIGSTOP)
                kill(child, SIGCONT)
            case .continued:
                continue
            case .exited, .signaled:
                return status
            }
        }
    }

    /// A close-on-exec pipe.
    public static func pipe() throws(SystemError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        if swns_pipe_cloexec(&fds) != 0 { throw SystemError("pipe2") }
        return (fds[0], fds[1])
    }

    /// execvp/execvpe, or with `searchPath` false execv/execve (the file as it is named); returns
    /// only on failure.
    public static func exec(_ file: String, _ argv: [String], environment: [String]?,
                            searchPath: Bool) -> SystemError {
        let cArgs = CStrings.vector(argv)
        defer { CStrings.free(cArgs) }
        let cFile = CStrings.duplicate(file)
        defer { free(cFile) }
        if let environment {
            let cEnv = CStrings.vector(environment)
            defer { CStrings.free(cEnv) }
            _ = searchPath ? swns_execvpe(cFile, cArgs, cEnv) : execve(cFile, cArgs, cEnv)
        } else {
            _ = searchPath ? execvp(cFile, cArgs) : execv(cFile, cArgs)
        }
        return SystemError(searchPath ? "execvp" : "execv", file)
    }

    // MARK: pidfds

    /// pidfd_open(2); `thread`: a pidfd of a thread that is not its group's leader (PIDFD_THREAD,
    /// Linux 6.9 and later).
    public static func pidfdOpen(_ pid: pid_t, thread: Bool = false) throws(SystemError) -> Int32 {
        let fd = swns_pidfd_open(pid, thread ? UInt32(O_EXCL) : 0)
        if fd < 0 { throw SystemError("pidfd_open", String(pid)) }
        return fd
    }

    /// pidfd_getfd(2): a copy of the process's descriptor `target`.
    public static func pidfdGetfd(_ pidfd: Int32, _ target: Int32) throws(SystemError) -> Int32 {
        let fd = swns_pidfd_getfd(pidfd, target)
        if fd < 0 { throw SystemError("pidfd_getfd", String(target)) }
        return fd
    }

    /// True when `fd` (a pidfd) is readable now, i.e. the process it names has exited.
    public static func hasExited(pidfd fd: Int32) throws(SystemError) -> Bool {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            let n = poll(&descriptor, 1, 0)
            if n >= 0 { return n > 0 }
            if errno != EINTR { throw SystemError("poll", String(fd)) }
        }
    }

    // MARK: process attributes (prctl)

    /// PR_SET_PDEATHSIG: `signal` when the parent dies.
    public static func setParentDeathSignal(_ signal: Int32) throws(SystemError) {
        if swns_set_pdeathsig(signal) != 0 { throw SystemError("prctl", "PR_SET_PDEATHSIG") }
    }

    /// PR_SET_KEEPCAPS
    public static func setKeepCapabilities(_ on: Bool) throws(SystemError) {
        if swns_set_keepcaps(on ? 1 : 0) != 0 { throw SystemError("prctl", "PR_SET_KEEPCAPS") }
    }

    /// PR_SET_NO_NEW_PRIVS
    public static func setNoNewPrivileges() throws(SystemError) {
        if swns_set_no_new_privs() != 0 { throw SystemError("prctl", "PR_SET_NO_NEW_PRIVS") }
    }

    /// PR_CAP_AMBIENT_RAISE of capability `value`.
    public static func raiseAmbient(_ value: Int) throws(SystemError) {
        if swns_cap_ambient_raise(UInt(value)) != 0 { throw SystemError("prctl", "PR_CAP_AMBIENT_RAISE") }
    }

    // MARK: signals

    /// The signal's default action (signal(2) with SIG_DFL).
    public static func setDefaultAction(_ signal: Int32) throws(SystemError) {
        if swns_default_signal(signal) != 0 { throw SystemError("signal", String(signal)) }
    }

    public static func blockSignals(_ signals: [Int32]) throws(SystemError) -> sigset_t {
        var set = sigset_t()
        var old = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        if sigprocmask(SIG_BLOCK, &set, &old) != 0 { throw SystemError("sigprocmask", "SIG_BLOCK") }
        return old
    }

    public static func restoreSignalMask(_ mask: sigset_t) throws(SystemError) {
        var mask = mask
        if sigprocmask(SIG_SETMASK, &mask, nil) != 0 { throw SystemError("sigprocmask", "SIG_SETMASK") }
    }

    public static func unblockSignal(_ signal: Int32) throws(SystemError) {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, signal)
        if sigprocmask(SIG_UNBLOCK, &set, nil) != 0 { throw SystemError("sigprocmask", "SIG_UNBLOCK") }
    }

    /// kill(2); whether the signal was sent.
    @discardableResult
    public static func kill(_ pid: pid_t, _ signal: Int32) -> Bool { Glibc.kill(pid, signal) == 0 }

    /// From now on SIGINT and SIGTERM that we receive are sent on to `child`.
    public static func forwardSignals(to child: pid_t) throws(SystemError) {
        if swns_forward_signals(child) != 0 { throw SystemError("sigaction", "SIGINT, SIGTERM") }
    }

    /// SIGQUIT as util-linux's tools have it: as it came (ignored in a shell's background job),
    /// else the default action (quit with a core). The Swift runtime's crash handler takes
    /// SIGQUIT when it finds its backtracer, and a waiting tool would then print a crash report
    /// instead of quitting, and a program we exec would no longer ignore it.
    public static func restoreQuitSignal() {
        _ = swns_restore_quit_signal()
    }

    /// The realtime signals of this C library: SIGRTMIN...SIGRTMAX.
    public static var realtimeSignals: ClosedRange<Int32> { swns_sigrtmin()...swns_sigrtmax() }
}

/// What waitpid(2) reported about a child.
public enum WaitStatus: Equatable, Sendable {
    case exited(Int32)
    case signaled(Int32)
    case stopped(Int32)
    case continued

    init(raw: Int32) {
        let low = raw & 0x7f
        if low == 0 {
            self = .exited((raw >> 8) & 0xff)
        } else if raw == 0xffff {
            self = .continued
        } else if (raw & 0xff) == 0x7f {
            self = .stopped((raw >> 8) & 0xff)
        } else {
            self = .signaled(low)
        }
    }
}
