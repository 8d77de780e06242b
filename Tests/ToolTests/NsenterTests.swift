import Foundation
import Glibc
import SwnsCore
import Testing

/// The launchers of the targets: ours and util-linux's, with the same options.
enum Launcher: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case swunshare, unshare

    var path: String { self == .swunshare ? Host.swunshare : "/usr/bin/unshare" }
    var testDescription: String { rawValue }
}

/// Every namespace type, made by a launcher as root: a user namespace with root mapped, and
/// mount, UTS, IPC, network, pid, cgroup and time namespaces owned by it.
func everyNamespaceTarget(_ launcher: Launcher) throws -> TargetProcess {
    try TargetProcess(launcher.path, ["-r", "-m", "-u", "-i", "-n", "-p", "-C", "-T", "--fork", "--mount-proc"])
}

@Suite(.root) struct NsenterNamespaceTests {
    /// Each type is entered: the program's /proc/self/ns entry is the target's, not ours. The mount
    /// namespace is entered with the pid namespace, because its /proc is the target's.
    @Test(arguments: Launcher.allCases)
    func entersEachType(_ launcher: Launcher) throws {
        let target = try everyNamespaceTarget(launcher)
        for (option, entry) in [("--user", "user"), ("--cgroup", "cgroup"), ("--ipc", "ipc"), ("--uts", "uts"),
                                ("--net", "net"), ("--pid", "pid"), ("--time", "time")] {
            let outcome = try swnsenter(["-t", "\(target.pid)", option, "readlink", "/proc/self/ns/\(entry)"])
            #expect(outcome.status == 0, "\(option): \(outcome)")
            #expect(lines(outcome.stdout) == [target.namespace(entry) ?? "?"], "\(option)")
            #expect(target.namespace(entry) != Host.namespaceLink(entry), "the target has a \(entry) namespace of its own")
        }
        let mount = try swnsenter(["-t", "\(target.pid)", "--mount", "--pid", "readlink", "/proc/self/ns/mnt"])
        #expect(lines(mount.stdout) == [target.namespace("mnt") ?? "?"], "\(mount)")
    }

    @Test(arguments: Launcher.allCases)
    func allEntersEveryTypeThatDiffers(_ launcher: Launcher) throws {
        let target = try everyNamespaceTarget(launcher)
        let entries = ["user", "cgroup", "ipc", "uts", "net", "pid", "mnt", "time"]
        let outcome = try swnsenter(["-t", "\(target.pid)", "-a", "sh", "-c",
                                     entries.map { "readlink /proc/self/ns/\($0)" }.joined(separator: "; ")])
        #expect(outcome.status == 0, "\(outcome)")
        #expect(lines(outcome.stdout) == entries.map { target.namespace($0) ?? "?" })
    }

    @Test func hostnameIPCNetworkAndPIDView() throws {
        let hostname = uniqueName("swns").prefix(60)
        let target = try TargetProcess(Host.swunshare, ["--uts", "--hostname", String(hostname), "--ipc", "--net", "--pid",
                                                        "--fork", "--mount-proc"])
        let pid = "\(target.pid)"
        #expect(try swnsenter(["-t", pid, "-u", "hostname"]).stdout == "\(hostname)\n")
        #expect(Host.hostname() != String(hostname))

        // A queue made on one visit is there on the next, and not on the host.
        let made = try swnsenter(["-t", pid, "-i", "ipcmk", "-Q"])
        let id = try #require(made.stdout.split(separator: ":").last?.trimmingCharacters(in: .whitespacesAndNewlines))
        let inside = try swnsenter(["-t", pid, "-i", "ipcs", "-q", "-i", id])
        #expect(inside.status == 0, "\(inside)")
        let queues = try swnsenter(["-t", pid, "-i", "sh", "-c", "tail -n +2 /proc/sysvipc/msg | wc -l"])
        #expect(lines(queues.stdout) == ["1"])

        let links = try swnsenter(["-t", pid, "-n", "ip", "-o", "link"])
        #expect(lines(links.stdout).count == 1 && links.stdout.contains(": lo:"), "\(links)")

        // The target (sleep) is PID 1 of its pid namespace; the shell that swnsenter forks is next.
        let view = try swnsenter(["-t", pid, "-p", "-m", "sh", "-c", "echo $$; ps -e --no-headers -o comm="])
        let output = lines(view.stdout)
        #expect(output.first.flatMap { Int($0) }.map { $0 > 1 && $0 < 10 } == true, "\(view)")
        #expect(output.dropFirst().contains("sleep") && output.count <= 4, "\(view)")
    }

