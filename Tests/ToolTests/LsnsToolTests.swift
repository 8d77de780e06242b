import Foundation
import Glibc
import SwnsCore
import Testing

func swlsns(_ arguments: [String]) throws -> Outcome {
    try run(Host.buildFolder + "/swlsns", arguments)
}

/// The namespace inode of `entry` of process `pid`.
func namespaceID(_ pid: pid_t, _ entry: String) -> String? {
    Host.namespaceLink(entry, pid: String(pid)).flatMap { link in
        link.split(separator: "[").last.map { String($0.dropLast()) }
    }
}

/// When process `pid` started, in clock ticks since boot (field 22 of /proc/PID/stat). PIDs wrap
/// around, so a smaller PID does not mean an older process.
func startTime(_ pid: pid_t) -> UInt64? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let afterName = stat.range(of: ")", options: .backwards) else { return nil }
    // Fields after the name start at field 3 (state); starttime is field 22.
    let fields = stat[afterName.upperBound...].split(separator: " ")
    return fields.count > 19 ? UInt64(fields[19]) : nil
}

/// A process in new namespaces of every type (a user namespace owning the others), with a nested
/// user and pid namespace inside (swunshare in swunshare).
func nestedNamespaces() throws -> TargetProcess {
    try TargetProcess(Host.swunshare, ["-r", "-m", "-u", "-i", "-n", "-p", "-C", "-T", "--fork", "--mount-proc",
                                       Host.swunshare, "-r", "-p", "--fork"])
}

/// util-linux's lsns, asked again (five runs at most) while `retry` holds: 2.38.1 gives up when a
/// process of another test vanishes under it.
func utilLinuxLsns(_ arguments: [String], environment: [String: String]? = nil,
                   retryWhile retry: (Outcome) -> Bool = { $0.status != 0 }) throws -> Outcome {
    var outcome = try run("/usr/bin/lsns", arguments, environment: environment)
    for _ in 1..<5 where retry(outcome) { outcome = try run("/usr/bin/lsns", arguments, environment: environment) }
    return outcome
}

/// Raw list rows (`-r -n`) keyed by their first column.
func rows(_ text: String) -> [String: String] {
    var result: [String: String] = [:]
    for line in lines(text) {
        if let key = line.split(separator: " ").first { result[String(key)] = line }
    }
    return result
}

/// Side by side with util-linux on namespaces the tests make (`nestedNamespaces`) and on the
/// system's own.
@Suite(.root) struct LsnsSideBySideTests {
    static let columns = "NS,TYPE,NPROCS,PID,PPID,UID,USER,COMMAND"

    @Test(arguments: [["-l"], ["-t", "uts", "-l"], ["-t", "pid", "-t", "user", "-l"], ["-l", "-u", "-W"],
                      ["-l", "-t", "mnt", "-t", "net"], ["-l", "-t", "ipc", "-t", "cgroup", "-t", "time"]])
    func sameRowsAsUtilLinux(_ options: [String]) throws {
        let target = try nestedNamespaces()
        let ours = rows(try swlsns(options + ["-r", "-n", "-o", Self.columns]).stdout)
        // The target's namespaces: their rows do not change while the two tools run.
        let mine = ["user", "mnt", "uts", "ipc", "net", "pid", "cgroup", "time"].compactMap { namespaceID(target.pid, $0) }
        let theirs = rows(try utilLinuxLsns(options + ["-r", "-n", "-o", Self.columns]) { outcome in
            !mine.contains { rows(outcome.stdout)[$0] != nil }
        }.stdout)
        var compared = 0
        for id in mine where theirs[id] != nil {
            #expect(ours[id] == theirs[id], "ns \(id)")
            compared += 1
        }
        #expect(compared >= 1, "ours \(ours.count) rows, theirs \(theirs.count)")
    }

    /// The system's own namespaces (those of processes older than this test run), as both tools see
    /// them; NPROCS is left out because processes come and go between the two runs.
    @Test func liveSystemRows() throws {
        let columns = "NS,TYPE,PID,PPID,UID,USER,COMMAND"
        let ours = rows(try swlsns(["-l", "-r", "-n", "-o", columns]).stdout)
        let theirs = rows(try run("/usr/bin/lsns", ["-l", "-r", "-n", "-o", columns]).stdout)
        var compared = 0
        for (id, row) in theirs {
            guard let pid = row.split(separator: " ").dropFirst(2).first.flatMap({ Int32($0) }),
                  let started = startTime(pid), let runner = startTime(getpid()), started < runner else { continue }
            #expect(ours[id] == row, "ns \(id)")
            compared += 1
        }
        #expect(compared >= 8, "the initial namespaces at least")
    }

