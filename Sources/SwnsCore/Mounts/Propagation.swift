/// Mount propagation applied recursively to / in a new mount namespace.
public enum Propagation: String, CaseIterable, Sendable {
    case `private`, shared, slave, unchanged

    /// The mount(2) flags: `MS_REC|MS_PRIVATE` etc.; nil for `unchanged`.
    public var mountFlags: MountFlags? {
        switch self {
        case .private: [.recursive, .private]
        case .shared: [.recursive, .shared]
        case .slave: [.recursive, .slave]
        case .unchanged: nil
        }
    }
}
