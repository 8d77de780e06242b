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

    /// The calling process's sets, read with libcap and prctl.
    public static func current() -> CapabilitySets {
        var sets = CapabilitySets()
        let last = Capability.last
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
}

/// Capability names and numbers, through libcap.
public enum Capability {
    /// CAP_LAST_CAP of the running kernel.
    public static var last: Int { max(0, Int(cap_max_bits()) - 1) }

    /// Every capability of the running kernel.
    public static var all: UInt64 { last >= 63 ? UInt64.max : (UInt64(1) << UInt64(last + 1)) - 1 }

    /// `net_raw`, `CAP_NET_RAW`, `cap_net_raw` or a number.
    public static func number(_ text: String) -> Int? {
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            guard let value = Int(text), value <= last else { return nil }
            return value
        }
        var name = text.lowercased()
        if !name.hasPrefix("cap_") { name = "cap_" + name }
        var value: cap_value_t = 0
        guard cap_from_name(name, &value) == 0, Int(value) <= last else { return nil }
        return Int(value)
    }

    /// `cap_net_raw`, as libcap names it.
    public static func name(_ value: Int) -> String {
        guard let text = cap_to_name(cap_value_t(value)) else { return String(value) }
        defer { cap_free(UnsafeMutableRawPointer(text)) }
        return String(cString: text)
    }
}

/// `--cap-drop`, `--cap-add`, `--bounding-set`, `--inh-caps`, `--ambient-caps` and `--no-new-privs`,
/// in command-line order: one grammar for swunshare and swnsenter, checked before anything changes
/// and applied in the kernel's order just before exec.
public struct CapabilityPlan: Equatable, Sendable {
    public enum Option: Equatable, Sendable { case drop, add, bounding, inheritable, ambient }

    public struct Step: Equatable, Sendable {
        public var option: Option
        /// The capabilities named, as a mask, and whether they are added (`+`) or removed (`-`).
        public var mask: UInt64
        public var add: Bool
    }

    public private(set) var steps: [Step] = []
    public var noNewPrivs = false

    public init() {}

    public var isEmpty: Bool { steps.isEmpty && !noNewPrivs }

    /// Parses one option's LIST: names or `all` for --cap-drop/--cap-add, `+name`/`-name` deltas
    /// for the set options.
    public mutating func add(_ option: Option, _ list: String) throws(SwnsError) {
        for item in list.split(separator: ",", omittingEmptySubsequences: false) {
            var text = Substring(item)
            var add = option != .drop
            if option == .bounding || option == .inheritable || option == .ambient {
                guard let sign = text.first, sign == "+" || sign == "-" else {
                    throw SwnsError("invalid capability delta '\(item)': it needs a leading + or -")
                }
                add = sign == "+"
                text = text.dropFirst()
            }
            let mask: UInt64
            if text.lowercased() == "all" {
                mask = Capability.all
            } else if let value = Capability.number(String(text)) {
                mask = UInt64(1) << UInt64(value)
            } else {
                throw SwnsError("unknown capability: \(text)")
            }
            steps.append(Step(option: option, mask: mask, add: add))
        }
    }

    /// The sets the program gets, from `current` (what the process will hold when the plan is
    /// applied: after namespaces and maps). Throws on a contradiction, naming the capability.
    public func resolve(from current: CapabilitySets) throws(SwnsError) -> CapabilitySets {
        var sets = current
        var added: UInt64 = 0
        var droppedFromBounding: UInt64 = 0
        func first(_ mask: UInt64) -> String { Capability.name(mask.trailingZeroBitCount) }
        for step in steps {
            switch (step.option, step.add) {
            case (.drop, _):
                sets.bounding &= ~step.mask
                sets.permitted &= ~step.mask
                sets.effective &= ~step.mask
                sets.inheritable &= ~step.mask
                sets.ambient &= ~step.mask
                droppedFromBounding |= step.mask
                added &= ~step.mask
            case (.add, _):
                if step.mask & droppedFromBounding != 0 {
                    throw SwnsError("capability \(first(step.mask & droppedFromBounding)) is both added and dropped from the bounding set")
                }
                let missing = step.mask & ~current.permitted
                if missing != 0 {
                    throw SwnsError("cannot add capability \(first(missing)): it is not in the permitted set",
                                    hint: "only capabilities that we hold can be kept: run as root, or in a user namespace (-r)")
                }
                sets.permitted |= step.mask
                sets.effective |= step.mask
                sets.inheritable |= step.mask
                sets.ambient |= step.mask
                added |= step.mask
            case (.bounding, true):
                let gone = step.mask & ~sets.bounding & Capability.all
                if step.mask != Capability.all, gone != 0 {
                    throw SwnsError("cannot add capability \(first(gone)) to the bounding set: it has been dropped")
                }
            case (.bounding, false):
                if step.mask & added != 0 {
                    throw SwnsError("capability \(first(step.mask & added)) is both added and dropped from the bounding set")
                }
                sets.bounding &= ~step.mask
                droppedFromBounding |= step.mask
            case (.inheritable, true):
                sets.inheritable |= step.mask & (sets.bounding | current.inheritable)
            case (.inheritable, false):
                sets.inheritable &= ~step.mask
                sets.ambient &= ~step.mask
            case (.ambient, true):
                let outside = step.mask & ~sets.permitted & (step.mask == Capability.all ? sets.permitted : ~0)
                if outside != 0 {
                    throw SwnsError("capability \(first(outside)) cannot be ambient: it is not permitted")
                }
                let raise = step.mask & sets.permitted
                sets.inheritable |= raise
                sets.ambient |= raise
            case (.ambient, false):
                sets.ambient &= ~step.mask
            }
        }
        return sets
    }

