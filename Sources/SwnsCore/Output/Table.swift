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
        /// The cells one after another in one array, the row's only allocation (swlsns makes
        /// thousands of rows): each a length, as a LEB128 number of the byte count plus one (0:
        /// no value, JSON null), then its bytes.
        private let storage: [UInt8]
        public var children: [Row] = []

        public init(_ cells: [[UInt8]?]) {
            var size = 0
            for cell in cells { size += Self.lengthSize(cell.map { $0.count + 1 } ?? 0) + (cell?.count ?? 0) }
            var storage: [UInt8] = []
            storage.reserveCapacity(size)
            for cell in cells {
                var length = cell.map { $0.count + 1 } ?? 0
                repeat {
                    storage.append(UInt8(length & 0x7f) | (length > 0x7f ? 0x80 : 0))
                    length >>= 7
                } while length > 0
                if let cell { storage.append(contentsOf: cell) }
            }
            self.storage = storage
        }

        public convenience init(_ cells: [String?]) { self.init(cells.map { $0.map { CStrings.bytes($0) } }) }

        /// The bytes of the cell in column `index`.
        public func cell(_ index: Int) -> [UInt8]? {
            var offset = 0
            for column in 0...index {
                var length = 0, shift = 0
                while true {
                    let byte = storage[offset]
                    offset += 1
                    length |= Int(byte & 0x7f) << shift
                    shift += 7
                    if byte & 0x80 == 0 { break }
                }
                if column == index { return length == 0 ? nil : Array(storage[offset..<(offset + length - 1)]) }
                offset += max(length - 1, 0)
            }
            return nil
        }

        private static func lengthSize(_ length: Int) -> Int {
            var size = 1, rest = length >> 7
            while rest > 0 { size += 1; rest >>= 7 }
            return size
        }
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
    public var jsonStyle = JSONStyle.pretty
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
        static let size = 65536
        let write: ([UInt8]) -> Void
        var buffer: [UInt8] = []

        init(write: @escaping ([UInt8]) -> Void) {
            self.write = write
            buffer.reserveCapacity(Self.size)
        }

        /// Written out before it would outgrow its allocation (one piece larger than that grows it
        /// once).
        mutating func append(_ bytes: some Collection<UInt8>) {
            if buffer.count + bytes.count > Self.size { flush() }
            buffer.append(contentsOf: bytes)
        }

        static func += (sink: inout Sink, text: String) { sink.append(text.utf8) }

        mutating func flush() {
            if !buffer.isEmpty { write(buffer) }
            buffer.removeAll(keepingCapacity: true)
        }
    }
}
