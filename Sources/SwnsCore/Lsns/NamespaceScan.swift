import CSwns
import Glibc

/// One process as the scan saw it.
public struct ScannedProcess: Sendable {
    public var pid: pid_t
    /// The namespace inode of each kind, in `NamespaceKind.all` order; 0 where unknown.
    public var namespaces: [UInt64]
    /// Read only for the processes that rows show (`NamespaceScan.details`): -1 until then.
    public var ppid: pid_t = -1
    public var uid: UInt32 = 0
    /// The command name from /proc/PID/stat (the COMMAND of a process without a command line).
    public var comm: [UInt8] = []
}

/// One namespace, with what holds it.
public struct ScannedNamespace: Sendable {
    public var id: UInt64
    /// Its kind, by position in `NamespaceKind.all` (one byte: there are thousands of these).
    private var kindIndex: UInt8
    public var kind: NamespaceKind { NamespaceKind.all[Int(kindIndex)] }
    /// The processes in it, lowest PID first.
    public var pids: [pid_t] = []
    /// Bind mounts of it (nsfs entries in our mount table).
    public var mounts: [[UInt8]] = []
    /// What holds it when no process is in it: a bind mount or /proc/PID/fd/N.
    var heldBy: [UInt8]?
    /// A path that opens it: /proc/PID/ns/TYPE of its lowest PID, else what holds it.
    public var path: [UInt8]? { pids.first.map { Array("/proc/\($0)/ns/\(kind.procEntry)".utf8) } ?? heldBy }
    /// Filled in on demand: the parent (pid and user namespaces) and the owning user namespace.
    public var parent: UInt64?
    public var owner: UInt64?
    /// For a namespace without processes: the uid that owns its user namespace.
    public var ownerUID: UInt32?

    init(id: UInt64, kind: NamespaceKind) {
        self.id = id
        kindIndex = UInt8(NamespaceKind.all.firstIndex { $0.mask == kind.mask } ?? 0)
    }
}

/// Every namespace the system shows us: those of processes (/proc/PID/ns), those held only by an
/// open descriptor (/proc/PID/fd, including the network namespace of a socket), and those held by
/// a bind mount (/proc/self/mountinfo). Processes that vanish or cannot be read are skipped.
public struct NamespaceScan {
    public private(set) var processes: [ScannedProcess] = []
    public private(set) var namespaces: [ScannedNamespace] = []
    /// Namespace index by inode: sorted inodes and their indices, for binary search.
    private var index: [(id: UInt64, at: Int)] = []
    /// A descriptor of each network namespace that a socket showed, kept until the namespaces
    /// without processes have been resolved: nothing else opens them.
    private var socketNamespaces: [(id: UInt64, fd: Int32)] = []

    /// `kinds`: the types to look at (lsns -t).
    public init(kinds: [NamespaceKind] = NamespaceKind.all) {
        let procfd = Glibc.open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard procfd >= 0 else { return }
        defer { Glibc.close(procfd) }
        let wanted = NamespaceKind.all.map { kind in kinds.contains { $0.mask == kind.mask } }
        var found: [(id: UInt64, kind: UInt8, pid: pid_t)] = []
        var held: [(id: UInt64, path: [UInt8])] = []
        let pids = Processes.all()
        // Grown once: reallocating big arrays leaves the heap larger than what is in use.
        processes.reserveCapacity(pids.count)
        found.reserveCapacity(pids.count * wanted.filter { $0 }.count + 64)

        let ourselves = getpid()
        for pid in pids {
            let name = String(pid)
            guard let process = Self.readNamespaces(pid, name: name, procfd: procfd, wanted: wanted) else { continue }
            processes.append(process)
            for (kind, id) in process.namespaces.enumerated() where id != 0 {
                found.append((id, UInt8(kind), pid))
            }
            // Our own descriptors hold only what this scan opened (the namespaces of sockets).
            if pid == ourselves { continue }
            Self.readDescriptors(pid, name: name, procfd: procfd, wanted: wanted, into: &found, held: &held,
                                 sockets: &socketNamespaces)
        }
        processes.sort { $0.pid < $1.pid }

        // Namespaces: the processes' own first (lowest PID first), then descriptor-held ones.
        found.sort { ($0.id, $0.pid) < ($1.id, $1.pid) }
        var previous: UInt64 = 0
        for entry in found where entry.id != previous || namespaces.isEmpty {
            previous = entry.id
            namespaces.append(ScannedNamespace(id: entry.id, kind: NamespaceKind.all[Int(entry.kind)]))
        }
        index = namespaces.indices.map { (namespaces[$0].id, $0) }
        found = []
        for process in processes {
            for id in process.namespaces where id != 0 {
                if let at = position(of: id) { namespaces[at].pids.append(process.pid) }
            }
        }
        for entry in held {
            if let at = position(of: entry.id), namespaces[at].heldBy == nil { namespaces[at].heldBy = entry.path }
        }
        addMounts(wanted: wanted)
        resolveProcessless()
    }

