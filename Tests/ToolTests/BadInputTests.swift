import Foundation
import Glibc
import Testing

/// Bad input: exit 1, a message naming the bad value, and the system as it was.
@Suite(.root) struct BadInputTests {
    static let cases: [([String], String)] = [
        (["--uts", "--map-users=x", "true"], "invalid mapping 'x'"),
        (["--net=/nonexistent-swns", "true"], "/nonexistent-swns"),
        (["--hostname", "bad-input-host", "-S", "nope", "true"], "'nope'"),
        (["--hostname", "bad-input-host", "--mount-proc=/nonexistent-swns", "true"], "/nonexistent-swns"),
        (["--hostname", "bad-input-host", "--kill-child=NOPE", "true"], "NOPE"),
        (["--hostname", "bad-input-host", "-R", "/nonexistent-swns", "true"], "/nonexistent-swns"),
        (["--mount", "--propagation=sideways", "true"], "sideways"),
        (["--pid=/tmp", "true"], "--fork"),
        (["-T", "--boottime", "1e3", "true"], "1e3"),
        (["-l", "not-a-spec", "true"], "not-a-spec"),
        (["--owner=0", "true"], "'0'"),
    ]

    @Test(arguments: cases)
    func changesNothing(_ arguments: [String], _ named: String) throws {
        let mounts = Host.mountTable(excludingOtherTests: [])
        let hostname = Host.hostname()
        let netns = Host.netnsEntries()
        let outcome = try swunshare(arguments)
        #expect(outcome.status == 1, "\(outcome)")
        #expect(outcome.stderr.hasPrefix("swunshare: ") && outcome.stderr.contains(named), "\(outcome)")
        #expect(Host.mountTable(excludingOtherTests: []) == mounts)
        #expect(Host.hostname() == hostname)
        #expect(Host.netnsEntries() == netns)
    }
}

/// Installed under util-linux's names (a symbolic link `unshare` to swunshare), the tools call
/// themselves that in messages, help and version, as util-linux's use program_invocation_short_name.
@Suite struct InvocationNameTests {
    @Test(arguments: [("swunshare", "unshare"), ("swnsenter", "nsenter"), ("swlsns", "lsns")])
    func messagesUseTheNameTheToolWasRunBy(_ tool: String, _ name: String) throws {
        let folder = "/tmp/" + uniqueName("swns-name")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createSymbolicLink(atPath: folder + "/" + name, withDestinationPath: Host.buildFolder + "/" + tool)
        let ours = try run(folder + "/" + name, ["--bogus"])
        let theirs = try run("/usr/bin/" + name, ["--bogus"])
        #expect(ours.status == 1 && theirs.status == 1)
        #expect(lines(ours.stderr).last == lines(theirs.stderr).last, "\(ours) \(theirs)")
        #expect(lines(ours.stderr).last == "Try '\(name) --help' for more information.")
        let help = try run(folder + "/" + name, ["--help"])
        #expect(help.stdout.hasPrefix("\nUsage:\n \(name) [options]"), "\(help)")
        #expect(try run(folder + "/" + name, ["-V"]).stdout == "\(name) from swns 0.1.0\n")
    }

    /// --help with standard output closed: nothing to report, status 0, as util-linux's
    /// close_stream has it; a full disk is a write error.
    @Test(arguments: ["swunshare", "swnsenter", "swlsns"])
    func closedAndFullStandardOutput(_ tool: String) throws {
        let closed = try run("/bin/sh", ["-c", "\(Host.buildFolder)/\(tool) --help >&-"])
        #expect(closed.status == 0 && closed.stderr.isEmpty, "\(closed)")
        let full = try run("/bin/sh", ["-c", "\(Host.buildFolder)/\(tool) --help >/dev/full"])
        #expect(full.status == 1 && full.stderr == "\(tool): write error: No space left on device\n", "\(full)")
    }
}
