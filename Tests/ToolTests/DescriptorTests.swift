import Foundation
import Testing

/// The program that a tool runs gets only the descriptors that its caller gave the tool: every
/// descriptor the tools open themselves is close-on-exec.
@Suite(.root) struct DescriptorTests {
    static let listing = ["ls", "/proc/self/fd"]

    /// What the caller passes: the same listing without any tool in between.
    func baseline() throws -> [String] {
        lines(try run("/bin/ls", ["/proc/self/fd"]).stdout).sorted()
    }

    @Test(arguments: [
        ["--uts"],
        ["--uts", "--fork"],
        ["--pid", "--fork", "--mount-proc", "--kill-child"],
        ["-r"],
        ["--mount", "--propagation", "private", "--forward-signals"],
        ["--cap-drop", "net_raw", "--keep-caps", "-r"],
    ])
    func swunshareLeaksNothing(_ options: [String]) throws {
        let outcome = try swunshare(options + Self.listing)
        #expect(lines(outcome.stdout).sorted() == (try baseline()), "\(outcome)")
    }

    @Test func swunsharePersistingLeaksNothing() throws {
        let uts = ScratchFile(), pid = ScratchFile()
        let outcome = try swunshare(["--uts=\(uts.path)", "--pid=\(pid.path)", "--fork"] + Self.listing)
        #expect(lines(outcome.stdout).sorted() == (try baseline()), "\(outcome)")
    }

    @Test(arguments: [["-u"], ["-a"], ["-a", "-r", "-w", "-e"], ["-U", "--preserve-credentials"],
                      ["-n", "-p", "-c"], ["-u", "-F"], ["-u", "--cap-drop", "net_raw", "--no-new-privs"]])
    func swnsenterLeaksNothing(_ options: [String]) throws {
        let target = try TargetProcess(Host.swunshare, ["-r", "--uts", "--net", "--pid", "--fork"])
        let outcome = try swnsenter(["-t", "\(target.pid)"] + options + Self.listing)
        #expect(outcome.status == 0, "\(outcome)")
        #expect(lines(outcome.stdout).sorted() == (try baseline()), "\(outcome)")
    }
}
