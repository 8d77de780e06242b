/// binfmt_misc in a new user and mount namespace (Linux 6.7 and later give each user namespace
/// its own).
public enum Binfmt {
    /// As util-linux mounts it (and proc).
    public static let flags: MountFlags = [.noSetuid, .noExec, .noDevices]

    public static func mount(_ directory: String) throws(SwnsError) {
        try SwnsError.wording("mount \(directory) failed") { () throws(SystemError) in
            try Kernel.mount("binfmt_misc", on: directory, type: "binfmt_misc", flags: flags)
        }
    }

    /// The file an interpreter is registered by writing to.
    public static func registerFile(in directory: String) -> String { directory + "/register" }

    public static func register(_ interpreter: BinfmtInterpreter, in directory: String) throws(SwnsError) {
        let path = registerFile(in: directory)
        do {
            try Kernel.writeFile(path, interpreter.specification)
        } catch {
            throw SwnsError(error, opening: "cannot open \(path)", otherwise: "cannot write interpreter")
        }
    }
}
