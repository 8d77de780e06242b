import Foundation
import Glibc
import Testing

/// Invocations that util-linux 2.38.1 also supports: same exit status, same output, and the
/// same message after the program's name.
@Suite(.root) struct SideBySideTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let arguments: [String]
        var compareStdout = true
        var compareStderr = true
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let cases: [Case] = [
        Case(arguments: ["--uts", "sh", "-c", "hostname side-by-side; hostname"]),
        Case(arguments: ["-r", "id", "-u"]),
        Case(arguments: ["-c", "sh", "-c", "id -u; cat /proc/self/setgroups"]),
        Case(arguments: ["--map-user=1000", "--map-group=1000", "cat", "/proc/self/uid_map", "/proc/self/gid_map"]),
        Case(arguments: ["--pid", "--fork", "--mount-proc", "sh", "-c", "echo $$; ps -e --no-headers -o pid=,comm="]),
        Case(arguments: ["--net", "ip", "-o", "link"]),
        Case(arguments: ["--ipc", "ipcs", "-q"]),
        Case(arguments: ["--mount", "--propagation", "slave", "sh", "-c", "grep -c master: /proc/self/mountinfo"]),
        Case(arguments: ["--mount", "sh", "-c", "grep -c shared: /proc/self/mountinfo"]),
        Case(arguments: ["-T", "--fork", "sh", "-c", "readlink /proc/self/ns/time | cut -c1-5"]),
        Case(arguments: ["--wd=/tmp", "pwd"]),
        Case(arguments: ["-R", "/", "-w", "/usr", "pwd"]),
        Case(arguments: ["-S", "65534", "-G", "65534", "id"]),
        Case(arguments: ["-U", "--setgroups", "deny", "cat", "/proc/self/setgroups"]),
        Case(arguments: ["-u", "false"]),
        Case(arguments: ["-u", "sh", "-c", "exit 3"]),
        Case(arguments: ["-f", "sh", "-c", "kill -TERM $$"]),
        Case(arguments: ["sh", "-c", "kill -INT $$"]),
        Case(arguments: ["nonexistent-program"]),
        Case(arguments: ["/etc/passwd"]),
        Case(arguments: ["-S", "abc", "true"]),
        Case(arguments: ["-G", "x", "true"]),
        Case(arguments: ["--kill-child=9", "true"]),
        Case(arguments: ["--propagation", "bogus", "true"]),
        Case(arguments: ["--setgroups", "x", "true"]),
        Case(arguments: ["--map-user=nosuchuser-swns", "true"]),
        Case(arguments: ["-r", "--setgroups=allow", "true"]),
        Case(arguments: ["-T", "--monotonic=abc", "true"]),
        Case(arguments: ["--bogus"]),
        Case(arguments: ["-m=foo"]),
        Case(arguments: ["-S"]),
        Case(arguments: ["--fork=1"]),
        Case(arguments: ["-R", "/nonexistent", "true"]),
        Case(arguments: ["-w", "/nonexistent", "true"]),
        Case(arguments: ["--mount-proc=/nonexistent", "true"]),
        Case(arguments: ["--monotonic", "1", "true"], compareStderr: false),  // 2.38 names the option -t, later -T
        Case(arguments: ["--map-users=1,2", "true"], compareStderr: false),   // 2.38's wording predates 'invalid mapping'
        Case(arguments: ["--uts=/nonexistent", "true"], compareStderr: false),  // ours is refused before unsharing
        Case(arguments: ["-h"], compareStdout: false),
    ]

    /// Messages name the program: `unshare:` or getopt's argv[0].
    func normalize(_ text: String, program: String) -> String {
        text.replacingOccurrences(of: program + ":", with: "TOOL:")
            .replacingOccurrences(of: "Try '\(URL(fileURLWithPath: program).lastPathComponent) --help'", with: "Try 'TOOL --help'")
    }

    @Test(arguments: cases)
    func sameAsUtilLinux(_ c: Case) throws {
        let theirs = try run("/usr/bin/unshare", c.arguments)
        let ours = try swunshare(c.arguments)
        #expect(ours.status == theirs.status, "ours \(ours) theirs \(theirs)")
        #expect(ours.signal == theirs.signal)
        if c.compareStdout { #expect(ours.stdout == theirs.stdout) }
        if c.compareStderr {
            let a = normalize(ours.stderr, program: Host.swunshare).replacingOccurrences(of: "swunshare:", with: "TOOL:")
            let b = normalize(theirs.stderr, program: "/usr/bin/unshare").replacingOccurrences(of: "unshare:", with: "TOOL:")
            #expect(a == b)
        }
    }
}
