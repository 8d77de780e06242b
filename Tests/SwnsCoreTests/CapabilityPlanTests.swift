import Glibc
import Testing
@testable import SwnsCore

@Suite struct CapabilityPlanTests {
    let netRaw = UInt64(1) << 13, netBind = UInt64(1) << 10, sysAdmin = UInt64(1) << 21, sysResource = UInt64(1) << 24
    var root: CapabilitySets {
        CapabilitySets(bounding: Capability.all, permitted: Capability.all, effective: Capability.all)
    }
    /// Root on a machine (or in a container) whose bounding set lacks CAP_SYS_RESOURCE.
    var confinedRoot: CapabilitySets {
        let held = Capability.all & ~sysResource
        return CapabilitySets(bounding: held, permitted: held, effective: held)
    }
    let unprivileged = CapabilitySets(bounding: Capability.all)

    func plan(_ options: [(CapabilityPlan.Option, String)]) throws(SwnsError) -> CapabilityPlan {
        var plan = CapabilityPlan()
        for (option, list) in options { try plan.add(option, list) }
        return plan
    }

    @Test(arguments: ["net_raw", "NET_RAW", "cap_net_raw", "CAP_NET_RAW", "13"])
    func namesAndNumbers(_ text: String) {
        #expect(Capability.number(text) == 13)
    }

    @Test func namesComeFromLibcap() {
        #expect(Capability.name(13) == "cap_net_raw")
        #expect(Capability.number("bogus") == nil)
        #expect(Capability.number("999") == nil)
    }

    /// `all` is what can still be had: after a bounding-set drop, everything else.
    @Test func addAllAfterABoundingSetDrop() throws {
        let sets = try plan([(.bounding, "-net_raw"), (.add, "all")]).resolve(from: root)
        #expect(sets.bounding == Capability.all & ~netRaw)
        #expect(sets.ambient == Capability.all & ~netRaw)
    }

    /// As root, a capability that the system's bounding set already lacks is named as such; the
    /// way to get one otherwise is a user namespace, in each tool's words.
    @Test(.enabled(if: geteuid() == 0, "the hint for root")) func hintsForWhatIsNotHeld() {
        let error = #expect(throws: SwnsError.self) { try plan([(.add, "sys_resource")]).resolve(from: confinedRoot) }
        #expect(error?.hint?.contains("bounding set of this system lacks it") == true, "\(String(describing: error))")
        #expect(CapabilityPlan.notHeldHint(root, netRaw).contains("swunshare -r, swnsenter -U"))
    }

    /// Blanks anywhere in a name are refused, and the message quotes it.
    @Test(arguments: ["net_raw ", " 13", "net_raw\n", "net_raw, kill"])
    func blanksAreNoPartOfANameList(_ list: String) {
        let error = #expect(throws: SwnsError.self) { try plan([(.drop, list)]) }
        #expect(error?.message.hasPrefix("unknown capability: '") == true, "\(String(describing: error))")
    }

    @Test func dropRemovesFromEverySet() throws {
        let sets = try plan([(.drop, "net_raw,sys_admin")]).resolve(from: root)
        for set in [sets.bounding, sets.permitted, sets.effective, sets.inheritable, sets.ambient] {
            #expect(set & (netRaw | sysAdmin) == 0)
        }
        #expect(sets.permitted == Capability.all & ~(netRaw | sysAdmin))
        #expect(try plan([(.drop, "all")]).resolve(from: root) == CapabilitySets())
    }

    @Test func addMakesTheCapabilityAmbient() throws {
        let sets = try plan([(.add, "net_bind_service")]).resolve(from: root)
        #expect(sets.ambient == netBind && sets.inheritable == netBind)
    }

    @Test func laterOptionsWin() throws {
        let sets = try plan([(.add, "net_bind_service"), (.drop, "net_bind_service")]).resolve(from: root)
        #expect(sets.ambient == 0 && sets.permitted & netBind == 0)
        let again = try plan([(.inheritable, "+net_raw"), (.inheritable, "-all")]).resolve(from: root)
        #expect(again.inheritable == 0)
    }

