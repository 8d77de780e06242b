import Glibc

/// CLOCK_MONOTONIC and CLOCK_BOOTTIME offsets of a new time namespace, which can only be written
/// before any process is in it.
public enum TimeNamespace {
    public static let offsetsFile = "/proc/self/timens_offsets"

    /// The line that sets `clock` ahead by `seconds`: `CLOCK SECONDS NANOSECONDS`.
    public static func offsetLine(_ seconds: Int64, clock: Int32) -> String { "\(clock) \(seconds) 0" }

    public static func setOffset(_ seconds: Int64, clock: Int32) throws(SwnsError) {
        let path = offsetsFile
        do {
            try Kernel.writeFile(path, offsetLine(seconds, clock: clock))
        } catch {
            throw SwnsError(error, opening: "failed to open \(path)", otherwise: "failed to write to \(path)")
        }
    }
}
