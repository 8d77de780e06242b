import Foundation
import Glibc
import Testing

/// A step that fails after the namespaces were made leaves nothing behind: no bind mount of a
/// namespace file, no helper process.
@Suite(.root) struct FailureTests {
    func helpers(of file: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap { entry -> String? in
            guard Int32(entry) != nil,
                  let command = try? String(contentsOfFile: "/proc/\(entry)/cmdline", encoding: .utf8),
                  command.contains(file) else { return nil }
            return command
        } ?? []
    }

    @Test(arguments: [["--fork"], []], [["--mount-proc=FILE", "true"], ["--root=/nonexistent-swns", "true"],
                                        ["nonexistent-program-swns"], ["/etc/passwd"]])
    func aLateFailureUnbindsThePersistedFiles(_ fork: [String], _ failing: [String]) throws {
        let uts = ScratchFile(), net = ScratchFile()
        let notADirectory = ScratchFile()
        let arguments = ["--uts=\(uts.path)", "--net=\(net.path)"] + fork
            + failing.map { $0.replacingOccurrences(of: "FILE", with: notADirectory.path) }
        let outcome = try swunshare(arguments)
        #expect(outcome.status != 0, "\(outcome)")
        let mounted = Host.mountTargets()
        #expect(!mounted.contains(uts.path) && !mounted.contains(net.path), "\(outcome)")
        #expect(helpers(of: uts.path).isEmpty)
    }

    /// The helper that binds the files is killed at its first or second mount(2) (strace injects
    /// SIGKILL there): swunshare says so, exits 1, and what the helper had bound is unbound, while
    /// a file that already held another namespace keeps it. With --fork too, where the child waits
    /// for the files.
    @Test(arguments: [1, 2], [[String](), ["--fork"]])
    func aKilledHelperLeavesNothingBound(atMount number: Int, _ fork: [String]) throws {
        let strace = try #require(which("strace"), "strace is needed (the CI installs it)")
        let held = ScratchFile(), uts = ScratchFile(), mnt = ScratchFile()
        #expect(try run("/usr/bin/unshare", ["--uts=\(held.path)", "true"]).status == 0)
        let before = Host.mountTargets().filter { $0 == held.path }.count
        let outcome = try run(strace, ["-f", "-o", "/dev/null", "-e", "trace=mount",
                                       "-e", "inject=mount:signal=KILL:when=\(number)", Host.swunshare,
                                       "--uts=\(uts.path)", "--mount=\(mnt.path)", "--ipc=\(held.path)",
                                       "--propagation", "unchanged"] + fork + ["true"])
        #expect(outcome.status == 1, "\(outcome)")
        #expect(outcome.stderr.hasPrefix("swunshare: helper process ")
                && outcome.stderr.hasSuffix(" was killed by SIGKILL\n"), "\(outcome)")
        let mounted = Host.mountTargets()
        #expect(!mounted.contains(uts.path) && !mounted.contains(mnt.path), "\(outcome)")
        #expect(mounted.filter { $0 == held.path }.count == before, "\(outcome)")
        #expect(helpers(of: uts.path).isEmpty)
    }

    @Test func aSuccessfulRunKeepsThem() throws {
        let uts = ScratchFile()
        #expect(try swunshare(["--uts=\(uts.path)", "--fork", "true"]).status == 0)
        #expect(Host.mountTargets().contains(uts.path))
    }

    /// A mount namespace cannot be bound onto a mount with shared propagation: the files bound
    /// before it (uts) are taken down again. In a mount namespace of the test's own, whose / is
    /// made shared.
    @Test func aPersistenceFileOnASharedMount() throws {
        let folder = "/tmp/" + uniqueName("swns-shared")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let script = """
            mount -t tmpfs swns-shared \(folder) && mount --make-shared \(folder) && touch \(folder)/mnt \(folder)/uts \
            && \(Host.swunshare) --mount=\(folder)/mnt --uts=\(folder)/uts true; echo "status $?"; \
            grep -c "\(folder)/" /proc/self/mountinfo
            """
        let outcome = try swunshare(["--mount", "sh", "-c", script])
        #expect(lines(outcome.stdout) == ["status 1", "0"], "\(outcome)")
        #expect(outcome.stderr.contains("hint: ") && outcome.stderr.contains("shared propagation"), "\(outcome)")
    }
}
