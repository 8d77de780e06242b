import Testing
@testable import SwnsCore

@Suite struct NamespaceKindTests {
    // The CLONE_NEW* values from linux/sched.h, written out here as an independent source.
    @Test(arguments: [
        ("mnt", 0x0002_0000), ("uts", 0x0400_0000), ("ipc", 0x0800_0000), ("net", 0x4000_0000),
        ("pid", 0x2000_0000), ("user", 0x1000_0000), ("cgroup", 0x0200_0000), ("time", 0x0000_0080),
    ])
    func cloneBits(_ name: String, _ bit: Int32) throws {
        let kind = try #require(NamespaceKind.named(name))
        #expect(kind.mask.rawValue == bit)
    }

    // The names in linux/sched.h, lowest bit first, as a dry run and error steps print them.
    @Test func maskNamesFollowTheKernelHeaders() {
        #expect("\(NamespaceMask())" == "0")
        #expect("\(NamespaceMask.mount)" == "CLONE_NEWNS")
        #expect("\([NamespaceMask.net, .uts, .pid, .time, .mount] as NamespaceMask)"
                == "CLONE_NEWTIME|CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWPID|CLONE_NEWNET")
    }

    @Test func tableIsComplete() {
        #expect(NamespaceKind.all.count == 8)
        #expect(Set(NamespaceKind.all.map(\.shortOption)) == ["m", "u", "i", "n", "p", "U", "C", "T"])
        #expect(Set(NamespaceKind.optionOrder) == Set(NamespaceKind.all))
        #expect(NamespaceKind.optionOrder.count == NamespaceKind.all.count)
        #expect(Set(NamespaceKind.typeHelpOrder) == Set(NamespaceKind.all))
        #expect(NamespaceKind.typeHelpOrder.count == NamespaceKind.all.count)
        #expect(NamespaceKind.all.first == .user, "the user namespace is entered first")
        #expect(NamespaceKind.pid.persistEntry == "pid_for_children")
        #expect(NamespaceKind.time.persistEntry == "time_for_children")
        #expect(NamespaceKind.mount.persistEntry == "mnt")
    }

    @Test func masksCombine() {
        let mask: NamespaceMask = [.uts, .ipc, .user]
        #expect(mask.rawValue == 0x0400_0000 | 0x0800_0000 | 0x1000_0000)
        #expect(mask.kinds == [.user, .ipc, .uts])
    }
}
