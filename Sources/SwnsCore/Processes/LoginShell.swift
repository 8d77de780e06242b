/// The program the tools run when the command line names none: the caller's shell, started as a
/// login shell (`-bash`), as util-linux does.
public enum LoginShell {
    /// `$SHELL` (from `environment` when given, else the process's own), else the shell in
    /// /etc/passwd of `uid` (the user the program will run as; ours when nil), else /bin/sh; with
    /// the argv[0] that makes it a login shell. It is run by that path, not looked up on PATH.
    public static func resolve(environment: [String]?, context: HostContext,
                               uid: UInt32? = nil) -> (path: String, argv0: String) {
        let variable = environment.map { ProcessEnvironment.value("SHELL", in: $0) } ?? ProcessEnvironment.value("SHELL")
        let shell = variable.flatMap { $0.isEmpty ? nil : $0 } ?? context.passwdShell(of: uid ?? Kernel.realUserID)
            ?? "/bin/sh"
        return (shell, "-" + (shell.split(separator: "/").last.map(String.init) ?? shell))
    }

    /// What to exec: the command line's program, or else the login shell, with `environment`.
    /// The shell is looked up in `shellEnvironment` (nil: ours), which is the program's own
    /// environment unless a test stands in for ours.
    public static func program(_ words: [String], environment: [String]?, shellEnvironment: [String]? = nil,
                               context: HostContext, uid: UInt32? = nil) -> Program {
        guard words.isEmpty else { return Program(arguments: words, environment: environment) }
        let shell = resolve(environment: shellEnvironment ?? environment, context: context, uid: uid)
        return Program(arguments: [shell.path], argv0: shell.argv0, environment: environment)
    }
}
