/// `--cap-drop`, `--cap-add`, `--bounding-set`, `--inh-caps`, `--ambient-caps`, `--keep-caps` and
/// `--no-new-privs`, in command-line order: one grammar for swunshare and swnsenter, checked before
/// anything changes and applied in the kernel's order just before exec.
public struct CapabilityPlan: Equatable, Sendable {
    /// The options of the grammar: `--cap-drop`, `--cap-add`, `--bounding-set`, `--inh-caps`,
    /// `--ambient-caps`, `--keep-caps` and `--no-new-privs`.
    public enum Option: Hashable, Sendable { case drop, add, bounding, inheritable, ambient, keepPermitted, noNewPrivs }

    public struct Change: Equatable, Sendable {
        public var option: Option
        /// The capabilities named, as a mask, and whether they are added (`+`) or removed (`-`).
        public var mask: UInt64
        public var add: Bool
        /// `all`: every capability that can still be had at this point, never an error; a named
        /// capability that cannot be had is refused.
        public var all: Bool
    }

    public private(set) var changes: [Change] = []
    public var noNewPrivs = false

    public init() {}

    /// `--keep-caps` was given.
    public var keepsPermitted: Bool { changes.contains { $0.option == .keepPermitted } }

    /// No capability option, apart from --keep-caps, which util-linux does not count as one.
    public var isEmpty: Bool { changes.allSatisfy { $0.option == .keepPermitted } && !noNewPrivs }

    /// One option of the grammar as the command line gives it, in its place among the others.
    public mutating func apply(_ option: Option, _ value: String?) throws(SwnsError) {
        switch option {
        case .keepPermitted: keepPermitted()
        case .noNewPrivs: noNewPrivs = true
        default: try add(option, value ?? "")
        }
    }

    /// Parses one option's LIST: names or `all` for --cap-drop/--cap-add, `+name`/`-name` deltas
    /// for the set options.
    public mutating func add(_ option: Option, _ list: String) throws(SwnsError) {
        if list.isEmpty { throw SwnsError("empty capability list") }
        for item in list.split(separator: ",", omittingEmptySubsequences: false) {
            var text = Substring(item)
            var add = option != .drop
            if option == .bounding || option == .inheritable || option == .ambient {
                guard let sign = text.first, sign == "+" || sign == "-" else {
                    if text.isEmpty { throw SwnsError("empty capability name in list '\(list)'") }
                    throw SwnsError("invalid capability delta '\(item)': it needs a leading + or -")
                }
                add = sign == "+"
                text = text.dropFirst()
            }
            if text.isEmpty { throw SwnsError("empty capability name in list '\(list)'") }
            if text.contains(where: \.isWhitespace) {
                // libcap would take some blanks (after the name) and not others: none, quoted.
                throw SwnsError("unknown capability: '\(text)'")
            } else if text.lowercased() == "all" {
                changes.append(Change(option: option, mask: Capability.all, add: add, all: true))
            } else if let value = Capability.number(String(text)) {
                changes.append(Change(option: option, mask: UInt64(1) << UInt64(value), add: add, all: false))
            } else {
                throw SwnsError("unknown capability: \(text)")
            }
        }
    }

    /// `--keep-caps`, in its place among the other options: with a new or entered user namespace,
    /// the capabilities permitted at that point become inheritable and ambient.
    public mutating func keepPermitted() {
        changes.append(Change(option: .keepPermitted, mask: Capability.all, add: true, all: true))
    }

    /// What the process holds right after it makes or enters a user namespace: every capability
    /// of the running kernel there, none inheritable or ambient (the kernel's set_cred_user_ns).
    public static var inNewUserNamespace: CapabilitySets {
        CapabilitySets(bounding: Capability.all, permitted: Capability.all, effective: Capability.all)
    }

    /// Checks the plan against what the program's process will hold once its namespaces are made
    /// or entered (everything in a new or entered user namespace, else what we hold now), and
    /// returns that start and the sets the plan makes of it (nil when it names no capability).
    public func resolveForProgram(enteringUserNamespace: Bool, uid: UInt32?) throws(SwnsError)
        -> (start: CapabilitySets, sets: CapabilitySets?) {
        guard !changes.isEmpty else { return (CapabilitySets(), nil) }
        let start = enteringUserNamespace ? Self.inNewUserNamespace : CapabilitySets.current()
        return (start, try resolve(from: start, userNamespace: enteringUserNamespace, uid: uid))
    }
}
