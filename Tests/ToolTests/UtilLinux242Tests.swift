import Foundation
import Glibc
import SwnsCore
import Testing

/// What util-linux 2.42.2 and its development head do that 2.38.1, the version installed here, does
/// not: the tools are run for real, and the expected messages are written out with the release
/// they come from.

/// An ip-netns namespace for one test, deleted after it (its bind mount taken down).
final class NetnsName {
    static let ip = "/usr/sbin/ip"
    let name: String

    init() throws {
        name = String(uniqueName("swns-242").prefix(40))
        let added = try run(Self.ip, ["netns", "add", name])
        try #require(added.status == 0, "ip netns add: \(added)")
    }

    var path: String { "/run/netns/" + name }

    func delete() { _ = try? run(Self.ip, ["netns", "delete", name]) }

    deinit { delete() }
}

@Suite(.root) struct Lsns242Tests {
    /// `ip netns add X`, a process keeps a descriptor of /run/netns/X, `ip netns del X`: the bind
    /// mount is gone and the descriptor's link reads "/", but the namespace lives on. util-linux
    /// 2.41 and later list it (by the nsfs device of the descriptor) with NPROCS 0.
    @Test func namespaceHeldByADescriptorOfADetachedBindMount() throws {
        let netns = try NetnsName()
        let holder = try TargetProcess("/bin/sh", ["-c", "exec 7<\(netns.path); exec sleep 600"], sleeper: [])
        netns.delete()
        let link = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(holder.pid)/fd/7")
        #expect(link == "/", "the case needs the link of a detached bind mount: \(link)")
        var status = stat()
        try #require(stat("/proc/\(holder.pid)/fd/7", &status) == 0)
        let id = String(status.st_ino)
        let outcome = try swlsns(["-P", "-r", "-n", "-o", "NS,TYPE,NPROCS", "-Q", "NS == \(id)"])
        #expect(outcome.stdout == "\(id) net 0\n", "\(outcome)")
    }

    /// A network namespace that only a socket holds: the socket was made in it, and its process
    /// moved back to our network namespace (setns) before the namespace's bind mount was taken down.
    @Test func namespaceHeldByASocketOnly() throws {
        let netns = try NetnsName()
        let script = """
            import ctypes, os, socket
            setns = ctypes.CDLL(None, use_errno=True).setns
            ours = os.open('/proc/self/ns/net', os.O_RDONLY)
            other = os.open('\(netns.path)', os.O_RDONLY)
            assert setns(other, 0x40000000) == 0
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            assert setns(ours, 0x40000000) == 0
            os.close(ours)
            os.close(other)
            os.set_inheritable(s.fileno(), True)
            os.execvp('sleep', ['sleep', '600'])
            """
        let holder = try TargetProcess("/usr/bin/python3", ["-c", script], sleeper: [])
        #expect(holder.namespace("net") == Host.namespaceLink("net"), "the holder is back in our namespace")
        var status = stat()
        try #require(stat(netns.path, &status) == 0)
        let id = String(status.st_ino)
        netns.delete()
        // The holder is in our network namespace now, and nothing but its socket holds the old one.
        let outcome = try swlsns(["-P", "-r", "-n", "-o", "NS,TYPE,NPROCS", "-Q", "NS == \(id)"])
        #expect(outcome.stdout == "\(id) net 0\n", "\(outcome)")
    }

    /// util-linux 2.42's test netnsid-for-persistent-namespaces: the NETNSID of a network
    /// namespace that no process is in, read through its bind mount; NETNSID, TYPE and NSFS each,
    /// then the three at once.
    @Test func netnsidOfANamespaceWithoutProcesses() throws {
        let netns = try NetnsName()
        // An id of this test's own (no other test sets one; 4444 is another test's number).
        let id = String(5000 + Int.random(in: 0..<20000))
        let set = try run(NetnsName.ip, ["netns", "set", netns.name, id])
        try #require(set.status == 0, "ip netns set: \(set)")
        for (column, expected) in [("NETNSID", id), ("TYPE", "net"), ("NSFS", netns.path)] {
            let outcome = try swlsns(["-r", "-n", "-Q", "NETNSID == '\(id)'", "-o", column])
            #expect(outcome.stdout == expected + "\n", "\(column): \(outcome)")
        }
        let all = try swlsns(["-r", "-n", "-Q", "NETNSID == '\(id)'", "-o", "NETNSID,TYPE,NSFS"])
        #expect(all.stdout == "\(id) net \(netns.path)\n", "\(all)")
    }

