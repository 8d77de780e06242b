import Glibc

/// The cells of a row, and the facts they need.
extension LsnsReport {
    /// Every column's value for a namespace, by `LsnsColumn.rawValue`; `pid`: the process whose
    /// values are shown (the lowest PID, or each process for the namespace operand).
    mutating func cells(_ namespace: ScannedNamespace, pid chosen: pid_t? = nil) -> [[UInt8]?] {
        let pid = chosen ?? scan.pids(of: namespace).first
        let index = pid.flatMap { scan.processIndex($0) }
        let process = index.flatMap { scan.details($0) ? scan.processes[$0] : nil }
        let uid = process?.uid ?? namespace.ownerUID
        var row = [[UInt8]?](repeating: nil, count: LsnsColumn.allCases.count)
        func set(_ column: LsnsColumn, _ text: String?) { row[column.rawValue] = text.map { Array($0.utf8) } }
        set(.ns, String(namespace.id))
        set(.type, namespace.kind.name)
        // As util-linux: PATH comes from a process in the namespace, and is empty without one
        // (NSFS names the bind mounts).
        set(.path, pid.map { "/proc/\($0)/ns/\(namespace.kind.procEntry)" })
        set(.nprocs, String(namespace.processCount))
        set(.pid, pid.map { String($0) })
        set(.ppid, process.map { String($0.ppid) })
        row[LsnsColumn.command.rawValue] = pid.flatMap { commandLine(of: $0) }
        set(.uid, uid.map { String($0) })
        set(.user, uid.map { userName($0) })
        // As util-linux 2.42: also for a network namespace that no process is in.
        if namespace.kind == .net { set(.netnsid, netnsids.first { $0.id == namespace.id }?.value) }
        // As util-linux: one mount point a line, or after a comma with --nowrap (and --raw).
        let separator = UInt8(ascii: command.wrap ? "\n" : ",")
        row[LsnsColumn.nsfs.rawValue] = namespace.mounts.isEmpty ? nil : Array(namespace.mounts.joined(separator: [separator]))
        set(.pns, namespace.parent.map { String($0) })
        set(.ons, namespace.owner.map { String($0) })
        if let at = scan.namespaceIndex(namespace.id), at < nsids.count, nsids[at] != 0 { set(.nsid, String(nsids[at])) }
        return row
    }

    static func filterValue(_ row: [[UInt8]?], _ name: String) -> FilterValue {
        guard let column = LsnsColumn.named(name), let bytes = row[column.rawValue] else { return .none }
        if column.numeric, let number = CNumber.parse(bytes).fitting(Int64.self) { return .number(number) }
        return .string(String(decoding: bytes, as: UTF8.self))
    }

    /// /proc/PID/cmdline with its NULs as spaces, less the last one (as util-linux: empty
    /// arguments at the end keep their spaces); the command name when it is empty (kernel threads).
    private mutating func commandLine(of pid: pid_t) -> [UInt8]? {
        guard let at = scan.processIndex(pid) else { return nil }
        if let known = commands[at] { return known }
        guard scan.details(at) else { return nil }
        var text = scan.processes[at].comm
        if var bytes = try? Kernel.readFile("/proc/\(pid)/cmdline") {
            if bytes.last == 0 { bytes.removeLast() }
            if !bytes.isEmpty { text = bytes.map { $0 == 0 ? UInt8(ascii: " ") : $0 } }
        }
        commands[at] = text
        return text
    }

    private func userName(_ uid: UInt32) -> String {
        accounts.first { $0.id == uid }?.name ?? String(uid)
    }

    /// The id our network namespace gives each network namespace (RTM_GETNSID), as lsns prints it.
    func netnsIDs() -> [(id: UInt64, value: String)] {
        guard let socket = try? Kernel.routeSocket() else { return [] }
        defer { Kernel.close(socket) }
        var result: [(UInt64, String)] = []
        for namespace in scan.namespaces where namespace.kind == .net {
            guard let fd = scan.openStill(namespace) else { continue }
            defer { Kernel.close(fd) }
            do {
                let id = try Kernel.netnsid(socket, fd)
                result.append((namespace.id, id.map { String($0) } ?? "unassigned"))
            } catch {}
        }
        return result
    }

    /// The namespace id of each namespace (NS_GET_ID), by index; 0 where the kernel has none.
    func namespaceIDs() -> [UInt64] { scan.namespaces.map(namespaceID) }

    /// A namespace's 64-bit id (NS_GET_ID, Linux 6.18), which no later namespace takes, unlike
    /// its inode number; 0 where it cannot be had.
    func namespaceID(_ namespace: ScannedNamespace) -> UInt64 {
        guard let fd = scan.openStill(namespace) else { return 0 }
        defer { Kernel.close(fd) }
        return (try? Kernel.namespaceID(fd)) ?? 0
    }

    /// `--list-columns`: each column with its type and description.
    public static func columnList(json: Bool, raw: Bool = false) -> String {
        if raw {
            return LsnsColumn.allCases.map { column in
                [column.name, column.numeric ? "<integer>" : "<string>", column.help]
                    .map { Table.rawEscaped(Array($0.utf8)) }.joined(separator: " ") + "\n"
            }.joined()
        }
        if json, JSONStyle.environment != .pretty {
            var table = Table(columns: ["holder", "type", "description"].map { Table.Column($0) }, jsonName: "lsns-columns")
            table.format = .json
            table.jsonStyle = .environment
            table.roots = LsnsColumn.allCases.map { column in
                Table.Row([column.name, column.numeric ? "<integer>" : "<string>", column.help] as [String?])
            }
            return table.render()
        }
        if json {
            var text = "{\n   \"lsns-columns\": [\n"
            for (index, column) in LsnsColumn.allCases.enumerated() {
                text += "      {\n         \"holder\": \"\(column.name)\",\n"
                text += "         \"type\": \"\(column.numeric ? "<integer>" : "<string>")\",\n"
                text += "         \"description\": \(Table.jsonString(column.help))\n"
                text += index == LsnsColumn.allCases.count - 1 ? "      }\n" : "      },\n"
            }
            return text + "   ]\n}\n"
        }
        return LsnsColumn.allCases.map { column in
            String(repeating: " ", count: 9 - column.name.count) + column.name + "  "
                + (column.numeric ? "<integer>" : "<string> ") + "  " + column.help + "\n"
        }.joined()
    }
}
