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
    /// `statError` for stat(2), `resolveInRoot` for `resolveInRoot(_:_:_:)`.
    public init(_ command: UnshareCommand, context: HostContext = .live, environment: [String]? = nil,
                statError: (String) -> Int32? = Kernel.statError,
                resolveInRoot: (_ root: String, _ path: String, _ directory: Bool) -> Int32? = UnsharePlan.resolveInRoot)
        throws(SwnsError) {
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
        if command.mapGroup != nil, command.groupBlocks.isEmpty, command.owner == nil, command.setgroups == .allow {
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
        // A directory that only the new user namespace's root (or --owner) may enter is the later
        // step's to judge: refused up front is only what cannot be there at all.
        let credentialsChange = command.namespaces.contains(.user) || command.owner != nil
        func definite(_ error: Int32?) -> Int32? {
            guard let error else { return nil }
            return credentialsChange && (error == EACCES || error == EPERM) ? nil : error
        }
        if let root = command.root, let error = definite(statError(root + "/.")) {
            throw SwnsError("cannot change root directory to '\(root)'", errno: error)
        }
        // --wd and --mount-proc are resolved as the process that execs will resolve them: after
        // chroot (symbolic links inside the new root point within it), --mount-proc after --wd.
        if let directory = command.workingDirectory,
           let error = definite(Self.resolveError(directory, root: command.root, from: nil, directory: true, statError: statError,
                                         resolveInRoot: resolveInRoot)) {
            throw SwnsError("cannot chdir to '\(directory)'", errno: error)
        }
        if let proc = command.procMountpoint,
           let error = definite(Self.resolveError(proc, root: command.root,
                                                  from: command.workingDirectory ?? (command.root == nil ? nil : "/"),
                                                  directory: false, statError: statError, resolveInRoot: resolveInRoot)) {
            throw SwnsError("mount \(proc) failed", errno: error)
        }

        try command.capabilities.validate(enteringUserNamespace: command.namespaces.contains(.user), uid: command.uid)

        // A single mapping maps the invoking user (also with --owner, as util-linux: -r binds the
        // invoking user to root). With --owner it is written by the helper, which is still that
        // user when we have become the owner; so are block maps, with the single mapping punched
        // into them.
        let singleUser = command.mapUser.map { IDRange(inner: $0, outer: context.euid, count: 1) }
        let singleGroup = command.mapGroup.map { IDRange(inner: $0, outer: context.egid, count: 1) }
        func helperMap(_ single: IDRange?, _ blocks: [IDRange]) -> IDMap? {
            blocks.isEmpty && (command.owner == nil || single == nil) ? nil : IDMap(single: single, blocks: blocks)
        }
        helperUserMap = helperMap(singleUser, command.userBlocks)
        helperGroupMap = helperMap(singleGroup, command.groupBlocks)
        ownUserMap = helperUserMap == nil ? singleUser : nil
        ownGroupMap = helperGroupMap == nil ? singleGroup : nil

        if !privileged {
            let path = variable("PATH") ?? "/usr/local/bin:/usr/bin:/bin"
            for (map, tool) in [(helperUserMap, "newuidmap"), (helperGroupMap, "newgidmap")] where map != nil {
                if ProcessEnvironment.findExecutable(tool, path: path) == nil {
                    // There but not executable: what execvp would say (126).
                    let present = path.split(separator: ":", omittingEmptySubsequences: false).contains { directory in
                        statError((directory.isEmpty ? "." : String(directory)) + "/" + tool) == nil
                    }
                    if present { throw SwnsError("failed to execute \(tool)", errno: EACCES, status: 126) }
                    throw SwnsError("failed to execute \(tool)", errno: ENOENT, status: 127,
                                    hint: "\(tool) maps id blocks for unprivileged users; it comes with Debian's uidmap package")
                }
            }
        }

        if command.environment.inherits {
            self.environment = nil
        } else {
            // Byte for byte, as getenv(3) compares (not as Swift compares characters).
            let names = command.environment.keep.map { Array($0.utf8) }.filter { !$0.contains(UInt8(ascii: "=")) }
            self.environment = (environment ?? ProcessEnvironment.current).filter { entry in
                let bytes = entry.utf8
                return names.contains { name in
                    bytes.starts(with: name) && bytes.dropFirst(name.count).first == UInt8(ascii: "=")
                }
            }
        }
        // The default shell comes from the program's environment: after --clear-env, SHELL is
        // gone and the password database names it, as in util-linux.
        (program, programArgv0) = LoginShell.program(command.program, environment: self.environment ?? environment,
                                                     context: context, uid: command.uid)
    }

    /// The errno of resolving `path` where the program's process will: after chroot to `root`
    /// and chdir to `base`; nil when it resolves. A relative path without a base, or with a
    /// relative base, starts from the directory we are in, which chroot keeps.
    static func resolveError(_ path: String, root: String?, from base: String?, directory: Bool,
                             statError: (String) -> Int32?,
                             resolveInRoot: (String, String, Bool) -> Int32?) -> Int32? {
        let full = path.hasPrefix("/") ? path : base.map { $0 + "/" + path } ?? path
        guard let root, full.hasPrefix("/") else { return statError(full + (directory ? "/." : "")) }
        return resolveInRoot(root, full, directory)
    }

    /// The errno of resolving the absolute `path` as a process chrooted to `root` would
    /// (symbolic links inside point within it), a directory if `directory`; nil when it resolves.
    public static func resolveInRoot(_ root: String, _ path: String, _ directory: Bool) -> Int32? {
        let rootFD = CStrings.withCString(root) { swns_open_in_root(-1, $0, 1) }
        if rootFD < 0 { return errno }
        defer { Kernel.close(rootFD) }
        let fd = CStrings.withCString(path) { swns_open_in_root(rootFD, $0, directory ? 1 : 0) }
        if fd < 0 {
            // Before Linux 5.6: the path as it stands under the root. A magic link (/proc/self/cwd)
            // leads out of the root, which RESOLVE_IN_ROOT refuses and chroot does not: the
            // later step judges it.
            if errno == EXDEV { return nil }
            return errno == ENOSYS ? Kernel.statError(root + path + (directory ? "/." : "")) : errno
        }
        Kernel.close(fd)
        return nil
    }

}

/// The process environment without Foundation.
public enum ProcessEnvironment {
    public static var current: [String] {
        var result: [String] = []
        guard var pointer = swns_environ() else { return result }
        while let entry = pointer.pointee {
            result.append(CStrings.string(entry))
            pointer += 1
        }
        return result
    }

    /// The variable from the process's own environment.
    public static func value(_ name: String) -> String? {
        CStrings.withCString(name) { getenv($0) }.map { CStrings.string($0) }
    }

    public static func value(_ name: String, in environment: [String]) -> String? {
        let prefix = name + "="
        return environment.first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }

    /// The first executable `name` on `path`, as execvp would find it.
    public static func findExecutable(_ name: String, path: String) -> String? {
        if name.contains("/") { return CStrings.withCString(name, { access($0, X_OK) }) == 0 ? name : nil }
        for directory in path.split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = (directory.isEmpty ? "." : String(directory)) + "/" + name
            if CStrings.withCString(candidate, { access($0, X_OK) }) == 0 { return candidate }
        }
        return nil
    }
}
