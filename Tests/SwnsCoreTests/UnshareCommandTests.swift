import Glibc
import Testing
@testable import SwnsCore

/// A made-up host: alice (1000) with subordinate ids, and nothing else.
let aliceHost = HostContext(euid: 1000, egid: 1000) { (path) throws(SwnsError) in
    switch path {
    case "/etc/passwd": "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/zsh\n"
    case "/etc/group": "root:x:0:\nstaff:x:50:\nalice:x:1000:\n"
    case "/etc/subuid": "bob:300000:65536\nalice:100000:65536\n"
    case "/etc/subgid": "1000:200000:65536\n"
    case "/proc/self/uid_map": "         0          0 4294967295\n"
    case "/proc/self/gid_map": "         0          0       1000\n      2000       2000         10\n"
    default: throw SwnsError("cannot open \(path)", errno: ENOENT)
    }
}

func parse(_ arguments: [String], context: HostContext = aliceHost) throws(SwnsError) -> UnshareCommand {
    try UnshareCommand.parse(["swunshare"] + arguments, context: context)
}

@Suite struct UnshareCommandTests {
    @Test func namespacesAndPersistence() throws {
        let command = try parse(["-mui", "--net=/run/netns/x", "-p", "--user", "-C", "--time=/t", "ls", "-l"])
        #expect(command.namespaces == [.mount, .uts, .ipc, .net, .pid, .user, .cgroup, .time])
        #expect(command.persist == [.net: "/run/netns/x", .time: "/t"])
        #expect(command.program == ["ls", "-l"])
    }

    @Test func impliedOptions() throws {
        #expect(try parse(["--kill-child"]).fork)
        #expect(try parse(["--kill-child"]).killChildSignal == SIGKILL)
        #expect(try parse(["--kill-child=SIGTERM"]).killChildSignal == SIGTERM)
        #expect(try parse(["--forward-signals"]).fork)
        #expect(try parse(["--mount-proc"]).namespaces == .mount)
        #expect(try parse(["--mount-proc"]).procMountpoint == "/proc")
        #expect(try parse(["--mount-proc=/x"]).procMountpoint == "/x")
        #expect(try parse(["--mount-binfmt"]).namespaces == [.mount, .user])
        #expect(try parse(["--mount-binfmt"]).binfmtMountpoint == "/proc/sys/fs/binfmt_misc")
        #expect(try parse(["--mount-binfmt"]).procMountpoint == "/proc")
        #expect(try parse(["--mount-binfmt=/b"]).procMountpoint == nil)
        #expect(try parse(["-l", ":qemu:M::\\x7fELF::/usr/bin/qemu:F"]).binfmtMountpoint == "/proc/sys/fs/binfmt_misc")
        #expect(try parse(["--hostname", "h"]).namespaces == .uts)
        #expect(try parse(["--domainname=d"]).namespaces == .uts)
        #expect(try parse(["--map-user=0"]).namespaces == .user)
        #expect(try parse(["--owner=0:0"]).namespaces == .user)
    }

    @Test func mapsOfTheCaller() throws {
        let root = try parse(["-r"])
        #expect(root.mapUser == 0 && root.mapGroup == 0 && root.namespaces == .user)
        let current = try parse(["-c"])
        #expect(current.mapUser == 1000 && current.mapGroup == 1000)
        let named = try parse(["--map-user=alice", "--map-group=staff"])
        #expect(named.mapUser == 1000 && named.mapGroup == 50)
        #expect(try parse(["--map-user=42"]).mapUser == 42)
    }

    @Test func blockMaps() throws {
        let explicit = try parse(["--map-users=0:100000:10", "--map-users=10,200000,5", "--map-groups=1:2:3"])
        #expect(explicit.userBlocks == [IDRange(inner: 0, outer: 100000, count: 10), IDRange(inner: 200000, outer: 10, count: 5)])
        #expect(explicit.groupBlocks == [IDRange(inner: 1, outer: 2, count: 3)])

        let auto = try parse(["--map-auto"])
        #expect(auto.userBlocks == [IDRange(inner: 0, outer: 100000, count: 65536, automatic: true)])
        #expect(auto.groupBlocks == [IDRange(inner: 0, outer: 200000, count: 65536, automatic: true)])

        let subids = try parse(["--map-subids"])
        #expect(subids.userBlocks == [IDRange(inner: 100000, outer: 100000, count: 65536)])

        let all = try parse(["--map-users=all", "--map-groups=all"])
        #expect(all.userBlocks == [IDRange(inner: 0, outer: 0, count: 4294967295)])
        #expect(all.groupBlocks == [IDRange(inner: 0, outer: 0, count: 1000), IDRange(inner: 2000, outer: 2000, count: 10)])
    }

