import Foundation
import Glibc
import Testing

@Suite(.root) struct PersistenceTests {
    /// Persists with swunshare, enters with util-linux nsenter, and unmounts.
    @Test(arguments: [("uts", "--uts"), ("ipc", "--ipc"), ("net", "--net"), ("cgroup", "--cgroup"), ("user", "--user"),
                      ("mnt", "--mount"), ("time", "--time")])
    func persistedNamespaceCanBeEnteredLater(_ entry: String, _ option: String) throws {
        let file = ScratchFile()
        let created = try swunshare(["\(option)=\(file.path)", "--fork", "readlink", "/proc/self/ns/\(entry)"])
        #expect(created.status == 0, "\(created)")
        #expect(Host.mountTargets().contains(file.path))
        // A user namespace without maps cannot take nsenter's setgid(0): keep the credentials.
        let entered = try run("/usr/bin/nsenter", ["--\(option.dropFirst(2))=\(file.path)", "--preserve-credentials"]
                                + ["readlink", "/proc/self/ns/\(entry)"])
        #expect(entered.status == 0, "\(entered)")
        #expect(entered.stdout == created.stdout)
        #expect(umount(file.path) == 0)
        #expect(!Host.mountTargets().contains(file.path))
    }

    /// With --fork there are two processes while the program runs, as with util-linux: swunshare
    /// and the program. The helper that would unbind the file after a failed start is gone once
    /// the program has started, and it was swunshare's own child, reaped, not an orphan.
    @Test func noHelperOutlivesTheStart() throws {
        let file = ScratchFile()
        let holder = try TargetProcess(Host.swunshare, ["--uts=\(file.path)", "--fork"])
        var others: [pid_t] = []
        for _ in 0..<100 {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
            others = entries.compactMap(pid_t.init).filter { pid in
                guard pid != holder.pid, pid != holder.launcher.pid,
                      let raw = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
                return String(decoding: raw, as: UTF8.self).contains(file.path)
            }
            // A helper that has exited but is not reaped yet has no command line any more.
            if others.isEmpty && children(of: holder.launcher.pid) == [holder.pid] { break }
            usleep(10_000)
        }
        #expect(others.isEmpty, "processes besides swunshare and its program: \(others)")
        #expect(children(of: holder.launcher.pid) == [holder.pid])
    }

    /// A pid namespace whose init has exited cannot be entered any more, but the file still names it.
    @Test func persistedPidNamespace() throws {
        let file = ScratchFile()
        let created = try swunshare(["--pid=\(file.path)", "--fork", "readlink", "/proc/self/ns/pid"])
        #expect(created.status == 0, "\(created)")
        var st = stat()
        #expect(stat(file.path, &st) == 0)
        #expect(created.stdout == "pid:[\(st.st_ino)]\n")
        let live = ScratchFile()
        // Killed with its sleeping child, and reaped, however the test ends.
        let holder = try TargetProcess(Host.swunshare, ["--pid=\(live.path)", "--fork"])
        var entered = Outcome(status: -1, signal: nil, stdout: "", stderr: "")
        for _ in 0..<200 {
            entered = try run("/usr/bin/nsenter", ["--pid=\(live.path)", "sh", "-c", "echo $$"])
            if entered.status == 0 { break }
            usleep(10_000)
        }
        #expect(entered.stdout == "2\n", "\(entered)")
        withExtendedLifetime(holder) {}
    }

    @Test func hostnameInAPersistedNamespace() throws {
        let file = ScratchFile()
        let name = "swns-\(getpid())"
        #expect(try swunshare(["--uts=\(file.path)", "--hostname", name, "true"]).status == 0)
        #expect(try run("/usr/bin/nsenter", ["--uts=\(file.path)", "hostname"]).stdout == "\(name)\n")
    }

    @Test func severalFilesAtOnce() throws {
        let uts = ScratchFile(), net = ScratchFile(), user = ScratchFile()
        let outcome = try swunshare(["--uts=\(uts.path)", "--net=\(net.path)", "--user=\(user.path)", "-r", "true"])
        #expect(outcome.status == 0, "\(outcome)")
        let targets = Host.mountTargets()
        #expect(targets.contains(uts.path) && targets.contains(net.path) && targets.contains(user.path))
    }

    @Test func aMissingFileLeavesNothingBound() throws {
        let uts = ScratchFile()
        let missing = "/tmp/" + uniqueName("missing")
        let before = Host.mountTable(excludingOtherTests: [uts.path])
        let outcome = try swunshare(["--uts=\(uts.path)", "--net=\(missing)", "true"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr == "swunshare: cannot access \(missing): No such file or directory\n")
        #expect(Host.mountTable(excludingOtherTests: [uts.path]) == before)
    }

    @Test func aFailedBindUndoesTheOthers() throws {
        // A directory cannot hold a namespace file: the second bind fails after the first worked.
        let uts = ScratchFile()
        let directory = "/tmp/" + uniqueName("dir")
        mkdir(directory, 0o755)
        defer { rmdir(directory) }
        let before = Host.mountTable(excludingOtherTests: [uts.path])
        let marker = "/tmp/" + uniqueName("swns-ran")
        let outcome = try swunshare(["--uts=\(uts.path)", "--net=\(directory)", "--fork", "touch", marker])
        #expect(outcome.status == 1, "\(outcome)")
        #expect(outcome.stderr.contains("on \(directory) failed"), "\(outcome)")
        #expect(Host.mountTable(excludingOtherTests: [uts.path]) == before)
        #expect(access(marker, F_OK) != 0, "the program must not run when persisting fails")
        unlink(marker)
    }
}