    /// libsmartcols 2.42 reads a column's text as a number where it is compared with a number;
    /// text that is no number (`unassigned`, the NETNSID of our own network namespace) fails the
    /// filter: `lsns: failed to apply filter: Invalid argument`.
    @Test func numberAgainstTextThatIsNoNumber() throws {
        let own = try swlsns(["-r", "-n", "-t", "net", "-p", String(getpid()), "-o", "NETNSID"])
        try #require(own.stdout == "unassigned\n", "the case needs a NETNSID that is no number: \(own)")
        let outcome = try swlsns(["-Q", "NETNSID == 4444"])
        #expect(outcome.status == 1 && outcome.stdout.isEmpty, "\(outcome)")
        #expect(outcome.stderr == "swlsns: failed to apply filter: Invalid argument\n")
        // Quoted, it is a string, and nothing matches.
        let quoted = try swlsns(["-n", "-Q", "NETNSID == '4444'"])
        #expect(quoted.status == 0 && quoted.stdout.isEmpty, "\(quoted)")
    }

    /// LIBSMARTCOLS_JSON=compact and =lines (libsmartcols 2.42), as util-linux's own
    /// tests/expected/column/table-json-compact and table-json-lines lay them out.
    @Test func compactJSONAndJSONLines() throws {
        let target = try TargetProcess(Host.swunshare, ["--uts", "--ipc"])
        let uts = try #require(namespaceID(target.pid, "uts"))
        let ipc = try #require(namespaceID(target.pid, "ipc"))
        let arguments = ["-J", "-l", "-p", String(target.pid), "-t", "uts", "-t", "ipc", "-o", "NS,TYPE,PATH"]
        let (first, second) = UInt64(uts)! < UInt64(ipc)! ? ((uts, "uts"), (ipc, "ipc")) : ((ipc, "ipc"), (uts, "uts"))
        func object(_ row: (String, String)) -> String {
            "{\"ns\":\(row.0),\"type\":\"\(row.1)\",\"path\":\"/proc/\(target.pid)/ns/\(row.1)\"}"
        }
        var environment = ProcessInfo.processInfo.environment
        environment["LIBSMARTCOLS_JSON"] = "compact"
        let compact = try run(Host.buildFolder + "/swlsns", arguments, environment: environment)
        #expect(compact.stdout == "{\"namespaces\":[\n\(object(first)),\n\(object(second))\n]}\n", "\(compact)")
        #expect((try? JSONSerialization.jsonObject(with: Data(compact.stdout.utf8))) != nil)
        let emptyCompact = try run(Host.buildFolder + "/swlsns", ["-J", "-Q", "NPROCS < 0"], environment: environment)
        #expect(emptyCompact.stdout == "{\"namespaces\":[\n]}\n")

        environment["LIBSMARTCOLS_JSON"] = "lines"
        let jsonLines = try run(Host.buildFolder + "/swlsns", arguments, environment: environment)
        #expect(jsonLines.stdout == object(first) + "\n" + object(second) + "\n", "\(jsonLines)")
        for line in lines(jsonLines.stdout) {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "\(line)")
        }
        let emptyLines = try run(Host.buildFolder + "/swlsns", ["-J", "-Q", "NPROCS < 0"], environment: environment)
        #expect(emptyLines.status == 0 && emptyLines.stdout.isEmpty)
        // A tree keeps its children within the row's object: the user namespace holds the others.
        let tree = try run(Host.buildFolder + "/swlsns", ["-J", "-T", "-p", String(target.pid), "-o", "NS,TYPE"],
                           environment: environment)
        #expect(tree.status == 0 && !tree.stdout.isEmpty && tree.stdout.contains("\"children\":[{"), "\(tree)")
        #expect(lines(tree.stdout).allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil },
                "\(tree)")
    }

    /// Whether this kernel gives namespaces ids (NS_GET_ID, Linux 6.18).
    static let kernelHasNamespaceIDs: Bool = {
        guard let fd = try? Kernel.open("/proc/self/ns/net", O_RDONLY) else { return false }
        defer { Kernel.close(fd) }
        return (try? Kernel.namespaceID(fd)) != nil
    }()

    /// NSID, a column no lsns has: the namespace's own 64-bit id, the one `swnsenter --net=:NSID`
    /// enters, so that listing and entering join up.
    @Test(.enabled(if: kernelHasNamespaceIDs, "needs namespace ids (NS_GET_ID, Linux 6.18 and later)"))
    func nsidIsWhatSwnsenterEnters() throws {
        let target = try TargetProcess(Host.swunshare, ["--net", "--uts"])
        for type in ["net", "uts"] {
            let inode = try #require(namespaceID(target.pid, type))
            let listed = try swlsns(["-r", "-n", "-o", "NSID", "-Q", "NS == \(inode)"])
            let nsid = lines(listed.stdout).first ?? ""
            try #require(UInt64(nsid) != nil, "NS_GET_ID on this kernel: \(listed)")
            let entered = try swnsenter(["--\(type)=:\(nsid)", "readlink", "/proc/self/ns/\(type)"])
            #expect(entered.stdout == "\(type):[\(inode)]\n", "\(entered)")
        }
        // A number in JSON.
        let json = try swlsns(["-J", "-o", "NS,NSID", "-p", String(target.pid), "-t", "net"])
        #expect(json.stdout.contains(#/"nsid": [0-9]+/#), "\(json.stdout)")
    }

    /// util-linux 2.42's err_exclusive_options: `options --X and --Y cannot be combined`, the
    /// option given first named first. (2.38.1 says `mutually exclusive arguments: --json --raw`.)
    @Test(arguments: [
        (["-J", "-r"], "options --json and --raw cannot be combined"),
        (["-r", "-J"], "options --raw and --json cannot be combined"),
        (["-P", "-p", "1"], "options --persistent and --task cannot be combined"),
        (["--task=1", "--persistent"], "options --task and --persistent cannot be combined"),
        (["-l", "-T"], "options --list and --tree cannot be combined"),
        (["--tree=parent", "--list"], "options --tree and --list cannot be combined"),
        // Checked as each option comes, before what follows it (-h, a bad -t) is looked at.
        (["-J", "-r", "-h"], "options --json and --raw cannot be combined"),
        (["-J", "-r", "-t", "foo"], "options --json and --raw cannot be combined"),
    ])
    func exclusiveOptions(_ arguments: [String], _ message: String) throws {
        let outcome = try swlsns(arguments)
        #expect(outcome.status == 1 && outcome.stdout.isEmpty && outcome.stderr == "swlsns: \(message)\n", "\(outcome)")
    }
}

