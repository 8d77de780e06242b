import Glibc

/// The program the tools run when the command line names none: the caller's shell, started as a
/// login shell (`-bash`), as util-linux does.
public enum LoginShell {
    /// `$SHELL` (from `environment` when given, else the process's own), else the shell in
    /// /etc/passwd of `uid` (the user the program will run as; ours when nil), else /bin/sh; with
    /// the argv[0] that makes it a login shell. It is run by that path, not looked up on PATH.
    public static func resolve(environment: [String]?, context: HostContext,
                               uid: UInt32? = nil) -> (path: String, argv0: String) {
        let variable = environment.map { ProcessEnvironment.value("SHELL", in: $0) } ?? ProcessEnvironment.value("SHELL")
        let shell = variable.flatMap { $0.isEmpty ? nil : $0 } ?? passwdShell(context: context, uid: uid ?? getuid())
            ?? "/bin/sh"
        return (shell, "-" + (shell.split(separator: "/").last.map(String.init) ?? shell))
    }

    /// What to exec: the command line's program, or else the login shell. `argv0` is set where it
    /// differs from the file (`-bash`), that is, for the login shell, which is run by its path.
    public static func program(_ words: [String], environment: [String]?, context: HostContext,
                               uid: UInt32? = nil) -> (argv: [String], argv0: String?) {
        guard words.isEmpty else { return (words, nil) }
        let shell = resolve(environment: environment, context: context, uid: uid)
        return ([shell.path], shell.argv0)
    }

    private static func passwdShell(context: HostContext, uid: UInt32) -> String? {
        guard case .success(let passwd) = context.readFile("/etc/passwd"),
              let entry = Accounts.user(id: uid, passwd: passwd), !entry.shell.isEmpty else { return nil }
        return entry.shell
    }
}
