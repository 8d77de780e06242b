/// How libsmartcols lays JSON out: indented (its default), or as util-linux 2.42 can,
/// compact (no blanks, a top-level row a line) or JSON Lines (a top-level row a line, with no
/// object around them).
public enum JSONStyle: Sendable {
    case pretty, compact, lines

    /// As libsmartcols 2.42 reads it: LIBSMARTCOLS_JSON=compact or LIBSMARTCOLS_JSON=lines; any
    /// other value, or none, is the indented default.
    public static var environment: JSONStyle {
        switch ProcessEnvironment.value("LIBSMARTCOLS_JSON") {
        case "compact": .compact
        case "lines": .lines
        default: .pretty
        }
    }
}

/// libsmartcols's JSON output.
extension Table {
    func renderJSON(into output: inout Sink) {
        guard jsonStyle == .pretty else { return renderJSONLines(into: &output) }
        output += "{\n   \"\(jsonName)\": ["
        func emit(_ rows: [Row], depth: Int) {
            let indent = String(repeating: "   ", count: depth)
            for (rowIndex, row) in rows.enumerated() {
                output += rowIndex == 0 ? "\n\(indent){\n" : "{\n"
                for index in columns.indices {
                    output += "\(indent)   "
                    appendMember(index, of: row, colon: ": ", into: &output)
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

    /// The compact and the JSON Lines layout: each top-level row on a line of its own, its
    /// children within it; compact wraps them in the table's object.
    private func renderJSONLines(into output: inout Sink) {
        let compact = jsonStyle == .compact
        if compact { output += "{\"\(jsonName)\":[" }
        for (index, row) in roots.enumerated() {
            if compact { output += index == 0 ? "\n" : ",\n" }
            appendObject(row, into: &output)
            if !compact { output += "\n" }
        }
        if compact { output += "\n]}\n" }
    }

    /// One row as a JSON object without blanks: `{"ns":4026531834,"type":"time"}`.
    private func appendObject(_ row: Row, into output: inout Sink) {
        output += "{"
        for index in columns.indices {
            if index > 0 { output += "," }
            appendMember(index, of: row, colon: ":", into: &output)
        }
        if !row.children.isEmpty {
            output += ",\"children\":["
            for (index, child) in row.children.enumerated() {
                if index > 0 { output += "," }
                appendObject(child, into: &output)
            }
            output += "]"
        }
        output += "}"
    }

    /// `"name": value` of the row's cell in column `index`: the column's name in lower case, the
    /// cell as a number or a string, `null` for none.
    private func appendMember(_ index: Int, of row: Row, colon: String, into output: inout Sink) {
        output.append(Self.jsonString(Array(columns[index].name.lowercased().utf8)))
        output += colon
        if let cell = row.cell(index) {
            output.append(columns[index].numeric ? cell : Self.jsonString(cell))
        } else {
            output += "null"
        }
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