    @Test func otherValues() throws {
        let command = try parse(["--propagation", "slave", "--setgroups=deny", "-S", "5", "-G7", "--monotonic=-5",
                                 "--boottime", "+9", "-R", "/r", "-w/w", "--owner=alice:staff", "--keep-caps"])
        #expect(command.propagation == .slave)
        #expect(command.setgroups == .deny)
        #expect(command.uid == 5 && command.gid == 7)
        #expect(command.monotonicOffset == -5 && command.boottimeOffset == 9)
        #expect(command.root == "/r" && command.workingDirectory == "/w")
        #expect(command.owner == UnshareCommand.Credentials(uid: 1000, gid: 50))
        #expect(command.capabilities.keepsPermitted)
        #expect(try parse(["--clear-env"]).environment == EnvironmentPolicy(clear: true))
        #expect(try parse(["--whitelist-env=PATH,TERM"]).environment == EnvironmentPolicy(keep: ["PATH", "TERM"]))
        // Repeated, the lists add up (util-linux's env_list_add_getenvs), before or after --clear-env.
        #expect(try parse(["--whitelist-env", "A", "--clear-env", "--whitelist-env=B,X=1"]).environment
                == EnvironmentPolicy(clear: true, keep: ["A", "B", "X=1"]))
        // Blanks and a `+` before the digits, as util-linux's strtoul_or_err takes them.
        let signed = try parse(["-S", "+5", "-G", " 7", "--map-user=+3", "-T", "--monotonic", " 5", "--boottime=-9223372036854775808"])
        #expect(signed.uid == 5 && signed.gid == 7 && signed.mapUser == 3)
        #expect(signed.monotonicOffset == 5 && signed.boottimeOffset == Int64.min)
        #expect(throws: SwnsError("failed to parse monotonic offset: '9223372036854775808'", errno: ERANGE)) {
            try parse(["-T", "--monotonic=9223372036854775808"])
        }
    }

    @Test func helpAndVersionWinOverWhatFollows() throws {
        #expect(try parse(["-h", "--bogus"]).action == .help)
        #expect(try parse(["-V", "--propagation", "bogus"]).action == .version)
        #expect(try parse(["-u", "--help"]).action == .help)
    }

    @Test(arguments: [
        (["-S", "abc"], "failed to parse uid: 'abc'"),
        (["-G", "-1"], "failed to parse gid: '-1'"),
        (["-S", "4294967296"], "failed to parse uid: '4294967296'"),
        (["--kill-child=9"], "unknown signal: 9"),
        (["--kill-child=BOGUS"], "unknown signal: BOGUS"),
        (["--propagation", "bogus"], "unsupported propagation mode: bogus"),
        (["--setgroups=maybe"], "unsupported --setgroups argument 'maybe'"),
        (["--map-users=x"], "invalid mapping 'x'"),
        (["--map-groups=1:2"], "invalid mapping '1:2'"),
        (["--map-user=nosuchuser"], "failed to parse uid: 'nosuchuser'"),
        (["--map-group=nosuchgroup"], "failed to parse gid: 'nosuchgroup'"),
        (["--monotonic=1s"], "failed to parse monotonic offset: '1s'"),
        (["--boottime="], "failed to parse boottime offset: ''"),
        (["--owner=1"], "failed to parse owner: '1'"),
        (["--owner=nosuchuser:0"], "failed to parse owner: 'nosuchuser:0'"),
        (["-l", "qemu"], "invalid interpreter specification 'qemu'"),
        (["--hostname", String(repeating: "h", count: 65)], "invalid hostname '\(String(repeating: "h", count: 65))': longer than 64 bytes"),
        (["--map-users=-1:0:1", "-S", "x"], "invalid mapping '-1:0:1'"),
    ])
    func valueErrors(_ arguments: [String], _ message: String) {
        #expect(throws: SwnsError(message)) { try parse(arguments) }
    }

    @Test func subordinateIDErrors() {
        let bob = HostContext(euid: 2000, egid: 2000, readFile: aliceHost.readFile)
        #expect(throws: SwnsError("no line matching user \"2000\" in /etc/subuid")) { try parse(["--map-auto"], context: bob) }
        let bare = HostContext(euid: 1000, egid: 1000) { (path) throws(SwnsError) in
            throw SwnsError("cannot open \(path)", errno: ENOENT)
        }
        #expect(throws: SwnsError("cannot open /etc/subuid", errno: ENOENT)) { try parse(["--map-users=auto"], context: bare) }
    }

    @Test func usageErrorsCarryGetoptsText() {
        #expect(throws: SwnsError.usage("swunshare: unrecognized option '--bogus'\n")) { try parse(["--bogus"]) }
        #expect(throws: SwnsError.usage("swunshare: invalid option -- '='\n")) { try parse(["-m=foo"]) }
        // Values before the bad option are checked first, as util-linux's loop does.
        #expect(throws: SwnsError("unknown signal: X")) { try parse(["--kill-child=X", "--bogus"]) }
    }

    @Test(arguments: [
        ":qemu-arm:M::\\x7fELF\\x01:\\xff\\xff:/usr/bin/qemu-arm-static:F",
        ":py:E::py::/usr/bin/python3:",
        "|x|M|2|ab|ff|/bin/i|POC",
        // The kernel ignores an extension's offset and mask fields.
        ":audy:E:0:audy:zz:/bin/cat:", ":n:E::py:mask:/i:",
        ":n:M::m::/" + String(repeating: "i", count: 1920 - 11) + ":",
    ])
    func acceptsBinfmtSpecifications(_ text: String) {
        #expect(BinfmtInterpreter(text) != nil)
    }

    @Test(arguments: ["", "x", ":name:M::magic::", ":name:X::m::/i:", ":a/b:M::m::/i:", ":..:M::m::/i:",
                      ":n:E::a/b::/i:", ":n:M::m::/" + String(repeating: "i", count: 1921 - 11) + ":", ":n:M::m::/i:Z", ":n:M:x:m::/i:", ":n:M::::/i:", ":n:M::m::/i:F:extra"])
    func refusesBadBinfmtSpecifications(_ text: String) {
        #expect(BinfmtInterpreter(text) == nil)
    }
}
