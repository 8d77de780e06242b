import Foundation
import Glibc
import Testing

@Suite(.root) struct NamespaceTests {
    // pid and time namespaces are entered by children only, so those need --fork.
    @Test(arguments: [("--mount", "mnt"), ("--uts", "uts"), ("--ipc", "ipc"), ("--net", "net"),
                      ("--pid", "pid"), ("--user", "user"), ("--cgroup", "cgroup"), ("--time", "time")])
    func eachTypeGivesANewNamespace(_ option: String, _ entry: String) throws {
        let ours = try #require(Host.namespaceLink(entry))
        let outcome = try swunshare([option, "--fork", "readlink", "/proc/self/ns/\(entry)"])
        #expect(outcome.status == 0, "\(outcome)")
        let theirs = outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(theirs.hasPrefix("\(entry):["))
        #expect(theirs != ours)
    }

    @Test func allTypesAtOnce() throws {
        let outcome = try swunshare(["-muinpUCT", "--fork", "sh", "-c", "for n in mnt uts ipc net pid user cgroup time; do readlink /proc/self/ns/$n; done"])
        #expect(outcome.status == 0, "\(outcome)")
        let theirs = lines(outcome.stdout)
        let ours = ["mnt", "uts", "ipc", "net", "pid", "user", "cgroup", "time"].compactMap { Host.namespaceLink($0) }
        #expect(theirs.count == 8)
        for (mine, new) in zip(ours, theirs) { #expect(mine != new) }
    }

    @Test func hostnameStaysInside() throws {
        let before = Host.hostname()
        let name = uniqueName("h").prefix(40)
        let outcome = try swunshare(["--uts", "sh", "-c", "hostname \(name) && hostname"])
        #expect(outcome.stdout == "\(name)\n", "\(outcome)")
        #expect(Host.hostname() == before)
    }

    @Test func hostnameAndDomainnameOptions() throws {
        let before = Host.hostname()
        let outcome = try swunshare(["--hostname", "swns-box", "--domainname=swns.test", "sh", "-c",
                                     "hostname; cat /proc/sys/kernel/domainname; readlink /proc/self/ns/uts"])
        let output = lines(outcome.stdout)
        #expect(output.prefix(2) == ["swns-box", "swns.test"], "\(outcome)")
        #expect(output.last != Host.namespaceLink("uts"), "--hostname implies --uts")
        #expect(Host.hostname() == before)
    }

    @Test func mountProcShowsTheNewPidNamespace() throws {
        let outcome = try swunshare(["--pid", "--fork", "--mount-proc", "sh", "-c", "echo $$; ps -e --no-headers -o pid=,comm="])
        #expect(lines(outcome.stdout).map { $0.trimmingCharacters(in: .whitespaces) } == ["1", "1 sh", "2 ps"], "\(outcome)")
    }

    @Test func ipcQueuesStayInside() throws {
        let outcome = try swunshare(["--ipc", "sh", "-c", "ipcmk -Q >/dev/null && ipcs -q | grep -c ^0x"])
        #expect(outcome.stdout == "1\n", "\(outcome)")
    }

    @Test func networkHasOnlyLoopback() throws {
        let outcome = try swunshare(["--net", "ip", "-o", "link"])
        let names = lines(outcome.stdout).map { $0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces) }
        #expect(names == ["lo"], "\(outcome)")
    }

    @Test func mountsStayInside() throws {
        let source = uniqueName("swns-tmpfs")
        let outcome = try swunshare(["--mount", "sh", "-c", "mount -t tmpfs \(source) /mnt && findmnt -n -o SOURCE /mnt"])
        #expect(outcome.stdout == "\(source)\n", "\(outcome)")
        #expect(!Host.mountTable().contains(source))
    }

    /// Inside an outer mount namespace whose / is made shared, so that every mode shows, whatever
    /// the host's own propagation is.
    @Test(arguments: [("private", nil), ("slave", "master:"), ("shared", "shared:")] as [(String, String?)])
    func propagationOfRoot(_ mode: String, _ tag: String?) throws {
        let outcome = try swunshare(["--mount", "--propagation", "unchanged", "sh", "-c",
                                     "mount --make-rshared / && \(Host.swunshare) --mount --propagation \(mode) cat /proc/self/mountinfo"])
        let root = try #require(lines(outcome.stdout).first { $0.split(separator: " ")[4] == "/" })
        let optional = root.split(separator: " - ")[0].split(separator: " ").dropFirst(6)
        if let tag {
            #expect(optional.contains { $0.hasPrefix(tag) }, "\(root)")
        } else {
            #expect(optional.isEmpty, "private: no propagation tags in \(root)")
        }
    }

