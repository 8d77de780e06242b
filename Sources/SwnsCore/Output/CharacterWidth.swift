/// Characters as libsmartcols shows them: escaped where they are not printable, and their width
/// in terminal columns.
extension Table {
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
