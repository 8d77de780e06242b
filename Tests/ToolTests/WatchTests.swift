import Foundation
import Glibc
import Testing

/// `swlsns --watch`, with real namespaces: made by swunshare after the watch has started, gone when
/// their last process is killed, their bind mount taken down or their last descriptor closed. Other
/// tests run in parallel and make namespaces of their own: each test looks only at the inodes of
/// the namespaces it made.
@Suite(.root) struct WatchTests {
    /// A running `swlsns --watch ... -J`, its output in a file; stopped with SIGINT and reaped
    /// when the test lets go of it.
    final class Watch {
        let process: Spawned
        let output: String
        let interval: Double
        private var stopped: (status: Int32, signal: Int32?)?

        init(interval milliseconds: Int = 200, _ options: [String] = [], asUser uid: uid_t? = nil) throws {
            output = "/tmp/" + uniqueName("swns-watch")
            interval = Double(milliseconds) / 1000
            let tool = uid == nil ? Host.buildFolder + "/swlsns" : Host.publicFolder + "/swlsns"
            process = try Spawned(tool, ["--watch=\(milliseconds)ms", "-J", "-o", "NS,TYPE,NPROCS,PID,NSFS"] + options,
                                  asUser: uid, stdout: output)
            // The first listing is one JSON document, whose last line is "}": the baseline is known then.
            let deadline = Date().addingTimeInterval(30)
            while !text.contains("\n}\n") && Date() < deadline { usleep(10_000) }
        }

        var text: String { (try? String(contentsOfFile: output, encoding: .utf8)) ?? "" }

        /// The event lines after the first listing, parsed.
        var events: [[String: Any]] {
            guard let end = text.range(of: "\n}\n") else { return [] }
            return lines(String(text[end.upperBound...])).compactMap {
                (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
            }
        }

        /// The events about our namespace `inode`, from its `add` on, which `ours` tells from the
        /// namespaces of other tests that had or take the same number (the kernel gives a freed
        /// inode number to the next namespace it makes).
        func events(of inode: UInt64, _ ours: ([String: Any]) -> Bool) -> [[String: Any]] {
            let all = events.filter { ($0["ns"] as? NSNumber)?.uint64Value == inode }
            guard let first = all.firstIndex(where: { $0["event"] as? String == "add" && ours($0) }) else { return [] }
            return Array(all[first...])
        }

        /// Waits until `condition` holds of the events of `inode`; the seconds it took, or nil.
        func wait(for inode: UInt64, within seconds: Double, _ ours: ([String: Any]) -> Bool,
                  _ condition: ([[String: Any]]) -> Bool) -> Double? {
            let start = Date()
            while Date().timeIntervalSince(start) < seconds {
                if condition(events(of: inode, ours)) { return Date().timeIntervalSince(start) }
                usleep(10_000)
            }
            return condition(events(of: inode, ours)) ? Date().timeIntervalSince(start) : nil
        }

        func stop(_ signal: Int32 = SIGINT) -> (status: Int32, signal: Int32?) {
            if let stopped { return stopped }
            kill(process.pid, signal)
            stopped = process.wait(timeout: 10)
            return stopped!
        }

        deinit {
            _ = stop(SIGKILL)
            unlink(output)
        }
    }

