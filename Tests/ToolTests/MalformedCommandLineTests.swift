import Foundation
import Glibc
import Testing

/// Malformed command lines across the three tools: each exits 1 with a message that names the bad
/// value, and the system is as it was (mount table, /run/netns, hostname, no process left behind).
@Suite(.root) struct MalformedCommandLineTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let tool: String
        let arguments: [String]
        /// What the message must contain: the bad value or option.
        let names: String
        var testDescription: String { "\(tool) \(arguments.joined(separator: " "))" }
    }

    static func cases(_ tool: String, _ table: [([String], String)]) -> [Case] {
        table.map { Case(tool: tool, arguments: $0.0, names: $0.1) }
    }

    /// Each bad value, and each with a harmless valid option in front or behind: the first bad
    /// value is reported, and the valid ones change nothing either.
    static func variants(_ table: [([String], String)], valid: [String]) -> [([String], String)] {
        table + table.prefix(20).map { (valid + $0.0, $0.1) }
    }

    static let swunshare: [([String], String)] = [
        (["--bogus"], "--bogus"), (["--mount-procx"], "--mount-procx"), (["-Z"], "'Z'"), (["-fZ"], "'Z'"),
        (["--fork=1"], "--fork"), (["--keep-caps=yes"], "--keep-caps"), (["-S"], "'S'"), (["--setuid"], "--setuid"),
        (["--map-user"], "--map-user"), (["--mo"], "--mo"), (["-S", "nope", "true"], "'nope'"),
        (["-S", "-1", "true"], "'-1'"), (["-S", "4294967295", "true"], "'4294967295'"), (["-G", "x1", "true"], "'x1'"),
        (["--map-user=nosuch-swns-user", "true"], "nosuch-swns-user"), (["--map-group=nosuch-swns-group", "true"], "nosuch-swns-group"),
        (["--map-users=x", "true"], "'x'"), (["--map-users=1:2", "true"], "'1:2'"), (["--map-users=1:2:0", "true"], "'1:2:0'"),
        (["--map-users=a:b:c", "true"], "'a:b:c'"), (["--map-groups=1:2:", "true"], "'1:2:'"),
        (["--map-users=4294967295:0:1", "true"], "4294967295"), (["--owner=0", "true"], "'0'"),
        (["--owner=x:y", "true"], "'x:y'"), (["--owner=:", "true"], "':'"), (["--kill-child=NOPE", "true"], "NOPE"),
        (["--kill-child=99", "true"], "99"), (["--kill-child=SIGNOPE", "true"], "SIGNOPE"),
        (["--propagation=sideways", "true"], "sideways"), (["--propagation", "", "true"], "propagation"),
        (["--setgroups=maybe", "true"], "maybe"), (["--setgroups=", "true"], "setgroups"),
        (["-T", "--monotonic=abc", "true"], "abc"), (["-T", "--boottime=1e3", "true"], "1e3"),
        (["-T", "--monotonic=--1", "true"], "--1"), (["--monotonic=1", "true"], "-T"),
        (["--boottime=1", "true"], "-T"), (["-l", "bogus", "true"], "bogus"), (["--load-interp=:::", "true"], ":::"),
        (["--hostname", String(repeating: "h", count: 65), "true"], "hhhh"),
        (["--domainname", String(repeating: "d", count: 65), "true"], "dddd"),
        (["--kill-child=RTMIN+99", "true"], "RTMIN+99"), (["--kill-child=RTMIN", "true"], "RTMIN"), (["-R", "/nonexistent-swns", "true"], "/nonexistent-swns"),
        (["-w", "/nonexistent-swns", "true"], "/nonexistent-swns"), (["--mount-proc=/nonexistent-swns", "true"], "/nonexistent-swns"),
        (["--net=/nonexistent-swns", "true"], "/nonexistent-swns"), (["--uts=/nonexistent-swns/x", "true"], "/nonexistent-swns/x"),
        (["--pid=/tmp", "true"], "--fork"), (["-r", "--setgroups=allow", "true"], "--setgroups"),
        (["--cap-drop", "foo", "true"], "foo"), (["--cap-add", "nope", "true"], "nope"),
        (["--bounding-set", "net_raw", "true"], "net_raw"), (["--inh-caps", "+bogus", "true"], "bogus"),
        (["--ambient-caps", "+", "true"], "capability"), (["--cap-add", "net_raw", "--bounding-set", "-net_raw", "true"], "cap_net_raw"),
        (["--cap-drop", "999", "true"], "999"), (["--cap-drop", "", "true"], "capability"),
    ]

    static let swnsenter: [([String], String)] = [
        (["--bogus"], "--bogus"), (["-Z"], "'Z'"), (["--target"], "--target"), (["-t"], "'t'"), (["--all=1"], "--all"),
        (["--w=/"], "--w=/"), (["--no-fork=1"], "--no-fork"), (["-N"], "'N'"),
        (["-t", "abc", "-n", "true"], "'abc'"), (["-t", "0", "-n", "true"], "'0'"), (["-t", "-5", "-n", "true"], "'-5'"),
        (["-t", "5:", "-n", "true"], "'5:'"), (["-t", "5:x", "-n", "true"], "'5:x'"), (["-t", "1.5", "-n", "true"], "'1.5'"),
        (["-t", "99999999999", "-n", "true"], "99999999999"), (["-t", "999999999", "-n", "true"], "999999999"),
        (["-n:abc", "true"], "'abc'"), (["--net=:0", "true"], "'0'"), (["--uts=:x1", "true"], "'x1'"),
        (["-n/nonexistent-swns", "true"], "/nonexistent-swns"), (["--mount=/nonexistent-swns", "true"], "/nonexistent-swns"),
        (["--net=/etc/passwd", "true"], "ns/net"), (["--uts=/proc/self/ns/net", "true"], "ns/uts"),
        (["--ipc=/dev/null", "true"], "ns/ipc"), (["-S", "x", "-n/proc/self/ns/net", "true"], "'x'"),
        (["-G", "-1", "-n/proc/self/ns/net", "true"], "'-1'"), (["-N", "x", "true"], "'x'"), (["-N", "-3", "true"], "'-3'"),
        (["-w", "-W", "/x", "true"], "--wdns"), (["-a", "true"], "--all"), (["-m", "true"], "--mount"), (["-U", "true"], "--user"),
        (["-N", "3", "true"], "--net-socket"), (["-r", "true"], "--root"), (["-w", "true"], "--wd"), (["-e", "-n/x", "true"], "--env"),
        (["-c", "-n/x", "true"], "--join-cgroup"), (["-S", "follow", "-n/x", "true"], "--setuid"),
        (["-G", "follow", "-n/x", "true"], "--setgid"), ([], "namespace"), (["true"], "namespace"),
        (["--cap-drop", "foo", "-n/proc/self/ns/net", "true"], "foo"), (["--bounding-set", "x", "-n/proc/self/ns/net", "true"], "'x'"),
        (["--ambient-caps", "+bogus", "-n/proc/self/ns/net", "true"], "bogus"),
    ]

    static let swlsns: [([String], String)] = [
        (["--bogus"], "--bogus"), (["-Z"], "'Z'"), (["-o"], "'o'"), (["--output"], "--output"), (["--json=1"], "--json"),
        (["-t"], "'t'"), (["-p"], "'p'"), (["-Q"], "'Q'"), (["--o"], "--o"),
        (["-J", "-r"], "--json and --raw"), (["-P", "-p", "1"], "--persistent and --task"), (["-l", "-T"], "--list and --tree"),
        (["-p", "1", "4026531836"], "<namespace>"), (["-p", "x"], "'x'"), (["-p", "2147483648"], "'2147483648'"), (["-p", "99999999999999999999"], "out of range"),
        (["-t", "foo"], "foo"), (["-t", "NET"], "NET"), (["-t", ""], "type"), (["-o", "FOO"], "FOO"), (["-o", "NS,BAR"], "BAR"),
        (["-o", "+BAZ"], "BAZ"), (["-o", "NS,BAR,TYPE"], "BAR"), (["-Tsideways"], "sideways"), (["--tree=x"], "x"),
        (["abc"], "'abc'"), (["-1"], "'1'"), (["123"], "123"), (["--", "-x"], "'-x'"), (["99999999999999999999999"], "out of range"),
        (["-Q", ""], "empty"), (["-Q", "TYPE =="], "position"), (["-Q", "FOO == 1"], "FOO"), (["-Q", "NS == 1 and"], "position"),
        (["-Q", "(NS == 1"], "position"), (["-Q", "NS = 1"], "position"), (["-Q", "TYPE =~ \"(\""], "regular expression"),
        (["-Q", "TYPE =~ 3"], "position"), (["-Q", "NS == 1.5"], "1.5"), (["-Q", "'unterminated"], "unterminated"),
    ]

    static let all: [Case] = cases("swunshare", variants(swunshare, valid: ["--uts", "--hostname", "swns-malformed"]))
        + cases("swnsenter", variants(swnsenter, valid: ["--preserve-credentials"]))
        + cases("swlsns", variants(swlsns, valid: ["-n"]))

    @Test func atLeastOneHundredAndFiftyCases() {
        #expect(Self.all.count >= 150)
    }

    @Test(arguments: all)
    func exitsOneNamingTheValueAndChangesNothing(_ c: Case) throws {
        let mounts = Host.mountTable(excludingOtherTests: [])
        let hostname = Host.hostname()
        let netns = Host.netnsEntries()
        let outcome = try run(Host.buildFolder + "/" + c.tool, c.arguments)
        #expect(outcome.status == 1, "\(outcome)")
        #expect(outcome.stdout.isEmpty, "\(outcome)")
        let message = outcome.stderr
        #expect(message.hasPrefix("\(c.tool): ") || message.hasPrefix(Host.buildFolder + "/\(c.tool): "), "\(outcome)")
        #expect(message.contains(c.names), "\(outcome)")
        #expect(!message.contains("Fatal error") && !message.contains("Crash"), "\(outcome)")
        #expect(Host.mountTable(excludingOtherTests: []) == mounts)
        #expect(Host.hostname() == hostname)
        #expect(Host.netnsEntries() == netns)
    }
}
