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

/// `--cap-drop`, `--cap-add`, `--bounding-set`, `--inh-caps`, `--ambient-caps`, `--keep-caps` and
/// `--no-new-privs`, in command-line order: one grammar for swunshare and swnsenter, checked before
/// anything changes and applied in the kernel's order just before exec.
public struct CapabilityPlan: Equatable, Sendable {
    /// The options of the grammar: `--cap-drop`, `--cap-add`, `--bounding-set`, `--inh-caps`,
    /// `--ambient-caps`, `--keep-caps` and `--no-new-privs`.
    public enum Option: Hashable, Sendable { case drop, add, bounding, inheritable, ambient, keepPermitted, noNewPrivs }

    public struct Step: Equatable, Sendable {
        public var option: Option
        /// The capabilities named, as a mask, and whether they are added (`+`) or removed (`-`).
        public var mask: UInt64
        public var add: Bool
        /// `all`: every capability that can still be had at this point, never an error; a named
        /// capability that cannot be had is refused.
        public var all: Bool
    }

    public private(set) var steps: [Step] = []
    public var noNewPrivs = false

    public init() {}

    /// `--keep-caps` was given.
    public var keepsPermitted: Bool { steps.contains { $0.option == .keepPermitted } }

    /// No capability option, apart from --keep-caps, which util-linux does not count as one.
    public var isEmpty: Bool { steps.allSatisfy { $0.option == .keepPermitted } && !noNewPrivs }

    /// One option of the grammar as the command line gives it, in its place among the others.
    public mutating func apply(_ option: Option, _ value: String?) throws(SwnsError) {
        switch option {
        case .keepPermitted: keepPermitted()
        case .noNewPrivs: noNewPrivs = true
        default: try add(option, value ?? "")
        }
    }

    /// Parses one option's LIST: names or `all` for --cap-drop/--cap-add, `+name`/`-name` deltas
    /// for the set options.
    public mutating func add(_ option: Option, _ list: String) throws(SwnsError) {
        if list.isEmpty { throw SwnsError("empty capability list") }
        for item in list.split(separator: ",", omittingEmptySubsequences: false) {
            var text = Substring(item)
            var add = option != .drop
            if option == .bounding || option == .inheritable || option == .ambient {
                guard let sign = text.first, sign == "+" || sign == "-" else {
                    if text.isEmpty { throw SwnsError("empty capability name in list '\(list)'") }
                    throw SwnsError("invalid capability delta '\(item)': it needs a leading + or -")
                }
                add = sign == "+"
                text = text.dropFirst()
            }
            if text.isEmpty { throw SwnsError("empty capability name in list '\(list)'") }
            if text.contains(where: \.isWhitespace) {
                // libcap would take some blanks (after the name) and not others: none, quoted.
                throw SwnsError("unknown capability: '\(text)'")
            } else if text.lowercased() == "all" {
                steps.append(Step(option: option, mask: Capability.all, add: add, all: true))
            } else if let value = Capability.number(String(text)) {
                steps.append(Step(option: option, mask: UInt64(1) << UInt64(value), add: add, all: false))
            } else {
                throw SwnsError("unknown capability: \(text)")
            }
        }
    }

    /// `--keep-caps`, in its place among the other options: with a new or entered user namespace,
    /// the capabilities permitted at that point become inheritable and ambient.
    public mutating func keepPermitted() {
        steps.append(Step(option: .keepPermitted, mask: Capability.all, add: true, all: true))
    }

    /// What the process holds right after it makes or enters a user namespace: every capability
    /// of the running kernel there, none inheritable or ambient (the kernel's set_cred_user_ns).
    public static var inNewUserNamespace: CapabilitySets {
        CapabilitySets(bounding: Capability.all, permitted: Capability.all, effective: Capability.all)
    }

