import Foundation
import Glibc
import Testing

/// `--dry-run`: the plan printed is the plan performed. Each case runs the command twice: with
/// `--dry-run`, which must print the steps, exit 0 and leave the host as it was (hostname and
/// domain name, mount table, /run/netns, the namespace files it names, no process left running);
/// and for real, with the tools' step log (`SWNS_STEP_LOG_FD`, written by each process as it makes
/// each step), which must hold the same steps, in the same order in each process.
@Suite(.root) struct DryRunTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let tool: String
        /// The options; `FILE` stands for a fresh file to bind a namespace on, `TARGET` for the
        /// PID of a process in namespaces of its own (swnsenter's cases).
        let options: [String]
        var testDescription: String { "\(tool) " + options.joined(separator: " ") }
    }

    static let swunshareCases: [Case] = [
        ["--uts"],
        ["--uts", "--hostname", "HOST", "--domainname", "dry.example"],
        ["--ipc", "--net", "--cgroup"],
        ["--mount"],
        ["--mount", "--propagation", "slave"],
        ["--mount", "--propagation", "unchanged"],
        ["--pid", "--fork", "--mount-proc"],
        ["--user", "--map-root-user"],
        ["--user", "--map-root-user", "--mount", "--pid", "--fork", "--mount-proc", "--uts", "--hostname", "HOST"],
        ["--user", "--map-user=1000", "--map-group=1000"],
        ["--user", "--map-users=0:100000:1000", "--map-groups=0:100000:1000", "--fork"],
        ["--user", "--setgroups", "deny", "--map-user=0"],
        ["--owner", "65534:65534", "--map-root-user", "--fork"],
        ["--net=FILE"],
        ["--uts=FILE", "--mount"],
        ["--ipc=FILE", "--net=FILE", "--fork"],
        ["--user=FILE", "--map-root-user", "--fork", "--kill-child"],
        ["--time", "--fork", "--boottime", "100", "--monotonic", "50"],
        ["--fork", "--forward-signals", "--uts"],
        ["--mount", "--root=/", "--wd=/tmp"],
        ["--fork", "--cap-drop", "net_raw", "--no-new-privs"],
        ["--fork", "--setuid", "65534", "--setgid", "65534", "--cap-add", "net_bind_service"],
        ["--user", "--keep-caps", "--map-root-user"],
        ["--user", "--map-root-user", "--bounding-set", "-sys_admin", "--ambient-caps", "+net_admin"],
    ].map { Case(tool: "swunshare", options: $0) }

    static let swnsenterCases: [Case] = [
        ["-t", "TARGET", "-u"],
        ["-t", "TARGET", "-n", "-i", "-m"],
        ["-t", "TARGET", "-a"],
        ["-t", "TARGET", "-p"],
        ["-t", "TARGET", "-m", "-r", "-w"],
        ["-t", "TARGET", "-u", "-r"],
        ["-t", "TARGET", "-m", "--wdns=/tmp"],
        ["-t", "TARGET", "-U", "-u"],
        ["-t", "TARGET", "-U", "--preserve-credentials", "-n"],
        ["-t", "TARGET", "-u", "-S", "65534", "-G", "65534", "--cap-drop", "all"],
        ["-t", "TARGET", "--join-cgroup", "-C"],
        ["--net=/proc/TARGET/ns/net", "--uts=/proc/TARGET/ns/uts"],
    ].map { Case(tool: "swnsenter", options: $0) }

    /// What a dry run must leave as it found it.
    struct Fingerprint: Equatable {
        var hostname, domainname: String
        var mounts: [String]
        var netns: [String]
        /// Processes whose command line holds the case's token.
        var processes: [String]

        init(token: String, files: [String]) {
            hostname = Host.hostname()
            domainname = (try? String(contentsOfFile: "/proc/sys/kernel/domainname", encoding: .utf8)) ?? ""
            mounts = Host.mountTable(excludingOtherTests: files)
            netns = Host.netnsEntries()
            processes = Self.processes(holding: token)
        }

        static func processes(holding token: String) -> [String] {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
            return entries.filter { $0.allSatisfy(\.isNumber) }.compactMap { pid in
                guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"),
                      String(decoding: data, as: UTF8.self).contains(token) else { return nil }
                return pid
            }
        }
    }

    /// The step lines of each process, in order: the caller's unprefixed, the others' after
    /// `child: `, `bind-helper: ` and so on.
    static func byProcess(_ lines: [String]) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for line in lines {
            let process = ["child", "bind-helper", "map-helper", "undo-helper"].first { line.hasPrefix($0 + ": ") } ?? "caller"
            result[process, default: []].append(line)
        }
        return result
    }

    @Test(arguments: swunshareCases + swnsenterCases)
    func printedStepsAreThePerformedSteps(_ testCase: Case) throws {
        let token = uniqueName("swns-dry")
        let files = (0..<testCase.options.filter { $0.contains("FILE") }.count).map { _ in ScratchFile("swns-dry") }
        var target: TargetProcess?
        if testCase.tool == "swnsenter" {
            target = try TargetProcess(Host.swunshare, ["--user", "--map-root-user", "--uts", "--ipc", "--net", "--mount",
                                                        "--pid", "--cgroup", "--fork", "--mount-proc"])
        }
        var fileIndex = 0
        let options = testCase.options.map { option -> String in
            var option = option.replacingOccurrences(of: "TARGET", with: target.map { String($0.pid) } ?? "")
                .replacingOccurrences(of: "HOST", with: String(token.suffix(20)))
            if option.contains("FILE") {
                option = option.replacingOccurrences(of: "FILE", with: files[fileIndex].path)
                fileIndex += 1
            }
            return option
        }
        let tool = testCase.tool == "swunshare" ? Host.swunshare : Host.swnsenter
        let program = ["sh", "-c", ": " + token]
        let paths = files.map(\.path)

        let before = Fingerprint(token: token, files: paths)
        let dry = try run(tool, ["--dry-run"] + options + program)
        #expect(dry.status == 0, "\(dry)")
        #expect(dry.stderr.isEmpty, "\(dry.stderr)")
        #expect(Fingerprint(token: token, files: paths) == before, "the dry run changed the host")
        let printed = lines(dry.stdout)
        #expect(printed.last?.hasSuffix(": " + token + "\"") == true || printed.last == "wait", "\(printed)")

        let json = try run(tool, ["--dry-run=json"] + options + program)
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(objects.count == printed.count, "one object per step: \(json.stdout)")
        for (object, line) in zip(objects, printed) {
            let process = try #require(object["process"] as? String)
            let call = try #require(object["call"] as? String)
            #expect(line.hasPrefix(process == "caller" ? call : process + ": " + call), "\(object) against \(line)")
        }

        let logged = try Self.performed(tool, options + program)
        #expect(logged.outcome.status == 0, "\(logged.outcome)")
        #expect(Self.byProcess(logged.lines) == Self.byProcess(printed),
                "printed:\n\(printed.joined(separator: "\n"))\nperformed:\n\(logged.lines.joined(separator: "\n"))")
    }

    /// The command run for real, its step log on descriptor 3.
    static func performed(_ tool: String, _ arguments: [String], asUser uid: uid_t? = nil) throws
        -> (outcome: Outcome, lines: [String]) {
        let log = "/tmp/" + uniqueName("swns-steps")
        _ = FileManager.default.createFile(atPath: log, contents: nil, attributes: [.posixPermissions: 0o666])
        defer { unlink(log) }
        let words = ([tool] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let outcome = try run("/bin/sh", ["-c", "SWNS_STEP_LOG_FD=3 exec " + words.joined(separator: " ") + " 3>>" + log],
                              asUser: uid)
        return (outcome, lines((try? String(contentsOfFile: log, encoding: .utf8)) ?? ""))
    }

    /// As an unprivileged user: newuidmap writes the maps of a block (the map helper), and the
    /// caller's own single map otherwise.
    @Test(arguments: [["--user", "--map-root-user", "--uts"], ["--user", "--map-current-user", "--fork", "--net"],
                      ["--user", "--map-users=0:100000:1000", "--map-groups=0:100000:1000", "--fork"]])
    func unprivileged(_ options: [String]) throws {
        let tool = Host.publicFolder + "/swunshare"
        let token = uniqueName("swns-dry")
        let program = ["sh", "-c", ": " + token]
        let dry = try run(tool, ["--dry-run"] + options + program, asUser: Host.nobody)
        #expect(dry.status == 0, "\(dry)")
        let logged = try Self.performed(tool, options + program, asUser: Host.nobody)
        guard logged.outcome.status == 0 || !logged.outcome.stderr.contains("newuidmap") else {
            // No subordinate ids for nobody here: the map helper's step is refused, and logged
            // nothing past it.
            #expect(options.contains { $0.hasPrefix("--map-users") }, "\(logged.outcome)")
            return
        }
        #expect(logged.outcome.status == 0, "\(logged.outcome)")
        #expect(Self.byProcess(logged.lines) == Self.byProcess(lines(dry.stdout)),
                "printed:\n\(dry.stdout)\nperformed:\n\(logged.lines.joined(separator: "\n"))")
    }

    /// Root without CAP_SYS_ADMIN (a container's root, say) cannot enter the target's other
    /// namespaces before its user namespace: the plan enters that first, as for any unprivileged
    /// caller, and the run does what the plan says.
    @Test(arguments: [["-t", "TARGET", "-U", "-n", "-u"],
                      ["--user=/proc/TARGET/ns/user", "--net=/proc/TARGET/ns/net", "--ipc=/proc/TARGET/ns/ipc"]])
    func rootWithoutSysAdmin(_ options: [String]) throws {
        let target = try TargetProcess(Host.swunshare, ["--user", "--map-root-user", "--uts", "--ipc", "--net", "--fork"])
        let token = uniqueName("swns-dry")
        let arguments = options.map { $0.replacingOccurrences(of: "TARGET", with: String(target.pid)) } + ["sh", "-c", ": " + token]
        let words = ([Host.swnsenter, "--dry-run"] + arguments).map { "'" + $0 + "'" }.joined(separator: " ")
        let dry = try run("/usr/sbin/capsh", ["--drop=cap_sys_admin", "--", "-c", "exec " + words])
        #expect(dry.status == 0, "\(dry)")
        let printed = lines(dry.stdout)
        #expect(printed.first { $0.hasPrefix("setns") }?.contains("CLONE_NEWUSER") == true, "the user namespace first: \(printed)")
        let logged = try Self.performed("/usr/sbin/capsh", ["--drop=cap_sys_admin", "--", "-c",
                                                            "exec " + words.replacingOccurrences(of: " '--dry-run'", with: "")])
        #expect(logged.outcome.status == 0, "\(logged.outcome)")
        #expect(logged.lines == printed, "printed:\n\(dry.stdout)\nperformed:\n\(logged.lines.joined(separator: "\n"))")
    }

    /// The checks of a real run, unchanged: a dry run of a bad command fails as the run would.
    @Test(arguments: [
        (["--dry-run", "--map-user=nosuchuser-swns", "true"], "swunshare: failed to parse uid: 'nosuchuser-swns'"),
        (["--dry-run", "--net=/nonexistent/swns", "true"], "swunshare: cannot access /nonexistent/swns"),
        (["--dry-run=yaml", "true"], "swunshare: unsupported --dry-run format: yaml"),
        (["--dry-run", "--json-status-fd", "9", "true"], "swunshare: invalid --json-status-fd 9"),
    ])
    func badInputFailsAsTheRunWould(_ arguments: [String], _ message: String) throws {
        let dry = try swunshare(arguments)
        let real = try swunshare(arguments.filter { !$0.hasPrefix("--dry-run") })
        #expect(dry.status == 1 && dry.stdout.isEmpty, "\(dry)")
        #expect(dry.stderr.hasPrefix(message), "\(dry.stderr)")
        if !arguments.contains("--dry-run=yaml") { #expect(dry.stderr == real.stderr && dry.status == real.status) }
    }
}

