import Foundation
import SwnsCore
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

    /// After -S, the path search and exec run with the new user's rights whatever capability
    /// options are given: a program in a folder only root can search is not found.
    @Test(arguments: [[], ["--cap-drop", "net_raw"], ["--cap-add", "net_bind_service"], ["--inh-caps", "+kill"]])
    func pathSearchRunsAsTheNewUser(_ options: [String]) throws {
        let folders = try PrivateAndPublicPrograms()
        defer { folders.remove() }
        let environment = ["PATH": folders.path]
        let uts = try TargetProcess(Host.swunshare, ["--uts"])
        for tool in [Host.swunshare, Host.swnsenter] {
            let target = tool == Host.swnsenter ? ["-t", "\(uts.pid)", "-u"] : []
            let found = try run(tool, target + ["-S", "65534", "-G", "65534"] + options + [folders.name],
                                environment: environment)
            #expect(found.stdout == "public\n", "\(tool) \(options): \(found)")
            let direct = try run(tool, target + ["-S", "65534", "-G", "65534"] + options + [folders.privateProgram])
            #expect(direct.status == 126 && direct.stderr.contains("Permission denied"), "\(tool) \(options): \(direct)")
        }
    }

    /// --keep-caps takes its place among the options: a later option wins over it.
    @Test func keepCapsInCommandLineOrder() throws {
        let lowered = try caps(swunshare, ["-r", "--keep-caps", "--ambient-caps", "-net_raw", "--inh-caps", "-sys_admin"])
        #expect(lowered.mask("CapAmb") & (netRaw | sysAdmin) == 0 && lowered.mask("CapAmb") & netBindService != 0,
                "\(lowered.fields)")
        #expect(lowered.mask("CapInh") & sysAdmin == 0 && lowered.mask("CapInh") & netRaw != 0)
        let kept = try caps(swunshare, ["-r", "--ambient-caps", "-net_raw", "--keep-caps"])
        #expect(kept.mask("CapAmb") & netRaw != 0, "\(kept.fields)")
        let unprivileged = try swunshare(["-r", "--keep-caps", "--ambient-caps", "-net_raw"] + statusCommand, asUser: Host.nobody)
        #expect(ProgramCapabilities(unprivileged.stdout).mask("CapAmb") & netRaw == 0, "\(unprivileged)")

        let target = try TargetProcess(Host.swunshare, ["-r"])
        let entered = try swnsenter(["-t", "\(target.pid)", "-U", "--keep-caps", "--inh-caps", "-all"] + statusCommand)
        let sets = ProgramCapabilities(entered.stdout)
        #expect(sets.mask("CapInh") == 0 && sets.mask("CapAmb") == 0 && sets.mask("CapEff") != 0, "\(entered)")
    }

    /// Checked against what the process holds in the user namespace it makes or enters: all of
    /// them, also those the caller's bounding set lacks.
    @Test func aUserNamespaceHoldsWhatTheCallerLacks() throws {
        let sysResource = UInt64(1) << 24
        let tools = Host.publicFolder
        let unprivileged = ["--reuid=65534", "--regid=65534", "--clear-groups", "--bounding-set=-sys_resource"]
        let made = try run("/usr/bin/setpriv", unprivileged + [tools + "/swunshare", "-r", "--cap-add", "sys_resource"]
                           + statusCommand)
        #expect(ProgramCapabilities(made.stdout).mask("CapAmb") == sysResource, "\(made)")
        let asRoot = try run("/usr/bin/setpriv", ["--bounding-set=-sys_resource", tools + "/swunshare", "-r",
                                                  "--ambient-caps", "+sys_resource"] + statusCommand)
        #expect(ProgramCapabilities(asRoot.stdout).mask("CapAmb") == sysResource, "\(asRoot)")

        let target = try TargetProcess(Host.swunshare, ["-r"])
        let entered = try run("/usr/bin/setpriv", ["--bounding-set=-sys_resource", tools + "/swnsenter", "-t",
                                                   "\(target.pid)", "-U", "--cap-add", "sys_resource"] + statusCommand)
        #expect(ProgramCapabilities(entered.stdout).mask("CapAmb") == sysResource, "\(entered)")
    }

    /// `all` is every capability we can hold: as root whose bounding set lacks one, --cap-add all
    /// keeps the others.
    @Test func allIsWhatWeCanHold() throws {
        let sysResource = UInt64(1) << 24
        let outcome = try run("/usr/bin/setpriv", ["--bounding-set=-sys_resource", Host.swunshare, "-S", "65534", "-G", "65534",
                                                   "--cap-add", "all"] + statusCommand)
        let sets = ProgramCapabilities(outcome.stdout)
        #expect(outcome.status == 0 && sets.mask("CapAmb") == sets.mask("CapBnd") && sets.mask("CapAmb") & sysResource == 0,
                "\(outcome)")
        #expect(sets.mask("CapAmb") & netRaw != 0)
        let emptied = try caps(swunshare, ["--bounding-set", "-all,+all"])
        #expect(emptied.mask("CapBnd") == 0)
    }

    /// What the kernel would refuse is refused before anything changes, naming the capability.
    @Test(arguments: [
        (["--bounding-set", "-net_raw", "--ambient-caps", "+net_raw"], "capability cap_net_raw cannot be ambient: it is dropped from the bounding set"),
        (["--ambient-caps", "+net_raw", "--bounding-set", "-net_raw"], "capability cap_net_raw cannot be ambient: it is dropped from the bounding set"),
        (["--bounding-set", "-all,+net_raw"], "cannot add capability cap_net_raw to the bounding set: it has been dropped"),
        (["--cap-drop", "net_raw,"], "empty capability name in list 'net_raw,'"),
        (["--cap-drop="], "empty capability list"),
        (["--ambient-caps", "+"], "empty capability name in list '+'"),
        (["--cap-drop", "net_raw, kill"], "unknown capability: ' kill'"),
    ])
    func contradictionsAreRefusedUpFront(_ arguments: [String], _ message: String) throws {
        let file = ScratchFile()
        let outcome = try swunshare(["--uts=\(file.path)"] + arguments + ["true"])
        #expect(outcome.status == 1 && lines(outcome.stderr).first == "swunshare: " + message, "\(outcome)")
        #expect(!Host.mountTargets().contains(file.path))
        let uts = try TargetProcess(Host.swunshare, ["--uts"])
        let entered = try swnsenter(["-t", "\(uts.pid)", "-u"] + arguments + ["true"])
        #expect(entered.status == 1 && lines(entered.stderr).first == "swnsenter: " + message, "\(entered)")
    }

    @Test func unprivilegedRefusalsNameTheCapability() throws {
        let raised = try swunshare(["--inh-caps", "+net_raw", "true"], asUser: Host.nobody)
        #expect(lines(raised.stderr).first == "swunshare: capability cap_net_raw cannot be inheritable: it is not permitted",
                "\(raised)")
        let dropped = try swunshare(["--cap-drop", "net_raw", "true"], asUser: Host.nobody)
        #expect(lines(dropped.stderr).first == "swunshare: cannot drop capability cap_net_raw from the bounding set: it needs CAP_SETPCAP",
                "\(dropped)")
        let outside = try run("/usr/bin/setpriv", ["--bounding-set=-sys_resource", Host.swunshare, "--inh-caps", "+sys_resource", "true"])
        #expect(lines(outside.stderr).first == "swunshare: capability cap_sys_resource cannot be inheritable: it is not in the bounding set",
                "\(outside)")
    }
}

