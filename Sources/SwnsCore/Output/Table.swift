/// util-linux's libsmartcols output, for the tools that print tables: aligned columns, a tree in one
/// column, raw output with escaped cells, and JSON.
public struct Table {
    public struct Column {
        public var name: String
        public var rightAligned = false
        /// JSON writes the cells of this column as numbers.
        public var numeric = false
        /// The column that draws the tree (lsns: COMMAND for the process tree, NS for the others).
        public var tree = false
        /// libsmartcols's absolute width hint: a column whose cells are at least as wide as its
        /// heading, but narrower than the hint, is widened to the hint.
        public var widthHint = 0

        public init(_ name: String, rightAligned: Bool = false, numeric: Bool = false, tree: Bool = false,
                    widthHint: Int = 0) {
            self.name = name
            self.rightAligned = rightAligned
            self.numeric = numeric
            self.tree = tree
            self.widthHint = widthHint
        }
    }

    public final class Row {
        /// One value per column; nil is empty (JSON null). A value may hold several lines (NSFS).
        public var cells: [String?]
        public var children: [Row] = []

        public init(_ cells: [String?]) { self.cells = cells }
    }

    public enum Format: Sendable { case table, raw, json }

    public var columns: [Column]
    public var roots: [Row] = []
    public var headings = true
    public var format: Format = .table
    /// Several values in a cell: one per line (the default) or joined with "," (`--nowrap`).
    public var wrap = true
    /// The top-level JSON key (`namespaces`).
    public var jsonName: String
    /// When set, the widest truncatable column is cut so that lines fit (a terminal's width).
    public var width: Int?
    public var truncatable: [Int] = []

    public init(columns: [Column], jsonName: String) {
        self.columns = columns
        self.jsonName = jsonName
    }

    /// The whole output as one string (tests, small tables).
    public func render() -> String {
        var text = ""
        render { text += $0 }
        return text
    }

    /// The output in pieces of about 64 KiB, so that a table of thousands of rows is never held whole.
    public func render(to write: (String) -> Void) {
        withoutActuallyEscaping(write) { write in
            var sink = Sink(write: write)
            switch format {
            case .json: renderJSON(into: &sink)
            case .raw, .table: renderLines(into: &sink)
            }
            sink.flush()
        }
    }

    struct Sink {
        let write: (String) -> Void
        var buffer = ""

        static func += (sink: inout Sink, text: String) {
            sink.buffer += text
            if sink.buffer.utf8.count >= 65536 { sink.flush() }
        }

        mutating func flush() {
            if !buffer.isEmpty { write(buffer) }
            buffer = ""
        }
    }

    // MARK: table and raw

    /// Rows in display order with the tree prefix of each.
    private func flattened() -> [(row: Row, prefix: String)] {
        var result: [(Row, String)] = []
        func visit(_ rows: [Row], indent: String, top: Bool) {
            for (index, row) in rows.enumerated() {
                let last = index == rows.count - 1
                result.append((row, top ? "" : indent + (last ? "└─" : "├─")))
                visit(row.children, indent: top ? "" : indent + (last ? "  " : "│ "), top: false)
            }
        }
        visit(roots, indent: "", top: true)
        return result
    }

    private func text(_ cell: String?, joinWith separator: String) -> String {
        guard let cell else { return "" }
        return wrap && format == .table ? cell : cell.split(separator: "\n", omittingEmptySubsequences: false)
            .joined(separator: separator)
    }

    private func renderLines(into output: inout Sink) {
        let rows = flattened()
        // Each row's cells as text, the tree prefix in front of the tree column; a cell of several
        // lines keeps its newlines until the output.
        let cells: [[String]] = rows.map { entry in
            columns.indices.map { index in
                let value = text(entry.row.cells[index], joinWith: ",")
                return columns[index].tree ? entry.prefix + value : value
            }
        }
        if format == .raw {
            if headings { output += columns.map { Self.rawEscaped($0.name) }.joined(separator: " ") + "\n" }
            for row in cells {
                output += row.map { Self.rawEscaped($0.replacing("\n", with: ",")) }.joined(separator: " ") + "\n"
            }
            return
        }

        var widths = columns.map { _ in 0 }
        for row in cells {
            for (index, value) in row.enumerated() {
                if value.contains("\n") {
                    for line in value.split(separator: "\n") { widths[index] = max(widths[index], line.count) }
                } else {
                    widths[index] = max(widths[index], value.count)
                }
            }
        }
        // As libsmartcols: at least the heading's width (also without headings), and the hint for
        // a column whose cells fill the heading but not the hint.
        for (index, column) in columns.enumerated() {
            let heading = column.name.count
            if widths[index] < heading {
                widths[index] = heading
            } else if widths[index] < column.widthHint && heading < column.widthHint {
                widths[index] = column.widthHint
            }
        }
        if let width, let cut = truncatable.max(by: { widths[$0] < widths[$1] }) {
            let total = widths.reduce(0, +) + widths.count - 1
            if total > width { widths[cut] = max(columns[cut].name.count, widths[cut] - (total - width)) }
        }

        func append(_ values: [String]) {
            var line = ""
            for (index, value) in values.enumerated() {
                let last = index == values.count - 1
                let count = value.count
                let cell = count > widths[index] ? String(value.prefix(widths[index])) : value
                let padding = max(0, widths[index] - min(count, widths[index]))
                if index > 0 { line += " " }
                if columns[index].rightAligned {
                    line += String(repeating: " ", count: padding) + cell
                } else {
                    line += cell
                    if !last { line += String(repeating: " ", count: padding) }
                }
            }
            while line.last == " " { line.removeLast() }
            output += line + "\n"
        }
        if headings { append(columns.map(\.name)) }
        for row in cells {
            guard row.contains(where: { $0.contains("\n") }) else {
                append(row)
                continue
            }
            let split = row.map { $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
            for number in 0..<(split.map(\.count).max() ?? 1) {
                append(split.map { number < $0.count ? $0[number] : "" })
            }
        }
    }

    /// libsmartcols' raw cells: blanks, backslashes and bytes outside printable ASCII as \xNN.
    static func rawEscaped(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            if byte > 0x20 && byte < 0x7f && byte != 0x5c {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                result += "\\x" + hex(byte)
            }
        }
        return result
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
    }

    // MARK: JSON

    private func renderJSON(into output: inout Sink) {
        output += "{\n   \"\(jsonName)\": ["
        func emit(_ rows: [Row], depth: Int) {
            let indent = String(repeating: "   ", count: depth)
            for (rowIndex, row) in rows.enumerated() {
                output += rowIndex == 0 ? "\n\(indent){\n" : "{\n"
                for (index, column) in columns.enumerated() {
                    let key = Self.jsonString(column.name.lowercased())
                    var value = "null"
                    if let cell = row.cells[index] {
                        let text = cell.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: ",")
                        value = column.numeric ? text : Self.jsonString(text)
                    }
                    let more = index < columns.count - 1 || !row.children.isEmpty
                    output += "\(indent)   \(key): \(value)\(more ? "," : "")\n"
                }
                if !row.children.isEmpty {
                    output += "\(indent)   \"children\": ["
                    emit(row.children, depth: depth + 2)
                    output += "\n\(indent)   ]\n"
                }
                output += "\(indent)}" + (rowIndex < rows.count - 1 ? "," : "")
            }
        }
        emit(roots, depth: 2)
        output += roots.isEmpty ? "]\n}\n" : "\n   ]\n}\n"
    }

    static func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f {
                    result += "\\u00" + hex(UInt8(scalar.value))
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
