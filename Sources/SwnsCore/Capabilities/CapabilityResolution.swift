/// The sets a capability plan asks for, worked out change by change from what the process holds.
extension CapabilityPlan {
    /// The sets so far, and what the changes so far named: named capabilities are honoured or
    /// refused, where `all` takes what can be had.
    struct Resolution {
        let start: CapabilitySets
        var sets: CapabilitySets
        var droppedFromBounding: UInt64 = 0
        var added: UInt64 = 0
        var namedInheritable: UInt64 = 0
        var namedAmbient: UInt64 = 0

        init(_ start: CapabilitySets) {
            self.start = start
            sets = start
        }
    }

    /// The sets to give the process before exec, from `start`: what it holds when the plan is
    /// applied (after namespaces and maps, before the switch to `uid`, if any). In a user namespace
    /// made or entered (`userNamespace`) --keep-caps applies. Throws on a contradiction or on what
    /// the kernel would refuse, naming the capability.
    public func resolve(from start: CapabilitySets, userNamespace: Bool = false,
                        uid: UInt32? = nil) throws(SwnsError) -> CapabilitySets {
        let leavesRoot = (uid ?? 0) != 0
        var state = Resolution(start)
        for change in changes {
            switch change.option {
            case .drop: state.drop(change.mask)
            case .add: try state.add(change)
            case .bounding: try state.changeBounding(change)
            case .inheritable: state.changeInheritable(change)
            case .ambient: try state.changeAmbient(change)
            case .noNewPrivs: continue
            case .keepPermitted:
                // As in util-linux, leaving user ID 0 empties the permitted set first, so there is
                // nothing to keep.
                guard userNamespace, !leavesRoot else { continue }
                state.sets.inheritable |= state.sets.permitted
                state.sets.ambient |= state.sets.permitted
            }
        }
        try state.checkBoundingDrop()
        try state.checkInheritable(leavesRoot: leavesRoot)
        return state.finished(leavesRoot: leavesRoot)
    }
}

extension CapabilityPlan.Resolution {
    static let setpcap = UInt64(1) << UInt64(Libcap.setpcap)

    mutating func drop(_ mask: UInt64) {
        sets.bounding &= ~mask
        sets.permitted &= ~mask
        sets.effective &= ~mask
        sets.inheritable &= ~mask
        sets.ambient &= ~mask
        droppedFromBounding |= mask
        added &= ~mask
        namedInheritable &= ~mask
        namedAmbient &= ~mask
    }

    /// What can still be had of `change`'s capabilities: for `all`, less what the bounding set has lost.
    func reachable(_ change: CapabilityPlan.Change) -> UInt64 {
        change.all ? change.mask & sets.permitted & ~droppedFromBounding : change.mask
    }

    mutating func add(_ change: CapabilityPlan.Change) throws(SwnsError) {
        let mask = reachable(change)
        if mask & droppedFromBounding != 0 {
            throw SwnsError("capability \(Capability.firstName(mask & droppedFromBounding)) is both added and dropped from the bounding set")
        }
        let missing = mask & ~sets.permitted
        if missing != 0 {
            throw SwnsError("cannot add capability \(Capability.firstName(missing)): it is not in the permitted set",
                            hint: CapabilityPlan.notHeldHint(start, missing))
        }
        sets.permitted |= mask
        sets.effective |= mask
        sets.inheritable |= mask
        sets.ambient |= mask
        if !change.all { added |= mask }
    }

    mutating func changeBounding(_ change: CapabilityPlan.Change) throws(SwnsError) {
        if change.add {
            let gone = change.all ? 0 : change.mask & ~sets.bounding
            if gone & droppedFromBounding != 0 {
                throw SwnsError("cannot add capability \(Capability.firstName(gone & droppedFromBounding)) to the bounding set: it has been dropped")
            }
            if gone != 0 {
                throw SwnsError("cannot add capability \(Capability.firstName(gone)) to the bounding set: it is not in it, and the set cannot grow")
            }
            return
        }
        if change.mask & added != 0 {
            throw SwnsError("capability \(Capability.firstName(change.mask & added)) is both added and dropped from the bounding set")
        }
        sets.bounding &= ~change.mask
        droppedFromBounding |= change.mask
    }

