import CSwns
import Glibc

/// Each system call the tools make, wrapped once: EINTR is retried here, failures become
/// `SwnsError` values that carry errno and util-linux's wording of the step.
public enum Kernel {
    public static func unshare(_ mask: NamespaceMask) throws(SwnsError) {
        if swns_unshare(mask.rawValue) != 0 { throw .system("unshare failed") }
    }

    /// Forks after flushing stdio, so that buffered output is not printed twice.
    public static func fork() throws(SwnsError) -> pid_t {
        fflush(nil)
        let pid = Glibc.fork()
        if pid < 0 { throw .system("fork failed") }
        return pid
    }

    public static func waitpid(_ pid: pid_t, options: Int32 = 0) throws(SwnsError) -> WaitStatus {
        var status: Int32 = 0
        while true {
            let rc = Glibc.waitpid(pid, &status, options)
            if rc >= 0 { return WaitStatus(raw: status) }
            if errno != EINTR { throw .system("waitpid failed") }
        }
    }

    /// Waits for `child` to end, stopping ourselves whenever it stops and continuing it when
    /// we are continued, so that a shell's job control sees the pair as one job (util-linux
    /// nsenter's continue_as_child). Returns `.exited` or `.signaled`.
    public static func waitMirroringStops(_ child: pid_t) throws(SwnsError) -> WaitStatus {
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

    public static func pipe() throws(SwnsError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        if swns_pipe_cloexec(&fds) != 0 { throw .system("pipe failed") }
        return (fds[0], fds[1])
    }

    public static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    /// Writes all bytes; a short write is an error (EIO when the kernel gave no errno).
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32? {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBufferPointer { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            if n == 0 { return EIO }
            offset += n
        }
        return nil
    }

    /// Reads one byte; nil at end of file or on error.
    public static func readByte(_ fd: Int32) -> UInt8? {
        var byte: UInt8 = 0
        while true {
            let n = Glibc.read(fd, &byte, 1)
            if n == 1 { return byte }
            if n < 0 && errno == EINTR { continue }
            return nil
        }
    }

    public static func open(_ path: String, _ flags: Int32, mode: mode_t = 0) -> Int32 {
        while true {
            let fd = CStrings.withCString(path) { Glibc.open($0, flags | O_CLOEXEC, mode) }
            if fd >= 0 || errno != EINTR { return fd }
        }
    }

    /// Writes `text` to an existing file (a /proc control file), the way util-linux does:
    /// open failure and write failure are told apart. With `skipIfMissing`, a file the
    /// kernel does not have is no error.
    public static func writeFile(_ path: String, _ text: String, skipIfMissing: Bool = false) throws(SwnsError) {
        let fd = open(path, O_WRONLY)
        if fd < 0 {
            if skipIfMissing && errno == ENOENT { return }
            throw .system("cannot open \(path)")
        }
        defer { close(fd) }
        if let error = writeAll(fd, CStrings.bytes(text)) { throw .system("write failed \(path)", errno: error) }
    }

    /// The whole content of a small file (/proc, /etc), or the errno that stopped it.
    public static func readFile(_ path: String) -> Result<[UInt8], SwnsError> {
        let fd = open(path, O_RDONLY)
        if fd < 0 { return .failure(.system("cannot open \(path)")) }
        defer { close(fd) }
        var content: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(.system("cannot read \(path)"))
            }
            if n == 0 { return .success(content) }
            content.append(contentsOf: chunk[0..<n])
        }
    }

    public static func readText(_ path: String) -> String? {
        guard case .success(let bytes) = readFile(path) else { return nil }
        return CStrings.string(bytes)
    }

    /// nil when `path` exists, else the errno that stat(2) gave.
    public static func statError(_ path: String) -> Int32? {
        var st = Glibc.stat()
        return CStrings.withCString(path) { stat($0, &st) } == 0 ? nil : errno
    }

    public static func mount(source: String, target: String, type: String?, flags: UInt,
                             what: @autoclosure () -> String) throws(SwnsError) {
        let rc: Int32
        if let type {
            rc = CStrings.withCString(source) { source in
                CStrings.withCString(target) { target in Glibc.mount(source, target, type, flags, nil) }
            }
        } else {
            rc = CStrings.withCString(source) { source in
                CStrings.withCString(target) { target in Glibc.mount(source, target, nil, flags, nil) }
            }
        }
        if rc != 0 { throw .system(what()) }
    }

    public static func unmount(_ target: String, detach: Bool = true) -> Bool {
        CStrings.withCString(target) { umount2($0, detach ? SWNS_MNT_DETACH : 0) } == 0
    }

    public static func chroot(_ path: String) throws(SwnsError) {
        if CStrings.withCString(path, { Glibc.chroot($0) }) != 0 { throw .system("cannot change root directory to '\(path)'") }
    }

    public static func chdir(_ path: String) throws(SwnsError) {
        if CStrings.withCString(path, { Glibc.chdir($0) }) != 0 { throw .system("cannot chdir to '\(path)'") }
    }

    public static func sethostname(_ name: String) throws(SwnsError) {
        let bytes = CStrings.bytes(name)
        let rc = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { swns_sethostname($0.baseAddress, $0.count) }
        }
        if rc != 0 { throw .system("sethostname failed") }
    }

    public static func setdomainname(_ name: String) throws(SwnsError) {
        let bytes = CStrings.bytes(name)
        let rc = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { swns_setdomainname($0.baseAddress, $0.count) }
        }
        if rc != 0 { throw .system("setdomainname failed") }
    }

    public static func dropSupplementaryGroups() throws(SwnsError) {
        if setgroups(0, nil) != 0 { throw .system("setgroups failed") }
    }

    public static func setgid(_ gid: gid_t) throws(SwnsError) {
        if Glibc.setgid(gid) != 0 { throw .system("setgid() failed") }
    }

    public static func setuid(_ uid: uid_t) throws(SwnsError) {
        if Glibc.setuid(uid) != 0 { throw .system("setuid() failed") }
    }

    public static func setParentDeathSignal(_ signal: Int32) throws(SwnsError) {
        if swns_set_pdeathsig(signal) != 0 { throw .system("prctl failed") }
    }

    public static func pidfdOpen(_ pid: pid_t) throws(SwnsError) -> Int32 {
        let fd = swns_pidfd_open(pid, 0)
        if fd < 0 { throw .system("pidfd_open failed") }
        return fd
    }

    /// True when `fd` (a pidfd) is readable now, i.e. the process it names has exited.
    public static func hasExited(pidfd fd: Int32) throws(SwnsError) -> Bool {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            let n = poll(&descriptor, 1, 0)
            if n >= 0 { return n > 0 }
            if errno != EINTR { throw .system("poll parent pidfd failed") }
        }
    }

    public static func blockSignals(_ signals: [Int32]) throws(SwnsError) -> sigset_t {
        var set = sigset_t()
        var old = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        if sigprocmask(SIG_BLOCK, &set, &old) != 0 { throw .system("sigprocmask block failed") }
        return old
    }

    public static func restoreSignalMask(_ mask: sigset_t) throws(SwnsError) {
        var mask = mask
        if sigprocmask(SIG_SETMASK, &mask, nil) != 0 { throw .system("sigprocmask restore failed") }
    }

    /// SIGQUIT as util-linux's tools have it: as it came (ignored in a shell's background job),
    /// else the default action (quit with a core). The Swift runtime's crash handler takes
    /// SIGQUIT when it finds its backtracer, and a waiting tool would then print a crash report
    /// instead of quitting, and a program we exec would no longer ignore it.
    public static func restoreQuitSignal() {
        _ = swns_restore_quit_signal()
    }

    /// Dies of `signal` the way the child did, so that the caller's shell sees 128+N.
    public static func reraise(_ signal: Int32) throws(SwnsError) {
        if signal != SIGKILL && swns_default_signal(signal) != 0 {
            throw .system("signal handler reset failed")
        }
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, signal)
        if sigprocmask(SIG_UNBLOCK, &set, nil) != 0 { throw .system("sigprocmask unblock failed") }
        kill(getpid(), signal)
    }

    /// execvp/execvpe, or with `searchPath` false execv/execve (the file as it is named, as
    /// util-linux's execl runs a shell); returns only on failure, with util-linux's exit status.
    public static func exec(_ arguments: [String], argv0: String? = nil, environment: [String]?,
                            searchPath: Bool = true) -> SwnsError {
        let file = arguments[0]
        var argv = arguments
        if let argv0 { argv[0] = argv0 }
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
        let error = errno
        return SwnsError("failed to execute \(file)", errno: error, status: error == ENOENT ? 127 : 126)
    }

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
