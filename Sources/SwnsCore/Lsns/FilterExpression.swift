import Glibc

/// A value a row has for a column, as the filter sees it.
public enum FilterValue: Sendable, Equatable {
    case number(Int64)
    case string(String)
    /// The column is empty for this row.
    case none
}

/// The expression of `swlsns -Q`: libsmartcols' filter language, as util-linux's lsns reads it.
///
/// Comparisons (`==` `!=` `<` `<=` `>` `>=` `=~` `!~`, or the words `eq` `ne` `lt` `le` `gt` `ge`)
/// of columns, integers and quoted strings, joined by `not`/`!`, `and`/`&&` and `or`/`||`, binding in
/// that order, and grouped by parentheses. A column alone holds when the row's value for it is
/// neither empty nor the number 0. Two numbers compare as numbers; a number and a column of text
/// compare as numbers too, the column's text read as one (as libsmartcols 2.42 does: text that is
/// no number fails the filter); anything else compares as the bytes of its text, and an empty
/// value only ever differs.
public struct FilterExpression: Sendable {
    /// The columns the expression mentions, each once, in the order of first mention and spelled
    /// as the tool spells them: the tool fetches them even when they are not shown.
    public let columns: [String]
    private let root: Node

    /// Parentheses nest at most this deep: parsing and evaluating recurse once per level, and a
    /// hostile expression must not exhaust the stack.
    static let maximumNesting = 1000

    /// Parses `text`; `columns` are the column names the tool knows, e.g. "NS", "TYPE", "NPROCS".
    /// Column names in the expression are case-insensitive.
    public static func parse(_ text: String, columns known: [String]) throws(SwnsError) -> FilterExpression {
        do throws(SyntaxError) {
            var parser = Parser(text, known: known)
            let root = try parser.expression()
            return FilterExpression(columns: parser.mentioned, root: root)
        } catch {
            throw error.swnsError(in: text)
        }
    }

    /// Whether one row passes; `value` gives the row's value for a column named as in `columns`.
    /// Fails as util-linux 2.42's lsns does where a number is compared with a column whose text is
    /// no number (`NETNSID == 4444` where NETNSID is `unassigned`).
    public func matches(_ value: (String) -> FilterValue) throws(SwnsError) -> Bool {
        do {
            return try root.holds(value)
        } catch {
            throw SwnsError("failed to apply filter", errno: EINVAL)
        }
    }
}

/// One part of a parsed expression. `and` and `or` keep all their terms in one node, and `not`s
/// cancel in pairs, so only parentheses add depth.
private indirect enum Node: Sendable {
    case truth(Operand)
    case comparison(Operand, Comparison, Operand)
    case match(Operand, PosixRegex, negated: Bool)
    case not(Node)
    case all([Node])
    case any([Node])

    func holds(_ row: (String) -> FilterValue) throws(NotANumber) -> Bool {
        switch self {
        case .truth(let operand):
            switch operand.value(row) {
            case .number(let number): return number != 0
            case .string(let string): return !string.isEmpty
            case .none: return false
            }
        case .comparison(let left, let comparison, let right):
            return comparison.holds(try left.value(row, against: right), try right.value(row, against: left))
        case .match(let operand, let regex, let negated):
            guard let text = operand.value(row).text else { return negated }
            return regex.matches(text) != negated
        case .not(let node):
            return try !node.holds(row)
        case .all(let nodes):
            for node in nodes where try !node.holds(row) { return false }
            return true
        case .any(let nodes):
            for node in nodes where try node.holds(row) { return true }
            return false
        }
    }
}

private enum Operand: Sendable {
    case column(String)
    case literal(FilterValue)

    func value(_ row: (String) -> FilterValue) -> FilterValue {
        switch self {
        case .column(let name): row(name)
        case .literal(let value): value
        }
    }

    /// The value as compared with `other`: a column's text against a number is read as a number.
    func value(_ row: (String) -> FilterValue, against other: Operand) throws(NotANumber) -> FilterValue {
        let value = value(row)
        guard case .column = self, case .literal(.number) = other, case .string(let text) = value else { return value }
        if text.isEmpty { return .none }
        guard let number = CNumber.parse(text.utf8).fitting(Int64.self) else { throw NotANumber() }
        return .number(number)
    }
}

