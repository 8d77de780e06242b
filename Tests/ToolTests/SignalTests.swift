import Foundation
import Glibc
import Testing

/// Signals to a waiting tool, side by side with util-linux: the tool's exit (status or the signal it
/// re-raises) and whether its child outlives the signal. Every process is reaped.
@Suite(.root) struct SignalTests {
    struct Result: Equatable, CustomStringConvertible {
        var shellStatus: Int32
        var childSurvived: Bool
        var description: String { "exit \(shellStatus), child \(childSurvived ? "survived" : "gone")" }
    }

    func alive(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        return !stat.contains(") Z ")
    }

    /// Starts `tool options sleep 300`, sends `signal` to the tool, then ends the child if it is
    /// still there, and reports how the tool ended.
    func deliver(_ signal: Int32, to tool: String, _ options: [String]) throws -> Result {
        let process = try Spawned(tool, options + ["sleep", "300"])
        var child: pid_t?
        for _ in 0..<2000 where child == nil {
            child = children(of: process.pid).first { TargetProcess.command(of: $0) == "sleep" }
            if child == nil { usleep(1000) }
        }
        let sleeper = try #require(child, "no child of \(tool)")
        defer { reap(sleeper) }
        kill(process.pid, signal)
        usleep(200_000)
        let survived = alive(sleeper)
        kill(sleeper, SIGKILL)
        let ended = process.wait(timeout: 10)
        let status = ended.signal.map { 128 + $0 } ?? ended.status
        return Result(shellStatus: status, childSurvived: survived)
    }

    @Test(arguments: [SIGINT, SIGTERM, SIGHUP, SIGQUIT], [["--fork"], ["--fork", "--kill-child"],
                                                         ["--fork", "--kill-child=SIGTERM"], ["--fork", "--pid"]])
    func sameAsUtilLinux(_ signal: Int32, _ options: [String]) throws {
        let ours = try deliver(signal, to: Host.swunshare, options)
        let theirs = try deliver(signal, to: "/usr/bin/unshare", options)
        #expect(ours == theirs, "ours \(ours), theirs \(theirs)")
    }

    @Test(arguments: [SIGINT, SIGTERM])
    func forwardedSignalsReachTheChild(_ signal: Int32) throws {
        let result = try deliver(signal, to: Host.swunshare, ["--forward-signals"])
        #expect(result == Result(shellStatus: 128 + signal, childSurvived: false))
    }

    /// A forked parent stops when the program stops and continues it when continued: swnsenter as
    /// util-linux's nsenter does, and swunshare too (util-linux's unshare keeps waiting).
    @Test(arguments: ["/usr/bin/nsenter", "swnsenter", "swunshare --fork", "swunshare --fork --pid"])
    func stopAndContinueAreMirrored(_ tool: String) throws {
        // nsenter's target, alive to the end of the test.
        let target = tool.hasPrefix("swunshare") ? nil : try TargetProcess(Host.swunshare, ["--pid", "--fork"])
        defer { withExtendedLifetime(target) {} }
        let process: Spawned
        if let target {
            let path = tool == "swnsenter" ? Host.swnsenter : tool
            process = try Spawned(path, ["-t", "\(target.pid)", "-p", "sleep", "300"])
        } else {
            process = try Spawned(Host.swunshare, tool.split(separator: " ").dropFirst().map(String.init)
                                  + ["sleep", "300"])
        }
        var child: pid_t?
        for _ in 0..<2000 where child == nil {
            child = children(of: process.pid).first { TargetProcess.command(of: $0) == "sleep" }
            if child == nil { usleep(1000) }
        }
        let program = try #require(child)
        defer { reap(program) }
        func state(_ pid: pid_t) -> String? {
            (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?.split(separator: ")").last?
                .split(separator: " ").first.map(String.init)
        }
        kill(program, SIGSTOP)
        var parentStopped = false
        for _ in 0..<1000 where !parentStopped {
            parentStopped = state(process.pid) == "T"
            if !parentStopped { usleep(2000) }
        }
        #expect(parentStopped, "\(tool): the parent did not stop with its child")
        kill(process.pid, SIGCONT)
        var programRunning = false
        for _ in 0..<1000 where !programRunning {
            programRunning = state(program) == "S"
            if !programRunning { usleep(2000) }
        }
        #expect(programRunning, "\(tool): the child was not continued")
        if tool.hasSuffix("--pid") {
            // The program is the init of its PID namespace, which only SIGKILL ends from outside;
            // its death by SIGKILL makes swunshare exit 1, as util-linux's unshare does.
            kill(program, SIGKILL)
            let ended = process.wait(timeout: 10)
            #expect(ended.signal == nil && ended.status == 1, "\(tool): \(ended)")
        } else {
            kill(program, SIGTERM)
            let ended = process.wait(timeout: 10)
            #expect(ended.signal == SIGTERM, "\(tool): \(ended)")
        }
    }
}
