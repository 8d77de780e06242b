/// The tools' own log of the steps they perform, for the tests that check that a run does what
/// its `--dry-run` prints: with `SWNS_STEP_LOG_FD` naming an open descriptor, each step's line is
/// written there by the process that makes the step, once it is made (an exec's before it). Not
/// documented for users: it is a test switch, and costs a run without it one getenv(3).
public struct StepLog: Sendable {
    let fd: Int32?

    public static let variable: StaticString = "SWNS_STEP_LOG_FD"

    /// The descriptor from the environment, kept from the program.
    public static func fromEnvironment() -> StepLog {
        let fd = ProcessEnvironment.number(variable)
        if let fd { try? Kernel.setCloseOnExec(fd) }
        return StepLog(fd: fd)
    }

    /// One line, written in one write(2) so that the lines of several processes do not mix.
    public func record(_ step: Step) {
        guard let fd else { return }
        try? Kernel.write(fd, Array((step.line + "\n").utf8))
    }
}