    @Test func taskNamespaces() throws {
        let target = try TargetProcess(Host.swunshare, ["--uts", "--net"])
        let arguments = ["-l", "-r", "-n", "-p", "\(target.pid)", "-o", "NS,TYPE,PID,USER"]
        let ours = try swlsns(arguments)
        let theirs = try utilLinuxLsns(arguments) { $0.stdout != ours.stdout }
        #expect(ours.stdout == theirs.stdout, "ours \(ours) theirs \(theirs)")
        #expect(lines(ours.stdout).count == 8)
    }

    @Test func jsonHasTheSameKeysAndTypes() throws {
        let target = try TargetProcess(Host.swunshare, ["--uts", "--ipc"])
        let arguments = ["-J", "-l", "-o", Self.columns + ",PATH,NETNSID,NSFS", "-p", "\(target.pid)"]
        func parse(_ text: String) throws -> [[String: Any]] {
            let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
            return try #require(object?["namespaces"] as? [[String: Any]])
        }
        let ours = try parse(try swlsns(arguments).stdout)
        let theirs = try parse(try utilLinuxLsns(arguments).stdout)
        #expect(ours.count == theirs.count)
        let uts = try #require(namespaceID(target.pid, "uts"))
        let mine = try #require(ours.first { "\($0["ns"]!)" == uts })
        let reference = try #require(theirs.first { "\($0["ns"]!)" == uts })
        #expect(Set(mine.keys) == Set(reference.keys))
        for key in reference.keys {
            #expect(type(of: mine[key]!) == type(of: reference[key]!), "\(key)")
        }
        #expect(mine["nsfs"] is NSNull && mine["netnsid"] is NSNull)
        #expect(mine["command"] as? String == "sleep 600" && mine["pid"] as? Int == Int(target.pid))
    }

    @Test func processesOfANamespace() throws {
        let target = try TargetProcess(Host.swunshare, ["--uts", "--fork"])
        let uts = try #require(namespaceID(target.pid, "uts"))
        let ours = try swlsns([uts, "-r"])
        let theirs = try utilLinuxLsns([uts, "-r"]) { $0.stdout != ours.stdout }
        #expect(ours.status == 0)
        #expect(ours.stdout == theirs.stdout, "ours \(ours) theirs \(theirs)")
        #expect(lines(ours.stdout).count == 3)  // heading, swunshare, its sleeping child
        #expect(try swlsns(["123"]).stderr == "swlsns: not found namespace: 123\n")
    }
}

/// A namespace tree as `-J --tree=...` prints it.
struct NamespaceNode: Equatable, CustomStringConvertible {
    var ns: String
    var type: String
    var children: [NamespaceNode]

    var description: String { "\(ns) \(type)" + (children.isEmpty ? "" : " \(children)") }

    static func forest(_ json: String) throws -> [NamespaceNode] {
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        return ((object?["namespaces"] as? [[String: Any]]) ?? []).map(node)
    }

    static func node(_ object: [String: Any]) -> NamespaceNode {
        NamespaceNode(ns: "\(object["ns"] ?? "")", type: "\(object["type"] ?? "")",
                      children: ((object["children"] as? [[String: Any]]) ?? []).map(node))
    }

    /// The namespaces from a root down to `id`, or nil when `id` is not in the forest.
    static func path(to id: String, in forest: [NamespaceNode]) -> [String]? {
        for node in forest {
            if node.ns == id { return [id] }
            if let rest = path(to: id, in: node.children) { return [node.ns] + rest }
        }
        return nil
    }

    static func subtree(_ id: String, in forest: [NamespaceNode]) -> NamespaceNode? {
        for node in forest {
            if node.ns == id { return node }
            if let found = subtree(id, in: node.children) { return found }
        }
        return nil
    }
}

