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
    private var commands: [[UInt8]?] = []

    public init(_ command: LsnsCommand) {
        self.command = command
        accounts = Accounts.entries(Kernel.readText("/etc/passwd"))
        let kinds = command.kinds.isEmpty ? NamespaceKind.all : command.kinds
        let treeNeedsAll = command.tree == .parent || command.tree == .owner
        scan = NamespaceScan(kinds: treeNeedsAll ? NamespaceKind.all : kinds)
        commands = [[UInt8]?](repeating: nil, count: scan.processes.count)
    }

    /// The columns the rows need: shown ones and those the filter reads.
    private var neededColumns: [LsnsColumn] {
        command.shownColumns + (command.filter?.columns.compactMap(LsnsColumn.named) ?? [])
    }

    public mutating func render(terminalWidth: Int?) throws(SwnsError) -> [UInt8] {
        var bytes: [UInt8] = []
        try render(terminalWidth: terminalWidth) { bytes += $0 }
        return bytes
    }

    /// libsmartcols's width for a terminal: what the terminal says, else $COLUMNS, else 80 (a
    /// terminal of 0 columns); no width when the output is not a terminal.
    static func outputWidth(reported: Int?) -> Int? {
        if let reported { return reported }
        guard isatty(STDOUT_FILENO) != 0 else { return nil }
        if let value = getenv("COLUMNS"), case .value(false, let columns) = CNumber.parse(Array(String(cString: value).utf8)),
           columns > 0, columns <= UInt64(Int32.max) {
            return Int(columns)
        }
        return 80
    }

    /// Writes the report in pieces through `write`.
    public mutating func render(terminalWidth reported: Int?, to write: ([UInt8]) -> Void) throws(SwnsError) {
        let terminalWidth = Self.outputWidth(reported: reported)
        if let id = command.namespace { return try renderProcesses(of: id, terminalWidth: terminalWidth).render(to: write) }

        let needed = neededColumns
        let tree = command.tree
        let ancestors = tree == .parent || tree == .owner
        if ancestors || needed.contains(.pns) || needed.contains(.ons) {
            if !scan.resolveRelations(ancestors: ancestors) {
                throw SwnsError("the kernel does not support the namespace ioctls (NS_GET_PARENT, NS_GET_USERNS)",
                                status: 2)
            }
        }
        let netnsids = needed.contains(.netnsid) ? netnsIDs() : []

        // The rows: the chosen types, the task's namespaces, persistent ones, then the filter.
        var table = makeTable(tree: tree)
        let shown = command.shownColumns
        func project(_ row: [[UInt8]?]) -> Table.Row { Table.Row(shown.map { row[$0.rawValue] }) }
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
                // An ancestor of a type that -t leaves out is not shown either (util-linux 2.40
                // and later): the row is a root then.
                func related(_ id: UInt64?) -> Int? {
                    guard depth < 64, let id, id != namespace.id, let index = scan.namespaceIndex(id) else { return nil }
                    if !command.kinds.isEmpty && !command.kinds.contains(scan.namespaces[index].kind) { return nil }
                    return index
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
                         widthHint: column.widthHint, wrapsLines: column == .nsfs && command.wrap)
        }, jsonName: "namespaces")
        table.format = command.format
        table.headings = command.headings
        table.utf8 = Table.localeIsUTF8()
        table.truncatable = shown.indices.filter { shown[$0] == .command }
        return table
    }

    /// Every column's value for a namespace, by `LsnsColumn.rawValue`; `pid`: the process whose
    /// values are shown (the lowest PID, or each process for the namespace operand).
    private mutating func cells(_ namespace: ScannedNamespace, netnsids: [(id: UInt64, value: String)],
                                pid chosen: pid_t? = nil) -> [[UInt8]?] {
        let pid = chosen ?? namespace.pids.first
        let index = pid.flatMap { scan.processIndex($0) }
        let process = index.flatMap { scan.details($0) ? scan.processes[$0] : nil }
        let uid = process?.uid ?? namespace.ownerUID
        var row = [[UInt8]?](repeating: nil, count: LsnsColumn.allCases.count)
        func set(_ column: LsnsColumn, _ text: String?) { row[column.rawValue] = text.map { Array($0.utf8) } }
        set(.ns, String(namespace.id))
        set(.type, namespace.kind.name)
        // As util-linux: PATH and NETNSID come from a process in the namespace, and are empty
        // without one (NSFS names the bind mounts).
        set(.path, pid.map { "/proc/\($0)/ns/\(namespace.kind.procEntry)" })
        set(.nprocs, String(namespace.pids.count))
        set(.pid, pid.map { String($0) })
        set(.ppid, process.map { String($0.ppid) })
        row[LsnsColumn.command.rawValue] = pid.flatMap { commandLine(of: $0) }
        set(.uid, uid.map { String($0) })
        set(.user, uid.map { userName($0) })
        if namespace.kind == .net, pid != nil { set(.netnsid, netnsids.first { $0.id == namespace.id }?.value) }
        // As util-linux: one mount point a line, or after a comma with --nowrap (and --raw).
        let separator = UInt8(ascii: command.wrap ? "\n" : ",")
        row[LsnsColumn.nsfs.rawValue] = namespace.mounts.isEmpty ? nil : Array(namespace.mounts.joined(separator: [separator]))
        set(.pns, namespace.parent.map { String($0) })
        set(.ons, namespace.owner.map { String($0) })
        return row
    }

    static func filterValue(_ row: [[UInt8]?], _ name: String) -> FilterValue {
        guard let column = LsnsColumn.named(name), let bytes = row[column.rawValue] else { return .none }
        let text = String(decoding: bytes, as: UTF8.self)
        if column.numeric, let number = Int64(text) { return .number(number) }
        return .string(text)
    }

    /// /proc/PID/cmdline with its NULs as spaces, less the last one (as util-linux: empty
    /// arguments at the end keep their spaces); the command name when it is empty (kernel threads).
    private mutating func commandLine(of pid: pid_t) -> [UInt8]? {
        guard let at = scan.processIndex(pid) else { return nil }
        if let known = commands[at] { return known }
        guard scan.details(at) else { return nil }
        let process = scan.processes[at]
        var text = process.comm
        if case .success(var bytes) = Kernel.readFile("/proc/\(pid)/cmdline") {
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
    private func netnsIDs() -> [(id: UInt64, value: String)] {
        let socket = swns_netlink_route_open()
        guard socket >= 0 else { return [] }
        defer { Glibc.close(socket) }
        var result: [(UInt64, String)] = []
        for namespace in scan.namespaces where namespace.kind == .net {
            guard let path = namespace.path else { continue }
            let fd = NamespaceScan.open(path)
            guard fd >= 0 else { continue }
            defer { Glibc.close(fd) }
            guard NamespaceFiles.inode(fd) == namespace.id else { continue }
            let id = swns_netnsid(socket, fd)
            if id >= -1 { result.append((namespace.id, id == -1 ? "unassigned" : String(id))) }
        }
        return result
    }

    /// `swlsns NS`: the processes in namespace NS, a row each, as a process tree unless --list
    /// or --tree=parent|owner.
    private mutating func renderProcesses(of id: UInt64, terminalWidth: Int?) throws(SwnsError) -> Table {
        guard let namespace = scan.namespace(id),
              command.kinds.isEmpty || command.kinds.contains(namespace.kind) else {
            throw SwnsError("not found namespace: \(id)")
        }
        let needed = neededColumns
        if needed.contains(.pns) || needed.contains(.ons) {
            if !scan.resolveRelations(ancestors: false) {
                throw SwnsError("the kernel does not support the namespace ioctls (NS_GET_PARENT, NS_GET_USERNS)",
                                status: 2)
            }
        }
        let netnsids = needed.contains(.netnsid) ? netnsIDs() : []
        let namespaceNow = scan.namespace(id) ?? namespace
        let shown = command.shownColumns
        var table = makeTable(tree: command.tree == .process ? .process : nil)
        let drawsTree = command.tree == .process && shown.contains(.command)
        var lines: [(pid: pid_t, row: Table.Row)] = []
        for pid in namespaceNow.pids {
            guard let at = scan.processIndex(pid), scan.details(at) else { continue }
            let process = scan.processes[at]
            let row = cells(namespaceNow, netnsids: netnsids, pid: pid)
            if let filter = command.filter, !filter.matches({ name in Self.filterValue(row, name) }) { continue }
            let line = Table.Row(shown.map { row[$0.rawValue] })
            if drawsTree, let parent = lines.first(where: { $0.pid == process.ppid }) {
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
    public static func columnList(json: Bool, raw: Bool = false) -> String {
        if raw {
            return LsnsColumn.allCases.map { column in
                [column.name, column.numeric ? "<integer>" : "<string>", column.help]
                    .map { Table.rawEscaped(Array($0.utf8)) }.joined(separator: " ") + "\n"
            }.joined()
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