/// A column's text that a comparison with a number cannot read as one.
private struct NotANumber: Error {}

private extension FilterValue {
    /// What a string comparison or a regular expression sees: a number as its decimal text.
    var text: String? {
        switch self {
        case .number(let number): String(number)
        case .string(let string): string
        case .none: nil
        }
    }
}

private enum Comparison: Sendable {
    case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual

    /// An empty value is unequal to everything and neither less nor greater than anything.
    func holds(_ left: FilterValue, _ right: FilterValue) -> Bool {
        let order: Int
        switch (left, right) {
        case (.number(let left), .number(let right)):
            order = left < right ? -1 : left == right ? 0 : 1
        default:
            guard let left = left.text, let right = right.text else { return self == .notEqual }
            order = Self.byteOrder(left, right)
        }
        switch self {
        case .equal: return order == 0
        case .notEqual: return order != 0
        case .less: return order < 0
        case .lessOrEqual: return order <= 0
        case .greater: return order > 0
        case .greaterOrEqual: return order >= 0
        }
    }

    /// strcmp(3)'s order. String's own `<` and `==` would apply Unicode canonical equivalence.
    static func byteOrder(_ left: String, _ right: String) -> Int {
        if left.utf8.elementsEqual(right.utf8) { return 0 }
        return left.utf8.lexicographicallyPrecedes(right.utf8) ? -1 : 1
    }
}

/// A mistake in the expression, at a byte offset into its UTF-8 text (nil: the whole text).
private struct SyntaxError: Error {
    var what: String
    var offset: Int?

    init(_ what: String, at offset: Int?) {
        self.what = what
        self.offset = offset
    }

    /// The message names a 1-based character position; the hint repeats the expression with a
    /// caret under that character, as it reads after the `hint: ` prefix.
    func swnsError(in text: String) -> SwnsError {
        guard let offset else { return SwnsError("failed to parse filter: \(what)") }
        let position = String(decoding: text.utf8.prefix(offset), as: UTF8.self).count + 1
        // One column per character, so that the caret stays aligned under tabs and newlines.
        let echo = String(text.map { $0.isWhitespace || ($0.asciiValue ?? 0x20) < 0x20 ? " " : $0 })
        let caret = String(repeating: " ", count: "hint: ".count + position - 1) + "^"
        return SwnsError("failed to parse filter: \(what) at position \(position)", hint: echo + "\n" + caret)
    }
}

private struct Token {
    enum Kind: Equatable {
        case open, close, and, or, not
        case comparison(Comparison)
        case match(negated: Bool)
        /// A name that is not a keyword: a column, if the tool knows it.
        case name(String)
        case number(Int64)
        case string(String)
        case end
    }

    var kind: Kind
    /// Byte offsets into the expression's UTF-8 text.
    var start: Int
    var end: Int
}

/// Cuts the expression into tokens, one at a time, so that the leftmost mistake is the one reported.
private struct Scanner {
    let bytes: [UInt8]
    var offset = 0

    mutating func next() throws(SyntaxError) -> Token {
        while offset < bytes.count, Self.isBlank(bytes[offset]) { offset += 1 }
        let start = offset
        guard offset < bytes.count else { return Token(kind: .end, start: start, end: start) }
        if let (text, kind) = Self.operators.first(where: { startsWith($0.text) }) {
            offset += text.utf8.count
            return Token(kind: kind, start: start, end: offset)
        }
        let kind: Token.Kind
        switch Unicode.Scalar(bytes[offset]) {
        case "\"", "'":
            kind = .string(try quoted())
        case "0"..."9":
            kind = .number(try number())
        case "-" where offset + 1 < bytes.count && Self.isDigit(bytes[offset + 1]):
            kind = .number(try number())
        case "a"..."z", "A"..."Z", "_":
            kind = word()
        default:
            let character = String(decoding: bytes[offset...], as: UTF8.self).unicodeScalars.first ?? "?"
            throw SyntaxError("unexpected character '\(character)'", at: start)
        }
        return Token(kind: kind, start: start, end: offset)
    }