    @Test func propagationUnchangedKeepsTheHostsTags() throws {
        func rootTags(_ table: String) -> [Substring] {
            let root = lines(table).first { $0.split(separator: " ")[4] == "/" } ?? ""
            return root.split(separator: " - ")[0].split(separator: " ").dropFirst(6).map { $0.split(separator: ":")[0] }
        }
        let outcome = try swunshare(["--mount", "--propagation", "unchanged", "cat", "/proc/self/mountinfo"])
        #expect(rootTags(outcome.stdout) == rootTags(Host.mountTable()))
    }

    @Test func timeOffsets() throws {
        let outcome = try swunshare(["-T", "--boottime", "100000000", "--monotonic=-1", "--fork", "cat", "/proc/uptime"])
        let uptime = try #require(Double(outcome.stdout.split(separator: " ").first ?? ""), "\(outcome)")
        #expect(uptime > 100_000_000)
    }

    @Test func rootAndWorkingDirectory() throws {
        #expect(try swunshare(["--wd=/tmp", "pwd"]).stdout == "/tmp\n")
        #expect(try swunshare(["-R", "/", "pwd"]).stdout == "/\n")
        #expect(try swunshare(["-R", "/", "-w", "/usr", "pwd"]).stdout == "/usr\n")
    }

    @Test func setuidAndSetgid() throws {
        let outcome = try swunshare(["-S", "65534", "-G", "65534", "sh", "-c", "id -u; id -g; id -G"])
        #expect(lines(outcome.stdout) == ["65534", "65534", "65534"], "\(outcome)")
    }

    @Test func environmentPolicies() throws {
        let cleared = try swunshare(["--clear-env", "/usr/bin/env"])
        #expect(cleared.stdout == "", "\(cleared)")
        let kept = try swunshare(["--whitelist-env=PATH", "env"])
        #expect(lines(kept.stdout).allSatisfy { $0.hasPrefix("PATH=") } && lines(kept.stdout).count == 1, "\(kept)")
        // Repeated lists add up, and --clear-env keeps what they name, in either order.
        let environment = ["PATH": "/usr/bin:/bin", "SWNS_A": "1", "SWNS_B": "2", "SWNS_C": "3"]
        for arguments in [["--whitelist-env", "SWNS_A", "--whitelist-env=SWNS_B"],
                          ["--whitelist-env", "SWNS_A,SWNS_B", "--clear-env"], ["--clear-env", "--whitelist-env=SWNS_A,SWNS_B"]] {
            let outcome = try run(Host.swunshare, arguments + ["/usr/bin/env"], environment: environment)
            #expect(lines(outcome.stdout).sorted() == ["SWNS_A=1", "SWNS_B=2"], "\(arguments): \(outcome)")
        }
        // After --clear-env the program is looked up as execvp looks it up with no PATH set:
        // on /bin:/usr/bin, not on ours.
        let script = try ScriptFolder(printing: "ran")
        defer { withExtendedLifetime(script) {} }
        let folder = script.path, name = script.name
        let ours = try run(Host.swunshare, [name], environment: ["PATH": folder + ":/usr/bin:/bin"])
        #expect(ours.stdout == "ran\n", "\(ours)")
        let notFound = try run(Host.swunshare, ["--clear-env", name], environment: ["PATH": folder + ":/usr/bin:/bin"])
        #expect(notFound.status == 127, "\(notFound)")
        #expect(notFound.stderr == "swunshare: failed to execute \(name): No such file or directory\n")
        let found = try run(Host.swunshare, ["--clear-env", "env"], environment: ["PATH": folder])
        #expect(found.status == 0 && found.stdout.isEmpty, "\(found)")
    }

    /// --owner with a single mapping: the map binds the invoking user (root here), and the
    /// helper, still root, writes it, as util-linux's does. The program runs as the owner, whose
    /// id the namespace does not map (the overflow id 65534).
    @Test(arguments: [(["-r"], "0"), (["--map-user=5", "--map-group=6"], "5"), (["-c"], "0")])
    func ownerWithASingleMapping(_ arguments: [String], _ inner: String) throws {
        let outcome = try swunshare(["--owner", "1000:1000"] + arguments
                                    + ["sh", "-c", "id -u; cat /proc/self/uid_map"])
        let fields = lines(outcome.stdout).map { $0.split(separator: " ").map(String.init) }
        #expect(fields == [["65534"], [inner, "0", "1"]], "\(outcome)")
        let owner = try swunshare(["--owner", "1000:1000", "-r", "--map-users=1:100000:10", "cat", "/proc/self/uid_map"])
        let ranges = lines(owner.stdout).map { $0.split(separator: " ").map(String.init) }
        #expect(ranges == [["0", "0", "1"], ["1", "100000", "10"]], "\(owner)")
    }