/// `--tree=parent` and `--tree=owner` side by side with util-linux, on namespaces the test makes: a
/// user namespace owning one of every type, with a nested user and pid namespace inside. Other
/// tests make and drop namespaces meanwhile, so the comparison keeps to what is the test's own:
/// where each of its namespaces hangs, the whole tree under its user namespace, and the order of
/// its namespaces among the roots (util-linux places a parentless namespace's owner first).
@Suite(.root) struct LsnsTreeSideBySideTests {
    @Test(arguments: ["parent", "owner", "process"])
    func sameTreesAsUtilLinux(_ relation: String) throws {
        let target = try nestedNamespaces()
        let inner = try #require(children(of: target.launcher.pid).first)
        let outerUser = try #require(namespaceID(target.launcher.pid, "user"))
        let mine = ["user", "mnt", "uts", "ipc", "net", "pid", "cgroup", "time"].compactMap { namespaceID(target.pid, $0) }
            + [outerUser] + [namespaceID(inner, "pid")].compactMap { $0 }
        #expect(mine.count == 10)
        let arguments = ["-J", "--tree=\(relation)", "-o", "NS,TYPE,COMMAND"]
        let ours = try NamespaceNode.forest(try swlsns(arguments).stdout)
        let theirs = try NamespaceNode.forest(try utilLinuxLsns(arguments) { outcome in
            NamespaceNode.subtree(outerUser, in: (try? NamespaceNode.forest(outcome.stdout)) ?? []) == nil
        }.stdout)
        for id in mine {
            #expect(NamespaceNode.path(to: id, in: ours) != nil, "ns \(id) missing")
            #expect(NamespaceNode.path(to: id, in: ours) == NamespaceNode.path(to: id, in: theirs), "ns \(id)")
        }
        #expect(NamespaceNode.subtree(outerUser, in: ours) == NamespaceNode.subtree(outerUser, in: theirs))
        #expect(ours.first?.ns == theirs.first?.ns)
        #expect(ours.map(\.ns).filter(mine.contains) == theirs.map(\.ns).filter(mine.contains))
    }

    /// Column widths as libsmartcols makes them: at least the heading's width, also with
    /// `--noheadings`, and util-linux's width hint (5 for TYPE, PID, PPID) for a column whose cells
    /// are as wide as its heading but narrower than the hint.
    @Test(arguments: [["-t", "user", "-o", "TYPE,NS"], ["-n", "-t", "user", "-o", "TYPE,PID"],
                      ["-l", "-o", "TYPE,PPID,PID"], ["-n", "-l", "-t", "mnt", "-o", "PID,TYPE,USER"]])
    func sameColumnWidthsAsUtilLinux(_ options: [String]) throws {
        let target = try TargetProcess(Host.swunshare, ["-r", "-m", "-u", "-i", "--fork", Host.swunshare, "-r", "--fork"])
        let arguments = options + ["-p", "\(target.pid)"]
        let ours = try swlsns(arguments)
        let theirs = try utilLinuxLsns(arguments)
        #expect(ours.stdout == theirs.stdout, "\(arguments): ours \(ours) theirs \(theirs)")
        #expect(!ours.stdout.isEmpty)
    }

    /// With `-p`, the rows are the target's namespaces and the ancestors the tree adds, which no
    /// other test changes: the whole output is compared, in each format, with and without the
    /// tree's column (COMMAND for the process tree, NS for the others; without it util-linux
    /// prints the rows flat, in the order it made them).
    @Test(arguments: ["parent", "owner", "process"], [["-o", "TYPE,PID"], ["-o", "NS,TYPE,PID"], ["-o", "TYPE,COMMAND"]])
    func sameTaskTreesAsUtilLinux(_ relation: String, _ columns: [String]) throws {
        let target = try nestedNamespaces()
        for format in [[], ["-J"], ["-r"]] {
            let arguments = format + ["--tree=\(relation)", "-p", "\(target.pid)"] + columns
            let ours = try swlsns(arguments)
            let theirs = try utilLinuxLsns(arguments)
            #expect(ours.stdout == theirs.stdout, "\(arguments): ours \(ours) theirs \(theirs)")
            #expect(lines(ours.stdout).count >= 9, "\(arguments): \(ours)")
        }
    }
}