    /// The sets to give the process before exec, from `start`: what it holds when the plan is
    /// applied (after namespaces and maps, before the switch to `uid`, if any). In a user namespace
    /// made or entered (`userNamespace`) --keep-caps applies. Throws on a contradiction or on what
    /// the kernel would refuse, naming the capability.
    public func resolve(from start: CapabilitySets, userNamespace: Bool = false,
                        uid: UInt32? = nil) throws(SwnsError) -> CapabilitySets {
        let leavesRoot = (uid ?? 0) != 0
        var sets = start
        var droppedFromBounding: UInt64 = 0
        // Named (not `all`) and still wanted: these are honoured or refused.
        var added: UInt64 = 0, namedInheritable: UInt64 = 0, namedAmbient: UInt64 = 0
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
                namedInheritable &= ~step.mask
                namedAmbient &= ~step.mask
            case (.add, _):
                // `all`: what can still be had, which leaves out what the bounding set has lost.
                let mask = step.all ? step.mask & sets.permitted & ~droppedFromBounding : step.mask
                if mask & droppedFromBounding != 0 {
                    throw SwnsError("capability \(first(mask & droppedFromBounding)) is both added and dropped from the bounding set")
                }
                let missing = mask & ~sets.permitted
                if missing != 0 {
                    throw SwnsError("cannot add capability \(first(missing)): it is not in the permitted set",
                                    hint: Self.notHeldHint(start, missing))
                }
                sets.permitted |= mask
                sets.effective |= mask
                sets.inheritable |= mask
                sets.ambient |= mask
                if !step.all { added |= mask }
            case (.bounding, true):
                let gone = step.all ? 0 : step.mask & ~sets.bounding
                if gone & droppedFromBounding != 0 {
                    throw SwnsError("cannot add capability \(first(gone & droppedFromBounding)) to the bounding set: it has been dropped")
                }
                if gone != 0 {
                    throw SwnsError("cannot add capability \(first(gone)) to the bounding set: it is not in it, and the set cannot grow")
                }
            case (.bounding, false):
                if step.mask & added != 0 {
                    throw SwnsError("capability \(first(step.mask & added)) is both added and dropped from the bounding set")
                }
                sets.bounding &= ~step.mask
                droppedFromBounding |= step.mask
            case (.inheritable, true):
                sets.inheritable |= step.mask
                if !step.all { namedInheritable |= step.mask }
            case (.inheritable, false):
                sets.inheritable &= ~step.mask
                sets.ambient &= ~step.mask
                namedInheritable &= ~step.mask
                namedAmbient &= ~step.mask
                added &= ~step.mask
            case (.ambient, true):
                // `all`: what can still be had, which leaves out what the bounding set has lost.
                let mask = step.all ? step.mask & sets.permitted & ~droppedFromBounding : step.mask
                let outside = mask & ~sets.permitted
                if outside != 0 {
                    throw SwnsError("capability \(first(outside)) cannot be ambient: it is not permitted")
                }
                sets.inheritable |= mask
                sets.ambient |= mask
                if !step.all { namedAmbient |= mask }
            case (.ambient, false):
                sets.ambient &= ~step.mask
                namedAmbient &= ~step.mask
                added &= ~step.mask
            case (.noNewPrivs, _):
                continue
            case (.keepPermitted, _):
                // As in util-linux, leaving user ID 0 empties the permitted set first, so there is
                // nothing to keep.
                guard userNamespace, !leavesRoot else { continue }
                sets.inheritable |= sets.permitted
                sets.ambient |= sets.permitted
            }
        }

        let setpcap = UInt64(1) << UInt64(CAP_SETPCAP)
        let dropping = start.bounding & ~sets.bounding
        if dropping != 0, start.effective & setpcap == 0 {
            throw SwnsError("cannot drop capability \(first(dropping)) from the bounding set: it needs CAP_SETPCAP",
                            hint: Self.notHeldHint(start, setpcap))
        }
        // capset(2) takes a new inheritable capability only from the bounding set or the old
        // inheritable set, and without CAP_SETPCAP in effect (leaving user ID 0 empties the
        // effective set) only from the old permitted or inheritable set.
        var inheritable = start.inheritable | sets.bounding
        if leavesRoot || start.effective & setpcap == 0 { inheritable &= start.inheritable | start.permitted }
        let refused = (added | namedInheritable | namedAmbient) & sets.inheritable & ~inheritable
        if refused != 0 {
            let value = UInt64(1) << UInt64(refused.trailingZeroBitCount)
            let why = (start.inheritable | sets.bounding) & value == 0
                ? (droppedFromBounding & value != 0 ? "it is dropped from the bounding set" : "it is not in the bounding set")
                : "it is not permitted"
            if added & value != 0, droppedFromBounding & value != 0 {
                throw SwnsError("capability \(first(value)) is both added and dropped from the bounding set")
            }
            let what = added & value != 0 ? "kept" : namedAmbient & value != 0 ? "ambient" : "inheritable"
            throw SwnsError("capability \(first(value)) cannot be \(what): \(why)")
        }
        sets.inheritable &= inheritable
        sets.ambient &= sets.inheritable & sets.permitted
        // The program of another user than root gets only its ambient capabilities; holding no
        // more until then keeps the path search and exec checks those of that user.
        if leavesRoot {
            sets.permitted = sets.ambient
            sets.effective = sets.ambient
        } else {
            sets.effective &= sets.permitted
        }
        return sets
    }

    /// Why a capability is not ours to keep: without privilege, the way to get it (a user
    /// namespace: swunshare -r, swnsenter -U); as root, a bounding set that this system has already
    /// lowered (a container's, for example).
    static func notHeldHint(_ start: CapabilitySets, _ missing: UInt64) -> String {
        if geteuid() == 0, start.bounding & missing == 0 {
            return "the bounding set of this system lacks it already (CapBnd in /proc/self/status)"
        }
        return "only capabilities that we hold can be kept: run as root, or in a user namespace "
            + "(swunshare -r, swnsenter -U)"
    }

    /// Checks the plan against what the process will hold once its namespaces are made or entered:
    /// everything in a new or entered user namespace, else what it holds now.
    public func validate(enteringUserNamespace: Bool, uid: UInt32?) throws(SwnsError) {
        guard !steps.isEmpty else { return }
        let start = enteringUserNamespace ? Self.inNewUserNamespace : CapabilitySets.current()
        _ = try resolve(from: start, userNamespace: enteringUserNamespace, uid: uid)
    }

    /// Resolves against the process as it is now and applies what must come before the switch to
    /// `uid`; the result goes to `applyAfterCredentials`.
    public func prepare(enteringUserNamespace: Bool, uid: UInt32?) throws(SwnsError) -> CapabilitySets? {
        guard !steps.isEmpty else { return nil }
        let sets = try resolve(from: CapabilitySets.current(), userNamespace: enteringUserNamespace, uid: uid)
        try applyBeforeCredentials(sets, switchingUser: uid != nil)
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
