/// libsmartcols's JSON output.
extension Table {
    func renderJSON(into output: inout Sink) {
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