@Suite(.root) struct LsnsFindsEverythingTests {
    @Test func bindMountedNamespaces() throws {
        let file = ScratchFile()
        #expect(try swunshare(["--net=\(file.path)", "true"]).status == 0)
        var st = stat()
        #expect(stat(file.path, &st) == 0)
        let id = String(st.st_ino)
        let row = rows(try swlsns(["-P", "-r", "-n", "-o", "NS,TYPE,NPROCS,NSFS,USER"]).stdout)[id]
        #expect(row == "\(id) net 0 \(file.path) root")
        // util-linux 2.38.1 does not see it.
        #expect(rows(try run("/usr/bin/lsns", ["-r", "-n", "-o", "NS"]).stdout)[id] == nil)

        let name = String(uniqueName("swns").prefix(40))
        #expect(try run("/usr/sbin/ip", ["netns", "add", name]).status == 0)
        defer { _ = try? run("/usr/sbin/ip", ["netns", "delete", name]) }
        #expect(stat("/run/netns/\(name)", &st) == 0)
        let netns = rows(try swlsns(["-t", "net", "-r", "-n"]).stdout)[String(st.st_ino)]
        #expect(netns?.contains("/run/netns/\(name)") == true, "\(netns ?? "-")")
    }

    @Test func namespacesHeldByADescriptor() throws {
        let target = try TargetProcess(Host.swunshare, ["--net"])
        let id = try #require(namespaceID(target.pid, "net"))
        let holder = try TargetProcess("/bin/bash", ["-c", "exec 9</proc/\(target.pid)/ns/net; exec sleep 600"], sleeper: [])
        kill(target.pid, SIGKILL)
        _ = target.launcher.wait()
        // Found, with no process in it: PATH empty as util-linux leaves it (no process to name);
        // NETNSID asked of the namespace itself, as util-linux 2.42 does.
        let row = rows(try swlsns(["-P", "-r", "-n", "-o", "NS,TYPE,NPROCS,PATH,NETNSID"]).stdout)[id]
        #expect(row == "\(id) net 0  unassigned", "held by \(holder.pid)")
        #expect(rows(try run("/usr/bin/lsns", ["-r", "-n", "-o", "NS"]).stdout)[id] == nil)
    }

    @Test func aSocketsNetworkNamespace() throws {
        // The socket was made in a network namespace that no process is in any more.
        let target = try TargetProcess(Host.swunshare, ["--net", "bash", "-c",
                                                        "ip link set lo up; exec 7<>/dev/udp/127.0.0.1/9; "
                                                            + "exec \(Host.swunshare) --net sleep 600"], sleeper: [])
        let row = try swlsns(["-t", "net", "-r", "-n", "-o", "NS,NPROCS"])
        let inner = try #require(namespaceID(target.pid, "net"))
        // The process is in the inner namespace; its descriptor 7 holds the outer one.
        let all = rows(row.stdout)
        #expect(all[inner] == "\(inner) 1")
        #expect(all.values.contains { $0.hasSuffix(" 0") }, "\(row.stdout)")
        // Its PATH is empty: not the descriptor swlsns itself held while it asked. Its NETNSID is
        // asked of the namespace itself, as util-linux 2.42 does for a namespace without processes.
        let held = try swlsns(["-t", "net", "-P", "-J", "-o", "NS,PATH,NETNSID,ONS"])
        #expect(!held.stdout.contains("/proc/"), "\(held.stdout)")
        #expect(held.stdout.contains("\"path\": null") && held.stdout.contains("\"netnsid\": \"unassigned\""), "\(held.stdout)")
    }

    /// -t also leaves out the ancestors of another type that a tree would add (util-linux 2.40
    /// and later; 2.38.1 adds them as rows without a process).
    @Test(arguments: [(["--tree=parent", "-t", "pid"], "pid"), (["--tree=owner", "-t", "net"], "net"),
                      (["-T", "-t", "uts"], "uts")])
    func treesKeepToTheChosenTypes(_ arguments: [String], _ type: String) throws {
        let target = try TargetProcess(Host.swunshare, ["-r", "--pid", "--fork", "--net", "--uts"])
        _ = target
        let outcome = try swlsns(arguments + ["-r", "-n", "-o", "NS,TYPE"])
        let types = Set(lines(outcome.stdout).compactMap { $0.split(separator: " ").last.map(String.init) })
        #expect(types == [type], "\(outcome.stdout)")
    }