    @Test func persistedNamespaceFiles() throws {
        let uts = ScratchFile(), net = ScratchFile()
        let hostname = String(uniqueName("swns").prefix(60))
        let made = try swunshare(["--uts=\(uts.path)", "--net=\(net.path)", "--hostname", hostname, "true"])
        #expect(made.status == 0, "\(made)")
        #expect(try swnsenter(["--uts=\(uts.path)", "hostname"]).stdout == "\(hostname)\n")
        let links = try swnsenter(["-n\(net.path)", "ip", "-o", "link"])
        #expect(lines(links.stdout).count == 1, "\(links)")
        // The same with util-linux's nsenter, and with the short form and a leading '='.
        #expect(try run("/usr/bin/nsenter", ["--uts=\(uts.path)", "hostname"]).stdout == "\(hostname)\n")
        #expect(try swnsenter(["-u=\(uts.path)", "hostname"]).stdout == "\(hostname)\n")
    }

    @Test func ipNetnsFiles() throws {
        let name = String(uniqueName("swns").prefix(40))
        #expect(try run("/usr/sbin/ip", ["netns", "add", name]).status == 0)
        defer { _ = try? run("/usr/sbin/ip", ["netns", "delete", name]) }
        let path = "/run/netns/\(name)"
        var st = stat()
        #expect(stat(path, &st) == 0)
        let outcome = try swnsenter(["--net=\(path)", "readlink", "/proc/self/ns/net"])
        #expect(lines(outcome.stdout) == ["net:[\(st.st_ino)]"], "\(outcome)")
    }

    @Test func namespaceIDs() throws {
        let target = try TargetProcess(Host.swunshare, ["--net"])
        let fd = open("/proc/\(target.pid)/ns/net", O_RDONLY | O_CLOEXEC)
        try #require(fd >= 0)
        defer { close(fd) }
        var id: UInt64 = 0
        // NS_GET_ID: namespace ids came with Linux 6.18.
        try #require(ioctl(fd, 0x8008_b70d, &id) == 0, "this kernel has no namespace ids")
        let outcome = try swnsenter(["--net=:\(id)", "readlink", "/proc/self/ns/net"])
        #expect(lines(outcome.stdout) == [target.namespace("net") ?? "?"], "\(outcome)")
        let wrongType = try swnsenter(["--uts=:\(id)", "true"])
        #expect(wrongType.status == 1 && wrongType.stderr.hasPrefix("swnsenter: cannot open the uts namespace with id"))
    }
}

@Suite(.root) struct NsenterProcessTests {
    @Test func rootWorkingDirectoryAndNamespaceWorkingDirectory() throws {
        let marker = uniqueName("marker")
        let root = try StaticProbe.makeRoot(marker: marker)
        defer { StaticProbe.remove(root) }
        let target = try TargetProcess(Host.swunshare, ["--uts"])
        let pid = "\(target.pid)"

        let given = try swnsenter(["-t", pid, "-u", "-r\(root)", "-w\(root)/sub", "/probe"])
        #expect(lines(given.stdout) == ["/sub", marker], "\(given)")
        let inside = try swnsenter(["-t", pid, "-u", "--root=\(root)", "-W/sub", "/probe"])
        #expect(lines(inside.stdout) == ["/sub", marker], "\(inside)")
        let plain = try swnsenter(["-t", pid, "-u", "-w/tmp", "pwd"])
        #expect(lines(plain.stdout) == ["/tmp"])

        // -r and -w without a value: the target's own root and working directory.
        let jailed = try TargetProcess(Host.swunshare, ["--mount", "--root=\(root)", "--wd=/sub"], sleeper: ["/probe", "sleep"])
        let own = try swnsenter(["-t", "\(jailed.pid)", "-m", "-r", "-w", "/probe"])
        #expect(lines(own.stdout) == ["/sub", marker], "\(own)")
        // util-linux agrees.
        let theirs = try run("/usr/bin/nsenter", ["-t", "\(jailed.pid)", "-m", "-r", "-w", "/probe"])
        #expect(theirs.stdout == own.stdout)
    }