    /// The namespace with inode `id`.
    public func namespace(_ id: UInt64) -> ScannedNamespace? { position(of: id).map { namespaces[$0] } }

    /// The position of `pid` in `processes` (sorted by PID).
    public func processIndex(_ pid: pid_t) -> Int? {
        var low = 0, high = processes.count
        while low < high {
            let middle = (low + high) / 2
            if processes[middle].pid < pid { low = middle + 1 } else { high = middle }
        }
        return low < processes.count && processes[low].pid == pid ? low : nil
    }

    /// The position of namespace `id` in `namespaces`.
    public func namespaceIndex(_ id: UInt64) -> Int? { position(of: id) }

    /// The positions in `namespaces`, in the order of their inodes.
    public var sortedIndices: [Int] { index.map(\.at) }

    private func position(of id: UInt64) -> Int? {
        var low = 0, high = index.count
        while low < high {
            let middle = (low + high) / 2
            if index[middle].id < id { low = middle + 1 } else { high = middle }
        }
        return low < index.count && index[low].id == id ? index[low].at : nil
    }

    /// Adds a namespace found another way (through an ioctl); returns its index.
    @discardableResult
    mutating func insert(_ namespace: ScannedNamespace) -> Int {
        if let at = position(of: namespace.id) { return at }
        namespaces.append(namespace)
        let entry = (id: namespace.id, at: namespaces.count - 1)
        let slot = index.firstIndex { $0.id > namespace.id } ?? index.count
        index.insert(entry, at: slot)
        return entry.at
    }

    mutating func update(_ id: UInt64, _ change: (inout ScannedNamespace) -> Void) {
        if let at = position(of: id) { change(&namespaces[at]) }
    }

    // MARK: reading /proc

    /// The inode of each wanted /proc/PID/ns entry: one stat each. nil when the process has gone
    /// or its entries cannot be read.
    private static func readNamespaces(_ pid: pid_t, name: String, procfd: Int32, wanted: [Bool]) -> ScannedProcess? {
        var namespaces = [UInt64](repeating: 0, count: NamespaceKind.all.count)
        var st = Glibc.stat()
        var any = false
        for (kind, entry) in NamespaceKind.all.enumerated() where wanted[kind] {
            if fstatat(procfd, name + "/ns/" + entry.procEntry, &st, 0) == 0 {
                namespaces[kind] = UInt64(st.st_ino)
                any = true
            }
        }
        return any ? ScannedProcess(pid: pid, namespaces: namespaces) : nil
    }

    /// The parent, owner and command name of process `index`, from /proc/PID/stat and the owner of
    /// /proc/PID: read once, for the processes that rows show. False when the process has gone.
    @discardableResult
    public mutating func details(_ index: Int) -> Bool {
        if processes[index].ppid >= 0 { return true }
        let path = "/proc/\(processes[index].pid)"
        var owner = stat()
        guard stat(path, &owner) == 0, case .success(let bytes) = Kernel.readFile(path + "/stat"),
              let (comm, ppid) = Self.parseStat(bytes) else { return false }
        processes[index].ppid = ppid
        processes[index].uid = owner.st_uid
        processes[index].comm = comm
        return true
    }