    @Test func parentsAndOwnersOfNestedNamespaces() throws {
        let target = try TargetProcess(Host.swunshare, ["-r", Host.swunshare, "-r", "--pid", "--fork"])
        let innerUser = try #require(namespaceID(target.pid, "user"))
        let pid = try #require(namespaceID(target.pid, "pid"))
        let fd = open("/proc/\(target.pid)/ns/user", O_RDONLY | O_CLOEXEC)
        try #require(fd >= 0)
        defer { close(fd) }
        let parent = ioctl(fd, 0xb702)  // NS_GET_PARENT
        try #require(parent >= 0)
        defer { close(parent) }
        let outerUser = String(try #require(NamespaceFiles.inode(parent)))
        let table = rows(try swlsns(["-l", "-r", "-n", "-o", "NS,TYPE,NPROCS,PNS,ONS"]).stdout)
        #expect(table[innerUser] == "\(innerUser) user 2 \(outerUser) \(outerUser)")
        #expect(table[pid]?.hasSuffix(" \(innerUser)") == true, "\(table[pid] ?? "-")")
        // The outer user namespace has no process: the owner tree shows it anyway.
        let tree = try swlsns(["-Towner", "-r", "-n", "-o", "NS,NPROCS"])
        #expect(lines(tree.stdout).contains { $0 == "\(outerUser) 0" || $0.hasSuffix("\(outerUser) 0") }, "\(tree.stdout)")
    }
}

@Suite(.root) struct LsnsFilterAndErrorTests {
    @Test func filterKeepsMatchingRows() throws {
        let target = try TargetProcess(Host.swunshare, ["--uts"])
        let uts = try #require(namespaceID(target.pid, "uts"))
        let outcome = try swlsns(["-Q", "NS == \(uts) and type =~ \"^ut\"", "-r", "-n", "-o", "NS,PID"])
        #expect(outcome.stdout == "\(uts) \(target.pid)\n", "\(outcome)")
        let none = try swlsns(["-Q", "NPROCS < 0"])
        #expect(none.status == 0 && none.stdout.isEmpty)
        // Columns only the filter reads are not shown.
        let hidden = try swlsns(["-Q", "PID == \(target.pid) && TYPE == 'uts'", "-r", "-n", "-o", "NS"])
        #expect(hidden.stdout == "\(uts)\n")
    }

    @Test func filterErrorsPointAtThePosition() throws {
        let outcome = try swlsns(["-Q", "TYPE == net"])
        #expect(outcome.status == 1)
        #expect(lines(outcome.stderr).first?.hasPrefix("swlsns: failed to parse filter: ") == true, "\(outcome)")
        #expect(lines(outcome.stderr).contains { $0.hasPrefix("hint: ") }, "\(outcome)")
    }

    @Test(arguments: [["-J", "-r"], ["-P", "-p", "1"], ["-l", "-T"], ["-p", "1", "4026531836"], ["-t", "x"],
                      ["-o", "BOGUS"], ["--bogus"], ["x"]])
    func badInputExitsOne(_ arguments: [String]) throws {
        let outcome = try swlsns(arguments)
        #expect(outcome.status == 1 && outcome.stdout.isEmpty && outcome.stderr.hasPrefix("swlsns: ") || outcome.stderr.contains("unrecognized"),
                "\(outcome)")
    }

    @Test func listColumns() throws {
        let text = try swlsns(["-H"]).stdout
        for column in LsnsColumn.allCases { #expect(text.contains(" \(column.name)  ")) }
        let json = try JSONSerialization.jsonObject(with: Data(try swlsns(["-J", "-H"]).stdout.utf8)) as? [String: Any]
        #expect((json?["lsns-columns"] as? [Any])?.count == LsnsColumn.allCases.count)
    }
}

/// Output that util-linux 2.38.1 makes byte for byte the same way (the audit's cases), on a process
/// of the test's own in a new UTS and IPC namespace, whose name holds control characters, a
/// backslash before 'x', a byte that is not UTF-8, and wide characters.
@Suite(.root) struct LsnsSameBytesTests {
    static func oddlyNamed(_ name: String, _ extra: [String] = []) throws -> TargetProcess {
        try TargetProcess(Host.swunshare, ["--uts", "--ipc", "/bin/bash", "-c", "exec -a \"$(printf '\(name)')\" sleep 600", "-"] + extra,
                          sleeper: [])
    }