    /// --wd and --mount-proc are resolved after chroot, as util-linux resolves them: an absolute
    /// symbolic link inside the new root points within it, and a relative --mount-proc starts at
    /// the new working directory.
    @Test func pathsResolveInsideTheNewRoot() throws {
        let root = try StaticProbe.makeRoot(marker: "inside")
        defer { StaticProbe.remove(root) }
        try FileManager.default.createSymbolicLink(atPath: root + "/lnk", withDestinationPath: "/sub")
        try FileManager.default.createDirectory(atPath: root + "/sub/proc", withIntermediateDirectories: false)
        for tool in [Host.swunshare, "/usr/bin/unshare"] {
            let link = try run(tool, ["-R", root, "-w", "/lnk", "/probe"])
            #expect(lines(link.stdout) == ["/sub", "inside"], "\(tool): \(link)")
            let relative = try run(tool, ["--pid", "--fork", "-R", root, "-w", "/sub", "--mount-proc=proc", "/probe"])
            #expect(lines(relative.stdout) == ["/sub", "inside"], "\(tool): \(relative)")
            let viaLink = try run(tool, ["--pid", "--fork", "-R", root, "--mount-proc=/lnk/proc", "/probe"])
            #expect(viaLink.status == 0, "\(tool): \(viaLink)")
        }
        let missing = try swunshare(["-R", root, "-w", "/lnk/nothing", "/probe"])
        #expect(missing.status == 1 && missing.stderr.hasPrefix("swunshare: cannot chdir to '/lnk/nothing': No such file"),
                "\(missing)")
    }

    /// A caller that ignores SIGCHLD: swunshare still waits for its child and passes on its status,
    /// and the program does not inherit the ignored SIGCHLD (util-linux resets it at the start).
    @Test(arguments: [["-f", "-u"], ["-u"]])
    func anIgnoredChildSignalIsReset(_ arguments: [String]) throws {
        let argv = (["swunshare"] + arguments + ["sh", "-c", "grep SigIgn /proc/self/status; exit 4"])
            .map { "'\($0)'" }.joined(separator: ", ")
        let script = "import os, signal; signal.signal(signal.SIGCHLD, signal.SIG_IGN); "
            + "os.execv('\(Host.swunshare)', [\(argv)])"
        let outcome = try run("/usr/bin/python3", ["-c", script])
        #expect(outcome.status == 4 && outcome.stderr.isEmpty, "\(outcome)")
        let mask = UInt64(outcome.stdout.split(separator: "\t").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "", radix: 16)
        #expect(mask.map { $0 & (1 << (UInt64(SIGCHLD) - 1)) == 0 } == true, "\(outcome)")
    }

    /// An id that the new user namespace does not map: util-linux 2.40's messages.
    @Test func unmappedIDsInUtilLinuxWords() throws {
        let gid = try swunshare(["--map-users=0:0:1", "--map-groups=0:0:1", "-G", "5", "true"])
        #expect(gid.status == 1 && gid.stderr == "swunshare: setgid() failed: Invalid argument\n", "\(gid)")
        let uid = try swunshare(["-r", "-S", "5", "true"])
        #expect(uid.status == 1 && uid.stderr == "swunshare: setuid() failed: Invalid argument\n", "\(uid)")
    }

    /// The login shell is run by the path SHELL names, not looked up on PATH (util-linux's execl):
    /// a bare name is a file in the working directory.
    @Test func theShellIsRunByItsPath() throws {
        for tool in [Host.swunshare, "/usr/bin/unshare"] {
            let outcome = try run(tool, ["-u"], environment: ["SHELL": "sh", "PATH": "/usr/bin:/bin"])
            #expect(outcome.status == 127, "\(tool): \(outcome)")
            #expect(outcome.stderr.hasSuffix("failed to execute sh: No such file or directory\n"), "\(outcome)")
        }
    }

    /// A magic link under --root (/proc/self/cwd leads out of it) is chroot's to follow: not
    /// refused up front.
    @Test func magicLinksUnderTheNewRoot() throws {
        for tool in [Host.swunshare, "/usr/bin/unshare"] {
            let outcome = try run(tool, ["-R", "/", "-w", "/proc/self/cwd", "true"])
            #expect(outcome.status == 0, "\(tool): \(outcome)")
        }
    }

    /// A SIGQUIT that our caller ignores (a shell's background job) stays ignored for the program.
    @Test func anIgnoredQuitSignalStaysIgnored() throws {
        for tool in [Host.swunshare, "/usr/bin/unshare"] {
            let outcome = try run("/bin/bash", ["-c", "trap '' QUIT; \(tool) -u grep SigIgn /proc/self/status"])
            let mask = UInt64(outcome.stdout.split(separator: "\t").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "", radix: 16)
            #expect(mask.map { $0 & (1 << (UInt64(SIGQUIT) - 1)) != 0 } == true, "\(tool): \(outcome)")
        }
    }

    @Test func keepCapsMakesCapabilitiesAmbient() throws {
        let without = try swunshare(["-r", "grep", "CapAmb", "/proc/self/status"])
        #expect(without.stdout.hasSuffix("0000000000000000\n"), "\(without)")
        let with = try swunshare(["-r", "--keep-caps", "grep", "CapAmb", "/proc/self/status"])
        #expect(!with.stdout.hasSuffix("0000000000000000\n") && with.status == 0, "\(with)")
    }
}
