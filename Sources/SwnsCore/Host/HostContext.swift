/// Where the tools look things up while parsing and planning: the caller's ids, user and group
/// names, and the subordinate-id and id-map files. Unit tests pass their own.
public struct HostContext: Sendable {
    public var euid: UInt32
    public var egid: UInt32
    /// A whole file as text, or the error in util-linux's words (`cannot open /etc/subuid`).
    public var readFile: @Sendable (String) throws(SwnsError) -> String

    public init(euid: UInt32, egid: UInt32, readFile: @escaping @Sendable (String) throws(SwnsError) -> String) {
        self.euid = euid
        self.egid = egid
        self.readFile = readFile
    }

    public static var live: HostContext {
        HostContext(euid: Kernel.effectiveUserID, egid: Kernel.effectiveGroupID) { (path) throws(SwnsError) in
            do throws(SystemError) {
                return CStrings.string(try Kernel.readFile(path))
            } catch {
                throw SwnsError(error, opening: "cannot open \(path)", otherwise: "cannot read \(path)")
            }
        }
    }

    /// The uid of a user name (from /etc/passwd) or number.
    public func userID(_ text: String) -> UInt32? {
        Accounts.user(named: text, passwd: try? readFile("/etc/passwd"))?.id ?? Numbers.id(text)
    }

    /// The gid of a group name (from /etc/group) or number.
    public func groupID(_ text: String) -> UInt32? {
        Accounts.group(named: text, group: try? readFile("/etc/group"))?.id ?? Numbers.id(text)
    }

    /// Our user's name, or our uid where /etc/passwd has none.
    public var userName: String {
        Accounts.user(id: euid, passwd: try? readFile("/etc/passwd"))?.name ?? String(euid)
    }

    /// The login shell of user `uid` in /etc/passwd, if it names one.
    public func passwdShell(of uid: UInt32) -> String? {
        guard let entry = Accounts.user(id: uid, passwd: try? readFile("/etc/passwd")), !entry.shell.isEmpty else {
            return nil
        }
        return entry.shell
    }
}
