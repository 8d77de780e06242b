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

    public init(_ message: String, errno: Int32? = nil, status: Int32 = 1, hint: String? = nil,
                suggestsHelp: Bool = false) {
        self.message = message
        self.errno = errno
        self.status = status
        self.hint = hint
        self.suggestsHelp = suggestsHelp
    }

    /// An error of a system call: `what` names the step, e.g. "unshare failed".
    public static func system(_ what: String, errno: Int32 = Glibc.errno) -> SwnsError {
        SwnsError(what, errno: errno)
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

    public func withHint(_ hint: String?) -> SwnsError {
        var copy = self
        if copy.hint == nil { copy.hint = hint }
        return copy
    }
}