    @Test(arguments: [
        ["-t", "uts"], ["-t", "uts", "-r"], ["-t", "ipc", "-J"], ["-t", "uts", "-o", "COMMAND,PID"],
        ["-o", "NS,NETNSID,NSFS"], ["-t", "uts", "-o", "NS", "-o", "+TYPE"],
        ["-t", "uts", "-o", "+PATH", "-o", "+UID"], ["-t", "uts", "-o", "NS", "--output-all", "-l"],
    ])
    func sameAsUtilLinux(_ options: [String]) throws {
        // U+009B (C2 9B) is a C1 control that terminals take for an escape sequence.
        let target = try Self.oddlyNamed("w\\303\\251\\tx\\ry a\\\\x41b\\377c \\346\\227\\245\\346\\234\\254 z\\302\\233")
        // The static release binary too, where it is built (make check builds it first): it
        // has no C library locale data to ask for widths, as the debug build has.
        let release = InstallTests.top + "/.build/release/swlsns"
        let binaries = [Host.buildFolder + "/swlsns"] + (InstallTests.releaseBuilt ? [release] : [])
        for binary in binaries {
            // A locale that is not installed in any category leaves util-linux's setlocale(LC_ALL, "")
            // in C: ASCII output.
            for environment in [["LC_ALL": "C.UTF-8"], ["LC_ALL": "C"], ["LANG": "C.UTF-8", "LC_TIME": "xx_YY.UTF-8"]] {
                let arguments = options + ["-p", "\(target.pid)"]
                let ours = try run(binary, arguments, environment: environment)
                let theirs = try utilLinuxLsns(arguments, environment: environment) { $0.stdout != ours.stdout }
                #expect(ours.stdout == theirs.stdout, "\(binary) \(arguments) \(environment): ours \(ours) theirs \(theirs)")
                #expect(ours.status == 0 && !ours.stdout.isEmpty)
            }
        }
    }

    /// NETNSID and NSFS whenever net is among the types.
    @Test func netAmongTheTypes() throws {
        for arguments in [["-t", "net", "-t", "pid"], ["-t", "pid", "-t", "net"]] {
            func headings(_ outcome: Outcome) -> [Substring] { lines(outcome.stdout).first?.split(separator: " ") ?? [] }
            #expect(headings(try swlsns(arguments)) == headings(try run("/usr/bin/lsns", arguments)))
        }
    }

    /// Trailing empty arguments keep their spaces; the JSON escapes of libsmartcols.
    @Test func commandLinesAsUtilLinux() throws {
        let target = try TargetProcess(Host.swunshare, ["--uts", "/bin/bash", "-c", "exec -a \"$(printf 'a\\r\\b\\f\\177')\" sleep 600 \"\" \"x \" \"\""],
                                       sleeper: [])
        for format in [["-J"], ["-r"], []] {
            let arguments = format + ["-t", "uts", "-p", "\(target.pid)", "-o", "COMMAND,PID"]
            let ours = try swlsns(arguments)
            #expect(ours.stdout == (try utilLinuxLsns(arguments) { $0.stdout != ours.stdout }).stdout, "\(arguments): \(ours)")
        }
    }

    @Test(arguments: [["-J", "-p", "999999"], ["-p", "999999"], ["-r", "-p", "999999"], ["-o", ""], ["-o", "+"],
                      ["-o", "NS,,TYPE"], ["-o", "FOO,BAR"], ["-o", "NS,"], ["-p", "99999999999"], ["--", "-1"],
                      ["18446744073709551616"], ["-T", "parent", "4026531836"],
                      ["-p", "1x"], ["12x"], ["-p", ""]])
    func sameOutcomeAsUtilLinux(_ arguments: [String]) throws {
        let ours = try swlsns(arguments)
        let theirs = try run("/usr/bin/lsns", arguments)
        #expect(ours.status == theirs.status && ours.stdout == theirs.stdout, "\(arguments): ours \(ours) theirs \(theirs)")
        #expect(ours.stderr.replacingOccurrences(of: "swlsns", with: "lsns") == theirs.stderr, "\(arguments)")
    }

