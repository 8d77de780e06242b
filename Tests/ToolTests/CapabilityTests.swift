import Foundation
import Testing

/// The program's own view: the capability lines of /proc/self/status, decoded with capsh.
struct ProgramCapabilities {
    var fields: [String: String] = [:]

    init(_ status: String) {
        for line in lines(status) {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
    }

    func mask(_ field: String) -> UInt64 { UInt64(fields[field] ?? "", radix: 16) ?? UInt64.max }

    /// `capsh --decode` of a set, for messages and for checking names.
    func decoded(_ field: String) throws -> String {
        try run("/usr/sbin/capsh", ["--decode=\(fields[field] ?? "0")"]).stdout
    }
}

let statusCommand = ["grep", "-E", "^(Cap|NoNewPrivs)", "/proc/self/status"]
let netRaw = UInt64(1) << 13, netBindService = UInt64(1) << 10, sysAdmin = UInt64(1) << 21

@Suite(.root) struct CapabilityTests {
    func caps(_ tool: (([String], uid_t?) throws -> Outcome), _ arguments: [String]) throws -> ProgramCapabilities {
        let outcome = try tool(arguments + statusCommand, nil)
        #expect(outcome.status == 0, "\(outcome)")
        return ProgramCapabilities(outcome.stdout)
    }

    @Test func dropOneSeveralAll() throws {
        let one = try caps(swunshare, ["--cap-drop", "net_raw"])
        for field in ["CapBnd", "CapPrm", "CapEff"] { #expect(one.mask(field) & netRaw == 0, "\(field)") }
        #expect(try one.decoded("CapBnd").contains("cap_net_raw") == false)
        #expect(one.mask("CapPrm") & sysAdmin != 0)

        let several = try caps(swunshare, ["--cap-drop", "CAP_NET_RAW,sys_admin"])
        #expect(several.mask("CapBnd") & (netRaw | sysAdmin) == 0)

        let all = try caps(swunshare, ["--cap-drop", "all", "--no-new-privs"])
        for field in ["CapBnd", "CapPrm", "CapEff", "CapInh", "CapAmb"] { #expect(all.mask(field) == 0, "\(field)") }
        #expect(all.fields["NoNewPrivs"] == "1")
    }

    @Test func setDeltas() throws {
        let sets = try caps(swunshare, ["--bounding-set", "-net_raw,-sys_admin", "--inh-caps", "+net_bind_service"])
        #expect(sets.mask("CapBnd") & (netRaw | sysAdmin) == 0)
        #expect(sets.mask("CapInh") == netBindService)
        let ambient = try caps(swunshare, ["--ambient-caps", "+net_bind_service"])
        #expect(ambient.mask("CapAmb") == netBindService && ambient.mask("CapInh") == netBindService)
    }

    @Test func rawSocketFailsWithoutNetRaw() throws {
        let probe = ["/usr/bin/python3", "-c", "import socket; socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP); print('raw')"]
        #expect(try swunshare(probe).stdout == "raw\n")
        let refused = try swunshare(["--cap-drop", "net_raw"] + probe)
        #expect(refused.status == 1 && refused.stderr.contains("PermissionError"), "\(refused)")
    }

    @Test func aNonRootProgramKeepsNetBindService() throws {
        let bind = ["/usr/bin/python3", "-c", "import socket; s = socket.socket(); s.bind(('127.0.0.1', 80)); print('bound')"]
        let kept = try swunshare(["--net", "-S", "65534", "-G", "65534", "--cap-add", "net_bind_service"] + bind)
        #expect(kept.stdout == "bound\n", "\(kept)")
        let without = try swunshare(["--net", "-S", "65534", "-G", "65534"] + bind)
        #expect(without.status == 1 && without.stderr.contains("Permission denied"), "\(without)")
        let status = try caps(swunshare, ["--net", "-S", "65534", "-G", "65534", "--cap-add", "net_bind_service"])
        #expect(status.mask("CapAmb") == netBindService && status.mask("CapEff") == netBindService)
    }

    @Test func inANewUserNamespaceAndWithKeepCaps() throws {
        let mapped = try caps(swunshare, ["-r", "--cap-drop", "sys_admin"])
        #expect(mapped.mask("CapEff") & sysAdmin == 0 && mapped.mask("CapEff") & netRaw != 0)
        let kept = try caps(swunshare, ["-r", "--keep-caps", "--cap-drop", "net_raw"])
        #expect(kept.mask("CapAmb") != 0 && kept.mask("CapAmb") & netRaw == 0)
        // Unprivileged: root of its own user namespace keeps what it asks for as uid 0 there.
        let outcome = try swunshare(["-r", "--cap-add", "net_admin"] + statusCommand, asUser: Host.nobody)
        #expect(ProgramCapabilities(outcome.stdout).mask("CapAmb") == UInt64(1) << 12, "\(outcome)")
    }

    @Test func swnsenterToo() throws {
        let target = try TargetProcess(Host.swunshare, ["--uts"])
        let outcome = try swnsenter(["-t", "\(target.pid)", "-u", "--cap-drop", "net_raw", "--no-new-privs"] + statusCommand)
        let sets = ProgramCapabilities(outcome.stdout)
        #expect(sets.mask("CapBnd") & netRaw == 0 && sets.fields["NoNewPrivs"] == "1", "\(outcome)")
        let kept = try swnsenter(["-t", "\(target.pid)", "-u", "-S", "65534", "-G", "65534", "--cap-add", "net_bind_service"]
                                 + statusCommand)
        #expect(ProgramCapabilities(kept.stdout).mask("CapAmb") == netBindService, "\(kept)")
    }

    @Test(arguments: [["--cap-drop", "foo"], ["--cap-add", "nope,net_raw"], ["--bounding-set", "net_raw"],
                      ["--cap-add", "net_raw", "--bounding-set", "-net_raw"], ["--ambient-caps", "+"]])
    func errorsChangeNothing(_ arguments: [String]) throws {
        let file = ScratchFile()
        let outcome = try swunshare(["--uts=\(file.path)", "--hostname", "swns-capability-error"] + arguments + ["true"])
        #expect(outcome.status == 1 && outcome.stderr.hasPrefix("swunshare: "), "\(outcome)")
        #expect(!Host.mountTargets().contains(file.path))
        #expect(Host.hostname() != "swns-capability-error")
        let unprivileged = try swunshare(["--cap-add", "net_admin", "true"], asUser: Host.nobody)
        #expect(unprivileged.status == 1 && unprivileged.stderr.contains("not in the permitted set"), "\(unprivileged)")
    }
}
