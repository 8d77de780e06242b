import Foundation
import Glibc
import Testing

/// `--json-status-fd` and `--info-fd` (bubblewrap's options), with real namespaces: the tool runs
/// under a shell that opens descriptor 3 on a file of the test's, which the test reads back.
@Suite(.root) struct StatusReportTests {
    struct Reported {
        var outcome: Outcome
        /// Each line of the descriptor's file, parsed.
        var objects: [[String: Any]]
        var text: String
    }

    /// `tool arguments` with descriptor 3 open on a new file (`redirect`: how the shell opens it).
    static func report(_ tool: String, _ arguments: [String], redirect: String = "3>") throws -> Reported {
        let file = "/tmp/" + uniqueName("swns-status")
        defer { unlink(file) }
        let words = ([tool] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let outcome = try run("/bin/sh", ["-c", words.joined(separator: " ") + " \(redirect)\(file)"])
        let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        let objects = lines(text).compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
        #expect(objects.count == lines(text).count, "each line one JSON object: \(text.debugDescription)")
        return Reported(outcome: outcome, objects: objects, text: text)
    }

    /// What the program prints of itself: its PID as the caller sees it (the first of NSpid),
    /// then `KIND INODE` for each of its namespaces, as `stat -L -c %i` gives them. The shell
    /// reads /proc/self itself, with builtins ($$ is its PID in its own PID namespace); stat, its
    /// child, may be in another PID namespace (that of its children), so it is given the shell's
    /// PID in /proc (the caller's /proc: no case mounts another).
    static let probe = """
        while read -r key pid rest; do test "$key" = NSpid: && self=$pid; done </proc/self/status
        echo "$self"
        for kind in cgroup ipc mnt net pid time user uts; do echo "$kind $(stat -L -c %i /proc/$self/ns/$kind)"; done
        if test -e /proc/self/fd/3; then echo fd3 open; else echo fd3 closed; fi

        """

    /// The keys the first object should have: the PID, and a key for each namespace of the
    /// program's that the test process is not in, with its inode.
    static func expected(_ printed: String) throws -> [String: UInt64] {
        var lines = lines(printed)
        let pid = try #require(UInt64(lines.removeFirst()), "\(printed)")
        var result = ["child-pid": pid]
        for line in lines where !line.hasPrefix("fd3") {
            let parts = line.split(separator: " ")
            let kind = String(parts[0]), inode = try #require(UInt64(parts[1]))
            let ours = try #require(Host.namespaceLink(kind).flatMap(CompletionTests.inode).flatMap(UInt64.init))
            if inode != ours { result["\(kind)-namespace"] = inode }
        }
        return result
    }

    static func numbers(_ object: [String: Any]) -> [String: UInt64] {
        object.compactMapValues { ($0 as? NSNumber)?.uint64Value }
    }

    @Test(arguments: [
        ["--uts", "--ipc", "--fork"], ["--pid", "--fork", "--mount"], ["--net", "--mount", "--fork"],
        ["-r", "--fork"], ["--cgroup", "--time", "--fork"],
    ])
    func swunshareWithAFork(_ options: [String]) throws {
        let report = try Self.report(Host.swunshare, options + ["--json-status-fd", "3", "sh", "-c", Self.probe + "exit 3"])
        #expect(report.outcome.status == 3, "\(report.outcome)")
        try #require(report.objects.count == 2, "\(report.text)")
        #expect(Self.numbers(report.objects[0]) == (try Self.expected(report.outcome.stdout)), "\(report.text)")
        #expect(Self.numbers(report.objects[1]) == ["exit-code": 3])
        #expect(report.outcome.stdout.hasSuffix("fd3 closed\n"), "the program does not get the descriptor")
    }

    /// Without --fork swunshare becomes the program: the first object only, just before exec, and
    /// the descriptor closes on exec.
    @Test func swunshareWithoutAFork() throws {
        let report = try Self.report(Host.swunshare, ["--uts", "--net", "--json-status-fd", "3", "sh", "-c", Self.probe])
        #expect(report.outcome.status == 0, "\(report.outcome)")
        try #require(report.objects.count == 1, "\(report.text)")
        #expect(Self.numbers(report.objects[0]) == (try Self.expected(report.outcome.stdout)))
        #expect(report.outcome.stdout.hasSuffix("fd3 closed\n"))
    }

    /// The exit code is the status the tool exits with: 128+N for a signal, and for SIGKILL
    /// swunshare's 1 (util-linux's message, `sigprocmask unblock failed`).
    @Test(arguments: [("exit 0", Int32(0)), ("exit 42", 42), ("kill -TERM $$", 143), ("kill -KILL $$", 1)])
    func swunshareExitCodes(_ script: String, _ code: Int32) throws {
        let report = try Self.report(Host.swunshare, ["--uts", "--fork", "--json-status-fd", "3", "sh", "-c", script])
        #expect(report.outcome.shellStatus == code, "\(report.outcome)")
        #expect(report.objects.last.map(Self.numbers) == ["exit-code": UInt64(code)], "\(report.text)")
    }

    @Test func infoFdHasTheFirstObjectOnly() throws {
        let report = try Self.report(Host.swunshare, ["--ipc", "--fork", "--info-fd", "3", "sh", "-c", Self.probe + "exit 5"])
        #expect(report.outcome.status == 5)
        try #require(report.objects.count == 1, "\(report.text)")
        #expect(Self.numbers(report.objects[0]) == (try Self.expected(report.outcome.stdout)))
        #expect(report.outcome.stdout.hasSuffix("fd3 closed\n"))
    }

    /// Both at once, on two descriptors.
    @Test func infoAndStatusTogether() throws {
        let info = "/tmp/" + uniqueName("swns-info")
        defer { unlink(info) }
        let report = try Self.report(Host.swunshare, ["--uts", "--fork", "--info-fd", "4", "--json-status-fd", "3", "true"],
                                  redirect: "4>\(info) 3>")
        #expect(report.objects.count == 2 && report.outcome.status == 0, "\(report.text)")
        let infoText = try String(contentsOfFile: info, encoding: .utf8)
        #expect(lines(infoText).count == 1 && infoText.hasPrefix("{ \"child-pid\": "), "\(infoText)")
    }

    /// Descriptor 1, as bubblewrap allows: the reports go to standard output, which the program
    /// keeps.
    @Test func standardOutput() throws {
        let outcome = try run(Host.swunshare, ["--uts", "--fork", "--json-status-fd", "1", "echo", "from the program"])
        let output = lines(outcome.stdout)
        #expect(output.count == 3 && output.contains("from the program"), "\(outcome)")
        #expect(output.last == "{ \"exit-code\": 0 }")
    }

    @Test(arguments: [
        (["-t", "{pid}", "-u", "-n", "-p"], true), (["-t", "{pid}", "-a"], true), (["-t", "{pid}", "-u", "-n"], false),
        (["-t", "{pid}", "-m", "-i", "-F", "-p"], false),
    ])
    func swnsenterWithAndWithoutAFork(_ options: [String], _ forks: Bool) throws {
        let target = try TargetProcess(Host.swunshare, ["--uts", "--net", "--ipc", "--mount", "--pid", "--fork"])
        let arguments = options.map { $0.replacingOccurrences(of: "{pid}", with: String(target.pid)) }
        let report = try Self.report(Host.swnsenter, arguments + ["--json-status-fd", "3", "sh", "-c", Self.probe + "exit 7"])
        #expect(report.outcome.status == 7, "\(report.outcome)")
        try #require(report.objects.count == (forks ? 2 : 1), "\(report.text)")
        #expect(Self.numbers(report.objects[0]) == (try Self.expected(report.outcome.stdout)), "\(report.text)")
        if forks { #expect(Self.numbers(report.objects[1]) == ["exit-code": 7]) }
        #expect(report.outcome.stdout.hasSuffix("fd3 closed\n"))
    }

    @Test(arguments: [("kill -TERM $$", Int32(143)), ("kill -KILL $$", 137)])
    func swnsenterExitCodesOfSignals(_ script: String, _ code: Int32) throws {
        let target = try TargetProcess(Host.swunshare, ["--pid", "--fork"])
        let report = try Self.report(Host.swnsenter, ["-t", String(target.pid), "-p", "--json-status-fd", "3", "sh", "-c", script])
        #expect(report.outcome.shellStatus == code, "\(report.outcome)")
        #expect(report.objects.last.map(Self.numbers) == ["exit-code": UInt64(code)], "\(report.text)")
    }

    /// A descriptor that is closed, read-only or no number: a message and status 1 before anything
    /// is made (the file to persist on stays unbound, the hostname ours).
    @Test(arguments: [
        (["--json-status-fd", "9"], "", "swunshare: invalid --json-status-fd 9: Bad file descriptor"),
        (["--json-status-fd", "3"], "3</etc/passwd", "swunshare: invalid --json-status-fd 3: not open for writing"),
        (["--info-fd", "x"], "", "swunshare: invalid --info-fd argument: 'x'"),
        (["--json-status-fd", "-1"], "", "swunshare: invalid --json-status-fd argument: '-1'"),
        (["--json-status-fd", ""], "", "swunshare: invalid --json-status-fd argument: ''"),
    ])
    func badDescriptors(_ options: [String], _ redirect: String, _ message: String) throws {
        let file = ScratchFile()
        let words = ([Host.swunshare, "--uts=\(file.path)", "--hostname", "swns-status-bad"] + options + ["true"])
            .map { "'\($0)'" }.joined(separator: " ")
        let outcome = try run("/bin/sh", ["-c", words + " " + redirect])
        #expect(outcome.status == 1 && outcome.stderr == message + "\n", "\(outcome)")
        #expect(!Host.mountTargets().contains(file.path), "nothing bound")
        #expect(Host.hostname() != "swns-status-bad")
    }

    @Test func swnsenterBadDescriptor() throws {
        let outcome = try swnsenter(["-t", "1", "-u", "--info-fd", "9", "true"])
        #expect(outcome.status == 1 && outcome.stderr == "swnsenter: invalid --info-fd 9: Bad file descriptor\n", "\(outcome)")
    }
}
