import Glibc
import Testing
@testable import SwnsCore

/// The hints after a refusal, over made-up answers of the /proc/sys files (the host's are left
/// as they are).
@Suite struct UnshareHintsTests {
    static func sysctl(_ values: [String: Int]) -> (String) -> Int? { { values[$0] } }

    static let apparmor = "/proc/sys/kernel/apparmor_restrict_unprivileged_userns"

    // Ubuntu 24.04 and later: the user namespace is made, without capabilities, and writing its
    // own uid_map fails with EPERM.
    @Test func mapWriteRefusedUnderAppArmor() throws {
        let failure = SwnsError("write failed /proc/self/uid_map", errno: EPERM)
        let hint = try #require(UnshareHints.afterMapWriteFailure(failure, euid: 1000,
                                                                  sysctl: Self.sysctl([Self.apparmor: 1])))
        #expect(hint.hasPrefix("AppArmor restricts unprivileged user namespaces "
                               + "(kernel.apparmor_restrict_unprivileged_userns = 1)"))
        #expect(hint.contains("userns,") && hint.contains("/etc/apparmor.d"), "the profile route: \(hint)")
        #expect(hint.contains("sysctl -w kernel.apparmor_restrict_unprivileged_userns=0"), "the sysctl route: \(hint)")
    }

    @Test(arguments: [
        (EPERM, UInt32(1000), 0), (EPERM, 1000, -1), (EPERM, 0, 1), (EINVAL, 1000, 1), (ENOENT, 1000, 1),
    ])
    func noAppArmorHintOtherwise(_ errno: Int32, _ euid: UInt32, _ restricted: Int) {
        // -1: the file is not there (a kernel without AppArmor).
        let values = restricted < 0 ? [:] : [Self.apparmor: restricted]
        let failure = SwnsError("write failed /proc/self/uid_map", errno: errno)
        #expect(UnshareHints.afterMapWriteFailure(failure, euid: euid, sysctl: Self.sysctl(values)) == nil)
    }

    @Test func unshareRefusedUnderAppArmor() {
        let hint = UnshareHints.afterUnshareFailure(SystemError("unshare", "CLONE_NEWUSER", errno: EACCES), mask: .user,
                                                    euid: 1000, sysctl: Self.sysctl([Self.apparmor: 1]))
        #expect(hint?.hasPrefix("AppArmor restricts unprivileged user namespaces") == true, "\(hint ?? "-")")
    }
}
