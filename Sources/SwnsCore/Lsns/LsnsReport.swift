import CSwns
import Glibc

/// What swlsns prints: the scan turned into rows, filtered, arranged as a list or a tree.
public struct LsnsReport {
    let command: LsnsCommand
    var scan: NamespaceScan
    /// /etc/passwd, parsed once.
    private let accounts: [AccountEntry]
    /// The command line of each process, read once (rows share their lowest PIDs), by index in
    /// `scan.processes`.
    private var commands: [String?] = []

    public init(_ command: LsnsCommand) {
        self.command = command
        accounts = Accounts.entries(Kernel.readText("/etc/passwd"))
        let kinds = command.kinds.isEmpty ? NamespaceKind.all : command.kinds
        let treeNeedsAll = command.tree == .parent || command.tree == .owner
        scan = NamespaceScan(kinds: treeNeedsAll ? NamespaceKind.all : kinds)
        commands = [String?](repeating: nil, count: scan.processes.count)
    }

    /// The columns the rows need: shown ones and those the filter reads.
    private var neededColumns: [LsnsColumn] {
        command.shownColumns + (command.filter?.columns.compactMap(LsnsColumn.named) ?? [])
    }

    public mutating func render(terminalWidth: Int?) throws(SwnsError) -> String {
        var text = ""
        try render(terminalWidth: terminalWidth) { text += $0 }
        return text
    }

    /// Writes the report in pieces through `write`.
    public mutating func render(terminalWidth: Int?, to write: (String) -> Void) throws(SwnsError) {
        if let id = command.namespace { return try renderProcesses(of: id, terminalWidth: terminalWidth).render(to: write) }

        let needed = neededColumns
        let tree = command.tree ?? (command.list ? nil : .process)
        let ancestors = tree == .parent || tree == .owner
        if ancestors || needed.contains(.pns) || needed.contains(.ons) {
            if !scan.resolveRelations(ancestors: ancestors) {
                throw SwnsError("the kernel does not support the namespace ioctls (NS_GET_PARENT, NS_GET_USERNS)",
                                status: 2)
            }
        }
        if needed.contains(.user) || needed.contains(.uid) { scan.resolveOwnerUIDs() }
        let netnsids = needed.contains(.netnsid) ? netnsIDs() : []

        // The rows: the chosen types, the task's namespaces, persistent ones, then the filter.
        var table = makeTable(tree: tree)
        let shown = command.shownColumns
        func project(_ row: [String?]) -> Table.Row { Table.Row(shown.map { row[$0.rawValue] }) }
        var kept: [(at: Int, line: Table.Row)] = []
        for at in scan.sortedIndices {
            let namespace = scan.namespaces[at]
            if !command.kinds.isEmpty && !command.kinds.contains(namespace.kind) { continue }
            if let pid = command.pid, !namespace.pids.contains(pid) { continue }
            if command.persistentOnly && !namespace.pids.isEmpty { continue }
            let row = cells(namespace, netnsids: netnsids)
            if let filter = command.filter, !filter.matches({ name in Self.filterValue(row, name) }) { continue }
            kept.append((at, project(row)))
        }

        // Every row in the order it is made (ancestors that the trees add included).
        var made: [Table.Row] = []
        switch tree {
        case nil:
            table.roots = kept.map(\.line)
        case .process:
            // As util-linux: a row hangs under the latest row whose process is its process's parent.
            var latest = [Table.Row?](repeating: nil, count: scan.processes.count)
            for (at, line) in kept {
                let process = scan.namespaces[at].pids.first.flatMap { scan.processIndex($0) }
                if let process { scan.details(process) }
                let parent = process.flatMap { scan.processIndex(scan.processes[$0].ppid) }.flatMap { latest[$0] }
                if let parent { parent.children.append(line) } else { table.roots.append(line) }
                made.append(line)
                if let process { latest[process] = line }
            }
        case .parent, .owner:
            // Each row hangs under the row of its parent (or owner); those ancestors are shown too.
            // As util-linux: in the parent tree, a namespace without a parent (every type but pid
            // and user has none) comes after its owning user namespace's row, placed first.
            var lines = [Table.Row?](repeating: nil, count: scan.namespaces.count)
            func place(_ at: Int, _ line: Table.Row, depth: Int) {
                if lines[at] != nil { return }
                let namespace = scan.namespaces[at]
                func related(_ id: UInt64?) -> Int? {
                    guard depth < 64, let id, id != namespace.id else { return nil }
                    return scan.namespaceIndex(id)
                }
                func placeFirst(_ index: Int) {
                    if lines[index] == nil {
                        place(index, project(cells(scan.namespaces[index], netnsids: netnsids)), depth: depth + 1)
                    }
                }
                var parentLine: Table.Row?
                if let ancestor = related(tree == .parent ? namespace.parent : namespace.owner) {
                    placeFirst(ancestor)
                    parentLine = lines[ancestor]
                } else if tree == .parent, let owner = related(namespace.owner) {
                    placeFirst(owner)
                }
                if let parentLine { parentLine.children.append(line) } else { table.roots.append(line) }
                made.append(line)
                lines[at] = line
            }
            for (at, line) in kept { place(at, line, depth: 0) }
        }
        // As util-linux: without the tree's column (COMMAND, or NS for -T parent|owner) there is
        // no tree to draw, and the rows come flat, in the order they were made.
        if let tree, !shown.contains(tree == .process ? .command : .ns) {
            for row in made { row.children = [] }
            table.roots = made
        }
        if table.roots.isEmpty { return }
        if let terminalWidth, command.truncate, command.format == .table { table.width = terminalWidth }
        table.render(to: write)
    }

