import Glibc

/// What swnsenter takes from the target besides its namespaces: root, working directory,
/// environment, cgroup, owner.
extension NsenterPlan {
    /// `-r`/`-w`: the target's own (`/proc/PID/root`, `/proc/PID/cwd`) or a path, opened, and
    /// its path for the steps.
    static func openDirectory(_ choice: NsenterCommand.Directory?, target: TargetProcess?, entry: String,
                              opened: OpenDescriptors) throws(SwnsError) -> (fd: Int32, path: String)? {
        let path: String
        switch choice {
        case nil: return nil
        case .target: path = "\(proc(target))/\(entry)"
        case .path(let given): path = given
        }
        return (try opened.open(path), path)
    }

    /// `-e`: the target's environment, /proc/PID/environ.
    static func readEnvironment(_ proc: String) throws(SwnsError) -> [String] {
        let path = "\(proc)/environ"
        do {
            return try Kernel.readFile(path).split(separator: 0).map { CStrings.string($0) }
        } catch {
            throw SwnsError(error, opening: "cannot open \(path)", otherwise: "cannot read \(path)")
        }
    }

    /// cgroup.procs of the target's cgroup (cgroup v2), opened for the join after entering, below
    /// where our mount table has the unified hierarchy: /sys/fs/cgroup, or /sys/fs/cgroup/unified
    /// on hybrid systems.
    static func openCgroupProcs(_ proc: String) throws(SwnsError) -> (fd: Int32, path: String) {
        guard let text = try? Kernel.readFile("\(proc)/cgroup"),
              let line = text.split(separator: UInt8(ascii: "\n")).first(where: { $0.starts(with: Array("0::".utf8)) }) else {
            throw SwnsError("failed to get cgroup path", errno: ENOENT,
                            hint: "--join-cgroup works with the unified cgroup hierarchy (cgroup v2)")
        }
        let mountpoint = MountTable.current().first { $0.hasType("cgroup2") }?.mountpoint ?? Array("/sys/fs/cgroup".utf8)
        let path = CStrings.string(mountpoint + line.dropFirst(3) + Array("/cgroup.procs".utf8))
        let fd = try SwnsError.wording("failed to open cgroup.procs") { () throws(SystemError) in
            try Kernel.open(path, O_WRONLY | O_APPEND)
        }
        return (fd, path)
    }

    /// The ids to switch to: -S and -G (`follow`: the owner of /proc/PID), else 0 where a user
    /// namespace is entered without preserving the credentials.
    static func credentials(_ command: NsenterCommand, target: TargetProcess?,
                            changesCredentials: Bool) throws(SwnsError) -> (uid: UInt32?, gid: UInt32?) {
        var owner: Kernel.FileStatus?
        if command.uid == .follow || command.gid == .follow {
            let path = proc(target)
            owner = try SwnsError.wording("cannot stat \(path)") { () throws(SystemError) in try Kernel.stat(path) }
        }
        func id(_ choice: NsenterCommand.ID?, _ followed: UInt32?) -> UInt32? {
            switch choice {
            case .value(let id): id
            case .follow: followed
            case nil: changesCredentials ? 0 : nil
            }
        }
        return (id(command.uid, owner?.uid), id(command.gid, owner?.gid))
    }
}

/// The descriptors a plan has opened so far, closed again when building it fails.
final class OpenDescriptors {
    private var fds: [Int32] = []
    private var kept = false

    @discardableResult
    func add(_ fd: Int32) -> Int32 {
        fds.append(fd)
        return fd
    }

    /// open(2) read-only, with util-linux's message on failure.
    func open(_ path: String) throws(SwnsError) -> Int32 {
        add(try SwnsError.wording("cannot open \(path)") { () throws(SystemError) in try Kernel.open(path, O_RDONLY) })
    }

    /// Closes one that the plan no longer needs.
    func release(_ fd: Int32) {
        fds.removeAll { $0 == fd }
        Kernel.close(fd)
    }

    /// The plan owns them now.
    func keep() { kept = true }

    func closeUnlessKept() {
        if !kept { for fd in fds { Kernel.close(fd) } }
        fds = []
    }
}