    @Test func deltas() throws {
        let sets = try plan([(.bounding, "-net_raw"), (.inheritable, "+sys_admin"), (.ambient, "+sys_admin")]).resolve(from: root)
        #expect(sets.bounding == Capability.all & ~netRaw)
        #expect(sets.inheritable == sysAdmin && sets.ambient == sysAdmin)
        #expect(try plan([(.ambient, "+all")]).resolve(from: root).ambient == Capability.all)
    }

    @Test(arguments: [
        ([(CapabilityPlan.Option.drop, "foo")], "unknown capability: foo"),
        ([(.bounding, "net_raw")], "invalid capability delta 'net_raw': it needs a leading + or -"),
        ([(.ambient, "+nope")], "unknown capability: nope"),
        ([(.add, "net_raw"), (.bounding, "-net_raw")], "capability cap_net_raw is both added and dropped from the bounding set"),
        ([(.drop, "net_raw"), (.add, "net_raw")], "capability cap_net_raw is both added and dropped from the bounding set"),
        ([(.drop, "net_raw"), (.bounding, "+net_raw")], "cannot add capability cap_net_raw to the bounding set: it has been dropped"),
        ([(.bounding, "-all,+net_raw")], "cannot add capability cap_net_raw to the bounding set: it has been dropped"),
        ([(.bounding, "-net_raw"), (.ambient, "+net_raw")], "capability cap_net_raw cannot be ambient: it is dropped from the bounding set"),
        ([(.ambient, "+net_raw"), (.bounding, "-net_raw")], "capability cap_net_raw cannot be ambient: it is dropped from the bounding set"),
        ([(.bounding, "-net_raw"), (.inheritable, "+net_raw")], "capability cap_net_raw cannot be inheritable: it is dropped from the bounding set"),
        ([(.inheritable, "+net_raw"), (.bounding, "-all")], "capability cap_net_raw cannot be inheritable: it is dropped from the bounding set"),
        ([(.add, "net_raw"), (.bounding, "-all")], "capability cap_net_raw is both added and dropped from the bounding set"),
    ])
    func contradictions(_ options: [(CapabilityPlan.Option, String)], _ message: String) {
        #expect(throws: SwnsError(message)) { _ = try plan(options).resolve(from: root) }
    }

