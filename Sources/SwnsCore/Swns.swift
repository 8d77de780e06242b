/// The package's own facts.
public enum Swns {
    public static let version = "0.1.0"

    /// `swunshare from swns 0.1.0`, the -V line.
    public static func versionLine(tool: String) -> String { "\(tool) from swns \(version)\n" }
}
