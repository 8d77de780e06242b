/// Applying a capability plan, in the kernel's order: the bounding set while still privileged,
/// keep-caps across the uid switch, then the other sets, ambient last, then no_new_privs.
extension CapabilityPlan {
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
        var drop = CapabilitySets.current().bounding & ~sets.bounding
        while drop != 0 {
            let value = drop.trailingZeroBitCount
            try SwnsError.wording("cannot drop \(Capability.name(value)) from the bounding set") {
                () throws(SystemError) in try Libcap.dropBound(value)
            }
            drop &= drop - 1
        }
        if switchingUser && !steps.isEmpty {
            try SwnsError.wording("prctl(PR_SET_KEEPCAPS) failed") { () throws(SystemError) in
                try Kernel.setKeepCapabilities(true)
            }
        }
    }

    /// After the uid switch: permitted, effective and inheritable in one capset, then ambient, then
    /// no_new_privs.
    public func applyAfterCredentials(_ sets: CapabilitySets?) throws(SwnsError) {
        if let sets {
            try SwnsError.wording("capset failed") { () throws(SystemError) in try Libcap.setProcessSets(sets) }
            try SwnsError.wording("prctl(PR_CAP_AMBIENT_CLEAR_ALL) failed") { () throws(SystemError) in
                try Libcap.clearAmbient()
            }
            var ambient = sets.ambient
            while ambient != 0 {
                let value = ambient.trailingZeroBitCount
                try SwnsError.wording("cannot raise \(Capability.name(value)) in the ambient set") {
                    () throws(SystemError) in try Kernel.raiseAmbient(value)
                }
                ambient &= ambient - 1
            }
            try SwnsError.wording("prctl(PR_SET_KEEPCAPS) failed") { () throws(SystemError) in
                try Kernel.setKeepCapabilities(false)
            }
        }
        if noNewPrivs {
            try SwnsError.wording("prctl(PR_SET_NO_NEW_PRIVS) failed") { () throws(SystemError) in
                try Kernel.setNoNewPrivileges()
            }
        }
    }
}
