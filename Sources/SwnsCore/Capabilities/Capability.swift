/// Capability names and numbers, as libcap spells them.
public enum Capability {
    /// CAP_LAST_CAP of the running kernel.
    public static var last: Int { max(0, Libcap.kernelCount - 1) }

    /// CAP_SYS_ADMIN, whose number is the kernel's ABI.
    public static let sysAdmin = 21

    /// Every capability of the running kernel.
    public static var all: UInt64 { last >= 63 ? UInt64.max : (UInt64(1) << UInt64(last + 1)) - 1 }

    /// `net_raw`, `CAP_NET_RAW`, `cap_net_raw` or a number.
    public static func number(_ text: String) -> Int? {
        if let value: Int = Numbers.digits(text.utf8) { return value <= last ? value : nil }
        if !text.isEmpty, text.utf8.allSatisfy(Numbers.isDigit) { return nil }
        var name = text.lowercased()
        if !name.hasPrefix("cap_") { name = "cap_" + name }
        guard let value = Libcap.value(named: name), value <= last else { return nil }
        return value
    }

    /// `cap_net_raw`, as libcap names it.
    public static func name(_ value: Int) -> String { Libcap.name(value) }

    /// `cap_net_raw` for the lowest capability in `mask`.
    static func firstName(_ mask: UInt64) -> String { name(mask.trailingZeroBitCount) }
}