    private func makeTable(tree: LsnsCommand.Tree?) -> Table {
        let shown = command.shownColumns
        var table = Table(columns: shown.map { column in
            Table.Column(column.name,
                         rightAligned: (column.numeric || column == .netnsid) && !(tree != nil && tree != .process && column == .ns),
                         numeric: column.numeric,
                         tree: tree == .process ? column == .command : (tree != nil && column == .ns),
                         widthHint: column.widthHint)
        }, jsonName: "namespaces")
        table.format = command.format
        table.headings = command.headings
        table.wrap = command.wrap
        table.truncatable = shown.indices.filter { shown[$0] == .command }
        return table
    }

    /// Every column's value for a namespace, by `LsnsColumn.rawValue`.
    private mutating func cells(_ namespace: ScannedNamespace, netnsids: [(id: UInt64, value: String)]) -> [String?] {
        let pid = namespace.pids.first
        let index = pid.flatMap { scan.processIndex($0) }
        let process = index.flatMap { scan.details($0) ? scan.processes[$0] : nil }
        let uid = process?.uid ?? namespace.ownerUID
        var row = [String?](repeating: nil, count: LsnsColumn.allCases.count)
        row[LsnsColumn.ns.rawValue] = String(namespace.id)
        row[LsnsColumn.type.rawValue] = namespace.kind.name
        row[LsnsColumn.path.rawValue] = namespace.path
        row[LsnsColumn.nprocs.rawValue] = String(namespace.pids.count)
        row[LsnsColumn.pid.rawValue] = pid.map { String($0) }
        row[LsnsColumn.ppid.rawValue] = process.map { String($0.ppid) }
        row[LsnsColumn.command.rawValue] = pid.flatMap { commandLine(of: $0) }
        row[LsnsColumn.uid.rawValue] = uid.map { String($0) }
        row[LsnsColumn.user.rawValue] = uid.map { userName($0) }
        if namespace.kind == .net { row[LsnsColumn.netnsid.rawValue] = netnsids.first { $0.id == namespace.id }?.value }
        row[LsnsColumn.nsfs.rawValue] = namespace.mounts.isEmpty ? nil : namespace.mounts.joined(separator: "\n")
        row[LsnsColumn.pns.rawValue] = namespace.parent.map { String($0) }
        row[LsnsColumn.ons.rawValue] = namespace.owner.map { String($0) }
        return row
    }

    static func filterValue(_ row: [String?], _ name: String) -> FilterValue {
        guard let column = LsnsColumn.named(name), let text = row[column.rawValue] else { return .none }
        if column.numeric, let number = Int64(text) { return .number(number) }
        return .string(text.split(separator: "\n").joined(separator: ","))
    }

    /// /proc/PID/cmdline with its NULs as spaces; the command name when it is empty (kernel threads).
    private mutating func commandLine(of pid: pid_t) -> String? {
        guard let at = scan.processIndex(pid) else { return nil }
        if let known = commands[at] { return known }
        guard scan.details(at) else { return nil }
        let process = scan.processes[at]
        var text = process.comm
        if case .success(var bytes) = Kernel.readFile("/proc/\(pid)/cmdline") {
            while bytes.last == 0 { bytes.removeLast() }
            if !bytes.isEmpty {
                text = String(decoding: bytes.map { $0 == 0 ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
            }
        }
        commands[at] = text
        return text
    }

    private func userName(_ uid: UInt32) -> String {
        accounts.first { $0.id == uid }?.name ?? String(uid)
    }

    /// The id our network namespace gives each network namespace (RTM_GETNSID), as lsns prints it.
    private func netnsIDs() -> [(id: UInt64, value: String)] {
        let socket = swns_netlink_route_open()
        guard socket >= 0 else { return [] }
        defer { Glibc.close(socket) }
        var result: [(UInt64, String)] = []
        for namespace in scan.namespaces where namespace.kind == .net {
            guard let path = namespace.path else { continue }
            let fd = Kernel.open(path, O_RDONLY)
            guard fd >= 0 else { continue }
            defer { Glibc.close(fd) }
            guard NamespaceFiles.inode(fd) == namespace.id else { continue }
            let id = swns_netnsid(socket, fd)
            if id >= -1 { result.append((namespace.id, id == -1 ? "unassigned" : String(id))) }
        }
        return result
    }

    /// `swlsns NS`: the processes in namespace NS, as a process tree.
    private mutating func renderProcesses(of id: UInt64, terminalWidth: Int?) throws(SwnsError) -> Table {
        guard let namespace = scan.namespace(id) else { throw SwnsError("not found namespace: \(id)") }
        var table = Table(columns: [Table.Column("PID", rightAligned: true, numeric: true,
                                                 widthHint: LsnsColumn.pid.widthHint),
                                    Table.Column("PPID", rightAligned: true, numeric: true,
                                                 widthHint: LsnsColumn.ppid.widthHint),
                                    Table.Column("USER"), Table.Column("COMMAND", tree: !command.list)],
                          jsonName: "namespaces")
        table.format = command.format
        table.headings = command.headings
        table.truncatable = [3]
        var lines: [(pid: pid_t, row: Table.Row)] = []
        for pid in namespace.pids {
            guard let at = scan.processIndex(pid), scan.details(at) else { continue }
            let process = scan.processes[at]
            let line = Table.Row([String(pid), String(process.ppid), userName(process.uid), commandLine(of: pid)])
            if !command.list, let parent = lines.first(where: { $0.pid == process.ppid }) {
                parent.row.children.append(line)
            } else {
                table.roots.append(line)
            }
            lines.append((pid, line))
        }
        if let terminalWidth, command.truncate, command.format == .table { table.width = terminalWidth }
        return table
    }

    /// `--list-columns`: each column with its type and description.
    public static func columnList(json: Bool) -> String {
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
