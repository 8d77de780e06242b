import Foundation
import Glibc
import Testing

/// Arguments, paths and environments are bytes to the kernel, and util-linux's C passes them on
/// as they are, UTF-8 or not: so must we. A Swift test cannot put such bytes into an argument
/// vector itself, so a shell makes them with printf.
@Suite(.serialized, .root) struct BytesTests {
    /// `TOOL ARGS printf %s <caf\351> | od`: the bytes the program received, in hex.
    private func received(_ tool: String, _ arguments: String) throws -> Outcome {
        try run("/bin/sh", ["-c", "\(tool) \(arguments) printf %s \"$(printf 'caf\\351|\\364\\217\\277\\277|日')\" | od -An -tx1"])
    }

    @Test func argumentsReachTheProgramUnchanged() throws {
        let expected = " 63 61 66 e9 7c f4 8f bf bf 7c e6 97 a5\n"
        for (tool, utilLinux) in [(Host.swunshare, "/usr/bin/unshare"), (Host.swnsenter, "/usr/bin/nsenter -t $$")] {
            let arguments = tool == Host.swnsenter ? "-t $$ -u" : "-u"
            let ours = try received(tool, arguments)
            let theirs = try received(utilLinux, "-u")
            #expect(ours.stdout == expected, "\(tool): \(ours)")
            #expect(ours.stdout == theirs.stdout, "\(ours) \(theirs)")
        }
    }

    /// A directory whose name is Latin-1: found by --wd and -w, and named byte for byte in an
    /// error message.
    @Test func pathsAreOpenedAndNamedByteForByte() throws {
        let folder = "/tmp/" + uniqueName("swns-bytes")
        let made = try run("/bin/sh", ["-c", "mkdir \"\(folder)$(printf '\\351')\""])
        try #require(made.status == 0, "\(made)")
        defer { _ = try? run("/bin/sh", ["-c", "rmdir \"\(folder)$(printf '\\351')\""]) }
        let name = "\"\(folder)$(printf '\\351')\""
        for command in ["\(Host.swunshare) -u --wd \(name) pwd", "\(Host.swnsenter) -t $$ -u -w\(name) pwd",
                        "/usr/bin/unshare -u --wd \(name) pwd"] {
            let outcome = try run("/bin/sh", ["-c", "\(command) | od -An -c"])
            #expect(outcome.stdout.contains("351  \\n"), "\(command): \(outcome)")
        }
        let missing = try run("/bin/sh", ["-c", "\(Host.swunshare) -u --wd \"\(folder)x$(printf '\\351')\" pwd 2>&1 | od -An -tx1"])
        #expect(missing.stdout.replacingOccurrences(of: "\n", with: "").contains("78 e9 27 3a"), "\(missing)")
    }

    /// -e hands the target's environment on byte for byte.
    @Test func theTargetsEnvironmentIsPassedOnUnchanged() throws {
        let script = "export SWNS_BYTES=\"$(printf 'caf\\351')\"; exec /usr/bin/unshare --uts sleep 600"
        let target = try TargetProcess("/bin/sh", ["-c", script], sleeper: [])
        let outcome = try run("/bin/sh", ["-c", "\(Host.swnsenter) -t \(target.pid) -u -e printenv SWNS_BYTES | od -An -tx1"])
        #expect(outcome.stdout == " 63 61 66 e9 0a\n", "\(outcome)")
    }
}