    @Test func onlyHeldCapabilitiesCanBeKept() throws {
        #expect {
            _ = try plan([(.add, "net_bind_service")]).resolve(from: unprivileged)
        } throws: { ($0 as? SwnsError)?.message == "cannot add capability cap_net_bind_service: it is not in the permitted set" }
        #expect(throws: SwnsError("capability cap_sys_admin cannot be ambient: it is not permitted")) {
            _ = try plan([(.ambient, "+sys_admin")]).resolve(from: unprivileged)
        }
    }

    @Test(arguments: [
        ("", "empty capability list"),
        ("net_raw,", "empty capability name in list 'net_raw,'"),
        (",net_raw", "empty capability name in list ',net_raw'"),
        ("net_raw, kill", "unknown capability: ' kill'"),
    ])
    func emptyAndBlankItems(_ list: String, _ message: String) {
        #expect(throws: SwnsError(message)) { _ = try plan([(.drop, list)]) }
    }

    @Test(arguments: ["", "+", "+,", "+net_raw,", "-"])
    func emptyDeltas(_ list: String) {
        #expect {
            _ = try plan([(.ambient, list)])
        } throws: { ($0 as? SwnsError)?.message.hasPrefix("empty capability") == true }
    }

    /// What capset(2) and the bounding set refuse is refused while planning, naming the capability.
    @Test func whatTheKernelWouldRefuse() throws {
        #expect(throws: SwnsError("capability cap_net_raw cannot be inheritable: it is not permitted")) {
            _ = try plan([(.inheritable, "+net_raw")]).resolve(from: unprivileged)
        }
        #expect(throws: SwnsError("capability cap_sys_resource cannot be inheritable: it is not in the bounding set")) {
            _ = try plan([(.inheritable, "+sys_resource")]).resolve(from: confinedRoot)
        }
        #expect {
            _ = try plan([(.drop, "net_raw")]).resolve(from: unprivileged)
        } throws: { ($0 as? SwnsError)?.message == "cannot drop capability cap_net_raw from the bounding set: it needs CAP_SETPCAP" }
        // With CAP_SETPCAP in effect, the bounding set is the limit; leaving user ID 0 clears
        // it before capset, and then only permitted capabilities can be made inheritable.
        let held = Capability.all & ~netRaw
        let withoutNetRaw = CapabilitySets(bounding: Capability.all, permitted: held, effective: held)
        #expect(try plan([(.inheritable, "+net_raw")]).resolve(from: withoutNetRaw).inheritable == netRaw)
        #expect(throws: SwnsError("capability cap_net_raw cannot be inheritable: it is not permitted")) {
            _ = try plan([(.inheritable, "+net_raw")]).resolve(from: withoutNetRaw, uid: 65534)
        }
    }

    /// `all` is every capability that can still be had; never an error.
    @Test func allIsWhatCanBeHeld() throws {
        let added = try plan([(.add, "all")]).resolve(from: confinedRoot)
        #expect(added.ambient == confinedRoot.permitted && added.permitted == confinedRoot.permitted)
        #expect(try plan([(.inheritable, "+all")]).resolve(from: confinedRoot).inheritable == confinedRoot.bounding)
        #expect(try plan([(.bounding, "-all,+all")]).resolve(from: root).bounding == 0)
        let afterDrop = try plan([(.drop, "net_raw"), (.add, "all")]).resolve(from: root)
        #expect(afterDrop.ambient == Capability.all & ~netRaw)
        let outsideBounding = try plan([(.bounding, "-net_raw"), (.inheritable, "+all"), (.ambient, "+all")]).resolve(from: root)
        #expect(outsideBounding.inheritable == Capability.all & ~netRaw && outsideBounding.ambient == Capability.all & ~netRaw)
    }

    /// A new or entered user namespace holds every capability, whatever the caller's bounding set.
    @Test func aUserNamespaceHoldsEverything() throws {
        #expect(throws: SwnsError.self) { _ = try plan([(.add, "sys_resource")]).resolve(from: confinedRoot) }
        let sets = try plan([(.add, "sys_resource")]).resolve(from: CapabilityPlan.inNewUserNamespace, userNamespace: true)
        #expect(sets.ambient == sysResource)
    }

    /// After the switch to another user than root, the effective and permitted sets hold only what
    /// the program gets: its ambient set.
    @Test func leavingRootKeepsOnlyTheAmbientSet() throws {
        let dropped = try plan([(.drop, "net_raw")]).resolve(from: root, uid: 65534)
        #expect(dropped.effective == 0 && dropped.permitted == 0 && dropped.bounding == Capability.all & ~netRaw)
        let kept = try plan([(.add, "net_bind_service"), (.inheritable, "+sys_admin")]).resolve(from: root, uid: 65534)
        #expect(kept.effective == netBind && kept.permitted == netBind && kept.ambient == netBind)
        #expect(kept.inheritable == netBind | sysAdmin)
        #expect(try plan([(.drop, "net_raw")]).resolve(from: root, uid: 0).effective == Capability.all & ~netRaw)
    }

    /// --keep-caps takes its place in the order: a later option wins over it, and it over an earlier one.
    @Test func keepCapsInOrder() throws {
        var keepThenLower = try plan([])
        keepThenLower.keepPermitted()
        try keepThenLower.add(.ambient, "-net_raw")
        try keepThenLower.add(.inheritable, "-sys_admin")
        let lowered = try keepThenLower.resolve(from: CapabilityPlan.inNewUserNamespace, userNamespace: true)
        #expect(lowered.ambient == Capability.all & ~(netRaw | sysAdmin) && lowered.inheritable == Capability.all & ~sysAdmin)

        var lowerThenKeep = try plan([(.ambient, "-net_raw")])
        lowerThenKeep.keepPermitted()
        var keepOnly = CapabilityPlan()
        keepOnly.keepPermitted()
        #expect(keepOnly.isEmpty && !lowerThenKeep.isEmpty)
        #expect(try lowerThenKeep.resolve(from: CapabilityPlan.inNewUserNamespace, userNamespace: true).ambient == Capability.all)
        // Without a user namespace, or for a non-root program, util-linux's --keep-caps keeps nothing.
        #expect(try lowerThenKeep.resolve(from: root).ambient == 0)
        #expect(try lowerThenKeep.resolve(from: CapabilityPlan.inNewUserNamespace, userNamespace: true, uid: 1000).ambient == 0)
    }
}
