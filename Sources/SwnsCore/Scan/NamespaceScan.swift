import Glibc

/// One process as the scan saw it (the namespaces it is in list it: `NamespaceScan.pids(of:)`).
public struct ScannedProcess: Sendable {
    public var pid: pid_t
    /// Read only for the processes that rows show (`NamespaceScan.details`): -1 until then.
    public var ppid: pid_t = -1
    public var uid: UInt32 = 0
    /// The command name from /proc/PID/stat (the COMMAND of a process without a command line).
    public var comm: [UInt8] = []
}

/// One namespace, with what holds it. There are thousands of these: the fields are laid out to
/// take little room (56 bytes), which is why the parent and owner are kept as inodes with 0 for
/// none (no namespace has inode 0) and the processes as a range of the scan's `members`.
public struct ScannedNamespace: Sendable {
    public var id: UInt64
    private var parentID: UInt64 = 0
    private var ownerID: UInt64 = 0
    /// Bind mounts of it (nsfs entries in our mount table).
    public var mounts: [[UInt8]] = []
    /// What holds it when no process is in it: a bind mount or /proc/PID/fd/N.
    var heldBy: [UInt8]?
    /// Where its processes are in `NamespaceScan.members` (`NamespaceScan.pids(of:)`).
    var members: Range<Int32> = 0..<0
    /// For a namespace without processes: the uid that owns its user namespace.
    public var ownerUID: UInt32?
    /// Its kind, by position in `NamespaceKind.all`.
    private var kindIndex: UInt8
    public var kind: NamespaceKind { NamespaceKind.all[Int(kindIndex)] }

    /// How many processes are in it.
    public var processCount: Int { members.count }

    /// Filled in on demand: the parent (pid and user namespaces) and the owning user namespace.
    public var parent: UInt64? {
        get { parentID == 0 ? nil : parentID }
        set { parentID = newValue ?? 0 }
    }
    public var owner: UInt64? {
        get { ownerID == 0 ? nil : ownerID }
        set { ownerID = newValue ?? 0 }
    }

    init(id: UInt64, kindIndex: Int) {
        self.id = id
        self.kindIndex = UInt8(kindIndex)
    }

    init(id: UInt64, kind: NamespaceKind) {
        self.init(id: id, kindIndex: NamespaceKind.all.firstIndex { $0.mask == kind.mask } ?? 0)
    }
}

/// Every namespace the system shows us: those of processes (/proc/PID/ns), those held only by an
/// open descriptor (/proc/PID/fd, including the network namespace of a socket), and those held by
/// a bind mount (/proc/self/mountinfo). Processes that vanish or cannot be read are skipped.
public struct NamespaceScan {
    public private(set) var processes: [ScannedProcess] = []
    public internal(set) var namespaces: [ScannedNamespace] = []
    /// The processes in each namespace, lowest PID first, namespace after namespace: one array for
    /// all of them rather than one for each (see `ScannedNamespace.members`).
    private var members: [pid_t] = []
    /// Namespace index by inode: sorted inodes and their indices, for binary search.
    private var index: [(id: UInt64, at: Int)] = []
    /// A descriptor of each network namespace that a socket showed, kept until `close()`:
    /// nothing else opens them.
    var socketNamespaces: [(id: UInt64, fd: Int32)] = []

    /// `kinds`: the types to look at (lsns -t).
    public init(kinds: [NamespaceKind] = NamespaceKind.all) {
        guard var reader = ProcessReader(kinds: kinds) else { return }
        defer { reader.close() }
        let pids = Kernel.numberedEntries("/proc")
        // Grown once: reallocating big arrays leaves the heap larger than what is in use.
        processes.reserveCapacity(pids.count)
        reader.found.reserveCapacity(pids.count * reader.wantedCount + 64)
        let ourselves = Kernel.processID
        for pid in pids {
            guard reader.readNamespaces(pid) else { continue }
            processes.append(ScannedProcess(pid: pid))
            // Our own descriptors hold only what this scan opened (the namespaces of sockets).
            if pid != ourselves { reader.readDescriptors(pid) }
        }
        processes.sort { $0.pid < $1.pid }
        socketNamespaces = reader.sockets
        reader.sockets = []
        assemble(&reader.found, held: reader.held)
        addMounts(wanted: reader.wanted)
        resolveProcessless()
    }

