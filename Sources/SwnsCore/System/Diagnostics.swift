import Glibc

/// Turns a failure into util-linux's stderr lines and an exit status: the one place that does.
public struct Diagnostics: Sendable {
    /// The short program name used in messages (`swunshare`).
    public let program: String

    public init(program: String) { self.program = program }

    /// The lines for `error`: err(3)'s form, or getopt's own text and the help pointer.
    public func text(for error: SwnsError) -> String {
        if error.suggestsHelp { return error.message + tryHelp }
        if error.message.isEmpty { return "" }
        var text = "\(program): \(error.description)\n"
        if let hint = error.hint { text += "hint: \(hint)\n" }
        return text
    }

    public func report(_ error: SwnsError) {
        StandardStreams.err(text(for: error))
    }

    public var tryHelp: String { "Try '\(program) --help' for more information.\n" }

    /// Reports and exits with the error's status.
    public func fail(_ error: SwnsError) -> Never {
        report(error)
        Kernel.exit(error.status)
    }
}
