import Testing
@testable import SwnsCore

@Suite struct CapabilityPlanTests {
    let netRaw = UInt64(1) << 13, netBind = UInt64(1) << 10, sysAdmin = UInt64(1) << 21
    var root: CapabilitySets {
        CapabilitySets(bounding: Capability.all, permitted: Capability.all, effective: Capability.all)
    }

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
    ])
    func contradictions(_ options: [(CapabilityPlan.Option, String)], _ message: String) {
        #expect(throws: SwnsError(message)) { _ = try plan(options).resolve(from: root) }
    }

    @Test func onlyHeldCapabilitiesCanBeKept() throws {
        let unprivileged = CapabilitySets(bounding: Capability.all)
        #expect {
            _ = try plan([(.add, "net_bind_service")]).resolve(from: unprivileged)
        } throws: { ($0 as? SwnsError)?.message == "cannot add capability cap_net_bind_service: it is not in the permitted set" }
        #expect(throws: SwnsError("capability cap_sys_admin cannot be ambient: it is not permitted")) {
            _ = try plan([(.ambient, "+sys_admin")]).resolve(from: unprivileged)
        }
    }
}
