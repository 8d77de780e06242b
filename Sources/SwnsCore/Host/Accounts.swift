/// User and group lookups from /etc/passwd and /etc/group.
///
/// The tools are fully static executables, and static glibc's getpwnam(3) needs the shared NSS
/// modules of the very glibc it was built with. Reading the files ourselves keeps the binaries
/// portable; the price is that names known only to LDAP or systemd-homed are not found (numbers
/// always work).
public struct AccountEntry: Equatable, Sendable {
    public let name: String
    public let id: UInt32
    public let groupID: UInt32
    public let shell: String
}

public enum Accounts {
    public static func user(named name: String, passwd: String?) -> AccountEntry? {
        entries(passwd).first { $0.name == name }
    }

    public static func user(id: UInt32, passwd: String?) -> AccountEntry? {
        entries(passwd).first { $0.id == id }
    }

    public static func group(named name: String, group: String?) -> AccountEntry? {
        entries(group).first { $0.name == name }
    }

    /// Lines of the colon-separated form `name:x:id:gid-or-members:...`; the shell is the last
    /// field of a passwd line.
    static func entries(_ text: String?) -> [AccountEntry] {
        guard let text else { return [] }
        return text.split(separator: "\n").compactMap { line in
            if line.hasPrefix("#") { return nil }
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count >= 3, let id: UInt32 = Numbers.digits(fields[2].utf8) else { return nil }
            let gid = fields.count > 3 ? Numbers.digits(fields[3].utf8) ?? id : id
            return AccountEntry(name: String(fields[0]), id: id, groupID: gid,
                                shell: fields.count >= 7 ? String(fields[6]) : "")
        }
    }
}