@Suite(.root) struct Nsenter242Tests {
    /// util-linux #4412 (2.42.2): with standard input closed the pidfd is descriptor 0, which must
    /// still be used to enter.
    @Test func pidfdOnDescriptorZero() throws {
        let target = try TargetProcess(Host.swunshare, ["--net", "--uts"])
        let outcome = try run("/bin/sh", ["-c", "exec \(Host.swnsenter) -t \(target.pid) -n -u "
                                            + "sh -c 'readlink /proc/self/ns/net /proc/self/ns/uts' <&-"])
        #expect(outcome.stdout == "\(target.namespace("net") ?? "-")\n\(target.namespace("uts") ?? "-")\n", "\(outcome)")
    }

    /// util-linux 2.42: a second -t is refused, and PID arguments are read by ul_parse_pid_str,
    /// whose errno text follows the message.
    @Test(arguments: [
        (["-t", "1", "-t", "1", "-n", "true"], "option --target may be given only once"),
        (["-t", "abc", "-n", "true"], "failed to parse PID argument 'abc': Invalid argument"),
        (["-t", "12abc", "-n", "true"], "failed to parse PID argument '12abc': Invalid argument"),
        (["-t", "", "-n", "true"], "failed to parse PID argument '': Invalid argument"),
        (["-t", "0", "-n", "true"], "failed to parse PID argument '0': Numerical result out of range"),
        (["-t", "-5", "-n", "true"], "failed to parse PID argument '-5': Numerical result out of range"),
        (["-t", "2147483648", "-n", "true"], "failed to parse PID argument '2147483648': Numerical result out of range"),
        (["-t", "5:", "-n", "true"], "failed to parse PID argument '5:': Invalid argument"),
        (["-t", "5:abc", "-n", "true"], "failed to parse PID argument '5:abc': Invalid argument"),
        (["-t", "5:0", "-n", "true"], "failed to parse PID argument '5:0': Numerical result out of range"),
        (["-t", "5:-4", "-n", "true"], "failed to parse PID argument '5:-4': Numerical result out of range"),
        // The range of the number at the start is looked at before what follows it.
        (["-t", "0abc", "-n", "true"], "failed to parse PID argument '0abc': Numerical result out of range"),
        (["-t", "-5x", "-n", "true"], "failed to parse PID argument '-5x': Numerical result out of range"),
        (["-t", "2147483648:abc", "-n", "true"],
         "failed to parse PID argument '2147483648:abc': Numerical result out of range"),
        (["-t", "5x:7", "-n", "true"], "failed to parse PID argument '5x:7': Invalid argument"),
        (["-w", "-W", "-t", "1", "true"], "options --wd and --wdns cannot be combined"),
        (["--wdns=/", "--wd", "-t", "1", "true"], "options --wdns and --wd cannot be combined"),
    ])
    func messages(_ arguments: [String], _ message: String) throws {
        let outcome = try swnsenter(arguments)
        #expect(outcome.status == 1 && outcome.stderr == "swnsenter: \(message)\n", "\(outcome)")
    }

