import Foundation
import Glibc
import Testing

@Suite struct ExitStatusTests {
    @Test(.root, arguments: [
        (["true"], 0), (["false"], 1), (["sh", "-c", "exit 7"], 7),
        (["--fork", "sh", "-c", "exit 9"], 9), (["nonexistent-program-swns"], 127), (["/etc/passwd"], 126),
    ] as [([String], Int32)])
    func statuses(_ arguments: [String], _ status: Int32) throws {
        let outcome = try swunshare(["--uts"] + arguments)
        #expect(outcome.status == status, "\(outcome)")
    }

    @Test(.root) func failedExecMessages() throws {
        let missing = try swunshare(["--uts", "nonexistent-program"])
        #expect(missing.stderr == "swunshare: failed to execute nonexistent-program: No such file or directory\n")
        let denied = try swunshare(["--uts", "/etc/passwd"])
        #expect(denied.stderr == "swunshare: failed to execute /etc/passwd: Permission denied\n")
    }

    @Test(.root, arguments: [[], ["--fork"], ["--fork", "--ipc"]])
    func aSignalIsReraised(_ options: [String]) throws {
        let outcome = try swunshare(["--uts"] + options + ["sh", "-c", "kill -TERM $$"])
        // (Not in a new pid namespace: there sh is init, which the kernel shields from its own kill.)
        #expect(outcome.signal == SIGTERM, "\(outcome)")
        #expect(outcome.shellStatus == 143)
        let viaShell = try run("/bin/sh", ["-c", "\(Host.swunshare) --uts \(options.joined(separator: " ")) sh -c 'kill -TERM $$'; echo $?"])
        #expect(viaShell.stdout == "143\n")
    }

    @Test func helpAndVersion() throws {
        let help = try swunshare(["--help"])
        #expect(help.status == 0 && help.stdout.contains("--map-root-user") && help.stderr.isEmpty)
        let version = try swunshare(["-V"])
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix("swunshare from swns "))
        #expect(version.stdout.split(separator: " ").last?.split(separator: ".").count == 3)
    }

    @Test func usageErrors() throws {
        let outcome = try swunshare(["--bogus"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr == "\(Host.swunshare): unrecognized option '--bogus'\nTry 'swunshare --help' for more information.\n")
    }
}

@Suite(.root) struct KillChildTests {
    /// Starts swunshare in the background; returns it and the pid of its child, once that runs sleep.
    func start(_ arguments: [String]) throws -> (Spawned, pid_t) {
        let process = try Spawned(Host.swunshare, arguments)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let children = (try? String(contentsOfFile: "/proc/\(process.pid)/task/\(process.pid)/children", encoding: .utf8)) ?? ""
            if let child = children.split(separator: " ").first.flatMap({ pid_t($0) }),
               let comm = try? String(contentsOfFile: "/proc/\(child)/comm", encoding: .utf8), comm == "sleep\n" {
                return (process, child)
            }
            usleep(5000)
        }
        kill(process.pid, SIGKILL)
        _ = process.wait()
        throw CancellationError()
    }

    func isAlive(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        return !stat.contains(") Z ")
    }

    func waitGone(_ pid: pid_t) -> Bool {
        for _ in 0..<1000 where isAlive(pid) { usleep(5000) }
        return !isAlive(pid)
    }

    @Test func theChildDiesWithSwunshare() throws {
        let (process, child) = try start(["--fork", "--kill-child", "--pid", "--mount-proc", "sleep", "300"])
        defer { reap(child) }
        kill(process.pid, SIGKILL)
        _ = process.wait()
        #expect(waitGone(child))
    }

    @Test func withoutKillChildTheChildLivesOn() throws {
        let (process, child) = try start(["--fork", "sleep", "300"])
        defer { reap(child) }
        kill(process.pid, SIGKILL)
        _ = process.wait()
        usleep(100_000)
        #expect(isAlive(child))
    }

    @Test func aChosenSignal() throws {
        let (process, child) = try start(["--kill-child=SIGTERM", "sleep", "300"])
        defer { reap(child) }
        kill(process.pid, SIGKILL)
        _ = process.wait()
        #expect(waitGone(child))
    }

    @Test func forwardSignals() throws {
        let (process, child) = try start(["--forward-signals", "sleep", "300"])
        defer { reap(child) }
        kill(process.pid, SIGTERM)
        let result = process.wait()
        #expect(result.signal == SIGTERM, "swunshare dies of the signal its child died of")
        #expect(waitGone(child))
    }

    @Test func sigtermIsLeftToTheChild() throws {
        // Like util-linux, a waiting swunshare blocks SIGINT and SIGTERM.
        let (process, child) = try start(["--fork", "sleep", "300"])
        defer { reap(child); kill(process.pid, SIGKILL) }
        kill(process.pid, SIGTERM)
        usleep(100_000)
        #expect(isAlive(process.pid))
        kill(child, SIGKILL)
        // As util-linux 2.38.1: SIGKILL cannot be re-raised after resetting its handler, so exit 1.
        #expect(process.wait().status == 1)
    }
}
