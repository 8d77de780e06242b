import Glibc

/// Unbuffered writes to the standard descriptors. The tools fork and exec, so nothing may sit
/// in a stdio buffer that a child could print a second time.
public enum StandardStreams {
    /// The first error of a write to standard output, reported by `finish()` as util-linux's
    /// close_stdout reports it. Written only by the single thread of a tool.
    nonisolated(unsafe) private static var outputError: Int32?

    /// Writes the bytes `text` stands for (see `CStrings`); returns the errno that stopped it.
    @discardableResult
    public static func write(_ text: String, to fd: Int32) -> Int32? {
        write(CStrings.bytes(text), to: fd)
    }

    @discardableResult
    public static func write(_ bytes: [UInt8], to fd: Int32) -> Int32? {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBufferPointer { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += n
        }
        return nil
    }

    public static func out(_ text: String) { out(CStrings.bytes(text)) }

    /// Output that is bytes already (swlsns's cells need not be UTF-8).
    public static func out(_ bytes: [UInt8]) {
        if let error = write(bytes, to: STDOUT_FILENO), outputError == nil { outputError = error }
    }

    public static func err(_ text: String) { write(text, to: STDERR_FILENO) }

    /// util-linux's close_stdout at exit: a failed write to standard output (a full disk; a
    /// reader that went away is no error) gives `write error: No space left on device`, exit 1.
    public static func finish(program: String) {
        // A reader that went away (EPIPE) or a standard output that was closed (EBADF, nothing
        // asked to see the output) is no error, as util-linux's close_stream has it.
        guard let error = outputError, error != EPIPE, error != EBADF else { return }
        err("\(program): write error: \(SwnsError.describe(errno: error))\n")
        exit(1)
    }
}