    @Test func environmentOfTheTarget() throws {
        let mark = uniqueName("mark")
        let target = try TargetProcess(Host.swunshare, ["--uts"], environment: ["PATH": "/usr/bin:/bin", "SWNS_MARK": mark])
        let outcome = try swnsenter(["-t", "\(target.pid)", "-u", "-e", "printenv", "SWNS_MARK"])
        #expect(outcome.stdout == "\(mark)\n", "\(outcome)")
        #expect(try swnsenter(["-t", "\(target.pid)", "-u", "printenv", "SWNS_MARK"]).status == 1)
    }

    @Test func credentialsGivenAndFollowed() throws {
        let target = try TargetProcess(Host.swunshare, ["--uts"])
        let given = try swnsenter(["-t", "\(target.pid)", "-u", "-S", "65534", "-G", "65534", "sh", "-c", "id -u; id -g; id -G"])
        #expect(lines(given.stdout) == ["65534", "65534", "65534"], "\(given)")

        let nobody = try TargetProcess("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups"])
        let followed = try swnsenter(["-t", "\(nobody.pid)", "-u", "-S", "follow", "-G", "follow", "sh", "-c", "id -u; id -g"])
        #expect(lines(followed.stdout) == ["65534", "65534"], "\(followed)")

        // Entering a user namespace makes us root there.
        let user = try TargetProcess(Host.swunshare, ["-r"])
        #expect(lines(try swnsenter(["-t", "\(user.pid)", "-U", "id", "-u"]).stdout) == ["0"])
    }

    @Test func exitStatusesAndSignals() throws {
        let target = try TargetProcess(Host.swunshare, ["--uts", "--pid", "--fork"])
        let pid = "\(target.pid)"
        #expect(try swnsenter(["-t", pid, "-u", "true"]).status == 0)
        #expect(try swnsenter(["-t", pid, "-u", "sh", "-c", "exit 3"]).status == 3)
        #expect(try swnsenter(["-t", pid, "-u", "/etc/passwd"]).status == 126)
        #expect(try swnsenter(["-t", pid, "-u", "nonexistent-program-swns"]).status == 127)
        // Forked for the pid namespace: the parent dies of the child's signal.
        #expect(try swnsenter(["-t", pid, "-p", "sh", "-c", "kill -TERM $$"]).shellStatus == 143)
        // Not forked: the program is swnsenter's own process.
        #expect(try swnsenter(["-t", pid, "-p", "-F", "sh", "-c", "kill -INT $$"]).shellStatus == 130)
    }

    @Test func pidWithInodeRefusesAnotherProcess() throws {
        let target = try TargetProcess(Host.swunshare, ["--uts"])
        let inode = try #require(pidfdInode(target.pid))
        let right = try swnsenter(["-t", "\(target.pid):\(inode)", "-u", "true"])
        #expect(right.status == 0, "\(right)")
        let wrong = try swnsenter(["-t", "\(target.pid):\(inode + 1)", "-u", "true"])
        #expect(wrong.status == 1)
        #expect(wrong.stderr.hasPrefix("swnsenter: failed to obtain a valid file descriptor for PID \(target.pid): "), "\(wrong)")
    }

    @Test func holdsAPidfdOnTheTargetToTheEnd() throws {
        let target = try TargetProcess(Host.swunshare, ["--uts", "--pid", "--fork"])
        let entering = try Spawned(Host.swnsenter, ["-t", "\(target.pid)", "-p", "sleep", "5"])
        defer {
            // The forked program is orphaned to us, and the target's pid namespace cannot go
            // until it is reaped.
            let program = children(of: entering.pid)
            kill(entering.pid, SIGKILL)
            _ = entering.wait()
            program.forEach(reap)
        }
        // The forked parent waits for the program and still holds the pidfd.
        var held = false
        let deadline = Date().addingTimeInterval(5)
        while !held && Date() < deadline {
            let folder = "/proc/\(entering.pid)/fdinfo"
            for fd in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
                let info = (try? String(contentsOfFile: folder + "/" + fd, encoding: .utf8)) ?? ""
                if info.contains("Pid:\t\(target.pid)\n") { held = true }
            }
            if !held { usleep(10_000) }
        }
        #expect(held)
    }

    @Test func joinsTheTargetsCgroup() throws {
        let mountpoint = Host.mountTable().split(separator: "\n").compactMap { line -> String? in
            let halves = line.components(separatedBy: " - ")
            guard halves.count == 2, halves[1].hasPrefix("cgroup2 ") else { return nil }
            return halves[0].split(separator: " ")[4].description
        }.first
        let root = try #require(mountpoint, "no cgroup2 hierarchy is mounted")
        let name = uniqueName("swns-cgroup")
        let folder = root + "/" + name
        try #require(mkdir(folder, 0o755) == 0)
        defer {
            // The cgroup can go once its processes are reaped.
            var attempts = 0
            while rmdir(folder) != 0 && errno == EBUSY && attempts < 500 {
                attempts += 1
                usleep(10_000)
            }
        }
        do {
            let target = try TargetProcess(Host.swunshare, ["--uts"])
            try "\(target.pid)".write(toFile: folder + "/cgroup.procs", atomically: false, encoding: .utf8)
            let outcome = try swnsenter(["-t", "\(target.pid)", "-u", "-c", "cat", "/proc/self/cgroup"])
            #expect(lines(outcome.stdout).contains("0::/\(name)"), "\(outcome)")
        }
    }

    @Test func networkNamespaceOfASocket() throws {
        // bash opens a UDP socket as descriptor 7 in the new network namespace; sleep inherits it.
        let target = try TargetProcess(Host.swunshare, ["--net", "bash", "-c",
                                                        "ip link set lo up; exec 7<>/dev/udp/127.0.0.1/9; exec sleep 600"],
                                       sleeper: [])
        let outcome = try swnsenter(["-t", "\(target.pid)", "-N", "7", "readlink", "/proc/self/ns/net"])
        #expect(lines(outcome.stdout) == [target.namespace("net") ?? "?"], "\(outcome)")
        #expect(target.namespace("net") != Host.namespaceLink("net"))
        let notASocket = try swnsenter(["-t", "\(target.pid)", "-N", "0", "true"])
        #expect(notASocket.status == 1, "\(notASocket)")
    }

    @Test func parentOfTheUserNamespace() throws {
        // Two user namespaces, one inside the other; the process is in the inner one.
        let target = try TargetProcess(Host.swunshare, ["-r", Host.swunshare, "-r"])
        let inner = open("/proc/\(target.pid)/ns/user", O_RDONLY | O_CLOEXEC)
        try #require(inner >= 0)
        defer { close(inner) }
        let outer = ioctl(inner, 0xb702)  // NS_GET_PARENT
        try #require(outer >= 0)
        defer { close(outer) }
        let expected = "user:[\(try #require(NamespaceFiles.inode(outer)))]"
        let outcome = try swnsenter(["-t", "\(target.pid)", "-U", "--user-parent", "--preserve-credentials",
                                     "readlink", "/proc/self/ns/user"])
        #expect(lines(outcome.stdout) == [expected], "\(outcome)")
        #expect(target.namespace("user") != expected)
        // As util-linux 2.40 and later: without -U it is still the parent of the target's user
        // namespace, whichever other namespaces are entered with it.
        for extra in [[], ["-u"]] {
            let alone = try swnsenter(["-t", "\(target.pid)"] + extra + ["--user-parent", "--preserve-credentials",
                                                                       "readlink", "/proc/self/ns/user"])
            #expect(lines(alone.stdout) == [expected], "\(extra): \(alone)")
        }
        // The first user namespace has no parent to open.
        let top = try swnsenter(["-t", "\(getpid())", "--user-parent", "true"])
        #expect(top.status == 1)
        #expect(lines(top.stderr) == ["swnsenter: failed to open parent namespace: Operation not permitted"], "\(top)")
    }

    /// A thread may have namespaces of its own: -t takes its id, as util-linux's does.
    @Test func entersTheNamespacesOfAThread() throws {
        let marker = "/tmp/" + uniqueName("swns-thread")
        defer { unlink(marker) }
        // A bash with a second thread is hard to come by; python's threading gives one, which
        // unshares a network namespace for itself alone.
        let script = """
            import ctypes, threading, time
            def alone():
                ctypes.CDLL(None).unshare(0x40000000)
                open('\(marker)', 'w').write(str(threading.get_native_id()))
                time.sleep(600)
            threading.Thread(target=alone, daemon=True).start()
            time.sleep(600)
            """
        let python = try Spawned("/usr/bin/python3", ["-c", script])
        defer {
            kill(python.pid, SIGKILL)
            _ = python.wait()
        }
        var thread: String?
        for _ in 0..<500 where thread == nil {
            thread = try? String(contentsOfFile: marker, encoding: .utf8)
            if thread == nil { usleep(10_000) }
        }
        let tid = try #require(thread)
        let expected = try #require(Host.namespaceLink("net", pid: tid))
        #expect(expected != Host.namespaceLink("net", pid: String(python.pid)))
        let ours = try swnsenter(["-t", tid, "-n", "readlink", "/proc/self/ns/net"])
        let theirs = try run("/usr/bin/nsenter", ["-t", tid, "-n", "readlink", "/proc/self/ns/net"])
        #expect(lines(ours.stdout) == [expected], "\(ours)")
        #expect(ours.stdout == theirs.stdout && ours.status == theirs.status, "\(ours) \(theirs)")
    }

    /// After forking into a pid namespace the program's status comes back even when our caller
    /// ignores SIGCHLD (an ignored SIGCHLD would leave no child to wait for).
    @Test func statusComesBackWhenTheCallerIgnoresSIGCHLD() throws {
        let target = try TargetProcess(Host.swunshare, ["--pid", "--fork"])
        let script = "import os, signal; signal.signal(signal.SIGCHLD, signal.SIG_IGN); "
            + "os.execv(\"\(Host.swnsenter)\", [\"swnsenter\", \"-t\", \"\(target.pid)\", \"-p\", \"sh\", \"-c\", \"exit 5\"])"
        let outcome = try run("/usr/bin/python3", ["-c", script])
        #expect(outcome.status == 5, "\(outcome)")
        #expect(outcome.stderr.isEmpty, "\(outcome)")
    }

    /// With -e the program is looked up on the target's PATH, as util-linux's clearenv, setenv
    /// and execvp look it up.
    @Test func envSearchesTheTargetsPath() throws {
        let script = try ScriptFolder(printing: "found on the target PATH")
        defer { withExtendedLifetime(script) {} }
        let folder = script.path, name = script.name
        let target = try TargetProcess("/usr/bin/unshare", ["--uts"], environment: ["PATH": folder + ":/usr/bin:/bin"])
        let found = try swnsenter(["-t", "\(target.pid)", "-u", "-e", name])
        #expect(found.status == 0 && found.stdout == "found on the target PATH\n", "\(found)")
        // Without -e it is our PATH, which lacks the folder.
        let missing = try swnsenter(["-t", "\(target.pid)", "-u", name])
        #expect(missing.status == 127, "\(missing)")
        #expect(lines(missing.stderr).first == "swnsenter: failed to execute \(name): No such file or directory")
    }

    @Test func keepCapsCarriesCapabilitiesIntoAmbient() throws {
        let target = try TargetProcess(Host.swunshare, ["-r"])
        func ambient(_ extra: [String]) throws -> String? {
            let outcome = try swnsenter(["-t", "\(target.pid)", "-U"] + extra + ["grep", "CapAmb", "/proc/self/status"])
            return outcome.stdout.split(separator: "\t").last?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(try ambient([]) == "0000000000000000")
        let kept = try #require(try ambient(["--keep-caps"]))
        #expect(kept != "0000000000000000" && UInt64(kept, radix: 16) != nil, "CapAmb \(kept)")
    }

    @Test func unknownTarget() throws {
        let outcome = try swnsenter(["-t", "999999999", "-n", "true"])
        #expect(outcome.status == 1)
        #expect(lines(outcome.stderr).first == "swnsenter: cannot open /proc/999999999/ns/net: No such file or directory")
        #expect(lines(outcome.stderr).last?.hasPrefix("hint: ") == true)
    }

    @Test func fileThatIsNoNamespace() throws {
        let outcome = try swnsenter(["--net=/etc/passwd", "true"])
        #expect(outcome.status == 1)
        #expect(lines(outcome.stderr) == ["swnsenter: reassociate to namespace 'ns/net' failed: Invalid argument",
                                          "hint: /etc/passwd is not a namespace file"])
    }
}