    /// A PID:INODE whose inode is not the process's: ul_get_valid_pidfd_or_err's words (2.42).
    @Test func pidAndInodeThatDoNotMatch() throws {
        let target = try TargetProcess(Host.swunshare, ["--uts"])
        let inode = try #require(pidfdInode(target.pid))
        let outcome = try swnsenter(["-t", "\(target.pid):\(inode + 1)", "-u", "true"])
        #expect(outcome.status == 1, "\(outcome)")
        #expect(lines(outcome.stderr).first == "swnsenter: failed to obtain a valid file descriptor for PID \(target.pid): "
                + "No such process", "\(outcome)")
    }

    /// -W takes its directory attached, as util-linux 2.42's `W::`: -W/DIR, -W=DIR, --wdns=DIR;
    /// -W alone sets none (and takes back an earlier one), and the word after it is the program.
    @Test func wdnsTakesAnAttachedDirectory() throws {
        let target = try TargetProcess("/bin/sleep", ["600"], sleeper: [])
        func pwd(_ arguments: [String]) throws -> String {
            try swnsenter(["-t", String(target.pid), "-m"] + arguments + ["pwd"]).stdout
        }
        #expect(try pwd(["-W/tmp"]) == "/tmp\n")
        #expect(try pwd(["-W=/tmp"]) == "/tmp\n")
        #expect(try pwd(["--wdns=/usr"]) == "/usr\n")
        // Entering a mount namespace moves to its root; -W alone keeps it there.
        #expect(try pwd(["-W/tmp", "-W"]) == "/\n")
        let program = try swnsenter(["-t", String(target.pid), "-m", "-W", "/bin/pwd"])
        #expect(program.stdout == "/\n", "\(program)")
    }

    /// util-linux 2.41 and later print `stat of /proc/0/ns/user failed` for --all without a
    /// target; we name what is missing.
    @Test func allWithoutATarget() throws {
        let outcome = try swnsenter(["--all", "true"])
        #expect(outcome.status == 1 && outcome.stderr == "swnsenter: no target PID specified for --all\n", "\(outcome)")
    }
}

