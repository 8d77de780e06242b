import Glibc

/// A failure of one of the tools, in the words util-linux would use.
///
/// `message` is what err(3)/errx(3) would print after the program name; when `errno` is set,
/// its strerror text follows after a colon, as err(3) does. `hint` is our one extra line.
public struct SwnsError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var errno: Int32?
    public var status: Int32
    public var hint: String?
    /// A usage error: `message` is getopt's own complete line, printed verbatim and followed by
    /// "Try 'TOOL --help' for more information."
    public var suggestsHelp: Bool
    /// The system call behind the failure, where there was one.
    public var cause: SystemError?

    public init(_ message: String, errno: Int32? = nil, status: Int32 = 1, hint: String? = nil,
                suggestsHelp: Bool = false) {
        self.message = message
        self.errno = errno
        self.status = status
        self.hint = hint
        self.suggestsHelp = suggestsHelp
    }

    /// A failed system call in util-linux's words for the step: `message` (`unshare failed`), then
    /// the call's strerror text.
    public init(_ message: String, _ cause: SystemError, status: Int32 = 1, hint: String? = nil) {
        self.init(message, errno: cause.errno, status: status, hint: hint)
        self.cause = cause
    }

    /// util-linux's words for a file step that failed: `opening` where the file could not be
    /// opened (`cannot open PATH`), `otherwise` where reading or writing it failed.
    public init(_ cause: SystemError, opening: @autoclosure () -> String, otherwise: @autoclosure () -> String) {
        self.init(cause.call == "open" ? opening() : otherwise(), cause)
    }

    /// Runs `body`, whose failure is the step that util-linux words as `message`.
    @inline(__always)
    public static func wording<T>(_ message: @autoclosure () -> String,
                                  _ body: () throws(SystemError) -> T) throws(SwnsError) -> T {
        do {
            return try body()
        } catch {
            throw SwnsError(message(), error)
        }
    }

    /// getopt's complaint, which already names the program.
    public static func usage(_ getoptText: String) -> SwnsError {
        SwnsError(getoptText, suggestsHelp: true)
    }

    /// A failure that a helper process has already reported on stderr; only its status is left.
    public static func reported(status: Int32) -> SwnsError {
        SwnsError("", status: status == 0 ? 1 : status)
    }

    public var description: String {
        guard let errno else { return message }
        return "\(message): \(SwnsError.describe(errno: errno))"
    }

    public static func describe(errno: Int32) -> String {
        guard let text = strerror(errno) else { return "Unknown error \(errno)" }
        return String(cString: text)
    }

    /// Equal in what the user is told; `cause` is detail.
    public static func == (a: SwnsError, b: SwnsError) -> Bool {
        a.message == b.message && a.errno == b.errno && a.status == b.status && a.hint == b.hint
            && a.suggestsHelp == b.suggestsHelp
    }

    public func withHint(_ hint: String?) -> SwnsError {
        var copy = self
        if copy.hint == nil { copy.hint = hint }
        return copy
    }
}
