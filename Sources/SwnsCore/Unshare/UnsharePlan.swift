import CSwns
import Glibc

/// A checked swunshare command: every value is valid, every file it names exists, every helper
/// program it needs is there. Building it changes nothing on the system.
public struct UnsharePlan: Sendable {
    public let command: UnshareCommand
    /// The caller is root in its user namespace, so id maps are written directly rather than
    /// through newuidmap/newgidmap.
    public let privileged: Bool
    public let euid: UInt32
    public let egid: UInt32
    /// Complete maps written by the helper forked before unsharing (block maps, with the single
    /// mapping punched into them), and single maps written by the program's own process.
    public let helperUserMap: IDMap?
    public let helperGroupMap: IDMap?
    public let ownUserMap: IDRange?
    public let ownGroupMap: IDRange?
    /// argv for exec, and argv[0] when it differs from the file (a login shell's `-bash`).
    public let program: [String]
    public let programArgv0: String?
    /// nil: the inherited environment.
    public let environment: [String]?

    /// `environment` stands in for the process's own (read only where an option needs it);
    /// `statError` for stat(2).
    public init(_ command: UnshareCommand, context: HostContext = .live, environment: [String]? = nil,
                statError: (String) -> Int32? = Kernel.statError) throws(SwnsError) {
        func variable(_ name: String) -> String? {
            environment.map { ProcessEnvironment.value(name, in: $0) } ?? ProcessEnvironment.value(name)
        }
        self.command = command
        euid = context.euid
        egid = context.egid
        privileged = context.euid == 0

        if command.monotonicOffset != nil || command.boottimeOffset != nil, !command.namespaces.contains(.time) {
            throw SwnsError("options --monotonic and --boottime require unsharing of a time namespace (-T)")
        }
        if command.mapGroup != nil, command.groupBlocks.isEmpty, command.setgroups == .allow {
            throw SwnsError("options --setgroups=allow and --map-group are mutually exclusive")
        }
        if command.persist[.pid] != nil, !command.fork {
            throw SwnsError("persisting a pid namespace (--pid=FILE) requires --fork",
                            hint: "the file names the namespace of unshare's children, and only --fork makes one")
        }

        for kind in NamespaceKind.all {
            guard let target = command.persist[kind] else { continue }
            if let error = statError(target) { throw SwnsError("cannot access \(target)", errno: error) }
        }
        if let root = command.root, let error = statError(root + "/.") {
            throw SwnsError("cannot change root directory to '\(root)'", errno: error)
        }
        if let directory = command.workingDirectory {
            let resolved = Self.inside(command.root, directory)
            if let error = statError(resolved + "/.") { throw SwnsError("cannot chdir to '\(directory)'", errno: error) }
        }
        if let proc = command.procMountpoint, let error = statError(Self.inside(command.root, proc)) {
            throw SwnsError("mount \(proc) failed", errno: error)
        }

        try command.capabilities.validate(enteringUserNamespace: command.namespaces.contains(.user), uid: command.uid)

        helperUserMap = command.userBlocks.isEmpty ? nil :
            IDMap(single: command.mapUser.map { IDRange(inner: $0, outer: context.euid, count: 1) }, blocks: command.userBlocks)
        helperGroupMap = command.groupBlocks.isEmpty ? nil :
            IDMap(single: command.mapGroup.map { IDRange(inner: $0, outer: context.egid, count: 1) }, blocks: command.groupBlocks)
        ownUserMap = helperUserMap == nil ? command.mapUser.map { IDRange(inner: $0, outer: context.euid, count: 1) } : nil
        ownGroupMap = helperGroupMap == nil ? command.mapGroup.map { IDRange(inner: $0, outer: context.egid, count: 1) } : nil

        if !privileged {
            let path = variable("PATH") ?? "/usr/local/bin:/usr/bin:/bin"
            for (map, tool) in [(helperUserMap, "newuidmap"), (helperGroupMap, "newgidmap")] where map != nil {
                if ProcessEnvironment.findExecutable(tool, path: path) == nil {
                    throw SwnsError("failed to execute \(tool)", errno: ENOENT,
                                    hint: "\(tool) maps id blocks for unprivileged users; it comes with Debian's uidmap package")
                }
            }
        }

        (program, programArgv0) = LoginShell.program(command.program, environment: environment, context: context)

        switch command.environment {
        case .inherit: self.environment = nil
        case .clear: self.environment = []
        case .keep(let names):
            self.environment = (environment ?? ProcessEnvironment.current).filter { entry in
                names.contains { entry.hasPrefix($0 + "=") }
            }
        }
    }

    /// `path` as seen after chroot to `root`.
    static func inside(_ root: String?, _ path: String) -> String {
        guard let root, path.hasPrefix("/") else { return path }
        return root + path
    }

}

/// The process environment without Foundation.
public enum ProcessEnvironment {
    public static var current: [String] {
        var result: [String] = []
        guard var pointer = swns_environ() else { return result }
        while let entry = pointer.pointee {
            result.append(String(cString: entry))
            pointer += 1
        }
        return result
    }

    /// The variable from the process's own environment.
    public static func value(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    public static func value(_ name: String, in environment: [String]) -> String? {
        let prefix = name + "="
        return environment.first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }

    /// The first executable `name` on `path`, as execvp would find it.
    public static func findExecutable(_ name: String, path: String) -> String? {
        if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
        for directory in path.split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = (directory.isEmpty ? "." : String(directory)) + "/" + name
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}