@Suite(.root) struct Unshare242Tests {
    /// util-linux 2.42's ul_default_shell: SHELL if it is set and not empty, else the shell in the
    /// password database of the user the program runs as; --clear-env and --whitelist-env leave
    /// SHELL out unless the list names it.
    @Test(arguments: [
        (["--clear-env"], "/bin/sh", false), (["--whitelist-env=PATH"], "/bin/sh", false),
        ([], "", false), (["--whitelist-env=SHELL"], "/bin/sh", true),
    ])
    func defaultShell(_ arguments: [String], _ shell: String, _ keepsShell: Bool) throws {
        let passwd = try String(contentsOfFile: "/etc/passwd", encoding: .utf8)
        let rootShell = try #require(passwd.split(separator: "\n").first { $0.hasPrefix("root:") }?
            .split(separator: ":", omittingEmptySubsequences: false).last.map(String.init))
        let expected = "-" + (keepsShell ? shell : rootShell).split(separator: "/").last.map(String.init)!
        let quoted = arguments.map { "'\($0)'" }.joined(separator: " ")
        let outcome = try run("/bin/sh", ["-c", "echo 'echo $0' | SHELL='\(shell)' \(Host.swunshare) \(quoted)"])
        #expect(outcome.stdout == expected + "\n", "\(arguments) with SHELL='\(shell)': \(outcome)")
    }

    /// -r --map-auto: inner 0 is the caller, inner 1 onwards the whole subordinate block, its top
    /// id too (util-linux #4457, fixed in 2.42.3; 2.42.0 to 2.42.2 drop it). The block comes from
    /// /etc/subuid and /etc/subgid, which a private mount namespace replaces for the run.
    @Test(arguments: [(UInt32(1), UInt32(1)), (65536, 65536)])
    func mapAutoWithMapRootUser(_ users: UInt32, _ groups: UInt32) throws {
        let subuid = ScratchFile(), subgid = ScratchFile()
        try "root:300000:\(users)\n".write(toFile: subuid.path, atomically: false, encoding: .utf8)
        try "root:400000:\(groups)\n".write(toFile: subgid.path, atomically: false, encoding: .utf8)
        let script = "mount --bind \(subuid.path) /etc/subuid && mount --bind \(subgid.path) /etc/subgid && "
            + "exec \(Host.swunshare) -r --map-auto sh -c 'cat /proc/self/uid_map; echo --; cat /proc/self/gid_map'"
        let outcome = try run("/usr/bin/unshare", ["--mount", "--propagation=private", "sh", "-c", script])
        let maps = outcome.stdout.components(separatedBy: "--\n").map { text in
            lines(text).map { $0.split(separator: " ").joined(separator: " ") }
        }
        #expect(maps.first == ["0 0 1", "1 300000 \(users)"], "\(outcome)")
        #expect(maps.last == ["0 0 1", "1 400000 \(groups)"], "\(outcome)")
    }

    /// util-linux #2232: a new cgroup namespace leaves /sys/fs/cgroup as it was mounted; the man
    /// page's NOTES give the remedy, a cgroup file system mounted again in a new mount namespace,
    /// which is run here as written there. The host's mount table is left as it was.
    @Test func cgroupNamespaceWithItsOwnMount() throws {
        let page = try DocumentationTests().read("man/swunshare.1")
        #expect(page.contains("util-linux issue #2232"))
        // Other tests mount and unmount meanwhile: the cgroup mounts are what this one could change.
        func cgroupMounts() -> [String] { Host.mountTargets().filter { $0.hasPrefix("/sys/fs/cgroup") } }
        let before = cgroupMounts()
        let outcome = try swunshare(["--cgroup", "--mount", "sh", "-c",
                                     "mount -t cgroup2 none /sys/fs/cgroup && grep '^0::' /proc/self/cgroup && "
                                         + "test -e /sys/fs/cgroup/cgroup.procs && echo mounted"])
        #expect(outcome.stdout == "0::/\nmounted\n", "\(outcome)")
        #expect(cgroupMounts() == before)
    }
}