    /// The namespace operand: -o applies, extra operands are ignored, -T owner draws no tree.
    @Test func namespaceOperandAsUtilLinux() throws {
        let target = try TargetProcess(Host.swunshare, ["--uts", "--fork"])
        let uts = try #require(namespaceID(target.pid, "uts"))
        for arguments in [[uts, "-o", "NS,PID"], [uts, "4026531836", "-o", "PID,COMMAND"], ["-T", uts], [" +" + uts, "-J"],
                          ["-o", "+TYPE", uts]] {
            let ours = try swlsns(arguments)
            let theirs = try utilLinuxLsns(arguments) { $0.stdout != ours.stdout }
            #expect(ours.stdout == theirs.stdout && ours.status == 0, "\(arguments): ours \(ours) theirs \(theirs)")
        }
    }

    /// --output-all is a list, not a process tree.
    @Test func outputAllIsFlat() throws {
        let target = try TargetProcess(Host.swunshare, ["--uts", "--fork"])
        let arguments = ["--output-all", "-J", "-t", "uts", "-p", "\(target.pid)"]
        #expect(!(try swlsns(arguments)).stdout.contains("children"))
        #expect(!(try swlsns(["--output-all", "-t", "uts"])).stdout.contains("─"))
    }

    /// A mount point that mountinfo lists more than once is shown once; JSON joins with "\n".
    @Test func nsfsMountPointsOnceAndJoinedAsUtilLinux() throws {
        let name = String(uniqueName("swns").prefix(40))
        #expect(try run("/usr/sbin/ip", ["netns", "add", name]).status == 0)
        defer { _ = try? run("/usr/sbin/ip", ["netns", "delete", name]) }
        let holder = try TargetProcess("/usr/sbin/ip", ["netns", "exec", name, "sleep", "600"], sleeper: [])
        let file = ScratchFile()
        for _ in 0..<2 { #expect(try run("/bin/mount", ["--bind", "/run/netns/\(name)", file.path]).status == 0) }
        defer { for _ in 0..<2 { _ = try? run("/bin/umount", [file.path]) } }
        for options in [["-o", "NS,NSFS,PID"], ["-W", "-o", "NS,NSFS"], ["-J", "-o", "NS,NSFS"], ["-o", "NS,NSFS,COMMAND"]] {
            let arguments = options + ["-t", "net", "-p", "\(holder.pid)"]
            let ours = try swlsns(arguments)
            #expect(ours.stdout == (try utilLinuxLsns(arguments) { $0.stdout != ours.stdout }).stdout, "\(arguments): \(ours)")
        }
    }

    /// A network namespace that only a socket holds takes its owner from its user namespace; the
    /// user namespace that owns a bind-mounted namespace is a row whatever the columns.
    @Test func processlessNamespacesHaveOwners() throws {
        let target = try TargetProcess(Host.swunshare, ["-r", "--net", "bash", "-c",
                                                        "ip link set lo up; exec 7<>/dev/udp/127.0.0.1/9; exec \(Host.swunshare) --net sleep 600"],
                                       sleeper: [])
        let socketRows = lines(try swlsns(["-P", "-t", "net", "-r", "-n", "-o", "NPROCS,USER,ONS"]).stdout)
        let owner = try #require(namespaceID(target.pid, "user"))
        #expect(socketRows.contains("0 root \(owner)"), "\(socketRows)")
        let file = ScratchFile()
        #expect(try swunshare(["-r", "--uts=\(file.path)", "true"]).status == 0)
        defer { _ = try? run("/bin/umount", [file.path]) }
        var st = stat()
        #expect(stat(file.path, &st) == 0)
        let row = try #require(rows(try swlsns(["-P", "-r", "-n", "-o", "NS,ONS"]).stdout)[String(st.st_ino)])
        let utsOwner = String(try #require(row.split(separator: " ").last))
        // Other tests make and drop namespaces meanwhile: what is compared is this test's owner.
        #expect(rows(try swlsns(["-l", "-r", "-n", "-o", "NS,TYPE"]).stdout)[utsOwner] == "\(utsOwner) user")
    }
}