/// A folder only root can search and a public one, each with a program of the same unique name
/// that prints which folder it is in; `path` lists the private one first.
struct PrivateAndPublicPrograms {
    let name = uniqueName("swns-probe")
    let privateFolder = "/tmp/" + uniqueName("swns-private")
    let publicFolder = "/tmp/" + uniqueName("swns-public")
    var path: String { privateFolder + ":" + publicFolder }
    var privateProgram: String { privateFolder + "/" + name }

    init() throws {
        for (folder, mode) in [(privateFolder, 0o700), (publicFolder, 0o755)] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
            let label = folder == privateFolder ? "private" : "public"
            try "#!/bin/sh\necho \(label)\n".write(toFile: folder + "/" + name, atomically: false, encoding: .utf8)
            chmod(folder + "/" + name, 0o755)
            chmod(folder, mode_t(mode))
        }
    }

    func remove() {
        for folder in [privateFolder, publicFolder] {
            unlink(folder + "/" + name)
            rmdir(folder)
        }
    }
}

/// The CAPABILITIES section of each man page, as mandoc renders it.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/mandoc"), "needs mandoc"))
struct CapabilityManPageTests {
    func section(_ page: String) throws -> String {
        let path = DocumentationTests.top.appendingPathComponent(page).path
        let text = try run("/usr/bin/mandoc", ["-Tutf8", "-Owidth=1000", path]).stdout
            .replacingOccurrences(of: ".\u{8}", with: "", options: .regularExpression)
        let start = try #require(text.range(of: "\nCAPABILITIES\n"))
        let end = try #require(text.range(of: "\nEXIT STATUS\n"))
        return String(text[start.upperBound..<end.lowerBound])
    }

