import Glibc

/// What swlsns prints: the scan turned into rows, filtered, arranged as a list or a tree.
public struct LsnsReport {
    let command: LsnsCommand
    var scan: NamespaceScan
    /// /etc/passwd, parsed once.
    let accounts: [AccountEntry]
    /// The command line of each process, read once (rows share their lowest PIDs), by index in
    /// `scan.processes`.
    var commands: [[UInt8]?] = []
    /// NETNSID of each network namespace, when a column needs it.
    var netnsids: [(id: UInt64, value: String)] = []
    /// NSID of each namespace by its index in `scan.namespaces` (0: none), when a column needs it.
    var nsids: [UInt64] = []

    public init(_ command: LsnsCommand) {
        self.command = command
        accounts = Accounts.entries(Kernel.readText("/etc/passwd"))
        let kinds = command.kinds.isEmpty ? NamespaceKind.all : command.kinds
        let treeNeedsAll = command.tree == .parent || command.tree == .owner
        scan = NamespaceScan(kinds: treeNeedsAll ? NamespaceKind.all : kinds)
        commands = [[UInt8]?](repeating: nil, count: scan.processes.count)
    }

    /// What the rows need: the shown columns' and those the filter reads.
    private var needs: LsnsColumn.Needs {
        let columns = command.shownColumns + (command.filter?.columns.compactMap(LsnsColumn.named) ?? [])
        return columns.reduce([]) { $0.union($1.facts.needs) }
    }

    /// Writes the report to standard output, as wide as the terminal there.
    public mutating func print() throws(SwnsError) {
        try render(terminalWidth: Kernel.terminalWidth(STDOUT_FILENO)) { StandardStreams.out($0) }
    }

    /// libsmartcols's width for a terminal: what the terminal says, else $COLUMNS, else 80 (a
    /// terminal of 0 columns); no width when the output is not a terminal.
    static func outputWidth(reported: Int?) -> Int? {
        if let reported { return reported }
        guard Kernel.isTerminal(STDOUT_FILENO) else { return nil }
        if let value = ProcessEnvironment.value("COLUMNS"), let columns: Int32 = Numbers.unsigned(value.utf8), columns > 0 {
            return Int(columns)
        }
        return 80
    }

    /// Writes the report in pieces through `write`.
    public mutating func render(terminalWidth reported: Int?, to write: ([UInt8]) -> Void) throws(SwnsError) {
        // Nothing is opened after the relations and ids are gathered, or after a failure.
        defer { scan.close() }
        let terminalWidth = Self.outputWidth(reported: reported)
        let tree = command.namespace == nil ? command.tree : (command.tree == .process ? .process : nil)
        if let id = command.namespace {
            guard let namespace = scan.namespace(id), command.kinds.isEmpty || command.kinds.contains(namespace.kind) else {
                throw SwnsError("not found namespace: \(id)")
            }
        }
        try gather(ancestors: command.namespace == nil && (tree == .parent || tree == .owner))
        var table = makeTable(tree: tree)
        if let id = command.namespace {
            table.roots = try processRows(of: id)
        } else {
            let kept = try namespaceRows()
            switch tree {
            case nil: table.roots = kept.map(\.line)
            case .process: table.roots = arrangeByProcess(kept)
            case .parent, .owner: table.roots = arrangeByRelation(kept, parents: tree == .parent)
            }
        }
        if let terminalWidth, command.truncate, command.format == .table { table.width = terminalWidth }
        table.render(to: write)
    }

    /// Relations and NETNSIDs, where the columns or the tree need them.
    private mutating func gather(ancestors: Bool) throws(SwnsError) {
        let needs = needs
        if ancestors || needs.contains(.relations) {
            if !scan.resolveRelations(ancestors: ancestors) {
                throw SwnsError("the kernel does not support the namespace ioctls (NS_GET_PARENT, NS_GET_USERNS)",
                                status: 2)
            }
        }
        if needs.contains(.netnsid) { netnsids = netnsIDs() }
        if needs.contains(.nsid) { nsids = namespaceIDs() }
        scan.close()
    }

    /// The rows: the chosen types, the task's namespaces, persistent ones, then the filter.
    private mutating func namespaceRows() throws(SwnsError) -> [(at: Int, line: Table.Row)] {
        var kept: [(at: Int, line: Table.Row)] = []
        let shown = command.shownColumns
        try forEachRow { at, _, row in kept.append((at, Self.project(row, shown))) }
        return kept
    }

    /// Each namespace that the options keep, in order: its index, its inode and every column's cell.
    private mutating func forEachRow(_ body: (Int, UInt64, [[UInt8]?]) -> Void) throws(SwnsError) {
        for at in scan.sortedIndices {
            let namespace = scan.namespaces[at]
            if !command.kinds.isEmpty && !command.kinds.contains(namespace.kind) { continue }
            if let pid = command.pid, !scan.pids(of: namespace).contains(pid) { continue }
            if command.persistentOnly && namespace.processCount > 0 { continue }
            let row = cells(namespace)
            if let filter = command.filter, try !filter.matches({ name in Self.filterValue(row, name) }) { continue }
            body(at, namespace.id, row)
        }
    }

    /// For --watch: the id (NS_GET_ID) of the namespace with inode `id`; 0 where it cannot be had.
    func identity(of id: UInt64) -> UInt64 { scan.namespace(id).map(namespaceID) ?? 0 }

