import CSwns

/// Mount propagation applied recursively to / in a new mount namespace.
public enum Propagation: String, CaseIterable, Sendable {
    case `private`, shared, slave, unchanged

    /// The mount(2) flags: `MS_REC|MS_PRIVATE` etc.; nil for `unchanged`.
    public var mountFlags: UInt? {
        switch self {
        case .private: SWNS_MS_REC | SWNS_MS_PRIVATE
        case .shared: SWNS_MS_REC | SWNS_MS_SHARED
        case .slave: SWNS_MS_REC | SWNS_MS_SLAVE
        case .unchanged: nil
        }
    }
}
