import Glibc

/// A system call that failed: the errno it left and the call with its argument, as
/// `unshare(CLONE_NEWUTS)` or `open(/proc/1234/ns/net)`. Every wrapper in `Kernel` throws this
/// and nothing else; callers turn it into util-linux's words with `SwnsError(_:_:)`.
public struct SystemError: Error, Equatable, Sendable, CustomStringConvertible {
    public let errno: Int32
    /// The call, `open`, `setns`, ...: callers that word the steps of one wrapper differently
    /// (util-linux's `cannot open FILE` and `write failed FILE`) tell them apart by it.
    public let call: String
    /// What the call was made on or with: a path, a mask, a PID. Made only when the call fails.
    public let argument: String

    /// A failed `call`; `errno` is read here by default, where the call was just made (only
    /// `Kernel` calls it so).
    public init(_ call: String, _ argument: @autoclosure () -> String = "", errno: Int32 = Glibc.errno) {
        self.errno = errno
        self.call = call
        self.argument = argument()
    }

    /// `unshare(CLONE_NEWUTS)`
    public var step: String { "\(call)(\(argument))" }

    public var description: String { "\(step): \(SwnsError.describe(errno: errno))" }
}
