import Glibc

/// util-linux's libsmartcols output, for the tools that print tables: aligned columns, a tree in one
/// column, raw output with escaped cells, and JSON. Cells are bytes, as the kernel gives them: a
/// command line need not be UTF-8, and no output turns a byte into U+FFFD.
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
        /// A newline in a cell starts another line of it (SCOLS_FL_WRAPNL, lsns's NSFS); in other
        /// columns it is escaped like any control character.
        public var wrapsLines = false

        public init(_ name: String, rightAligned: Bool = false, numeric: Bool = false, tree: Bool = false,
                    widthHint: Int = 0, wrapsLines: Bool = false) {
            self.name = name
            self.rightAligned = rightAligned
            self.numeric = numeric
            self.tree = tree
            self.widthHint = widthHint
            self.wrapsLines = wrapsLines
        }
    }

    public final class Row {
        /// One value per column, nil for empty (JSON null), held as the strings that stand for
        /// the bytes (see CStrings): a short cell fits in its String without an allocation of
        /// its own, which a byte array per cell would need (thousands of rows for swlsns).
        private var values: [String?]
        public var children: [Row] = []

        public init(_ cells: [[UInt8]?]) { values = cells.map { $0.map { CStrings.string($0) } } }
        public init(_ cells: [String?]) { values = cells }

        /// The bytes of the cell in column `index`.
        public func cell(_ index: Int) -> [UInt8]? { values[index].map { CStrings.bytes($0) } }
    }

    public enum Format: Sendable { case table, raw, json }

    public var columns: [Column]
    public var roots: [Row] = []
    public var headings = true
    public var format: Format = .table
    /// The locale's character set is UTF-8: the tree is drawn with box-drawing characters and
    /// printable multibyte characters are shown as they are. Otherwise (LC_ALL=C), as libsmartcols:
    /// the tree in ASCII and every byte outside ASCII as \xNN.
    public var utf8 = true
    /// The top-level JSON key (`namespaces`).
    public var jsonName: String
    /// When set, the widest truncatable column is cut so that lines fit (a terminal's width).
    public var width: Int?
    public var truncatable: [Int] = []

    public init(columns: [Column], jsonName: String) {
        self.columns = columns
        self.jsonName = jsonName
    }

    /// The whole output as bytes (tests, small tables).
    public func renderBytes() -> [UInt8] {
        var bytes: [UInt8] = []
        render { bytes += $0 }
        return bytes
    }

    /// The whole output as text (tests of tables whose cells are UTF-8).
    public func render() -> String { String(decoding: renderBytes(), as: UTF8.self) }

    /// The output in pieces of about 64 KiB, so that a table of thousands of rows is never held whole.
    public func render(to write: ([UInt8]) -> Void) {
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
        let write: ([UInt8]) -> Void
        var buffer: [UInt8] = []

        mutating func append(_ bytes: some Sequence<UInt8>) {
            buffer.append(contentsOf: bytes)
            if buffer.count >= 65536 { flush() }
        }

        static func += (sink: inout Sink, text: String) { sink.append(text.utf8) }

        mutating func flush() {
            if !buffer.isEmpty { write(buffer) }
            buffer = []
        }
    }

    // MARK: table and raw

    /// libsmartcols's tree symbols for the locale.
    private var symbols: (branch: String, right: String, vertical: String) {
        utf8 ? ("├─", "└─", "│ ") : ("|-", "`-", "| ")
    }

    /// Rows in display order, with the tree's art in front of the row's own line and of the lines
    /// that continue it (a cell of several lines): the ancestors' verticals, and a vertical
    /// for the row's own children.
    private func flattened() -> [(row: Row, prefix: String, continuation: String)] {
        var result: [(Row, String, String)] = []
        let symbols = symbols
        func visit(_ rows: [Row], indent: String, top: Bool) {
            for (index, row) in rows.enumerated() {
                let last = index == rows.count - 1
                let below = top ? "" : indent + (last ? "  " : symbols.vertical)
                result.append((row, top ? "" : indent + (last ? symbols.right : symbols.branch),
                               below + (row.children.isEmpty ? "" : symbols.vertical)))
                visit(row.children, indent: below, top: false)
            }
        }
        visit(roots, indent: "", top: true)
        return result
    }

    /// One line of a cell as it is shown, and its width in terminal columns.
    struct Shown {
        var bytes: [UInt8]
        var width: Int
    }

    private func renderLines(into output: inout Sink) {
        let rows = flattened()
        if rows.isEmpty { return }
        if format == .raw {
            if headings { output += columns.map { Self.rawEscaped(Array($0.name.utf8)) }.joined(separator: " ") + "\n" }
            for entry in rows {
                let cells = columns.indices.map { index in
                    let value = entry.row.cell(index) ?? []
                    return Self.rawEscaped(columns[index].tree ? Array(entry.prefix.utf8) + value : value)
                }
                output += cells.joined(separator: " ") + "\n"
            }
            return
        }

        // A cell as lines of shown text, the tree's art in front of the tree column. Made twice,
        // for the widths and for the output, rather than held for every row at once: a table of
        // thousands of rows would otherwise hold an array for each line of each cell.
        func shown(_ entry: (row: Row, prefix: String, continuation: String), _ index: Int) -> [Shown] {
            let value = entry.row.cell(index) ?? []
            let lines = columns[index].wrapsLines
                ? value.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
                : [value]
            return lines.enumerated().map { number, line in
                var shown = Shown(bytes: [], width: 0)
                if columns[index].tree && number == 0 {
                    shown.bytes = Array(entry.prefix.utf8)
                    shown.width = entry.prefix.unicodeScalars.count
                }
                shown.width += Self.encode(line, utf8: utf8, into: &shown.bytes)
                return shown
            }
        }
        var widths = columns.map { _ in 0 }
        for entry in rows {
            for index in columns.indices {
                for line in shown(entry, index) { widths[index] = max(widths[index], line.width) }
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

        // As libsmartcols: every cell but the last is padded to its width and followed by a
        // space; the last is padded only when it is right-aligned.
        var line: [UInt8] = []
        func append(_ shown: Shown, _ index: Int) {
            var shown = shown
            if shown.width > widths[index] { shown = Self.cut(shown.bytes, to: widths[index], utf8: utf8) }
            let padding = [UInt8](repeating: UInt8(ascii: " "), count: widths[index] - shown.width)
            let last = index == columns.count - 1
            if columns[index].rightAligned {
                // An empty last cell is left out, right-aligned or not, as libsmartcols does.
                if !(last && shown.bytes.isEmpty) { line += padding + shown.bytes }
            } else {
                line += shown.bytes
                if !last { line += padding }
            }
            if !last { line.append(UInt8(ascii: " ")) }
        }
        func finish() {
            line.append(UInt8(ascii: "\n"))
            output.append(line)
            line.removeAll(keepingCapacity: true)
        }
        if headings {
            for (index, column) in columns.enumerated() {
                append(Shown(bytes: Array(column.name.utf8), width: column.name.count), index)
            }
            finish()
        }
        for entry in rows {
            let row = columns.indices.map { shown(entry, $0) }
            for index in columns.indices { append(row[index][0], index) }
            finish()
            let count = row.map(\.count).max() ?? 1
            guard count > 1 else { continue }
            for number in 1..<count {
                for index in columns.indices {
                    if number < row[index].count {
                        append(row[index][number], index)
                    } else if index == columns.count - 1 && !columns[index].tree {
                        // libsmartcols leaves the last column of a continuing line empty, unpadded.
                        continue
                    } else if columns[index].tree {
                        append(Shown(bytes: Array(entry.continuation.utf8),
                                     width: entry.continuation.unicodeScalars.count), index)
                    } else {
                        append(Shown(bytes: [], width: 0), index)
                    }
                }
                finish()
            }
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

    // MARK: JSON

    private func renderJSON(into output: inout Sink) {
        output += "{\n   \"\(jsonName)\": ["
        func emit(_ rows: [Row], depth: Int) {
            let indent = String(repeating: "   ", count: depth)
            for (rowIndex, row) in rows.enumerated() {
                output += rowIndex == 0 ? "\n\(indent){\n" : "{\n"
                for (index, column) in columns.enumerated() {
                    output += "\(indent)   "
                    output.append(Self.jsonString(Array(column.name.lowercased().utf8)))
                    output += ": "
                    if let cell = row.cell(index) {
                        if column.numeric { output.append(cell) } else { output.append(Self.jsonString(cell)) }
                    } else {
                        output += "null"
                    }
                    output += index < columns.count - 1 || !row.children.isEmpty ? ",\n" : "\n"
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
        // libsmartcols's layout for no rows has an empty line between the brackets.
        output += roots.isEmpty ? "\n\n   ]\n}\n" : "\n   ]\n}\n"
    }

    /// libsmartcols's JSON strings: quote and backslash escaped, the control characters below
    /// 0x20 as \b \f \n \r \t or \u00XX; every other byte (DEL, bytes that are not UTF-8) as it is.
    static func jsonString(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = [UInt8(ascii: "\"")]
        result.reserveCapacity(bytes.count + 2)
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): result += [UInt8(ascii: "\\"), byte]
            case 0x08: result += Array("\\b".utf8)
            case 0x0c: result += Array("\\f".utf8)
            case 0x0a: result += Array("\\n".utf8)
            case 0x0d: result += Array("\\r".utf8)
            case 0x09: result += Array("\\t".utf8)
            case 0..<0x20: result += Array(("\\u00" + hex(byte)).utf8)
            default: result.append(byte)
            }
        }
        result.append(UInt8(ascii: "\""))
        return result
    }

    static func jsonString(_ text: String) -> String { String(decoding: jsonString(Array(text.utf8)), as: UTF8.self) }
}

// MARK: characters as libsmartcols shows them

extension Table {
    /// Whether the locale's character set is UTF-8, decided as util-linux's setlocale(LC_ALL, "")
    /// leaves it: LC_ALL names every category's locale, else LC_<category>, else LANG; when one
    /// of them is not installed, setlocale fails as a whole and the locale stays C (ASCII). C,
    /// POSIX and C.UTF-8 are known without asking, so only other names cost a setlocale call
    /// (about 0.1 ms: it loads the locales, and tells whether they exist).
    public static func localeIsUTF8() -> Bool {
        func variable(_ name: String) -> String? {
            guard let value = getenv(name), value.pointee != 0 else { return nil }
            return String(cString: value)
        }
        let categories = ["LC_CTYPE", "LC_NUMERIC", "LC_TIME", "LC_COLLATE", "LC_MONETARY", "LC_MESSAGES",
                          "LC_PAPER", "LC_NAME", "LC_ADDRESS", "LC_TELEPHONE", "LC_MEASUREMENT", "LC_IDENTIFICATION"]
        let names = variable("LC_ALL").map { [$0] } ?? categories.map { variable($0) ?? variable("LANG") ?? "" }
        // An array, not a Set: hashing strings would page in the standard library's Unicode
        // normalization, a good part of swlsns's peak memory.
        let builtIn = ["", "C", "POSIX", "C.UTF-8", "C.utf8"]
        if names.allSatisfy({ name in builtIn.contains { $0 == name } }) {
            return names[0] == "C.UTF-8" || names[0] == "C.utf8"
        }
        guard setlocale(LC_ALL, "") != nil, let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
        return String(cString: codeset) == "UTF-8"
    }

    /// The character's width in terminal columns, as glibc's wcwidth gives it in a UTF-8 locale,
    /// or nil when it is not printable (iswprint): control characters (C0 and C1), line and
    /// paragraph separators, unassigned code points. Worked out here rather than asked of the C
    /// library: the static binaries cannot look up wcwidth, and a UTF-8 locale would have to be
    /// loaded for it.
    static func columns(of value: UInt32) -> Int? {
        guard let scalar = Unicode.Scalar(value) else { return nil }
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator, .unassigned, .surrogate: return nil
        case .nonspacingMark, .enclosingMark, .format: return value == 0xAD ? 1 : 0
        default: break
        }
        // Hangul jamo vowels and final consonants join the syllable before them.
        if (0x1160...0x11FF).contains(value) || (0xD7B0...0xD7FF).contains(value) { return 0 }
        if scalar.properties.isEmojiPresentation { return 2 }
        return wideRanges.contains { $0.contains(value) } ? 2 : 1
    }

    /// East Asian Wide and Fullwidth characters (Unicode's EastAsianWidth W and F), by block.
    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF,
        0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3,
        0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
        0x16FE0...0x16FE4, 0x17000...0x18CFF, 0x1AFF0...0x1B2FF, 0x1F200...0x1F2FF,
        0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]

    /// Appends a cell's bytes as libsmartcols shows them (mbs_safe_encode): control characters, a
    /// backslash before 'x', bytes that are not a printable character of the locale as \xNN.
    /// Returns the width in terminal columns.
    static func encode(_ bytes: [UInt8], utf8: Bool, into result: inout [UInt8]) -> Int {
        var width = 0
        var at = 0
        func escape(_ byte: UInt8) {
            result += [UInt8(ascii: "\\"), UInt8(ascii: "x")] + Array(hex(byte).utf8)
            width += 4
        }
        while at < bytes.count {
            let byte = bytes[at]
            if byte < 0x20 || byte == 0x7f
                || (byte == UInt8(ascii: "\\") && at + 1 < bytes.count && bytes[at + 1] == UInt8(ascii: "x")) {
                escape(byte)
                at += 1
            } else if byte < 0x80 {
                result.append(byte)
                width += 1
                at += 1
            } else if utf8, let (value, length) = CStrings.scalar(bytes, at: at) {
                if let columns = columns(of: value) {
                    result += bytes[at..<(at + length)]
                    width += columns
                } else {
                    for offset in 0..<length { escape(bytes[at + offset]) }
                }
                at += length
            } else {
                escape(byte)
                at += 1
            }
        }
        return width
    }

    /// Shown text (printable only, from `encode`) cut to `limit` terminal columns.
    static func cut(_ bytes: [UInt8], to limit: Int, utf8: Bool) -> Shown {
        var width = 0
        var at = 0
        while at < bytes.count {
            var length = 1, columns = 1
            if utf8, bytes[at] >= 0x80, let (value, size) = CStrings.scalar(bytes, at: at) {
                length = size
                columns = Self.columns(of: value) ?? 1
            }
            if width + columns > limit { break }
            width += columns
            at += length
        }
        return Shown(bytes: Array(bytes[..<at]), width: width)
    }
}
