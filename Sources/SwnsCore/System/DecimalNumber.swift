/// A number as util-linux's tools take it from a command line: ASCII digits only (no sign, no
/// space, no other script's digits), at least one, and no overflow. Read from UTF-8 bytes, so that
/// no characters or substrings are made on a tool's start path (see CStrings).
func decimalNumber<T: FixedWidthInteger>(_ digits: some Collection<UInt8>) -> T? {
    if digits.isEmpty { return nil }
    var value: T = 0
    for digit in digits {
        guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
        let (tens, overflow) = value.multipliedReportingOverflow(by: 10)
        let (sum, carry) = tens.addingReportingOverflow(T(digit - UInt8(ascii: "0")))
        if overflow || carry { return nil }
        value = sum
    }
    return value
}

/// A number as strtoimax and strtoumax read it: blanks, a sign, decimal digits, nothing after.
enum CNumber: Equatable {
    case value(negative: Bool, magnitude: UInt64)
    case outOfRange
    case invalid

    static func parse(_ bytes: [UInt8]) -> CNumber {
        var at = 0
        while at < bytes.count, bytes[at] == 0x20 || (0x09...0x0d).contains(bytes[at]) { at += 1 }
        var negative = false
        if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") {
            negative = bytes[at] == UInt8(ascii: "-")
            at += 1
        }
        let start = at
        var magnitude: UInt64 = 0
        var overflow = false
        while at < bytes.count, bytes[at] >= 48 && bytes[at] <= 57 {
            let (times, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (plus, o2) = times.addingReportingOverflow(UInt64(bytes[at] - 48))
            overflow = overflow || o1 || o2
            magnitude = plus
            at += 1
        }
        if at == start { return .invalid }
        // strtoimax clamps a negative number beyond INT64_MIN and says ERANGE before the end is looked at.
        if overflow || (negative && magnitude > UInt64(Int64.max) + 1) { return .outOfRange }
        return at == bytes.count ? .value(negative: negative, magnitude: magnitude) : .invalid
    }
}

extension CNumber {
    /// The number when it fits `T` (util-linux's strtou64_or_err, strtos64_or_err and their
    /// narrower kin): an unsigned `T` takes no negative number but -0; nil for out of range.
    func fitting<T: FixedWidthInteger>(_: T.Type) -> T? {
        guard case .value(let negative, let magnitude) = self else { return nil }
        if !negative || magnitude == 0 { return magnitude <= UInt64(T.max) ? T(magnitude) : nil }
        guard T.isSigned, magnitude <= UInt64(T.max) + 1 else { return nil }
        return T(truncatingIfNeeded: 0 &- magnitude)
    }
}

/// An unsigned number as util-linux's strtoul_or_err takes it (leading blanks and a `+` allowed),
/// when it fits `T`; nil otherwise, negative numbers included.
func unsignedNumber<T: FixedWidthInteger>(_ bytes: some Collection<UInt8>) -> T? {
    let number = CNumber.parse(Array(bytes))
    guard case .value(let negative, let magnitude) = number, !negative || magnitude == 0 else { return nil }
    return number.fitting(T.self)
}