    /// The namespaces from what the processes showed, in the order of their inodes: a namespace
    /// for each inode seen, its members the processes in it (lowest PID first), and what a
    /// descriptor holds noted. Each array is made once at its size: the scan's arrays are the bulk
    /// of swlsns's memory, and arrays grown by appending leave the heap larger.
    private mutating func assemble(_ found: inout [ProcessReader.Sighting], held: [(id: UInt64, path: [UInt8])]) {
        found.sort { ($0.id, $0.pid) < ($1.id, $1.pid) }
        var distinct = 0, inside = 0
        for (at, entry) in found.enumerated() {
            if at == 0 || entry.id != found[at - 1].id { distinct += 1 }
            if entry.inside { inside += 1 }
        }
        // Room for the owners and parents that the ioctls add, without a second allocation mostly.
        namespaces.reserveCapacity(distinct + distinct / 8 + 16)
        members.reserveCapacity(inside)
        for (at, entry) in found.enumerated() {
            if at == 0 || entry.id != found[at - 1].id {
                var namespace = ScannedNamespace(id: entry.id, kindIndex: Int(entry.kind))
                namespace.members = Int32(members.count)..<Int32(members.count)
                namespaces.append(namespace)
            }
            if entry.inside {
                members.append(entry.pid)
                let start = namespaces[namespaces.count - 1].members.lowerBound
                namespaces[namespaces.count - 1].members = start..<Int32(members.count)
            }
        }
        found = []
        index.reserveCapacity(namespaces.capacity)
        for at in namespaces.indices { index.append((namespaces[at].id, at)) }
        for entry in held {
            if let at = position(of: entry.id), namespaces[at].heldBy == nil { namespaces[at].heldBy = entry.path }
        }
    }

    /// nsfs bind mounts from our mount table: the root field names the namespace ("net:[ID]").
    private mutating func addMounts(wanted: [Bool]) {
        for mount in MountTable.current() where mount.hasType("nsfs") {
            guard let (kind, id) = Self.parseNamespaceLink(mount.root), wanted[kind] else { continue }
            let at = insert(ScannedNamespace(id: id, kindIndex: kind))
            // As util-linux: a mount point shown once (shared propagation repeats it).
            if !namespaces[at].mounts.contains(mount.mountpoint) { namespaces[at].mounts.append(mount.mountpoint) }
            if namespaces[at].heldBy == nil { namespaces[at].heldBy = mount.mountpoint }
        }
    }

    /// The processes in `namespace`, lowest PID first.
    public func pids(of namespace: ScannedNamespace) -> ArraySlice<pid_t> {
        members[Int(namespace.members.lowerBound)..<Int(namespace.members.upperBound)]
    }

    /// A path that opens `namespace`: /proc/PID/ns/TYPE of its lowest PID, else what holds it.
    public func path(of namespace: ScannedNamespace) -> [UInt8]? {
        pids(of: namespace).first.map { Array("/proc/\($0)/ns/\(namespace.kind.procEntry)".utf8) } ?? namespace.heldBy
    }

    /// Closes the descriptors the scan keeps (those of the network namespaces of sockets).
    public mutating func close() {
        for entry in socketNamespaces { Kernel.close(entry.fd) }
        socketNamespaces = []
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

    /// The parent, owner and command name of process `index`, from /proc/PID/stat and the owner of
    /// /proc/PID: read once, for the processes that rows show. False when the process has gone.
    @discardableResult
    public mutating func details(_ index: Int) -> Bool {
        if processes[index].ppid >= 0 { return true }
        let path = "/proc/\(processes[index].pid)"
        guard let owner = try? Kernel.stat(path), let bytes = try? Kernel.readFile(path + "/stat"),
              let (comm, ppid) = Self.parseStat(bytes) else { return false }
        processes[index].ppid = ppid
        processes[index].uid = owner.uid
        processes[index].comm = comm
        return true
    }

    /// "PID (comm) S PPID ...": the command may hold spaces and parentheses, so it ends at the last ')'.
    static func parseStat(_ bytes: [UInt8]) -> (comm: [UInt8], ppid: pid_t)? {
        guard let open = bytes.firstIndex(of: UInt8(ascii: "(")),
              let close = bytes.lastIndex(of: UInt8(ascii: ")")), open < close else { return nil }
        let comm = Array(bytes[(open + 1)..<close])
        let fields = bytes[(close + 1)...].split(separator: UInt8(ascii: " "))
        guard fields.count >= 2, let ppid: pid_t = Numbers.digits(fields[1]) else { return nil }
        return (comm, ppid)
    }

    /// "net:[4026531833]" -> (kind index, inode).
    static func parseNamespaceLink(_ bytes: some Collection<UInt8>) -> (Int, UInt64)? {
        let bytes = Array(bytes)
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), bytes.count > colon + 3,
              bytes[colon + 1] == UInt8(ascii: "["), bytes.last == UInt8(ascii: "]"),
              let kind = NamespaceKind.all.firstIndex(where: { $0.name.utf8.elementsEqual(bytes[..<colon]) }),
              let id: UInt64 = Numbers.digits(bytes[(colon + 2)..<(bytes.count - 1)]) else { return nil }
        return (kind, id)
    }
}