    /// The operators, each two-character one before its one-character prefix.
    private static let operators: [(text: String, kind: Token.Kind)] = [
        ("(", .open), (")", .close), ("&&", .and), ("||", .or),
        ("==", .comparison(.equal)), ("!=", .comparison(.notEqual)),
        ("=~", .match(negated: false)), ("!~", .match(negated: true)), ("!", .not),
        ("<=", .comparison(.lessOrEqual)), ("<", .comparison(.less)),
        (">=", .comparison(.greaterOrEqual)), (">", .comparison(.greater)),
    ]

    private func startsWith(_ text: String) -> Bool {
        bytes[offset...].starts(with: text.utf8)
    }

    /// A string in single or double quotes. A backslash escapes either quote or itself; before
    /// anything else it stays, so that a regular expression keeps its own escapes (`"a\.b"`).
    private mutating func quoted() throws(SyntaxError) -> String {
        let start = offset
        let quote = bytes[offset]
        var content: [UInt8] = []
        offset += 1
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == quote {
                offset += 1
                return String(decoding: content, as: UTF8.self)
            }
            guard byte == UInt8(ascii: "\\") else {
                content.append(byte)
                offset += 1
                continue
            }
            guard offset + 1 < bytes.count else { break }
            let escaped = bytes[offset + 1]
            if escaped != UInt8(ascii: "\""), escaped != UInt8(ascii: "'"), escaped != UInt8(ascii: "\\") {
                content.append(byte)
            }
            content.append(escaped)
            offset += 2
        }
        throw SyntaxError("unterminated string", at: start)
    }

    /// A decimal integer, with an optional `-`. The token runs on over letters, digits, `.`, `_`
    /// and `-`, so that `1.5` or `12ab` is refused whole rather than read as `1` and a stray rest.
    private mutating func number() throws(SyntaxError) -> Int64 {
        let start = offset
        offset += 1
        while offset < bytes.count, Self.isNameByte(bytes[offset]) || bytes[offset] == UInt8(ascii: ".") {
            offset += 1
        }
        let text = String(decoding: bytes[start..<offset], as: UTF8.self)
        // The token starts with a digit or `-`: strtoimax's grammar, less the blanks and `+`.
        if let number = CNumber.parse(bytes[start..<offset]).fitting(Int64.self) { return number }
        let unsigned = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        let parts = unsigned.split(separator: ".", omittingEmptySubsequences: false)
        if parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(Self.isDigit) }) {
            let what = parts.count == 1 ? "number out of range" : "unsupported floating-point number"
            throw SyntaxError("\(what) '\(text)'", at: start)
        }
        throw SyntaxError("invalid number '\(text)'", at: start)
    }

    /// A keyword (in any case) or a name: a letter or `_`, then letters, digits, `_` and `-`.
    private mutating func word() -> Token.Kind {
        let start = offset
        while offset < bytes.count, Self.isNameByte(bytes[offset]) { offset += 1 }
        let word = String(decoding: bytes[start..<offset], as: UTF8.self)
        switch word.lowercased() {
        case "and": return .and
        case "or": return .or
        case "not": return .not
        case "eq": return .comparison(.equal)
        case "ne": return .comparison(.notEqual)
        case "lt": return .comparison(.less)
        case "le": return .comparison(.lessOrEqual)
        case "gt": return .comparison(.greater)
        case "ge": return .comparison(.greaterOrEqual)
        default: return .name(word)
        }
    }

    private static func isBlank(_ byte: UInt8) -> Bool { Numbers.isBlank(byte) }

    private static func isDigit(_ byte: UInt8) -> Bool { Numbers.isDigit(byte) }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch Unicode.Scalar(byte) {
        case "a"..."z", "A"..."Z", "0"..."9", "_", "-": true
        default: false
        }
    }
}

