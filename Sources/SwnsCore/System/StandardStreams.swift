import Glibc

/// Unbuffered writes to the standard descriptors. The tools fork and exec, so nothing may sit
/// in a stdio buffer that a child could print a second time.
public enum StandardStreams {
    /// The first error of a write to standard output, reported by `finish()` as util-linux's
    /// close_stdout reports it. Written only by the single thread of a tool.
    nonisolated(unsafe) private static var outputError: Int32?

    public static func out(_ text: String) { out(CStrings.bytes(text)) }

    /// Output that is bytes already (swlsns's cells need not be UTF-8).
    public static func out(_ bytes: [UInt8]) {
        do {
            try Kernel.write(STDOUT_FILENO, bytes)
        } catch {
            if outputError == nil { outputError = error.errno }
        }
    }

    /// A write to standard output has failed (a reader that went away: EPIPE).
    public static var outputFailed: Bool { outputError != nil }

    public static func err(_ text: String) { try? Kernel.write(STDERR_FILENO, CStrings.bytes(text)) }

    /// util-linux's close_stdout at exit: a failed write to standard output (a full disk; a
    /// reader that went away is no error) gives `write error: No space left on device`, exit 1.
    public static func finish(program: String) {
        // A reader that went away (EPIPE) or a standard output that was closed (EBADF, nothing
        // asked to see the output) is no error, as util-linux's close_stream has it.
        guard let error = outputError, error != EPIPE, error != EBADF else { return }
        err("\(program): write error: \(SwnsError.describe(errno: error))\n")
        Kernel.exit(1)
    }
}
