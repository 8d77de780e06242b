import Glibc

/// Steps in words, for `--dry-run` and the step log: the call a step makes and its concrete
/// arguments (`mount none / MS_REC|MS_PRIVATE`), one line each, or one JSON object each.
extension Step {
    /// The call, and its arguments as the line shows them.
    public var words: (call: String, arguments: [String]) {
        switch action {
        case .fork(let process): ("fork", process == .child ? [] : [process.name])
        case .unshare(let mask): ("unshare", [mask.description])
        case .setns(_, let mask, let source, _):
            switch source {
            case .pidfd(let pid): ("setns", ["pidfd:\(pid)", mask.description])
            case .file(let name): ("setns", [name, mask.description])
            }
        case .writeCallerMap(let kind, let map, let privileged):
            privileged ? ("write", [IDMapWriter.file(kind, of: "PID"), IDMapWriter.text(map)])
                : ("execvp", IDMapWriter.toolArguments(map, kind, for: "PID"))
        case .writeOwnMap(let kind, let range): ("write", [IDMapWriter.file(kind, of: "self"), range.description])
        case .writeSetgroups(let mode): ("write", [IDMapWriter.setgroupsFile, mode.rawValue])
        case .setClockOffset(let clock, let seconds):
            ("write", [TimeNamespace.offsetsFile, TimeNamespace.offsetLine(seconds, clock: clock)])
        case .sethostname(let name): ("sethostname", [name])
        case .setdomainname(let name): ("setdomainname", [name])
        case .bind(let kind, let target): ("mount", [NamespacePersistence.source(kind, of: "PID"), target, MountFlags.bind.description])
        case .propagateRoot(let flags): ("mount", ["none", "/", flags.description])
        case .makePrivate(let mountpoint): ("mount", ["none", mountpoint, MountFlags([.recursive, .private]).description])
        case .mountProc(let mountpoint): ("mount", ["proc", mountpoint, "proc", StepAction.procFlags.description])
        case .mountBinfmt(let mountpoint): ("mount", ["binfmt_misc", mountpoint, "binfmt_misc", Binfmt.flags.description])
        case .registerBinfmt(let interpreter, let mountpoint):
            ("write", [Binfmt.registerFile(in: mountpoint), interpreter.specification])
        case .chroot(let path): ("chroot", [path])
        case .chdir(let path): ("chdir", [path])
        case .chrootToDescriptor(_, let name): ("chroot", [name])
        case .keepWorkingDirectory: ("open", [".", "O_RDONLY"])
        case .changeDirectory(let directory):
            switch directory {
            case .descriptor(_, let name): ("chdir", [name])
            case .inNamespace(let path): ("chdir", [path])
            case .kept: ("fchdir", ["CWD"])
            }
        case .joinCgroup(_, let path): ("write", [path, "PID"])
        case .dropGroups: ("setgroups", ["0", "NULL"])
        case .setgid(let gid): ("setgid", [String(gid)])
        case .setuid(let uid): ("setuid", [String(uid)])
        case .dropBounding(let mask): ("prctl", ["PR_CAPBSET_DROP", Self.capabilityNames(mask)])
        case .keepCapabilities(let keep): ("prctl", ["PR_SET_KEEPCAPS", keep ? "1" : "0"])
        case .setCapabilities(let sets):
            ("capset", ["permitted=" + Self.capabilityNames(sets.permitted),
                        "effective=" + Self.capabilityNames(sets.effective),
                        "inheritable=" + Self.capabilityNames(sets.inheritable)])
        case .clearAmbient: ("prctl", ["PR_CAP_AMBIENT_CLEAR_ALL"])
        case .raiseAmbient(let mask): ("prctl", ["PR_CAP_AMBIENT_RAISE", Self.capabilityNames(mask)])
        case .noNewPrivileges: ("prctl", ["PR_SET_NO_NEW_PRIVS", "1"])
        case .exec(let program): ("execvp", program.arguments)
        case .wait: ("wait", [])
        }
    }

    /// `mount none / MS_REC|MS_PRIVATE`; a step in another process than the tool's own says in
    /// which (`child: execvp sh`). Arguments with blanks, quotes or control characters, and
    /// what is written to a file, are quoted as JSON strings are.
    public var line: String {
        let (call, arguments) = words
        var text = process == .caller ? call : process.name + ": " + call
        for (index, argument) in arguments.enumerated() {
            let quoted = Self.needsQuotes(argument) || (call == "write" && index == 1)
            text += " " + (quoted ? Table.jsonString(argument) : argument)
        }
        return text
    }

    /// `{"process": "child", "call": "mount", "arguments": ["none", "/", "MS_REC|MS_PRIVATE"]}`
    public var json: String {
        let (call, arguments) = words
        return "{\"process\": " + Table.jsonString(process.name) + ", \"call\": " + Table.jsonString(call)
            + ", \"arguments\": [" + arguments.map(Table.jsonString).joined(separator: ", ") + "]}"
    }

    /// `--dry-run`: the plan's steps on standard output.
    public static func show(_ steps: [Step], _ format: StatusRequest.DryRunFormat) {
        StandardStreams.out(document(steps, json: format == .json))
    }

    /// The whole plan: a line per step, or a JSON array with an object per line.
    public static func document(_ steps: [Step], json: Bool) -> String {
        guard json else { return steps.map { $0.line + "\n" }.joined() }
        if steps.isEmpty { return "[]\n" }
        return "[\n" + steps.map { "  " + $0.json }.joined(separator: ",\n") + "\n]\n"
    }

    static func needsQuotes(_ text: String) -> Bool {
        text.isEmpty || text.utf8.contains { $0 <= 0x20 || $0 == 0x7f || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
    }

    /// `cap_net_raw,cap_sys_admin`; `all` for every capability of the running kernel, and
    /// `all,-cap_sys_resource` for all but a few; `none`.
    static func capabilityNames(_ mask: UInt64) -> String {
        let all = Capability.all
        if mask == 0 { return "none" }
        let missing = all & ~mask
        if missing == 0 { return "all" }
        let names = { (bits: UInt64, prefix: String) -> [String] in
            var names: [String] = []
            var rest = bits
            while rest != 0 {
                names.append(prefix + Capability.name(rest.trailingZeroBitCount))
                rest &= rest - 1
            }
            return names
        }
        if missing.nonzeroBitCount < mask.nonzeroBitCount { return (["all"] + names(missing, "-")).joined(separator: ",") }
        return names(mask, "").joined(separator: ",")
    }
}