/// Recursive descent over the grammar
///
///     expression := and (("or" | "||") and)*
///     and        := unary (("and" | "&&") unary)*
///     unary      := ("not" | "!")* primary
///     primary    := "(" expression ")" | operand (comparison operand)? | operand ("=~" | "!~") string
///     operand    := column | number | string
private struct Parser {
    var scanner: Scanner
    let known: [String]
    var token = Token(kind: .end, start: 0, end: 0)
    var mentioned: [String] = []

    init(_ text: String, known: [String]) {
        scanner = Scanner(bytes: Array(text.utf8))
        self.known = known
    }

    mutating func expression() throws(SyntaxError) -> Node {
        try advance()
        if token.kind == .end { throw SyntaxError("empty expression", at: nil) }
        let root = try alternatives(nesting: 0)
        guard token.kind == .end else { throw unexpected() }
        return root
    }

    private mutating func advance() throws(SyntaxError) {
        token = try scanner.next()
    }

    /// Terms joined by `or`, each of terms joined by `and`, each a `unary`: `and` binds tighter.
    private mutating func alternatives(nesting: Int) throws(SyntaxError) -> Node {
        try joined(by: .or, nesting: nesting)
    }

    private mutating func joined(by separator: Token.Kind, nesting: Int) throws(SyntaxError) -> Node {
        func term(_ parser: inout Parser) throws(SyntaxError) -> Node {
            separator == .or ? try parser.joined(by: .and, nesting: nesting) : try parser.unary(nesting: nesting)
        }
        var terms = [try term(&self)]
        while token.kind == separator {
            try advance()
            terms.append(try term(&self))
        }
        return terms.count == 1 ? terms[0] : separator == .or ? .any(terms) : .all(terms)
    }

    /// A loop rather than recursion, so that a long run of `not`s costs no stack.
    private mutating func unary(nesting: Int) throws(SyntaxError) -> Node {
        var negated = false
        while token.kind == .not {
            negated.toggle()
            try advance()
        }
        let node = try primary(nesting: nesting)
        return negated ? .not(node) : node
    }

    private mutating func primary(nesting: Int) throws(SyntaxError) -> Node {
        if token.kind == .open {
            guard nesting < FilterExpression.maximumNesting else {
                throw SyntaxError("too deeply nested", at: token.start)
            }
            try advance()
            let inner = try alternatives(nesting: nesting + 1)
            guard token.kind == .close else { throw unexpected() }
            try advance()
            return inner
        }
        let left = try operand()
        switch token.kind {
        case .comparison(let comparison):
            try advance()
            return .comparison(left, comparison, try operand())
        case .match(let negated):
            try advance()
            guard case .string(let pattern) = token.kind else { throw expected("a quoted regular expression") }
            guard let regex = PosixRegex(pattern) else {
                throw SyntaxError("invalid regular expression '\(pattern)'", at: token.start)
            }
            try advance()
            return .match(left, regex, negated: negated)
        default:
            return .truth(left)
        }
    }

    private mutating func operand() throws(SyntaxError) -> Operand {
        let operand: Operand
        switch token.kind {
        case .name(let name): operand = .column(try column(name))
        case .number(let number): operand = .literal(.number(number))
        case .string(let string): operand = .literal(.string(string))
        default: throw expected("an operand")
        }
        try advance()
        return operand
    }

    /// The tool's spelling of a column named in any case; a linear scan, as there are a dozen.
    private mutating func column(_ name: String) throws(SyntaxError) -> String {
        let upper = name.uppercased()
        guard let column = known.first(where: { $0.uppercased() == upper }) else {
            throw SyntaxError("unknown column '\(name)'", at: token.start)
        }
        if !mentioned.contains(column) { mentioned.append(column) }
        return column
    }

    private func expected(_ what: String) -> SyntaxError {
        token.kind == .end ? unexpected() : SyntaxError("expected \(what)", at: token.start)
    }

    private func unexpected() -> SyntaxError {
        if token.kind == .end { return SyntaxError("unexpected end of expression", at: token.start) }
        let text = String(decoding: scanner.bytes[token.start..<token.end], as: UTF8.self)
        // A string token shows with its own quotes.
        if case .string = token.kind { return SyntaxError("unexpected \(text)", at: token.start) }
        return SyntaxError("unexpected '\(text)'", at: token.start)
    }
}
