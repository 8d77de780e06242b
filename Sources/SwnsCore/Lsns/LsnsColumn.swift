/// lsns's columns, in --output-all order. What each one is lives in `LsnsColumn.table`.
public enum LsnsColumn: Int, CaseIterable, Sendable {
    case ns, type, path, nprocs, pid, ppid, command, uid, user, netnsid, nsfs, pns, ons, nsid

    /// What a column is: its name and help, how it is laid out, its JSON type, what its cells need.
    public struct Description: Sendable {
        public let name: String
        public let help: String
        /// util-linux's width hint (lsns.c), which libsmartcols widens the column to.
        public let widthHint: Int
        /// Cells align right (except in the tree column of `-T parent|owner`, where NS draws the tree).
        public let rightAligned: Bool
        /// JSON writes its cells as numbers, and the filter compares them as numbers.
        public let numeric: Bool
        /// What must be found out beyond the scan for its cells.
        public let needs: Needs
    }

    /// The work a column's cells take beyond the scan of /proc.
    public struct Needs: OptionSet, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        /// The parent or owner of each namespace: the nsfs ioctls on a descriptor of each.
        public static let relations = Needs(rawValue: 1)
        /// The id our network namespace gives each network namespace: RTM_GETNSID.
        public static let netnsid = Needs(rawValue: 2)
        /// Each namespace's own 64-bit id: NS_GET_ID on a descriptor of each.
        public static let nsid = Needs(rawValue: 4)
    }

    /// The facts of every column, by `rawValue`.
    static let table: [Description] = [
        Description(name: "NS", help: "namespace identifier (inode number)", widthHint: 10, rightAligned: true,
                    numeric: true, needs: []),
        Description(name: "TYPE", help: "kind of namespace", widthHint: 5, rightAligned: false, numeric: false, needs: []),
        Description(name: "PATH", help: "path to the namespace", widthHint: 0, rightAligned: false, numeric: false,
                    needs: []),
        Description(name: "NPROCS", help: "number of processes in the namespace", widthHint: 5, rightAligned: true,
                    numeric: true, needs: []),
        Description(name: "PID", help: "lowest PID in the namespace", widthHint: 5, rightAligned: true, numeric: true,
                    needs: []),
        Description(name: "PPID", help: "PPID of the PID", widthHint: 5, rightAligned: true, numeric: true, needs: []),
        Description(name: "COMMAND", help: "command line of the PID", widthHint: 0, rightAligned: false, numeric: false,
                    needs: []),
        Description(name: "UID", help: "UID of the PID", widthHint: 0, rightAligned: true, numeric: true, needs: []),
        Description(name: "USER", help: "username of the PID", widthHint: 0, rightAligned: false, numeric: false,
                    needs: []),
        Description(name: "NETNSID", help: "namespace ID as used by network subsystem", widthHint: 0, rightAligned: true,
                    numeric: false, needs: .netnsid),
        Description(name: "NSFS", help: "nsfs mountpoint (usually used network subsystem)", widthHint: 0,
                    rightAligned: false, numeric: false, needs: []),
        Description(name: "PNS", help: "parent namespace identifier (inode number)", widthHint: 10, rightAligned: true,
                    numeric: true, needs: .relations),
        Description(name: "ONS", help: "owner namespace identifier (inode number)", widthHint: 10, rightAligned: true,
                    numeric: true, needs: .relations),
        // Beyond util-linux: the id that nsenter --mount=:NSID and the like take (Linux 6.18 and later).
        Description(name: "NSID", help: "namespace ID (as nsenter --<type>=:<nsid> takes it)", widthHint: 0,
                    rightAligned: true, numeric: true, needs: .nsid),
    ]

    public var facts: Description { Self.table[rawValue] }
    public var name: String { facts.name }
    public var help: String { facts.help }
    public var numeric: Bool { facts.numeric }
    public var widthHint: Int { facts.widthHint }

    public static func named(_ name: String) -> LsnsColumn? {
        let upper = name.uppercased()
        return allCases.first { $0.name == upper }
    }
}
