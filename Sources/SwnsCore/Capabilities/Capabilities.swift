import CLibcap
import CSwns
import Glibc

/// The process's capability sets, through libcap.
public enum Capabilities {
    /// `--keep-caps`: make every permitted capability inheritable and then ambient, so that it
    /// survives execve(2) of a program without file capabilities. The kernel only lets a
    /// capability become ambient while it is both permitted and inheritable.
    public static func carryPermittedIntoAmbient() throws(SwnsError) {
        guard let caps = cap_get_proc() else { throw .system("capget failed") }
        defer { cap_free(UnsafeMutableRawPointer(caps)) }
        let last = cap_max_bits()
        var effective: [cap_value_t] = []
        for value in 0..<cap_value_t(last) {
            var flag = CAP_CLEAR
            if cap_get_flag(caps, value, CAP_PERMITTED, &flag) == 0, flag == CAP_SET {
                var one = [value]
                cap_set_flag(caps, CAP_INHERITABLE, 1, &one, CAP_SET)
            }
            if cap_get_flag(caps, value, CAP_EFFECTIVE, &flag) == 0, flag == CAP_SET {
                effective.append(value)
            }
        }
        if cap_set_proc(caps) != 0 { throw .system("capset failed") }
        for value in effective where swns_cap_ambient_raise(UInt(value)) != 0 {
            throw .system("prctl(PR_CAP_AMBIENT) failed")
        }
    }
}
