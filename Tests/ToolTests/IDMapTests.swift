import Foundation
import Testing

@Suite(.root) struct IDMapEndToEndTests {
    func maps(_ arguments: [String]) throws -> (uid: [String], gid: [String]) {
        let outcome = try swunshare(arguments + ["sh", "-c", "cat /proc/self/uid_map; echo --; cat /proc/self/gid_map"])
        #expect(outcome.status == 0, "\(outcome)")
        let parts = outcome.stdout.components(separatedBy: "--\n")
        func normalize(_ text: String) -> [String] {
            lines(text).map { $0.split(separator: " ").joined(separator: " ") }
        }
        return (normalize(parts.first ?? ""), normalize(parts.count > 1 ? parts[1] : ""))
    }

    @Test func mapRootUser() throws {
        let result = try maps(["-r"])
        #expect(result.uid == ["0 0 1"] && result.gid == ["0 0 1"])
    }

    @Test func mapUserAndGroup() throws {
        let result = try maps(["--map-user=1000", "--map-group=nogroup"])
        #expect(result.uid == ["1000 0 1"] && result.gid == ["65534 0 1"])
    }

    @Test func blockMapsWithARootHole() throws {
        let result = try maps(["--map-users=0:100000:65536", "--map-groups=0:200000:65536", "-r"])
        #expect(result.uid == ["0 0 1", "1 100000 65535"])
        #expect(result.gid == ["0 0 1", "1 200000 65535"])
    }

    @Test func severalBlocksAndTheOldForm() throws {
        let result = try maps(["--map-users=0:100000:10", "--map-users=300000,10,5", "--map-groups=0:100000:1"])
        #expect(result.uid == ["0 100000 10", "10 300000 5"])
        #expect(result.gid == ["0 100000 1"])
    }

    @Test func mapUsersAll() throws {
        let result = try maps(["--map-users=all", "--map-groups=all"])
        #expect(result.uid == ["0 0 4294967295"])
    }

    @Test func setgroupsDenyIsWritten() throws {
        let outcome = try swunshare(["-r", "cat", "/proc/self/setgroups"])
        #expect(outcome.stdout == "deny\n")
        let allowed = try swunshare(["-U", "--setgroups=allow", "cat", "/proc/self/setgroups"])
        #expect(allowed.stdout == "allow\n")
    }
}