    /// "PID (comm) S PPID ...": the command may hold spaces and parentheses, so it ends at the last ')'.
    static func parseStat(_ bytes: [UInt8]) -> (comm: [UInt8], ppid: pid_t)? {
        guard let open = bytes.firstIndex(of: UInt8(ascii: "(")),
              let close = bytes.lastIndex(of: UInt8(ascii: ")")), open < close else { return nil }
        let comm = Array(bytes[(open + 1)..<close])
        let fields = bytes[(close + 1)...].split(separator: UInt8(ascii: " "))
        guard fields.count >= 2 else { return nil }
        var ppid: pid_t = 0
        for digit in fields[1] {
            guard digit >= 48 && digit <= 57 else { return nil }
            ppid = ppid &* 10 &+ pid_t(digit - 48)
        }
        return (comm, ppid)
    }

    /// The descriptors of a process that are namespaces (nsfs) or sockets: a socket's network
    /// namespace is asked of the kernel through a copy of the socket (pidfd_getfd, SIOCGSKNS).
    private static func readDescriptors(_ pid: pid_t, name: String, procfd: Int32,
                                        wanted: [Bool], into found: inout [(id: UInt64, kind: UInt8, pid: pid_t)],
                                        held: inout [(id: UInt64, path: [UInt8])],
                                        sockets: inout [(id: UInt64, fd: Int32)]) {
        let directory = openat(procfd, name + "/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { return }
        defer { Glibc.close(directory) }
        var pidfd: Int32 = -1
        defer { if pidfd >= 0 { Glibc.close(pidfd) } }
        var target = [CChar](repeating: 0, count: 64)
        let netKind = NamespaceKind.all.firstIndex { $0.mask == .net }!
        var entries = [UInt8](repeating: 0, count: 8192)
        while true {
            let count = entries.withUnsafeMutableBytes { swns_getdents64(directory, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            var offset = 0
            while offset + 19 < count {
                // struct linux_dirent64: d_ino, d_off (8 bytes each), d_reclen (2), d_type (1), d_name.
                let length = Int(entries[offset + 16]) | Int(entries[offset + 17]) << 8
                guard length > 0 else { break }
                var fd: Int32 = 0, digits = 0
                var cursor = offset + 19
                while cursor < offset + length, entries[cursor] >= 48 && entries[cursor] <= 57 {
                    fd = fd &* 10 &+ Int32(entries[cursor] - 48)
                    digits += 1
                    cursor += 1
                }
                offset += length
                guard digits > 0 else { continue }
                let size = readlinkat(directory, String(fd), &target, target.count - 1)
                guard size > 0 else { continue }
                let link = target.prefix(size).map { UInt8(bitPattern: $0) }
                if let (kind, id) = parseNamespaceLink(link), wanted[kind] {
                    found.append((id, UInt8(kind), pid))
                    held.append((id, Array("/proc/\(pid)/fd/\(fd)".utf8)))
                } else if wanted[netKind], link.starts(with: Array("socket:".utf8)) {
                    if pidfd < 0 { pidfd = swns_pidfd_open(pid, 0) }
                    guard pidfd >= 0 else { continue }
                    let copy = swns_pidfd_getfd(pidfd, fd)
                    guard copy >= 0 else { continue }
                    let namespace = swns_ioctl_none(copy, UInt(SWNS_SIOCGSKNS))
                    Glibc.close(copy)
                    guard namespace >= 0 else { continue }
                    if let id = NamespaceFiles.inode(namespace) {
                        found.append((id, UInt8(netKind), pid))
                        if !sockets.contains(where: { $0.id == id }) {
                            sockets.append((id, namespace))
                            continue
                        }
                    }
                    Glibc.close(namespace)
                }
            }
        }
    }

    /// "net:[4026531833]" -> (kind index, inode).
    static func parseNamespaceLink(_ bytes: [UInt8]) -> (Int, UInt64)? {
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), bytes.count > colon + 3,
              bytes[colon + 1] == UInt8(ascii: "["), bytes.last == UInt8(ascii: "]") else { return nil }
        let name = String(decoding: bytes[..<colon], as: UTF8.self)
        guard let kind = NamespaceKind.all.firstIndex(where: { $0.name == name }) else { return nil }
        var id: UInt64 = 0
        for digit in bytes[(colon + 2)..<(bytes.count - 1)] {
            guard digit >= 48 && digit <= 57 else { return nil }
            id = id &* 10 &+ UInt64(digit - 48)
        }
        return (kind, id)
    }

    /// nsfs bind mounts from our mount table: the root field names the namespace ("net:[ID]").
    private mutating func addMounts(wanted: [Bool]) {
        guard let table = Kernel.readText("/proc/self/mountinfo") else { return }
        for line in table.split(separator: "\n") {
            let halves = line.split(separator: " - ", maxSplits: 1)
            guard halves.count == 2, halves[1].hasPrefix("nsfs ") else { continue }
            let fields = halves[0].split(separator: " ")
            guard fields.count > 4, let (kind, id) = Self.parseNamespaceLink(Array(fields[3].utf8)), wanted[kind] else {
                continue
            }
            let mountpoint = Self.unescapeMountField(Array(fields[4].utf8))
            let at = insert(ScannedNamespace(id: id, kind: NamespaceKind.all[kind]))
            // As util-linux: a mount point shown once (shared propagation repeats it).
            if !namespaces[at].mounts.contains(mountpoint) { namespaces[at].mounts.append(mountpoint) }
            if namespaces[at].heldBy == nil { namespaces[at].heldBy = mountpoint }
        }
    }

    /// mountinfo writes space, tab, newline and backslash as \040, \011, \012, \134.
    static func unescapeMountField(_ source: [UInt8]) -> [UInt8] {
        guard source.contains(UInt8(ascii: "\\")) else { return source }
        var bytes: [UInt8] = []
        var index = 0
        while index < source.count {
            if source[index] == UInt8(ascii: "\\"), index + 3 < source.count,
               let value = UInt8(String(decoding: source[(index + 1)...(index + 3)], as: UTF8.self), radix: 8) {
                bytes.append(value)
                index += 4
            } else {
                bytes.append(source[index])
                index += 1
            }
        }
        return bytes
    }

    /// Opens a path of bytes read-only (a mount point need not be UTF-8).
    static func open(_ path: [UInt8]) -> Int32 {
        (path + [0]).withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { Glibc.open($0.baseAddress!, O_RDONLY | O_CLOEXEC) }
        }
    }

    /// A small /proc file read with one read(2).
    static func readSmall(_ dirfd: Int32, _ name: String) -> [UInt8]? {
        let fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { Glibc.close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        return Array(buffer.prefix(count))
    }
}

extension NamespaceScan {
    /// As util-linux's add_namespace_for_nsfd: for each namespace that no process is in (held by
    /// a bind mount, a descriptor or a socket), its owner and parent, the uid that owns its user
    /// namespace, and the owners and parents that are not yet known, up to the top: they are rows
    /// whatever the columns.
    private mutating func resolveProcessless() {
        var queue: [(id: UInt64, fd: Int32)] = []
        for namespace in namespaces where namespace.pids.isEmpty {
            if let kept = socketNamespaces.firstIndex(where: { $0.id == namespace.id }) {
                queue.append(socketNamespaces.remove(at: kept))
                continue
            }
            guard let path = namespace.path else { continue }
            let fd = Self.open(path)
            guard fd >= 0 else { continue }
            if NamespaceFiles.inode(fd) == namespace.id { queue.append((namespace.id, fd)) } else { Glibc.close(fd) }
        }
        for entry in socketNamespaces { Glibc.close(entry.fd) }
        socketNamespaces = []
        while let (id, fd) = queue.popLast() {
            defer { Glibc.close(fd) }
            let kind = namespace(id)?.kind ?? .user
            let ownerFD = swns_ioctl_none(fd, SWNS_NS_GET_USERNS)
            let parentFD = kind == .pid || kind == .user ? swns_ioctl_none(fd, SWNS_NS_GET_PARENT) : -1
            var uid: UInt32 = 0
            if swns_ioctl_u32(kind == .user ? fd : ownerFD, SWNS_NS_GET_OWNER_UID, &uid) == 0 {
                update(id) { $0.ownerUID = uid }
            }
            for (relatedFD, isParent) in [(ownerFD, false), (parentFD, true)] where relatedFD >= 0 {
                guard let relatedID = NamespaceFiles.inode(relatedFD), relatedID != id else {
                    Glibc.close(relatedFD)
                    continue
                }
                update(id) { if isParent { $0.parent = relatedID } else { $0.owner = relatedID } }
                if self.namespace(relatedID) == nil {
                    insert(ScannedNamespace(id: relatedID, kind: isParent ? kind : .user))
                    queue.append((relatedID, relatedFD))
                } else {
                    Glibc.close(relatedFD)
                }
            }
        }
    }

    /// Fills in parents and owners of the namespaces (the nsfs ioctls on a descriptor of each), and
    /// adds the ancestors that no process is in. `ancestors`: follow parents and owners up to the
    /// top (for the trees). Returns false when the kernel lacks the ioctls.
    public mutating func resolveRelations(ancestors: Bool) -> Bool {
        // Whether the kernel has the ioctls is asked of our own namespace: a descriptor found in the
        // scan may have been closed and reused for another file by now.
        let probe = Kernel.open("/proc/self/ns/user", O_RDONLY)
        if probe >= 0 {
            defer { Glibc.close(probe) }
            let owner = swns_ioctl_none(probe, SWNS_NS_GET_USERNS)
            if owner >= 0 { Glibc.close(owner) } else if errno == ENOTTY { return false }
        }
        var queue: [(id: UInt64, fd: Int32)] = []
        for namespace in namespaces {
            guard let path = namespace.path else { continue }
            let fd = Self.open(path)
            guard fd >= 0 else { continue }
            // Still the same namespace: not a process or descriptor that has gone and been reused.
            if NamespaceFiles.inode(fd) == namespace.id { queue.append((namespace.id, fd)) } else { Glibc.close(fd) }
        }
        while let (id, fd) = queue.popLast() {
            defer { Glibc.close(fd) }
            let kind = namespace(id)?.kind
            var related: [(parent: Bool, fd: Int32)] = [(false, swns_ioctl_none(fd, SWNS_NS_GET_USERNS))]
            if kind == .pid || kind == .user { related.append((true, swns_ioctl_none(fd, SWNS_NS_GET_PARENT))) }
            for (isParent, relatedFD) in related {
                if relatedFD < 0 { continue }
                guard let relatedID = NamespaceFiles.inode(relatedFD) else { Glibc.close(relatedFD); continue }
                update(id) { if isParent { $0.parent = relatedID } else { $0.owner = relatedID } }
                if self.namespace(relatedID) == nil {
                    let relatedKind = isParent ? (kind ?? .user) : .user
                    var added = ScannedNamespace(id: relatedID, kind: relatedKind)
                    var uid: UInt32 = 0
                    if relatedKind == .user, swns_ioctl_u32(relatedFD, SWNS_NS_GET_OWNER_UID, &uid) == 0 { added.ownerUID = uid }
                    insert(added)
                    if ancestors {
                        queue.append((relatedID, relatedFD))
                        continue
                    }
                }
                Glibc.close(relatedFD)
            }
        }
        return true
    }
}
