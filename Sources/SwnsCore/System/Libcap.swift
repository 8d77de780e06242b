import CLibcap
import CSwns
import Glibc

/// The five capability sets of a process, one bit per capability.
public struct CapabilitySets: Equatable, Sendable {
    public var bounding: UInt64 = 0
    public var permitted: UInt64 = 0
    public var effective: UInt64 = 0
    public var inheritable: UInt64 = 0
    public var ambient: UInt64 = 0

    public init(bounding: UInt64 = 0, permitted: UInt64 = 0, effective: UInt64 = 0, inheritable: UInt64 = 0,
                ambient: UInt64 = 0) {
        self.bounding = bounding
        self.permitted = permitted
        self.effective = effective
        self.inheritable = inheritable
        self.ambient = ambient
    }

    /// The calling process's sets.
    public static func current() -> CapabilitySets { Libcap.currentSets() }
}

/// libcap's calls, wrapped once: capability names and numbers, reading and setting the sets.
public enum Libcap {
    /// The number of capabilities the running kernel has (CAP_LAST_CAP + 1).
    public static var kernelCount: Int { Int(cap_max_bits()) }

    /// libcap's name of capability `value` (`cap_net_raw`); for one it does not know, the number.
    public static func name(_ value: Int) -> String {
        guard let text = cap_to_name(cap_value_t(value)) else { return String(value) }
        defer { cap_free(UnsafeMutableRawPointer(text)) }
        return String(cString: text)
    }

    /// The number of the capability libcap calls `name` (`cap_net_raw`).
    public static func value(named name: String) -> Int? {
        var value: cap_value_t = 0
        guard cap_from_name(name, &value) == 0 else { return nil }
        return Int(value)
    }

    /// Whether the calling process has capability `value` in its effective set: one capget(2).
    public static func hasEffective(_ value: Int) -> Bool {
        guard let caps = cap_get_proc() else { return false }
        defer { cap_free(UnsafeMutableRawPointer(caps)) }
        var flag = CAP_CLEAR
        return cap_get_flag(caps, cap_value_t(value), CAP_EFFECTIVE, &flag) == 0 && flag == CAP_SET
    }

    /// The calling process's sets, through cap_get_proc, cap_get_bound and cap_get_ambient.
    static func currentSets() -> CapabilitySets {
        var sets = CapabilitySets()
        let last = max(0, kernelCount - 1)
        if let caps = cap_get_proc() {
            defer { cap_free(UnsafeMutableRawPointer(caps)) }
            for value in 0...last {
                var flag = CAP_CLEAR
                let bit = UInt64(1) << UInt64(value)
                if cap_get_flag(caps, cap_value_t(value), CAP_PERMITTED, &flag) == 0, flag == CAP_SET { sets.permitted |= bit }
                if cap_get_flag(caps, cap_value_t(value), CAP_EFFECTIVE, &flag) == 0, flag == CAP_SET { sets.effective |= bit }
                if cap_get_flag(caps, cap_value_t(value), CAP_INHERITABLE, &flag) == 0, flag == CAP_SET {
                    sets.inheritable |= bit
                }
            }
        }
        for value in 0...last {
            let bit = UInt64(1) << UInt64(value)
            if cap_get_bound(cap_value_t(value)) == 1 { sets.bounding |= bit }
            if cap_get_ambient(cap_value_t(value)) == 1 { sets.ambient |= bit }
        }
        return sets
    }

    /// Drops capability `value` from the bounding set (PR_CAPBSET_DROP).
    public static func dropBound(_ value: Int) throws(SystemError) {
        if cap_drop_bound(cap_value_t(value)) != 0 { throw SystemError("prctl", "PR_CAPBSET_DROP, \(name(value))") }
    }

    /// capset(2): the permitted, effective and inheritable sets of `sets` in one call.
    public static func setProcessSets(_ sets: CapabilitySets) throws(SystemError) {
        guard let caps = cap_init() else { throw SystemError("cap_init") }
        defer { cap_free(UnsafeMutableRawPointer(caps)) }
        for value in 0..<kernelCount {
            let bit = UInt64(1) << UInt64(value)
            var one = [cap_value_t(value)]
            if sets.permitted & bit != 0 { cap_set_flag(caps, CAP_PERMITTED, 1, &one, CAP_SET) }
            if sets.effective & bit != 0 { cap_set_flag(caps, CAP_EFFECTIVE, 1, &one, CAP_SET) }
            if sets.inheritable & bit != 0 { cap_set_flag(caps, CAP_INHERITABLE, 1, &one, CAP_SET) }
        }
        if cap_set_proc(caps) != 0 { throw SystemError("capset") }
    }

    /// Empties the ambient set (PR_CAP_AMBIENT_CLEAR_ALL).
    public static func clearAmbient() throws(SystemError) {
        if cap_reset_ambient() != 0 { throw SystemError("prctl", "PR_CAP_AMBIENT_CLEAR_ALL") }
    }

    /// CAP_SETPCAP, whose effect the plan checks before dropping from the bounding set.
    public static let setpcap = Int(CAP_SETPCAP)
}