/// Run as uid 65534 against namespaces that uid 65534 made.
@Suite(.root) struct NsenterUnprivilegedTests {
    @Test func entersItsOwnUserNamespaceAndWhatItOwns() throws {
        let hostname = String(uniqueName("swns").prefix(60))
        let target = try TargetProcess(Host.publicFolder + "/swunshare", ["-r", "--uts", "--net", "--hostname", hostname],
                                       asUser: Host.nobody)
        let pid = "\(target.pid)"
        let entered = try swnsenter(["-t", pid, "-U", "--preserve-credentials", "-u", "-n", "sh", "-c",
                                     "hostname; id -u; ip -o link | wc -l"], asUser: Host.nobody)
        #expect(lines(entered.stdout) == [hostname, "0", "1"], "\(entered)")
        // --all leaves out the namespaces we share with the target (cgroup, ipc, ...), which
        // only their owner could re-enter.
        let all = try swnsenter(["-t", pid, "-a", "--preserve-credentials", "hostname"], asUser: Host.nobody)
        #expect(all.stdout == "\(hostname)\n", "\(all)")
    }

    @Test func refusalsComeWithHints() throws {
        let target = try TargetProcess(Host.publicFolder + "/swunshare", ["-r", "--uts"], asUser: Host.nobody)
        let pid = "\(target.pid)"
        let noUser = try swnsenter(["-t", pid, "-u", "true"], asUser: Host.nobody)
        #expect(noUser.status == 1)
        #expect(lines(noUser.stderr).first == "swnsenter: reassociate to namespaces failed: Operation not permitted")
        #expect(lines(noUser.stderr).last?.contains("-U") == true, "\(noUser)")
        let theirs = try run("/usr/bin/nsenter", ["-t", pid, "-u", "true"], asUser: Host.nobody)
        #expect(theirs.status == noUser.status)

        // swunshare -r denies setgroups in the new namespace: dropping groups there fails.
        let setgroups = try swnsenter(["-t", pid, "-U", "true"], asUser: Host.nobody)
        #expect(lines(setgroups.stderr) == ["swnsenter: setgroups failed: Operation not permitted",
                                            "hint: the user namespace denies setgroups (see /proc/PID/setgroups): "
                                                + "add --preserve-credentials to keep your ids and groups"])
        let theirsSetgroups = try run("/usr/bin/nsenter", ["-t", pid, "-U", "true"], asUser: Host.nobody)
        #expect(theirsSetgroups.status == setgroups.status)
    }
}