/// The step log is the tools' own word; strace's is the kernel's. For a few commands, each
/// printed step that is a system call must be seen by strace, in each process's order, with its
/// arguments.
@Suite(.root, .enabled(if: which("strace") != nil, "needs strace")) struct DryRunStraceTests {
    static let cases: [[String]] = [
        ["swunshare", "--user", "--map-root-user", "--mount", "--pid", "--fork", "--mount-proc", "--uts", "--hostname", "HOST"],
        ["swunshare", "--uts", "--domainname", "dry.example", "--ipc", "--net=FILE"],
        ["swunshare", "--mount", "--propagation", "slave", "--root=/", "--wd=/tmp", "--fork", "-S", "65534", "-G", "65534"],
        ["swunshare", "--uts=FILE", "--mount", "--fork", "--cap-drop", "net_raw"],
        ["swnsenter", "-t", "TARGET", "-n", "-u", "-m", "-r", "-w"],
        ["swnsenter", "-t", "TARGET", "-U", "-p", "-i"],
    ]

    /// The strace line a printed step must have, as a pattern. Its result is not asked for: with
    /// several processes traced, strace may print it on a line of its own (`<... resumed>`), and
    /// the run's exit status tells of failures.
    static func pattern(_ step: String) -> String? {
        let line = step.split(separator: ":", maxSplits: 1).count == 2 && !step.hasPrefix("write") && !step.hasPrefix("mount")
            && ["child", "bind-helper", "map-helper", "undo-helper"].contains { step.hasPrefix($0 + ": ") }
            ? String(step.split(separator: ":", maxSplits: 1)[1].dropFirst()) : step
        var words = line.split(separator: " ").map(String.init)
        let call = words.removeFirst()
        func quoted(_ word: String) -> String {
            "\"" + NSRegularExpression.escapedPattern(for: word).replacingOccurrences(of: "PID", with: "[0-9]+") + "\""
        }
        switch call {
        case "unshare": return #"unshare\("# + NSRegularExpression.escapedPattern(for: words[0]) + #"\)"#
        case "setns": return #"setns\([0-9]+, "# + NSRegularExpression.escapedPattern(for: words[1]) + #"\)"#
        case "sethostname", "setdomainname": return call + #"\("# + quoted(words[0])
        // swnsenter changes to a directory it opened before entering.
        case "chdir": return #"(chdir\("# + quoted(words[0]) + #"|fchdir\([0-9]+)"#
        case "chroot": return #"chroot\(""#
        case "setuid", "setgid": return call + #"\("# + words[0] + #"\)"#
        case "setgroups": return #"setgroups\(0, NULL\)"#
        case "mount":
            let type = words.count == 4 ? quoted(words[2]) : "NULL"
            return #"mount\("# + quoted(words[0]) + ", " + quoted(words[1]) + ", " + type + ", "
                + NSRegularExpression.escapedPattern(for: words.last!) + #", NULL"#
        case "write": return #"openat\(AT_FDCWD, "# + quoted(words[0]) + ", O_WRONLY"
        case "execvp": return #"execve\("[^"]*/"# + NSRegularExpression.escapedPattern(for: words[0]) + #"", \["#
        case "capset": return #"capset\("#
        // libcap clears the ambient set only where one is set.
        case "prctl" where words[0] == "PR_CAP_AMBIENT_CLEAR_ALL": return #"prctl\(PR_CAP_AMBIENT, PR_CAP_AMBIENT_(CLEAR_ALL|IS_SET)"#
        case "prctl" where words[0] == "PR_CAP_AMBIENT_RAISE": return #"prctl\(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE"#
        case "prctl": return #"prctl\("# + words[0]
        default: return nil
        }
    }

    @Test(arguments: cases)
    func straceSeesThePrintedSteps(_ command: [String]) throws {
        let token = uniqueName("swns-strace")
        let file = ScratchFile("swns-strace")
        let target = command[0] == "swnsenter"
            ? try TargetProcess(Host.swunshare, ["--user", "--map-root-user", "--uts", "--ipc", "--net", "--mount", "--pid",
                                                 "--fork", "--mount-proc"])
            : nil
        let options = command.dropFirst().map {
            $0.replacingOccurrences(of: "TARGET", with: target.map { String($0.pid) } ?? "")
                .replacingOccurrences(of: "FILE", with: file.path).replacingOccurrences(of: "HOST", with: String(token.suffix(20)))
        }
        let tool = command[0] == "swunshare" ? Host.swunshare : Host.swnsenter
        let program = ["sh", "-c", ": " + token]
        let printed = lines(try run(tool, ["--dry-run"] + options + program).stdout)
        let trace = "/tmp/" + uniqueName("swns-strace-out")
        defer { unlink(trace) }
        let outcome = try run("/usr/bin/strace", ["-f", "-qq", "-s", "256", "-o", trace, tool] + options + program)
        #expect(outcome.status == 0, "\(outcome)")
        // A call that another process's interrupts is printed up to its arguments' end.
        let traced = lines((try? String(contentsOfFile: trace, encoding: .utf8)) ?? "")
            .map { $0.replacingOccurrences(of: " <unfinished ...>", with: ")") }
        for (process, steps) in DryRunTests.byProcess(printed) {
            var position = traced.startIndex
            for step in steps {
                guard let pattern = Self.pattern(step) else { continue }
                let regex = try NSRegularExpression(pattern: pattern)
                let found = traced[position...].firstIndex {
                    regex.firstMatch(in: $0, range: NSRange($0.startIndex..., in: $0)) != nil
                }
                #expect(found != nil, "\(process): no \(pattern) after line \(position) of strace:\n\(traced.joined(separator: "\n"))")
                position = (found ?? position) + 1
                if found == nil { break }
            }
        }
    }
}