    @Test(arguments: [("man/swunshare.1", "swunshare"), ("man/swnsenter.1", "swnsenter")])
    func namesTheToolAndPlacesKeepCaps(_ page: String, _ tool: String) throws {
        let text = try section(page)
        #expect(!text.contains("TOOL"))
        #expect(text.contains("because \(tool) does not hold it"))
        let order = try #require(text.range(of: "\n   Order\n"))
        #expect(text[order.upperBound...].contains("--keep-caps"))
    }
}

/// Capability names in the three shells: typed with the cap_ prefix in any case, and not offered
/// again once in the list.
@Suite struct CapabilityCompletionTests {
    typealias Case = CompletionTests.Case

    static let cases: [Case] = [Case]([
        CompletionTests.everywhere("swunshare --cap-drop CAP_NET_R", offers: ["cap_net_raw"], exactly: true),
        CompletionTests.everywhere("swnsenter --cap-add cap_net_r", offers: ["cap_net_raw"], exactly: true),
        CompletionTests.everywhere("swunshare --cap-drop=kill,CAP_NET_R", offers: ["--cap-drop=kill,cap_net_raw"],
                                   exactly: true),
        CompletionTests.everywhere("swnsenter --cap-add=NET_R", offers: ["--cap-add=net_raw"], exactly: true),
        CompletionTests.everywhere("swnsenter --bounding-set -CAP_NET_R", offers: ["-cap_net_raw"], exactly: true),
        CompletionTests.everywhere("swunshare --inh-caps +Cap_Sys_Ad", offers: ["+cap_sys_admin"], exactly: true),
        CompletionTests.everywhere("swunshare --cap-drop net_raw,net_",
                                   offers: ["net_raw,net_admin", "net_raw,net_bind_service", "net_raw,net_broadcast"],
                                   exactly: true),
        CompletionTests.everywhere("swnsenter --cap-add CAP_NET_ADMIN,net_",
                                   offers: ["CAP_NET_ADMIN,net_raw", "CAP_NET_ADMIN,net_bind_service", "CAP_NET_ADMIN,net_broadcast"],
                                   exactly: true),
        CompletionTests.everywhere("swnsenter --inh-caps +net_raw,-net_",
                                   offers: ["+net_raw,-net_admin", "+net_raw,-net_bind_service", "+net_raw,-net_broadcast"],
                                   exactly: true),
        CompletionTests.only(.bash, .zsh, line: "swunshare --ambient-caps -all,+al", offers: [], exactly: true),
        // Where nothing starts with what is typed, fish offers what merely contains its letters.
        CompletionTests.only(.fish, line: "swunshare --ambient-caps -all,+al", offers: [], notOffers: ["-all,+all"]),
    ].joined())

    @Test(arguments: cases)
    func offers(_ example: Case) throws {
        try CompletionTests().check(example, ["pid": String(getpid())])
    }

    /// The names are written out in each file; they must be those of the running kernel and libcap.
    @Test(arguments: ["swunshare.bash", "_swunshare", "swunshare.fish", "swnsenter.bash", "_swnsenter", "swnsenter.fish"])
    func everyCapabilityOfTheKernel(_ file: String) throws {
        let text = try String(contentsOfFile: Host.completionFolder + "/" + file, encoding: .utf8)
        let words = Set(text.split { !($0.isLetter || $0.isNumber || $0 == "_") }.map(String.init))
        for value in 0...Capability.last {
            let name = String(Capability.name(value).dropFirst("cap_".count))
            #expect(words.contains(name), "\(file) lacks \(name)")
        }
    }
}
