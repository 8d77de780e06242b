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
