import Glibc

/// Reads what each process in /proc shows of namespaces: one fstatat per /proc/PID/ns entry, and
/// one per descriptor of /proc/PID/fd, to find those that are namespaces (files of nsfs) or
/// sockets. Buffers are made once for the whole scan: it runs over thousands of processes.
struct ProcessReader {
    /// A namespace a process is in or holds: its inode, its kind by position, the process, and
    /// whether the process is in it (rather than holding it by a descriptor).
    struct Sighting {
        var id: UInt64
        var kind: UInt8
        var inside: Bool
        var pid: pid_t
    }

    let procfd: Int32
    /// Whether each kind, by position in `NamespaceKind.all`, is looked at.
    let wanted: [Bool]
    var wantedCount: Int { wanted.filter { $0 }.count }
    var found: [Sighting] = []
    /// Namespaces held by a descriptor, and the descriptor's path.
    var held: [(id: UInt64, path: [UInt8])] = []
    /// A descriptor of each network namespace that a socket showed (see NamespaceScan).
    var sockets: [(id: UInt64, fd: Int32)] = []
    /// "PID/ns/ENTRY" or "PID/fd", NUL-terminated, written in place for each call.
    private var name = [CChar](repeating: 0, count: 64)
    private var link = [CChar](repeating: 0, count: 64)
    private var entries = [UInt8](repeating: 0, count: 8192)
    private let netKind = NamespaceKind.all.firstIndex { $0.mask == .net }!
    /// The device of nsfs, the file system of every namespace file: a descriptor on it is a
    /// namespace, whatever its link reads (a descriptor of a bind mount that was taken down since
    /// reads "/"). nil when none of our own /proc/self/ns entries can be read.
    private let nsfsDevice: UInt64?

    init?(kinds: [NamespaceKind]) {
        guard let procfd = try? Kernel.open("/proc", O_RDONLY | O_DIRECTORY) else { return nil }
        self.procfd = procfd
        wanted = NamespaceKind.all.map { kind in kinds.contains { $0.mask == kind.mask } }
        // As util-linux 2.42: any entry will do, where one (user) is missing.
        nsfsDevice = NamespaceKind.all.lazy.compactMap { try? Kernel.stat("/proc/self/ns/" + $0.procEntry) }.first?.device
    }

    func close() { Kernel.close(procfd) }

    /// Writes "PID/", `first` and `second` into `name`, NUL-terminated, making no string.
    private mutating func setName(_ pid: pid_t, _ first: String, _ second: String = "") {
        name.withUnsafeMutableBufferPointer { buffer in
            var length = 0
            var value = Int(pid), digits = 1
            while value >= 10 { value /= 10; digits += 1 }
            value = Int(pid)
            for position in stride(from: digits - 1, through: 0, by: -1) {
                buffer[position] = CChar(UInt8(ascii: "0") + UInt8(value % 10))
                value /= 10
            }
            length = digits
            buffer[length] = CChar(bitPattern: UInt8(ascii: "/"))
            length += 1
            for byte in first.utf8 where length < buffer.count - 1 { buffer[length] = CChar(bitPattern: byte); length += 1 }
            for byte in second.utf8 where length < buffer.count - 1 { buffer[length] = CChar(bitPattern: byte); length += 1 }
            buffer[length] = 0
        }
    }

    /// Records the inode of each wanted /proc/PID/ns entry; false when the process has gone or
    /// its entries cannot be read.
    mutating func readNamespaces(_ pid: pid_t) -> Bool {
        var any = false
        for (kind, entry) in NamespaceKind.all.enumerated() where wanted[kind] {
            setName(pid, "ns/", entry.procEntry)
            if let status = try? Kernel.fstatat(procfd, name) {
                found.append(Sighting(id: status.inode, kind: UInt8(kind), inside: true, pid: pid))
                any = true
            }
        }
        return any
    }

