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
}
