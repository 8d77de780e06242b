/// A tool's process from its start to its exit, the same for the three: SIGQUIT as it came, the
/// work, a failure reported in util-linux's form with its exit status, and a failed write to
/// standard output reported at the end (close_stdout).
public enum ToolProcess {
    /// Runs `work` under the name the tool was invoked by (`name` when argv[0] has none).
    public static func run(named name: String, _ work: (Diagnostics) throws(SwnsError) -> Void) -> Never {
        let diagnostics = Diagnostics(program: ArgumentVector.process.programName ?? name)
        Kernel.restoreQuitSignal()
        do {
            try work(diagnostics)
        } catch {
            diagnostics.fail(error)
        }
        StandardStreams.finish(program: diagnostics.program)
        Kernel.exit(0)
    }
}

extension Diagnostics {
    /// `-h` or `-V`: prints the help (`helpText` of the program's name) or the version line, and
    /// says whether it did.
    public func answers(help: Bool, version: Bool, _ helpText: (String) -> String) -> Bool {
        if help {
            StandardStreams.out(helpText(program))
        } else if version {
            StandardStreams.out(Swns.versionLine(tool: program))
        }
        return help || version
    }
}