    mutating func changeInheritable(_ change: CapabilityPlan.Change) {
        if change.add {
            sets.inheritable |= change.mask
            if !change.all { namedInheritable |= change.mask }
            return
        }
        sets.inheritable &= ~change.mask
        sets.ambient &= ~change.mask
        namedInheritable &= ~change.mask
        namedAmbient &= ~change.mask
        added &= ~change.mask
    }

    mutating func changeAmbient(_ change: CapabilityPlan.Change) throws(SwnsError) {
        if change.add {
            let mask = reachable(change)
            let outside = mask & ~sets.permitted
            if outside != 0 {
                throw SwnsError("capability \(Capability.firstName(outside)) cannot be ambient: it is not permitted")
            }
            sets.inheritable |= mask
            sets.ambient |= mask
            if !change.all { namedAmbient |= mask }
            return
        }
        sets.ambient &= ~change.mask
        namedAmbient &= ~change.mask
        added &= ~change.mask
    }

    /// Dropping from the bounding set needs CAP_SETPCAP.
    func checkBoundingDrop() throws(SwnsError) {
        let dropping = start.bounding & ~sets.bounding
        if dropping != 0, start.effective & Self.setpcap == 0 {
            throw SwnsError("cannot drop capability \(Capability.firstName(dropping)) from the bounding set: it needs CAP_SETPCAP",
                            hint: CapabilityPlan.notHeldHint(start, Self.setpcap))
        }
    }

    /// What capset(2) takes as inheritable: a new one only from the bounding set or the old
    /// inheritable set, and without CAP_SETPCAP in effect (leaving user ID 0 empties the effective
    /// set) only from the old permitted or inheritable set.
    func allowedInheritable(leavesRoot: Bool) -> UInt64 {
        var inheritable = start.inheritable | sets.bounding
        if leavesRoot || start.effective & Self.setpcap == 0 { inheritable &= start.inheritable | start.permitted }
        return inheritable
    }

    /// A named capability that capset would refuse as inheritable is refused now, with the reason.
    func checkInheritable(leavesRoot: Bool) throws(SwnsError) {
        let refused = (added | namedInheritable | namedAmbient) & sets.inheritable & ~allowedInheritable(leavesRoot: leavesRoot)
        guard refused != 0 else { return }
        let value = UInt64(1) << UInt64(refused.trailingZeroBitCount)
        let why = (start.inheritable | sets.bounding) & value == 0
            ? (droppedFromBounding & value != 0 ? "it is dropped from the bounding set" : "it is not in the bounding set")
            : "it is not permitted"
        if added & value != 0, droppedFromBounding & value != 0 {
            throw SwnsError("capability \(Capability.firstName(value)) is both added and dropped from the bounding set")
        }
        let what = added & value != 0 ? "kept" : namedAmbient & value != 0 ? "ambient" : "inheritable"
        throw SwnsError("capability \(Capability.firstName(value)) cannot be \(what): \(why)")
    }

    /// The sets capset will take. The program of another user than root gets only its ambient
    /// capabilities; holding no more until then keeps the path search and exec checks those of
    /// that user.
    func finished(leavesRoot: Bool) -> CapabilitySets {
        var sets = sets
        sets.inheritable &= allowedInheritable(leavesRoot: leavesRoot)
        sets.ambient &= sets.inheritable & sets.permitted
        if leavesRoot {
            sets.permitted = sets.ambient
            sets.effective = sets.ambient
        } else {
            sets.effective &= sets.permitted
        }
        return sets
    }
}

extension CapabilityPlan {
    /// Why a capability is not ours to keep: without privilege, the way to get it (a user
    /// namespace: swunshare -r, swnsenter -U); as root, a bounding set that this system has already
    /// lowered (a container's, for example).
    static func notHeldHint(_ start: CapabilitySets, _ missing: UInt64) -> String {
        if Kernel.effectiveUserID == 0, start.bounding & missing == 0 {
            return "the bounding set of this system lacks it already (CapBnd in /proc/self/status)"
        }
        return "only capabilities that we hold can be kept: run as root, or in a user namespace "
            + "(swunshare -r, swnsenter -U)"
    }
}
