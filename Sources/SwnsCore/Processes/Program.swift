import Glibc

/// The program a tool runs at the end: what exec gets.
public struct Program: Equatable, Sendable {
    /// The file and its arguments: `argv[0]` names the file.
    public var arguments: [String]
    /// argv[0] where it differs from the file: a login shell's `-bash`.
    public var argv0: String?
    /// The program's environment; nil: ours.
    public var environment: [String]?

    public init(arguments: [String], argv0: String? = nil, environment: [String]? = nil) {
        self.arguments = arguments
        self.argv0 = argv0
        self.environment = environment
    }

    /// A login shell is run by its path, as util-linux's execl runs it; a named program is looked
    /// up on the program's own PATH, as clearenv and execvp do.
    public var searchesPath: Bool { argv0 == nil }

    /// Execs; returns only on failure, with util-linux's message and exit status (127 when the
    /// file is not there, 126 otherwise, as a shell has it).
    public func exec() -> SwnsError {
        var argv = arguments
        if let argv0 { argv[0] = argv0 }
        let error = Kernel.exec(arguments[0], argv, environment: environment, searchPath: searchesPath)
        return SwnsError("failed to execute \(arguments[0])", error, status: error.errno == ENOENT ? 127 : 126)
    }
}
