import Foundation
import Testing

/// Run as uid 65534 (setpriv needs root to switch to it).
@Suite(.root) struct UnprivilegedTests {
    @Test func mapRootUserWorks() throws {
        let outcome = try swunshare(["-r", "sh", "-c", "id -u; id -g; cat /proc/self/uid_map"], asUser: Host.nobody)
        #expect(outcome.status == 0, "\(outcome)")
        let output = lines(outcome.stdout).map { $0.split(separator: " ").joined(separator: " ") }
        #expect(output == ["0", "0", "0 65534 1"])
    }

    @Test func userNamespaceOwnsTheOthers() throws {
        let outcome = try swunshare(["-r", "--uts", "--net", "--hostname", "inside", "sh", "-c", "hostname; ip -o link | wc -l"],
                                    asUser: Host.nobody)
        #expect(lines(outcome.stdout) == ["inside", "1"], "\(outcome)")
    }

    @Test func utsAloneIsRefusedWithAHint() throws {
        let outcome = try swunshare(["--uts", "true"], asUser: Host.nobody)
        #expect(outcome.status == 1)
        let output = lines(outcome.stderr)
        #expect(output.first == "swunshare: unshare failed: Operation not permitted")
        #expect(output.count == 2 && output[1].hasPrefix("hint: ") && output[1].contains("--user"), "\(outcome)")
        let utilLinux = try run("/usr/bin/unshare", ["--uts", "true"], asUser: Host.nobody)
        #expect(utilLinux.status == outcome.status)
        #expect(utilLinux.stderr == "unshare: unshare failed: Operation not permitted\n")
    }

    @Test func blockMapsNeedSubordinateIDs() throws {
        // uid 65534 has no /etc/subuid line: the error comes before anything is made.
        let outcome = try swunshare(["--map-auto", "true"], asUser: Host.nobody)
        #expect(outcome.status == 1)
        #expect(outcome.stderr.hasPrefix("swunshare: "), "\(outcome)")
    }

    /// The limit is per user namespace: set to 0 inside one, the host keeps its own.
    @Test func userNamespacesDisabledInside() throws {
        let host = try String(contentsOfFile: "/proc/sys/user/max_user_namespaces", encoding: .utf8)
        let swunshare = Host.publicFolder + "/swunshare"
        let outcome = try run(swunshare, ["-r", "sh", "-c", "echo 0 > /proc/sys/user/max_user_namespaces && \(swunshare) -r true"],
                              asUser: Host.nobody)
        #expect(outcome.status == 1)
        #expect(lines(outcome.stderr) == ["swunshare: unshare failed: No space left on device",
                                          "hint: user namespaces are disabled here (user.max_user_namespaces = 0)"], "\(outcome)")
        #expect(try String(contentsOfFile: "/proc/sys/user/max_user_namespaces", encoding: .utf8) == host)
    }

    @Test func withoutNewuidmapOnThePath() throws {
        let outcome = try run(Host.publicFolder + "/swunshare", ["--map-users=0:100000:10", "true"], asUser: Host.nobody,
                              environment: ["PATH": "/nonexistent-swns"])
        // util-linux's status for a program it cannot find, newuidmap included.
        #expect(outcome.status == 127)
        #expect(lines(outcome.stderr).first == "swunshare: failed to execute newuidmap: No such file or directory")
        #expect(lines(outcome.stderr).last?.contains("uidmap package") == true, "\(outcome)")
    }

    /// A newuidmap that is there but cannot be executed: execvp's 126 and its reason.
    @Test func withANewuidmapThatCannotBeExecuted() throws {
        let folder = "/tmp/" + uniqueName("swns-newuidmap")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = FileManager.default.createFile(atPath: folder + "/newuidmap", contents: Data("#!/bin/sh\n".utf8),
                                           attributes: [.posixPermissions: 0o644])
        chmod(folder, 0o755)
        let outcome = try run(Host.publicFolder + "/swunshare", ["--map-users=0:100000:10", "true"], asUser: Host.nobody,
                              environment: ["PATH": folder])
        #expect(outcome.status == 126, "\(outcome)")
        #expect(lines(outcome.stderr) == ["swunshare: failed to execute newuidmap: Permission denied"], "\(outcome)")
    }
}
