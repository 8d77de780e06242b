/// libsmartcols's table and raw output: aligned columns with a tree in one column, or cells
/// separated by one space, escaped.
extension Table {
    /// libsmartcols's tree symbols for the locale.
    private var symbols: (branch: String, right: String, vertical: String) {
        utf8 ? ("├─", "└─", "│ ") : ("|-", "`-", "| ")
    }

    /// A row in display order, with the tree's art in front of the row's own line and of the lines
    /// that continue it (a cell of several lines): the ancestors' verticals, and a vertical for the
    /// row's own children.
    struct Placed {
        var row: Row
        var prefix: String
        var continuation: String
    }

    /// Each row in display order, walked anew for each pass rather than held in a list beside the
    /// rows (thousands of them for swlsns).
    private func forEachPlaced(_ body: (Placed) -> Void) {
        let symbols = symbols
        func visit(_ rows: [Row], indent: String, top: Bool) {
            for (index, row) in rows.enumerated() {
                let last = index == rows.count - 1
                let below = top ? "" : indent + (last ? "  " : symbols.vertical)
                body(Placed(row: row, prefix: top ? "" : indent + (last ? symbols.right : symbols.branch),
                            continuation: below + (row.children.isEmpty ? "" : symbols.vertical)))
                visit(row.children, indent: below, top: false)
            }
        }
        visit(roots, indent: "", top: true)
    }

    /// One line of a cell as it is shown, and its width in terminal columns.
    struct Shown {
        var bytes: [UInt8]
        var width: Int

        init(bytes: [UInt8], width: Int) {
            self.bytes = bytes
            self.width = width
        }

        /// Text that is its own width (headings, the tree's art).
        init(_ text: String) {
            bytes = Array(text.utf8)
            width = text.unicodeScalars.count
        }
    }

    func renderLines(into output: inout Sink) {
        if roots.isEmpty { return }
        if format == .raw { return renderRaw(into: &output) }
        var line = Line(widths: widths(), table: self)
        if headings {
            for (index, column) in columns.enumerated() { line.append(Shown(column.name), index) }
            line.finish(into: &output)
        }
        forEachPlaced { entry in renderRow(entry, line: &line, into: &output) }
    }

    private func renderRaw(into output: inout Sink) {
        if headings { output += columns.map { Self.rawEscaped(Array($0.name.utf8)) }.joined(separator: " ") + "\n" }
        forEachPlaced { entry in
            let cells = columns.indices.map { index in
                let value = entry.row.cell(index) ?? []
                return Self.rawEscaped(columns[index].tree ? Array(entry.prefix.utf8) + value : value)
            }
            output += cells.joined(separator: " ") + "\n"
        }
    }

    /// A cell as lines of shown text, the tree's art in front of the tree column. Made twice, for
    /// the widths and for the output, rather than held for every row at once: a table of thousands
    /// of rows would otherwise hold an array for each line of each cell.
    private func shown(_ entry: Placed, _ index: Int) -> [Shown] {
        let value = entry.row.cell(index) ?? []
        let lines = columns[index].wrapsLines
            ? value.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
            : [value]
        return lines.enumerated().map { number, line in
            var shown = columns[index].tree && number == 0 ? Shown(entry.prefix) : Shown(bytes: [], width: 0)
            shown.width += Self.encode(line, utf8: utf8, into: &shown.bytes)
            return shown
        }
    }

    /// Each column's width, as libsmartcols has it: the widest cell, at least the heading's width
    /// (also without headings), and the hint for a column whose cells fill the heading but not the
    /// hint; then the widest truncatable column narrowed to fit the terminal.
    private func widths() -> [Int] {
        var widths = columns.map { _ in 0 }
        forEachPlaced { entry in
            for index in columns.indices {
                for line in shown(entry, index) { widths[index] = max(widths[index], line.width) }
            }
        }
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
        return widths
    }

    /// A row's first line, then the lines that continue its cells of several lines.
    private func renderRow(_ entry: Placed, line: inout Line, into output: inout Sink) {
        let row = columns.indices.map { shown(entry, $0) }
        for index in columns.indices { line.append(row[index][0], index) }
        line.finish(into: &output)
        let count = row.map(\.count).max() ?? 1
        guard count > 1 else { return }
        for number in 1..<count {
            for index in columns.indices {
                if number < row[index].count {
                    line.append(row[index][number], index)
                } else if index == columns.count - 1 && !columns[index].tree {
                    // libsmartcols leaves the last column of a continuing line empty, unpadded.
                    continue
                } else if columns[index].tree {
                    line.append(Shown(entry.continuation), index)
                } else {
                    line.append(Shown(bytes: [], width: 0), index)
                }
            }
            line.finish(into: &output)
        }
    }

    /// One output line being laid out. As libsmartcols: every cell but the last is padded to its
    /// width and followed by a space; the last is padded only when it is right-aligned.
    struct Line {
        let widths: [Int]
        let table: Table
        var bytes: [UInt8] = []

        mutating func append(_ shown: Shown, _ index: Int) {
            var shown = shown
            if shown.width > widths[index] { shown = Table.cut(shown.bytes, to: widths[index], utf8: table.utf8) }
            let padding = [UInt8](repeating: UInt8(ascii: " "), count: widths[index] - shown.width)
            let last = index == table.columns.count - 1
            if table.columns[index].rightAligned {
                // An empty last cell is left out, right-aligned or not, as libsmartcols does.
                if !(last && shown.bytes.isEmpty) { bytes += padding + shown.bytes }
            } else {
                bytes += shown.bytes
                if !last { bytes += padding }
            }
            if !last { bytes.append(UInt8(ascii: " ")) }
        }

        mutating func finish(into output: inout Sink) {
            bytes.append(UInt8(ascii: "\n"))
            output.append(bytes)
            bytes.removeAll(keepingCapacity: true)
        }
    }

    /// libsmartcols' raw cells: blanks, backslashes and bytes outside printable ASCII as \xNN.
    static func rawEscaped(_ bytes: [UInt8]) -> String {
        var result = ""
        for byte in bytes {
            if byte > 0x20 && byte < 0x7f && byte != 0x5c {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                result += "\\x" + hex(byte)
            }
        }
        return result
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
    }
}