    static func inode(_ pid: pid_t, _ kind: String) throws -> UInt64 {
        try #require(UInt64(try run("/usr/bin/stat", ["-L", "-c", "%i", "/proc/\(pid)/ns/\(kind)"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    /// The events' names, up to our namespace's removal (a later `add` is another namespace's).
    static func names(_ events: [[String: Any]]) -> [String] {
        let names = events.compactMap { $0["event"] as? String }
        return names.firstIndex(of: "remove").map { Array(names[...$0]) } ?? names
    }

    static func hasPID(_ pid: pid_t) -> ([String: Any]) -> Bool {
        { ($0["pid"] as? NSNumber)?.int32Value == pid }
    }

    /// Two intervals, and room for the scan itself and for this test's own polling.
    static func allowance(_ watch: Watch) -> Double { 2 * watch.interval + 0.3 }

    @Test(arguments: ["poll", "events"])
    func processNamespacesAppearAndVanish(_ source: String) throws {
        let watch = try Watch(interval: 400, ["--watch-source=\(source)"])
        var target: TargetProcess? = try TargetProcess(Host.swunshare, ["--uts", "--net"])
        let pid = target!.pid
        let uts = try Self.inode(pid, "uts"), net = try Self.inode(pid, "net")
        let ours = Self.hasPID(pid)
        for inode in [uts, net] {
            let took = watch.wait(for: inode, within: Self.allowance(watch), ours) { Self.names($0) == ["add"] }
            #expect(took != nil, "no add of \(inode):\n\(watch.text)")
            let event = watch.events(of: inode, ours).first
            #expect((event?["nprocs"] as? NSNumber)?.intValue == 1)
            #expect((event?["time"] as? String)?.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d/) != nil,
                    "\(event ?? [:])")
        }
        #expect((watch.events(of: uts, ours).first?["type"] as? String) == "uts")
        target = nil
        for inode in [uts, net] {
            let took = watch.wait(for: inode, within: Self.allowance(watch), ours) { Self.names($0) == ["add", "remove"] }
            #expect(took != nil, "no remove of \(inode):\n\(watch.text)")
        }
        let stopped = watch.stop()
        #expect(stopped.status == 0 && stopped.signal == nil, "SIGINT ends the watch with 0: \(stopped)")
        #expect(watch.text.hasSuffix("\n"), "no partial line")
        // Every event line is one JSON object, compact.
        let after = try #require(watch.text.range(of: "\n}\n")).upperBound
        let eventLines = lines(String(watch.text[after...]))
        #expect(watch.events.count == eventLines.count && eventLines.allSatisfy { $0.hasPrefix("{\"event\":\"") })
    }

    /// With a long interval, the events bring the scans forward: the proc connector for a process's
    /// namespaces (swunshare forks and execs), the mount table for a bind mount. Polling alone
    /// waits for the interval.
    @Test(arguments: ["events", "poll"])
    func eventsBringScansForward(_ source: String) throws {
        let watch = try Watch(interval: 20_000, ["--watch-source=\(source)"])
        let target = try TargetProcess(Host.swunshare, ["--uts"])
        let uts = try Self.inode(target.pid, "uts")
        let file = ScratchFile("swns-watch")
        let made = try swunshare(["--ipc=\(file.path)", "true"])
        try #require(made.status == 0, "\(made)")
        let ipc = try #require(UInt64(try run("/usr/bin/stat", ["-L", "-c", "%i", file.path]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        let bound: ([String: Any]) -> Bool = { ($0["nsfs"] as? String) == file.path }
        let processSeen = watch.wait(for: uts, within: 2, Self.hasPID(target.pid)) { Self.names($0) == ["add"] }
        let mountSeen = watch.wait(for: ipc, within: 1, bound) { Self.names($0) == ["add"] }
        if source == "events" {
            #expect(processSeen != nil && mountSeen != nil, "\(watch.text)")
        } else {
            #expect(processSeen == nil && mountSeen == nil, "polling looks again only after 20 s:\n\(watch.text)")
        }
    }

