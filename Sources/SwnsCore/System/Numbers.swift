import Glibc

/// Numbers as util-linux reads them, one grammar per use, each read from UTF-8 bytes so that no
/// characters or substrings are made on a tool's start path (see CStrings).
public enum Numbers {
    /// ASCII digits only (no sign, no blank, no other script's digits), at least one, no overflow:
    /// what the kernel writes (/proc fields, inode numbers) and the parts of `-t PID:INODE` and
    /// `=:NSID`.
    public static func digits<T: FixedWidthInteger>(_ bytes: some Collection<UInt8>) -> T? {
        if bytes.isEmpty { return nil }
        var value: T = 0
        for digit in bytes {
            guard isDigit(digit) else { return nil }
            let (tens, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, carry) = tens.addingReportingOverflow(T(digit - UInt8(ascii: "0")))
            if overflow || carry { return nil }
            value = sum
        }
        return value
    }

    /// The digits at the start of `bytes`, whatever follows them (atoi's reading, as util-linux's
    /// rtsig_to_signum takes `RTMIN+1x`).
    public static func leadingDigits<T: FixedWidthInteger>(_ bytes: some Collection<UInt8>) -> T? {
        digits(bytes.prefix { isDigit($0) })
    }

    /// util-linux's strtoul_or_err and kin: blanks and a `+` before the digits, nothing after, no
    /// negative number but -0; nil when it is not one or does not fit `T`.
    public static func unsigned<T: FixedWidthInteger>(_ bytes: some Collection<UInt8>) -> T? {
        let number = CNumber.parse(bytes)
        guard case .value(let negative, let magnitude) = number, !negative || magnitude == 0 else { return nil }
        return number.fitting(T.self)
    }

    /// A user or group id as util-linux's tools take one (strtoul_or_err): (uid_t)-1, which
    /// setuid(2) would take as "no change", is none.
    public static func id(_ text: String) -> UInt32? {
        guard let id: UInt32 = unsigned(text.utf8), id != UInt32.max else { return nil }
        return id
    }

    /// util-linux's strtos64_or_err, strtou64_or_err, strtos32_or_err (by `T`): blanks and a sign as
    /// strtoimax takes them, nothing after; `message: 'TEXT'` when it is not a number, with
    /// ERANGE's text when it does not fit.
    public static func checked<T: FixedWidthInteger>(_ text: String, _ message: String,
                                                     as type: T.Type) throws(SwnsError) -> T {
        let number = CNumber.parse(text.utf8)
        if number == .invalid { throw SwnsError("\(message): '\(text)'") }
        guard let value = number.fitting(type) else { throw SwnsError("\(message): '\(text)'", errno: ERANGE) }
        return value
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0d).contains(byte) }
}

/// A number as strtoimax and strtoumax read it: blanks, a sign, decimal digits, nothing after.
public enum CNumber: Equatable, Sendable {
    case value(negative: Bool, magnitude: UInt64)
    case outOfRange
    case invalid

    public static func parse(_ text: some Collection<UInt8>) -> CNumber {
        var bytes = text[...]
        while let first = bytes.first, Numbers.isBlank(first) { bytes.removeFirst() }
        var negative = false
        if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            negative = sign == UInt8(ascii: "-")
            bytes.removeFirst()
        }
        var magnitude: UInt64 = 0
        var overflow = false, count = 0
        while let digit = bytes.first, Numbers.isDigit(digit) {
            let (times, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (plus, o2) = times.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
            overflow = overflow || o1 || o2
            magnitude = plus
            count += 1
            bytes.removeFirst()
        }
        if count == 0 { return .invalid }
        // strtoimax clamps a negative number beyond INT64_MIN and says ERANGE before the end is looked at.
        if overflow || (negative && magnitude > UInt64(Int64.max) + 1) { return .outOfRange }
        return bytes.isEmpty ? .value(negative: negative, magnitude: magnitude) : .invalid
    }

    /// The number when it fits `T` (util-linux's strtou64_or_err, strtos64_or_err and their
    /// narrower kin): an unsigned `T` takes no negative number but -0; nil for out of range.
    public func fitting<T: FixedWidthInteger>(_: T.Type) -> T? {
        guard case .value(let negative, let magnitude) = self else { return nil }
        if !negative || magnitude == 0 { return magnitude <= UInt64(T.max) ? T(magnitude) : nil }
        guard T.isSigned, magnitude <= UInt64(T.max) + 1 else { return nil }
        return T(truncatingIfNeeded: 0 &- magnitude)
    }
}
