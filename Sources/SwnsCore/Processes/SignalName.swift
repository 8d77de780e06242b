import Glibc

/// Signal names as util-linux's tools accept them: `KILL`, `SIGKILL`, `sigterm`, `RTMIN+2`.
public enum SignalName {
    /// The standard signals of Linux on this architecture, with their usual aliases.
    public static let table: [(name: String, number: Int32)] = [
        ("HUP", SIGHUP), ("INT", SIGINT), ("QUIT", SIGQUIT), ("ILL", SIGILL), ("TRAP", SIGTRAP),
        ("ABRT", SIGABRT), ("IOT", SIGIOT), ("BUS", SIGBUS), ("FPE", SIGFPE), ("KILL", SIGKILL),
        ("USR1", SIGUSR1), ("SEGV", SIGSEGV), ("USR2", SIGUSR2), ("PIPE", SIGPIPE), ("ALRM", SIGALRM),
        ("TERM", SIGTERM), ("STKFLT", SIGSTKFLT), ("CHLD", SIGCHLD), ("CLD", SIGCHLD), ("CONT", SIGCONT),
        ("STOP", SIGSTOP), ("TSTP", SIGTSTP), ("TTIN", SIGTTIN), ("TTOU", SIGTTOU), ("URG", SIGURG),
        ("XCPU", SIGXCPU), ("XFSZ", SIGXFSZ), ("VTALRM", SIGVTALRM), ("PROF", SIGPROF),
        ("WINCH", SIGWINCH), ("IO", SIGIO), ("POLL", SIGPOLL), ("PWR", SIGPWR), ("SYS", SIGSYS),
    ]

    /// The signal number for `text`, or nil. Like util-linux, names only: `9` is not a signal name.
    public static func number(_ text: String) -> Int32? {
        var name = text.uppercased()
        if name.hasPrefix("SIG") { name.removeFirst(3) }
        if name.hasPrefix("RT") { return realtime(String(name.dropFirst(2))) }
        return table.first { $0.name == name }?.number
    }

    /// `SIGKILL` for 9; the number for a signal without a name here.
    public static func name(of signal: Int32) -> String {
        table.first { $0.number == signal }.map { "SIG" + $0.name } ?? "signal \(signal)"
    }

    /// `MIN+n`, `MAX-n` or `n` (meaning MIN+n), within the realtime range, as util-linux's
    /// rtsig_to_signum reads it: the number starts right there, and what follows its digits is
    /// ignored (`RTMIN+1x` is RTMIN+1); bare `MIN` and `MAX` are no signal names there.
    static func realtime(_ text: String) -> Int32? {
        var rest = Substring(text)
        var fromMax = false
        if rest.hasPrefix("MIN+") {
            rest = rest.dropFirst(4)
        } else if rest.hasPrefix("MAX-") {
            rest = rest.dropFirst(4)
            fromMax = true
        }
        guard let n: Int32 = Numbers.leadingDigits(rest.utf8) else { return nil }
        // In Int, where no offset that fits Int32 can overflow (`RTMIN+2147483647`).
        let signals = Kernel.realtimeSignals
        let low = Int(signals.lowerBound), high = Int(signals.upperBound)
        let signal = fromMax ? high - Int(n) : low + Int(n)
        guard signal >= low, signal <= high else { return nil }
        return Int32(signal)
    }
}