    /// For --watch: the namespaces that the options keep, in order, each with every column's cell.
    mutating func keyedRows() throws(SwnsError) -> [(id: UInt64, cells: [[UInt8]?])] {
        defer { scan.close() }
        try gather(ancestors: false)
        var rows: [(id: UInt64, cells: [[UInt8]?])] = []
        try forEachRow { _, id, row in rows.append((id, row)) }
        return rows
    }

    /// The shown columns of a row of every column.
    private func project(_ row: [[UInt8]?]) -> Table.Row { Self.project(row, command.shownColumns) }

    private static func project(_ row: [[UInt8]?], _ shown: [LsnsColumn]) -> Table.Row {
        Table.Row(shown.map { row[$0.rawValue] })
    }

    /// As util-linux: a row hangs under the latest row whose process is its process's parent.
    /// Without COMMAND, the tree's column, the rows come flat.
    private mutating func arrangeByProcess(_ kept: [(at: Int, line: Table.Row)]) -> [Table.Row] {
        guard command.shownColumns.contains(.command) else { return kept.map(\.line) }
        var roots: [Table.Row] = []
        var latest = [Table.Row?](repeating: nil, count: scan.processes.count)
        for (at, line) in kept {
            let process = scan.pids(of: scan.namespaces[at]).first.flatMap { scan.processIndex($0) }
            if let process { scan.details(process) }
            let parent = process.flatMap { scan.processIndex(scan.processes[$0].ppid) }.flatMap { latest[$0] }
            if let parent { parent.children.append(line) } else { roots.append(line) }
            if let process { latest[process] = line }
        }
        return roots
    }

    /// Each row hangs under the row of its parent (or owner); those ancestors are shown too. As
    /// util-linux: in the parent tree, a namespace without a parent (every type but pid and user has
    /// none) comes after its owning user namespace's row, placed first. Without NS, the tree's
    /// column, the rows come flat, in the order they were made.
    private mutating func arrangeByRelation(_ kept: [(at: Int, line: Table.Row)], parents: Bool) -> [Table.Row] {
        var roots: [Table.Row] = []
        var made: [Table.Row] = []
        var lines = [Table.Row?](repeating: nil, count: scan.namespaces.count)
        func place(_ at: Int, _ line: Table.Row, depth: Int) {
            if lines[at] != nil { return }
            let namespace = scan.namespaces[at]
            var parentLine: Table.Row?
            if let ancestor = shownRelative(of: namespace, parents ? namespace.parent : namespace.owner, depth: depth) {
                if lines[ancestor] == nil { place(ancestor, project(cells(scan.namespaces[ancestor])), depth: depth + 1) }
                parentLine = lines[ancestor]
            } else if parents, let owner = shownRelative(of: namespace, namespace.owner, depth: depth), lines[owner] == nil {
                place(owner, project(cells(scan.namespaces[owner])), depth: depth + 1)
            }
            if let parentLine { parentLine.children.append(line) } else { roots.append(line) }
            made.append(line)
            lines[at] = line
        }
        for (at, line) in kept { place(at, line, depth: 0) }
        guard command.shownColumns.contains(.ns) else {
            for row in made { row.children = [] }
            return made
        }
        return roots
    }

    /// The index of a parent or owner to hang a row under. An ancestor of a type that -t leaves
    /// out is not shown either (util-linux 2.40 and later): the row is a root then.
    private func shownRelative(of namespace: ScannedNamespace, _ id: UInt64?, depth: Int) -> Int? {
        guard depth < 64, let id, id != namespace.id, let index = scan.namespaceIndex(id) else { return nil }
        if !command.kinds.isEmpty && !command.kinds.contains(scan.namespaces[index].kind) { return nil }
        return index
    }

    /// `swlsns NS`: the processes in namespace NS, a row each, as a process tree unless --list
    /// or --tree=parent|owner.
    private mutating func processRows(of id: UInt64) throws(SwnsError) -> [Table.Row] {
        guard let namespace = scan.namespace(id) else { return [] }
        let drawsTree = command.tree == .process && command.shownColumns.contains(.command)
        var roots: [Table.Row] = []
        var lines: [(pid: pid_t, row: Table.Row)] = []
        for pid in scan.pids(of: namespace) {
            guard let at = scan.processIndex(pid), scan.details(at) else { continue }
            let row = cells(namespace, pid: pid)
            if let filter = command.filter, try !filter.matches({ name in Self.filterValue(row, name) }) { continue }
            let line = project(row)
            if drawsTree, let parent = lines.first(where: { $0.pid == scan.processes[at].ppid }) {
                parent.row.children.append(line)
            } else {
                roots.append(line)
            }
            lines.append((pid, line))
        }
        return roots
    }

    private func makeTable(tree: LsnsCommand.Tree?) -> Table {
        let shown = command.shownColumns
        let treeColumn: LsnsColumn? = tree == nil ? nil : tree == .process ? .command : .ns
        var table = Table(columns: shown.map { column in
            Table.Column(column.name, rightAligned: column.facts.rightAligned && column != treeColumn,
                         numeric: column.numeric, tree: column == treeColumn, widthHint: column.widthHint,
                         wrapsLines: column == .nsfs && command.wrap)
        }, jsonName: "namespaces")
        table.format = command.format
        table.jsonStyle = .environment
        table.headings = command.headings
        table.utf8 = OutputLocale.isUTF8()
        table.truncatable = shown.indices.filter { shown[$0] == .command }
        return table
    }
}