/// Invocations that util-linux 2.38.1's nsenter also supports: same exit status, same output.
@Suite(.root) struct NsenterSideBySideTests {
    static let cases: [[String]] = [
        ["-u", "hostname"],
        ["-n", "ip", "-o", "link"],
        ["-i", "ipcs", "-q"],
        ["-p", "-m", "sh", "-c", "test $$ -gt 1 && echo forked; ps -e --no-headers -o comm="],
        ["-a", "sh", "-c", "hostname; id -u"],
        ["-U", "sh", "-c", "id -u; id -g"],
        ["-U", "--preserve-credentials", "id", "-u"],
        ["-U", "-S", "0", "-G", "0", "id", "-G"],
        ["-u", "-S", "65534", "id", "-u"],
        ["-m", "-p", "-w/", "pwd"],
        ["-u", "sh", "-c", "exit 5"],
        ["-p", "sh", "-c", "kill -TERM $$"],
        ["-u", "nonexistent-program-swns"],
        ["-u", "/etc/passwd"],
        ["-n/nonexistent", "true"],
        ["-n/etc/passwd", "true"],
        ["-S", "x", "-u", "true"],
        ["--bogus"],
    ]

    @Test(arguments: cases)
    func sameAsUtilLinux(_ arguments: [String]) throws {
        let target = try TargetProcess(Host.swunshare, ["-r", "--uts", "--hostname", "side-by-side", "--ipc", "--net",
                                                        "--pid", "--fork", "--mount-proc"])
        let withTarget = arguments.first == "--bogus" ? arguments : ["-t", "\(target.pid)"] + arguments
        let ours = try swnsenter(withTarget)
        let theirs = try run("/usr/bin/nsenter", withTarget)
        #expect(ours.shellStatus == theirs.shellStatus, "ours \(ours) theirs \(theirs)")
        #expect(ours.stdout == theirs.stdout, "ours \(ours) theirs \(theirs)")
    }
}