    /// A namespace held by a bind mount only: added when bound, removed when unmounted.
    @Test func boundNamespaceAppearsAndVanishes() throws {
        let watch = try Watch()
        let file = ScratchFile("swns-watch")
        let made = try swunshare(["--net=\(file.path)", "true"])
        try #require(made.status == 0, "\(made)")
        let inode = try #require(UInt64(try run("/usr/bin/stat", ["-L", "-c", "%i", file.path]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        let ours: ([String: Any]) -> Bool = { ($0["nsfs"] as? String) == file.path }
        #expect(watch.wait(for: inode, within: Self.allowance(watch), ours) { Self.names($0) == ["add"] } != nil,
                "\(watch.text)")
        #expect((watch.events(of: inode, ours).first?["nprocs"] as? NSNumber)?.intValue == 0)
        #expect(umount2(file.path, Int32(MNT_DETACH)) == 0)
        #expect(watch.wait(for: inode, within: Self.allowance(watch), ours) { Self.names($0) == ["add", "remove"] } != nil,
                "\(watch.text)")
    }

    /// A namespace whose last process exits while a descriptor holds it stays, with no process
    /// (a change of NPROCS); it goes when the descriptor is closed.
    @Test func namespaceHeldByADescriptorVanishesWithIt() throws {
        let watch = try Watch()
        var member: TargetProcess? = try TargetProcess(Host.swunshare, ["--ipc"])
        let inode = try Self.inode(member!.pid, "ipc")
        let ours = Self.hasPID(member!.pid)
        var holder: TargetProcess? = try TargetProcess("/bin/sh", ["-c", "exec 9</proc/\(member!.pid)/ns/ipc; exec sleep 600"],
                                                      sleeper: [])
        #expect(watch.wait(for: inode, within: Self.allowance(watch), ours) { Self.names($0) == ["add"] } != nil,
                "\(watch.text)")
        member = nil
        let changed = watch.wait(for: inode, within: Self.allowance(watch), ours) { events in
            Self.names(events) == ["add", "change"] && (events.last?["nprocs"] as? NSNumber)?.intValue == 0
        }
        #expect(changed != nil, "held by a descriptor, it stays:\n\(watch.text)")
        #expect((watch.events(of: inode, ours).last?["changed"] as? [String])?.contains("nprocs") == true)
        _ = holder
        holder = nil
        #expect(watch.wait(for: inode, within: Self.allowance(watch), ours) { Self.names($0).last == "remove" } != nil,
                "\(watch.text)")
        #expect(Self.names(watch.events(of: inode, ours)) == ["add", "change", "remove"], "\(watch.text)")
    }

    /// Processes that come and go in a namespace during the scans, some of them vanishing in the
    /// middle of one: the namespace, which stays, is never reported gone.
    @Test func churnMakesNoSpuriousPairs() throws {
        let watch = try Watch(interval: 20)
        let target = try TargetProcess(Host.swunshare, ["--uts"])
        let inode = try Self.inode(target.pid, "uts")
        for _ in 0..<60 {
            _ = try swnsenter(["-t", String(target.pid), "-u", "sh", "-c", "sleep 0.0$((RANDOM % 9))"])
        }
        usleep(200_000)
        let names = Self.names(watch.events(of: inode, Self.hasPID(target.pid)))
        #expect(names.first == "add" && !names.contains("remove") && names.filter { $0 == "add" }.count == 1,
                "\(names)")
    }

    @Test func tableAndRawLines() throws {
        for format in [[String](), ["-r"]] {
            let output = "/tmp/" + uniqueName("swns-watch-table")
            defer { unlink(output) }
            let process = try Spawned(Host.buildFolder + "/swlsns", ["--watch=100ms", "--watch-events-only", "-t", "uts"] + format,
                                      stdout: output)
            usleep(300_000)
            let target = try TargetProcess(Host.swunshare, ["--uts"])
            let inode = try Self.inode(target.pid, "uts")
            // Ours: its inode and its PID (another test's namespace may have had the number).
            let ours = { (line: String) in line.hasPrefix("+ ") && line.contains(" \(inode) ") && line.contains(" \(target.pid) ") }
            let deadline = Date().addingTimeInterval(5)
            var text = ""
            while !lines(text).contains(where: ours) && Date() < deadline {
                usleep(20_000)
                text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            }
            kill(process.pid, SIGTERM)
            let stopped = process.wait(timeout: 10)
            #expect(stopped.status == 0 && stopped.signal == nil, "SIGTERM ends the watch with 0")
            let all = lines(text)
            #expect(all.first?.hasPrefix("E TIME") == true, "\(text)")
            let line = try #require(all.first(where: ours), "\(text)")
            // Raw cells escape their blanks, as swlsns -r does.
            let command = format.isEmpty ? "sleep 600" : "sleep\\\\x20600"
            #expect(line.wholeMatch(of: try Regex(#"\+ \d{4}-\d\d-\d\dT\S+ +"# + "\(inode) uts +1 +\(target.pid) root +"
                                                  + command)) != nil, "\(line)")
        }
    }

    /// A reader that goes away ends the watch at once, with status 0, even when nothing changes.
    @Test func readerGoingAwayEndsTheWatch() throws {
        let started = Date()
        let outcome = try run("/bin/bash", ["-c", "\(Host.buildFolder)/swlsns --watch=10s | head -1; echo ${PIPESTATUS[0]}"],
                              timeout: 20)
        #expect(lines(outcome.stdout).last == "0", "\(outcome)")
        #expect(Date().timeIntervalSince(started) < 8, "it ended before its first rescan")
    }

    /// A reader that reads nothing: the watch waits for room in the pipe, and SIGTERM still ends
    /// it, with 0 (a blocked write(2) would have held it, with the signal blocked for signalfd).
    @Test func fullPipeHoldsTheWatchButNotItsEnd() throws {
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        defer { close(fds[0]) }
        // The smallest pipe (a page), filled before the watch starts.
        _ = fcntl(fds[1], 1031 /* F_SETPIPE_SZ */, 4096)
        let filler = [UInt8](repeating: UInt8(ascii: "\n"), count: 4096)
        #expect(write(fds[1], filler, filler.count) == 4096)
        let process = try Spawned(Host.buildFolder + "/swlsns", ["--watch=10ms", "-l"], stdout: "/proc/self/fd/\(fds[1])")
        close(fds[1])
        usleep(300_000)
        var status: Int32 = 0
        #expect(waitpid(process.pid, &status, WNOHANG) == 0, "still watching, waiting for room")
        let started = Date()
        kill(process.pid, SIGTERM)
        let stopped = process.wait(timeout: 10)
        #expect(stopped.status == 0 && stopped.signal == nil, "\(stopped)")
        #expect(Date().timeIntervalSince(started) < 2)
        // Not blocking: a child of another test may hold the write end for a moment.
        _ = fcntl(fds[0], F_SETFL, O_NONBLOCK)
        var text: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(fds[0], &buffer, buffer.count)
            if count <= 0 { break }
            text += buffer[..<count]
        }
        #expect(text.count >= 4096 && text.last == UInt8(ascii: "\n"), "whole lines after the filler: \(text.count) bytes")
    }

    /// Without CAP_NET_ADMIN the proc connector cannot be heard: asked for, it is an error; by
    /// default the watch polls.
    @Test func unprivilegedSources() throws {
        let refused = try run(Host.publicFolder + "/swlsns", ["--watch", "--watch-source=events"], asUser: Host.nobody)
        #expect(refused.status == 1)
        #expect(refused.stderr.hasPrefix("swlsns: cannot listen to the proc connector: Operation not permitted\nhint: "),
                "\(refused.stderr)")
        // An ordinary user cannot read the namespaces of root's processes: it sees its own only,
        // and the others, never seen, make no lines.
        let watch = try Watch(interval: 100, asUser: Host.nobody)
        let roots = try TargetProcess(Host.swunshare, ["--uts"])
        let theirs = try Self.inode(roots.pid, "uts")
        let own = try TargetProcess(Host.publicFolder + "/swunshare", ["-r", "--uts"], asUser: Host.nobody)
        let ours = try Self.inode(own.pid, "uts")
        #expect(watch.wait(for: ours, within: Self.allowance(watch), Self.hasPID(own.pid)) { Self.names($0) == ["add"] } != nil,
                "\(watch.text)")
        usleep(300_000)
        #expect(!watch.events.contains { ($0["ns"] as? NSNumber)?.uint64Value == theirs && ($0["pid"] as? NSNumber)?.int32Value == roots.pid },
                "\(watch.text)")
        #expect(watch.stop().status == 0, "\(watch.text)")
    }

    @Test(arguments: [
        (["--watch=0"], "swlsns: invalid --watch interval: '0'"),
        (["--watch=abc"], "swlsns: invalid --watch interval: 'abc'"),
        (["--watch=1.5ms"], "swlsns: invalid --watch interval: '1.5ms'"),
        (["--watch-source=inotify"], "swlsns: unknown watch source: inotify"),
        (["--watch", "4026531836"], "swlsns: --watch is mutually exclusive with <namespace>"),
    ])
    func badInput(_ arguments: [String], _ message: String) throws {
        let outcome = try swlsns(arguments)
        #expect(outcome.status == 1 && outcome.stdout.isEmpty, "\(outcome)")
        #expect(outcome.stderr == message + "\n")
    }
}
