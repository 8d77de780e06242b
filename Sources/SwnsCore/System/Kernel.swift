import CSwns
import Glibc

/// The kernel boundary: each system call and C shim call the tools make, wrapped once, here and
/// in the other `Kernel+*.swift` files. EINTR is retried here; a failure throws `SystemError`,
/// which carries errno and the call. No other file reads or writes errno.
///
/// Descriptors are plain `Int32`s, always opened close-on-exec.
public enum Kernel {
    // MARK: descriptors and files

    /// open(2), close-on-exec.
    public static func open(_ path: String, _ flags: Int32, mode: mode_t = 0) throws(SystemError) -> Int32 {
        try CStrings.withCString(path) { (cPath) throws(SystemError) in try open(cPath, flags, mode: mode, path: path) }
    }

    /// open(2) of a path of bytes (a mount point need not be UTF-8).
    public static func open(bytes path: [UInt8], _ flags: Int32) throws(SystemError) -> Int32 {
        try (path + [0]).withUnsafeBufferPointer { (buffer) throws(SystemError) in
            try buffer.withMemoryRebound(to: CChar.self) { (cPath) throws(SystemError) in
                try open(cPath.baseAddress!, flags, mode: 0, path: CStrings.string(path))
            }
        }
    }

    private static func open(_ cPath: UnsafePointer<CChar>, _ flags: Int32, mode: mode_t,
                             path: @autoclosure () -> String) throws(SystemError) -> Int32 {
        while true {
            let fd = Glibc.open(cPath, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            if errno != EINTR { throw SystemError("open", path()) }
        }
    }

    /// The file status flags of `fd` (F_GETFL): O_ACCMODE tells how it was opened.
    public static func fileStatusFlags(_ fd: Int32) throws(SystemError) -> Int32 {
        let flags = fcntl(fd, F_GETFL)
        if flags < 0 { throw SystemError("fcntl", "F_GETFL") }
        return flags
    }

    /// Sets FD_CLOEXEC on `fd`: exec closes it.
    public static func setCloseOnExec(_ fd: Int32) throws(SystemError) {
        let flags = fcntl(fd, F_GETFD)
        if flags < 0 || fcntl(fd, F_SETFD, flags | FD_CLOEXEC) < 0 { throw SystemError("fcntl", "F_SETFD") }
    }

    /// A second descriptor of the same open file, close-on-exec (F_DUPFD_CLOEXEC).
    public static func duplicate(_ fd: Int32) throws(SystemError) -> Int32 {
        let copy = fcntl(fd, F_DUPFD_CLOEXEC, 0)
        if copy < 0 { throw SystemError("fcntl", "F_DUPFD_CLOEXEC") }
        return copy
    }

    /// openat(2) of `name` below the directory `directory`, close-on-exec.
    public static func openat(_ directory: Int32, _ name: UnsafePointer<CChar>, _ flags: Int32) throws(SystemError) -> Int32 {
        while true {
            let fd = Glibc.openat(directory, name, flags | O_CLOEXEC)
            if fd >= 0 { return fd }
            if errno != EINTR { throw SystemError("openat", CStrings.string(name)) }
        }
    }

    public static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    /// Writes all of `bytes`; a write that makes no progress is EIO.
    public static func write(_ fd: Int32, _ bytes: [UInt8]) throws(SystemError) {
        try bytes.withUnsafeBufferPointer { (buffer) throws(SystemError) in
            try write(fd, UnsafeRawBufferPointer(buffer))
        }
    }

    public static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(SystemError) {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemError("write", String(fd))
            }
            if n == 0 { throw SystemError("write", String(fd), errno: EIO) }
            offset += n
        }
    }

    /// read(2) into `buffer`: the count read, 0 at the end.
    public static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno != EINTR { throw SystemError("read", String(fd)) }
        }
    }

    /// One byte; nil at the end of the file (a pipe whose writer closed it) or on error.
    public static func readByte(_ fd: Int32) -> UInt8? {
        var byte: UInt8 = 0
        let n = withUnsafeMutableBytes(of: &byte) { buffer in (try? read(fd, into: buffer)) ?? -1 }
        return n == 1 ? byte : nil
    }

    /// Everything left to read on `fd`.
    public static func readAll(_ fd: Int32) throws(SystemError) -> [UInt8] {
        var content: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            // Array's withUnsafeMutableBytes only rethrows untyped errors.
            var failure: SystemError?
            let n = chunk.withUnsafeMutableBytes { buffer -> Int in
                do throws(SystemError) {
                    return try read(fd, into: buffer)
                } catch {
                    failure = error
                    return 0
                }
            }
            if let failure { throw failure }
            if n == 0 { return content }
            content.append(contentsOf: chunk[0..<n])
        }
    }

    /// The whole content of a small file (/proc, /etc). The error's call is `open` or `read`.
    public static func readFile(_ path: String) throws(SystemError) -> [UInt8] {
        let fd = try open(path, O_RDONLY)
        defer { close(fd) }
        do {
            return try readAll(fd)
        } catch {
            throw SystemError("read", path, errno: error.errno)
        }
    }

    /// The file as text (see CStrings), or nil when it cannot be read.
    public static func readText(_ path: String) -> String? {
        (try? readFile(path)).map { CStrings.string($0) }
    }

    /// Writes `text` to an existing file (a /proc control file) in one write, as the kernel
    /// wants id maps written. The error's call is `open` or `write`.
    public static func writeFile(_ path: String, _ text: String) throws(SystemError) {
        let fd = try open(path, O_WRONLY)
        defer { close(fd) }
        do {
            try write(fd, CStrings.bytes(text))
        } catch {
            throw SystemError("write", path, errno: error.errno)
        }
    }

    // MARK: file status

    /// What stat(2) tells of a file, as far as the tools need it.
    public struct FileStatus: Equatable, Sendable {
        public var device: UInt64
        public var inode: UInt64
        public var uid: UInt32
        public var gid: UInt32
        /// The file type and permission bits (st_mode).
        public var mode: UInt32

        init(_ st: stat) {
            device = UInt64(st.st_dev)
            inode = UInt64(st.st_ino)
            uid = st.st_uid
            gid = st.st_gid
            mode = st.st_mode
        }

        /// A socket (S_IFSOCK).
        public var isSocket: Bool { mode & S_IFMT == S_IFSOCK }

        /// The same file: the same inode on the same device.
        public func isSameFile(as other: FileStatus) -> Bool { device == other.device && inode == other.inode }
    }

    /// stat(2), following symbolic links.
    public static func stat(_ path: String) throws(SystemError) -> FileStatus {
        var st = Glibc.stat()
        if CStrings.withCString(path, { Glibc.fstatat(AT_FDCWD, $0, &st, 0) }) != 0 { throw SystemError("stat", path) }
        return FileStatus(st)
    }

    public static func fstat(_ fd: Int32) throws(SystemError) -> FileStatus {
        var st = Glibc.stat()
        if Glibc.fstat(fd, &st) != 0 { throw SystemError("fstat", String(fd)) }
        return FileStatus(st)
    }

    /// fstatat(2) of `name` below `directory`, following symbolic links: the scan's one call per
    /// /proc/PID/ns entry, so it takes the name's C string as it is.
    public static func fstatat(_ directory: Int32, _ name: UnsafePointer<CChar>) throws(SystemError) -> FileStatus {
        var st = Glibc.stat()
        if Glibc.fstatat(directory, name, &st, 0) != 0 { throw SystemError("fstatat", CStrings.string(name)) }
        return FileStatus(st)
    }

    /// The f_type of the file system that `fd` is on (statfs(2)).
    public static func fileSystemType(_ fd: Int32) throws(SystemError) -> Int {
        let type = swns_fstatfs_type(fd)
        if type == 0 { throw SystemError("fstatfs", String(fd)) }
        return type
    }

    /// Whether we may execute `path` (access(2) with X_OK).
    public static func isExecutable(_ path: String) -> Bool {
        CStrings.withCString(path) { access($0, X_OK) } == 0
    }

    /// readlinkat(2) of `name` below `directory` into `buffer`: the count of bytes, which is
    /// `buffer.count` when the link may be longer.
    public static func readlinkat(_ directory: Int32, _ name: UnsafePointer<CChar>,
                                  into buffer: UnsafeMutableBufferPointer<CChar>) throws(SystemError) -> Int {
        let n = Glibc.readlinkat(directory, name, buffer.baseAddress!, buffer.count)
        if n < 0 { throw SystemError("readlinkat", CStrings.string(name)) }
        return n
    }

    /// getdents64(2): linux_dirent64 records into `buffer`; the count of bytes, 0 at the end.
    public static func directoryEntries(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int {
        let n = swns_getdents64(fd, buffer.baseAddress, buffer.count)
        if n < 0 { throw SystemError("getdents64", String(fd)) }
        return n
    }

    /// The numbers among the names of a directory (/proc: the PIDs), in directory order.
    public static func numberedEntries(_ path: String) -> [Int32] {
        guard let directory = CStrings.withCString(path, { opendir($0) }) else { return [] }
        defer { closedir(directory) }
        var numbers: [Int32] = []
        while let entry = readdir(directory) {
            let number: Int32? = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                Numbers.digits(raw.prefix { $0 != 0 })
            }
            if let number, number > 0 { numbers.append(number) }
        }
        return numbers
    }

    // MARK: the system

    /// The first two numbers of the kernel's release (uname(2)): `6.18.44-...` is (6, 18).
    public static func release() -> (major: Int, minor: Int)? {
        var name = utsname()
        guard uname(&name) == 0 else { return nil }
        // Slices of the buffer, not split(): this runs on swnsenter's start path (see CStrings).
        return withUnsafeBytes(of: name.release) { raw -> (major: Int, minor: Int)? in
            let text = raw.prefix { $0 != 0 }
            guard let dot = text.firstIndex(of: UInt8(ascii: ".")), let major: Int = Numbers.digits(text[..<dot]),
                  let minor: Int = Numbers.leadingDigits(text[text.index(after: dot)...]) else { return nil }
            return (major, minor)
        }
    }

    /// The width of the terminal on `fd`, or nil when it is not a terminal.
    public static func terminalWidth(_ fd: Int32) -> Int? {
        let width = swns_terminal_width(fd)
        return width > 0 ? Int(width) : nil
    }

    public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) != 0 }
}