    /// The descriptors of a process that are namespaces (nsfs) or sockets: a socket's network
    /// namespace is asked of the kernel through a copy of the socket (pidfd_getfd, SIOCGSKNS).
    mutating func readDescriptors(_ pid: pid_t) {
        setName(pid, "fd")
        guard let directory = try? Kernel.openat(procfd, name, O_RDONLY | O_DIRECTORY) else { return }
        defer { Kernel.close(directory) }
        var pidfd: Int32?
        defer { if let pidfd { Kernel.close(pidfd) } }
        while true {
            let count = entries.withUnsafeMutableBytes { (try? Kernel.directoryEntries(directory, into: $0)) ?? 0 }
            if count <= 0 { break }
            var offset = 0
            // struct linux_dirent64: d_ino, d_off (8 bytes each), d_reclen (2), d_type (1), d_name.
            while offset + 19 < count {
                let length = Int(entries[offset + 16]) | Int(entries[offset + 17]) << 8
                guard length > 0 else { break }
                let nameStart = offset + 19
                offset += length
                guard let fd: Int32 = Numbers.digits(entries[nameStart...].prefix { $0 != 0 }) else { continue }
                readDescriptor(pid, fd, in: directory, nameAt: nameStart, pidfd: &pidfd)
            }
        }
    }

    /// One descriptor, by its name in the directory buffer: the namespace it is (its kind from its
    /// link, `net:[ID]`, or else from the namespace itself), or the network namespace of a socket.
    private mutating func readDescriptor(_ pid: pid_t, _ fd: Int32, in directory: Int32, nameAt start: Int,
                                         pidfd: inout Int32?) {
        guard let status = entries.withUnsafeBytes({ raw in
            try? Kernel.fstatat(directory, raw.baseAddress!.advanced(by: start).assumingMemoryBound(to: CChar.self))
        }) else { return }
        if status.device == nsfsDevice {
            guard let kind = namespaceKind(in: directory, nameAt: start), wanted[kind] else { return }
            found.append(Sighting(id: status.inode, kind: UInt8(kind), inside: false, pid: pid))
            held.append((status.inode, Array("/proc/\(pid)/fd/\(fd)".utf8)))
        } else if wanted[netKind], status.isSocket {
            if pidfd == nil { pidfd = try? Kernel.pidfdOpen(pid) }
            guard let pidfd, let copy = try? Kernel.pidfdGetfd(pidfd, fd) else { return }
            let namespace = try? Kernel.socketNamespace(copy)
            Kernel.close(copy)
            guard let namespace else { return }
            if let id = NamespaceFiles.inode(namespace) {
                found.append(Sighting(id: id, kind: UInt8(netKind), inside: false, pid: pid))
                if !sockets.contains(where: { $0.id == id }) {
                    sockets.append((id, namespace))
                    return
                }
            }
            Kernel.close(namespace)
        }
    }

    /// The kind, by position in `NamespaceKind.all`, of the namespace a descriptor is: from its
    /// link, or, where the link names a path (a bind mount) instead, by NS_GET_NSTYPE.
    private mutating func namespaceKind(in directory: Int32, nameAt start: Int) -> Int? {
        let size = entries.withUnsafeBytes { raw in
            link.withUnsafeMutableBufferPointer { buffer in
                (try? Kernel.readlinkat(directory, raw.baseAddress!.advanced(by: start).assumingMemoryBound(to: CChar.self),
                                        into: UnsafeMutableBufferPointer(rebasing: buffer[..<(buffer.count - 1)]))) ?? 0
            }
        }
        if let (kind, _) = NamespaceScan.parseNamespaceLink(link.prefix(max(size, 0)).map { UInt8(bitPattern: $0) }) {
            return kind
        }
        guard let namespace = entries.withUnsafeBytes({ raw in
            try? Kernel.openat(directory, raw.baseAddress!.advanced(by: start).assumingMemoryBound(to: CChar.self), O_RDONLY)
        }) else { return nil }
        defer { Kernel.close(namespace) }
        guard let type = try? Kernel.namespaceType(namespace) else { return nil }
        return NamespaceKind.all.firstIndex { $0.mask == type }
    }
}
