import Glibc

/// CLOCK_MONOTONIC and CLOCK_BOOTTIME offsets of a new time namespace, which can only be written
/// before any process is in it.
public enum TimeNamespace {
    public static func setOffset(_ seconds: Int64, clock: Int32) throws(SwnsError) {
        let path = "/proc/self/timens_offsets"
        do {
            try Kernel.writeFile(path, "\(clock) \(seconds) 0")
        } catch {
            throw SwnsError(error, opening: "failed to open \(path)", otherwise: "failed to write to \(path)")
        }
    }
}
