import Glibc

/// Reads what each process in /proc shows of namespaces: one fstatat per /proc/PID/ns entry, and
/// the descriptors of /proc/PID/fd that are namespaces or sockets. Buffers are made once for the
/// whole scan: it runs over thousands of processes.
struct ProcessReader {
    /// A namespace a process is in or holds: its inode, its kind by position, the process.
    struct Sighting {
        var id: UInt64
        var kind: UInt8
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

    init?(kinds: [NamespaceKind]) {
        guard let procfd = try? Kernel.open("/proc", O_RDONLY | O_DIRECTORY) else { return nil }
        self.procfd = procfd
        wanted = NamespaceKind.all.map { kind in kinds.contains { $0.mask == kind.mask } }
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

    /// The inode of each wanted /proc/PID/ns entry; nil when the process has gone or its entries
    /// cannot be read.
    mutating func readNamespaces(_ pid: pid_t) -> ScannedProcess? {
        var namespaces = [UInt64](repeating: 0, count: NamespaceKind.all.count)
        var any = false
        for (kind, entry) in NamespaceKind.all.enumerated() where wanted[kind] {
            setName(pid, "ns/", entry.procEntry)
            if let status = try? Kernel.fstatat(procfd, name) {
                namespaces[kind] = status.inode
                found.append(Sighting(id: status.inode, kind: UInt8(kind), pid: pid))
                any = true
            }
        }
        return any ? ScannedProcess(pid: pid, namespaces: namespaces) : nil
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

    /// One descriptor, by its name in the directory buffer.
    private mutating func readDescriptor(_ pid: pid_t, _ fd: Int32, in directory: Int32, nameAt start: Int,
                                         pidfd: inout Int32?) {
        let size = entries.withUnsafeBytes { raw in
            link.withUnsafeMutableBufferPointer { buffer in
                (try? Kernel.readlinkat(directory, raw.baseAddress!.advanced(by: start).assumingMemoryBound(to: CChar.self),
                                        into: UnsafeMutableBufferPointer(rebasing: buffer[..<(buffer.count - 1)]))) ?? 0
            }
        }
        guard size > 0 else { return }
        let target = link.prefix(size).map { UInt8(bitPattern: $0) }
        if let (kind, id) = NamespaceScan.parseNamespaceLink(target), wanted[kind] {
            found.append(Sighting(id: id, kind: UInt8(kind), pid: pid))
            held.append((id, Array("/proc/\(pid)/fd/\(fd)".utf8)))
        } else if wanted[netKind], target.starts(with: Array("socket:".utf8)) {
            if pidfd == nil { pidfd = try? Kernel.pidfdOpen(pid) }
            guard let pidfd, let copy = try? Kernel.pidfdGetfd(pidfd, fd) else { return }
            let namespace = try? Kernel.socketNamespace(copy)
            Kernel.close(copy)
            guard let namespace else { return }
            if let id = NamespaceFiles.inode(namespace) {
                found.append(Sighting(id: id, kind: UInt8(netKind), pid: pid))
                if !sockets.contains(where: { $0.id == id }) {
                    sockets.append((id, namespace))
                    return
                }
            }
            Kernel.close(namespace)
        }
    }
}
