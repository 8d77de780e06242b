/// The switch of a process's ids, in util-linux 2.40's words.
public enum ProcessCredentials {
    public static func dropSupplementaryGroups() throws(SwnsError) {
        try SwnsError.wording("setgroups failed") { () throws(SystemError) in try Kernel.dropSupplementaryGroups() }
    }

    public static func setgid(_ gid: UInt32) throws(SwnsError) {
        try SwnsError.wording("setgid() failed") { () throws(SystemError) in try Kernel.setgid(gid) }
    }

    public static func setuid(_ uid: UInt32) throws(SwnsError) {
        try SwnsError.wording("setuid() failed") { () throws(SystemError) in try Kernel.setuid(uid) }
    }
}