    /// Checks the plan against what the process will hold once its namespaces are made or entered:
    /// everything in a new or entered user namespace, else what it holds now.
    public func validate(enteringUserNamespace: Bool) throws(SwnsError) {
        guard !steps.isEmpty else { return }
        var expected = CapabilitySets.current()
        if enteringUserNamespace {
            expected.permitted = Capability.all & expected.bounding
            expected.effective = expected.permitted
        }
        _ = try resolve(from: expected)
    }

    /// Resolves against the process as it is now and applies what must come before the uid switch;
    /// the result goes to `applyAfterCredentials`.
    public func prepare(switchingUser: Bool) throws(SwnsError) -> CapabilitySets? {
        guard !steps.isEmpty else { return nil }
        let sets = try resolve(from: CapabilitySets.current())
        try applyBeforeCredentials(sets, switchingUser: switchingUser)
        return sets
    }

    /// Before the uid switch, while we are still privileged: the bounding set, and keeping the
    /// permitted set across setuid when a switch follows.
    public func applyBeforeCredentials(_ sets: CapabilitySets, switchingUser: Bool) throws(SwnsError) {
        let current = CapabilitySets.current()
        var drop = current.bounding & ~sets.bounding
        while drop != 0 {
            let value = drop.trailingZeroBitCount
            if cap_drop_bound(cap_value_t(value)) != 0 { throw .system("cannot drop \(Capability.name(value)) from the bounding set") }
            drop &= drop - 1
        }
        if switchingUser && !steps.isEmpty && swns_set_keepcaps(1) != 0 { throw .system("prctl(PR_SET_KEEPCAPS) failed") }
    }

    /// After the uid switch: permitted, effective and inheritable in one capset, then ambient, then
    /// no_new_privs.
    public func applyAfterCredentials(_ sets: CapabilitySets?) throws(SwnsError) {
        if let sets {
            guard let caps = cap_init() else { throw .system("cap_init failed") }
            defer { cap_free(UnsafeMutableRawPointer(caps)) }
            for value in 0...Capability.last {
                let bit = UInt64(1) << UInt64(value)
                var one = [cap_value_t(value)]
                if sets.permitted & bit != 0 { cap_set_flag(caps, CAP_PERMITTED, 1, &one, CAP_SET) }
                if sets.effective & bit != 0 { cap_set_flag(caps, CAP_EFFECTIVE, 1, &one, CAP_SET) }
                if sets.inheritable & bit != 0 { cap_set_flag(caps, CAP_INHERITABLE, 1, &one, CAP_SET) }
            }
            if cap_set_proc(caps) != 0 { throw .system("capset failed") }
            if cap_reset_ambient() != 0 { throw .system("prctl(PR_CAP_AMBIENT_CLEAR_ALL) failed") }
            var ambient = sets.ambient
            while ambient != 0 {
                let value = ambient.trailingZeroBitCount
                if swns_cap_ambient_raise(UInt(value)) != 0 {
                    throw .system("cannot raise \(Capability.name(value)) in the ambient set")
                }
                ambient &= ambient - 1
            }
            if swns_set_keepcaps(0) != 0 { throw .system("prctl(PR_SET_KEEPCAPS) failed") }
        }
        if noNewPrivs && swns_set_no_new_privs() != 0 { throw .system("prctl(PR_SET_NO_NEW_PRIVS) failed") }
    }
}

/// The capability options' rows in each tool's option table.
public enum CapabilityOptions {
    public static func specs<Tag: Sendable>(group: Int, drop: Tag, add: Tag, bounding: Tag, inheritable: Tag,
                                            ambient: Tag, noNewPrivs: Tag) -> [OptionSpec<Tag>] {
        [
            OptionSpec(drop, long: "cap-drop", argument: .required, value: "<list>",
                       help: "drop capabilities from every set of the program", group: group),
            OptionSpec(add, long: "cap-add", argument: .required, value: "<list>",
                       help: "keep capabilities for the program, also as non-root", group: group),
            OptionSpec(bounding, long: "bounding-set", argument: .required, value: "<list>",
                       help: "change the bounding set (+cap,-cap,...)", group: group),
            OptionSpec(inheritable, long: "inh-caps", argument: .required, value: "<list>",
                       help: "change the inheritable set (+cap,-cap,...)", group: group),
            OptionSpec(ambient, long: "ambient-caps", argument: .required, value: "<list>",
                       help: "change the ambient set (+cap,-cap,...)", group: group),
            OptionSpec(noNewPrivs, long: "no-new-privs", help: "set no_new_privs before running <program>", group: group),
        ]
    }
}
