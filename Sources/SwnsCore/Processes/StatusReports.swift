import Glibc

/// bubblewrap's `--info-fd` and `--json-status-fd`, for scripts that drive the tools: once the
/// program's process exists and is in its namespaces, one JSON object on a line of its own with
/// its PID and the namespaces it is in that are not the caller's; with `--json-status-fd`, when it
/// has ended, a second one with the status the tool exits with. The line is made once for all the
/// descriptors.
public struct StatusReports: Sendable, Equatable {
    public struct Descriptor: Sendable, Equatable {
        public let fd: Int32
        /// `--info-fd`: the first object, then the descriptor is closed; `--json-status-fd`: the
        /// first object, then the exit code when the program has ended.
        public let option: StatusRequest.Option
    }

    public let descriptors: [Descriptor]
    /// The namespaces of the caller, by position in `NamespaceKind.all` (0 where unknown), read
    /// when the plan is made, before any changes them; none when no report is asked for.
    let callerNamespaces: [UInt64]

    /// Each descriptor must be open for writing now, before anything is made. 0, 1 and 2 are
    /// taken as bubblewrap takes them: the reports go there too, and they stay open for the program.
    init(_ requested: [Descriptor]) throws(SwnsError) {
        for descriptor in requested {
            let flags: Int32
            do {
                flags = try Kernel.fileStatusFlags(descriptor.fd)
            } catch {
                throw SwnsError("invalid \(descriptor.option.name) \(descriptor.fd)", error)
            }
            guard flags & O_ACCMODE == O_WRONLY || flags & O_ACCMODE == O_RDWR else {
                throw SwnsError("invalid \(descriptor.option.name) \(descriptor.fd): not open for writing")
            }
        }
        descriptors = requested
        callerNamespaces = requested.isEmpty ? [] : Self.namespaces(forChildren: false)
    }

    /// The descriptors close when the program is executed (but 0, 1 and 2, which are its own).
    public func keepFromProgram() {
        for descriptor in descriptors where descriptor.fd > 2 { try? Kernel.setCloseOnExec(descriptor.fd) }
    }

    /// The first object: `{ "child-pid": PID, "net-namespace": INODE, ... }`, in bubblewrap's
    /// names, for the program's process `pid` (as the caller sees it); `forked`: it is our child
    /// (in the namespaces we are in, and those our children enter), else it is this process.
    /// Written as bytes, without interpolation or sorting, which would page in more of the
    /// runtime at the moment the program starts.
    public func started(pid: pid_t, forked: Bool) {
        if descriptors.isEmpty { return }
        let program = Self.namespaces(forChildren: forked)
        var line: [UInt8] = []
        line.reserveCapacity(320)
        Self.append("{ \"child-pid\": ", to: &line)
        Self.append(number: UInt64(pid), to: &line)
        for index in NamespaceKind.all.indices where program[index] != 0 && program[index] != callerNamespaces[index] {
            Self.append(", \"", to: &line)
            for byte in NamespaceKind.all[index].name.utf8 { line.append(byte) }
            Self.append("-namespace\": ", to: &line)
            Self.append(number: program[index], to: &line)
        }
        Self.append(" }\n", to: &line)
        for descriptor in descriptors { try? Kernel.write(descriptor.fd, line) }
        close(.info)
    }

    /// The second object, `{ "exit-code": N }`, then the descriptors are closed.
    public func ended(exitCode: Int32) {
        // Written to --json-status-fd's descriptors only.
        if descriptors.isEmpty { return }
        var line: [UInt8] = []
        Self.append("{ \"exit-code\": ", to: &line)
        Self.append(number: UInt64(max(exitCode, 0)), to: &line)
        Self.append(" }\n", to: &line)
        for descriptor in descriptors where descriptor.option == .jsonStatus { try? Kernel.write(descriptor.fd, line) }
        close(.jsonStatus)
    }

    private func close(_ option: StatusRequest.Option) {
        for descriptor in descriptors where descriptor.option == option && descriptor.fd > 2 { Kernel.close(descriptor.fd) }
    }

    private static func append(_ text: StaticString, to line: inout [UInt8]) {
        line.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private static func append(number: UInt64, to line: inout [UInt8]) {
        let start = line.count
        var rest = number
        repeat {
            line.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        line[start...].reverse()
    }

    /// This process's namespaces by kind, or those its children enter (pid_for_children,
    /// time_for_children): a child may exit before its own /proc entries could be read.
    static func namespaces(forChildren: Bool) -> [UInt64] {
        var inodes = [UInt64](repeating: 0, count: NamespaceKind.all.count)
        guard let directory = try? Kernel.open("/proc/self/ns", O_RDONLY | O_DIRECTORY) else { return inodes }
        defer { Kernel.close(directory) }
        var name = [CChar](repeating: 0, count: 32)
        for index in NamespaceKind.all.indices {
            let kind = NamespaceKind.all[index]
            var length = 0
            for byte in (forChildren ? kind.persistEntry : kind.procEntry).utf8 where length < name.count - 1 {
                name[length] = CChar(bitPattern: byte)
                length += 1
            }
            name[length] = 0
            inodes[index] = (try? Kernel.fstatat(directory, name))?.inode ?? 0
        }
        return inodes
    }
}

/// What a command line asks for the scripts that drive it: the status reports of
/// `--json-status-fd FD` and `--info-fd FD`, or the plan instead of the run (`--dry-run[=json]`).
public struct StatusRequest: Sendable, Equatable {
    public enum Option: Hashable, Sendable {
        case jsonStatus, info, dryRun

        /// The option's long name, for messages.
        var name: String {
            switch self {
            case .jsonStatus: "--json-status-fd"
            case .info: "--info-fd"
            case .dryRun: "--dry-run"
            }
        }
    }

    /// How `--dry-run` prints the plan's steps.
    public enum DryRunFormat: Sendable, Equatable { case lines, json }

    public var jsonStatusFD: Int32?
    public var infoFD: Int32?
    public var dryRun: DryRunFormat?

    public init() {}

    /// A descriptor number, as bubblewrap takes it: decimal, not negative; `--dry-run`'s format.
    public mutating func apply(_ option: Option, _ value: String?) throws(SwnsError) {
        if option == .dryRun {
            guard value == nil || value == "json" else { throw SwnsError("unsupported --dry-run format: \(value ?? "")") }
            dryRun = value == nil ? .lines : .json
            return
        }
        let text = value ?? ""
        guard let fd = CNumber.parse(text.utf8).fitting(Int32.self), fd >= 0 else {
            throw SwnsError("invalid \(option.name) argument: '\(text)'")
        }
        if option == .jsonStatus { jsonStatusFD = fd } else { infoFD = fd }
    }

    /// The reports, their descriptors checked: open, and open for writing.
    public func reports() throws(SwnsError) -> StatusReports {
        var requested: [StatusReports.Descriptor] = []
        if let fd = jsonStatusFD { requested.append(.init(fd: fd, option: .jsonStatus)) }
        if let fd = infoFD { requested.append(.init(fd: fd, option: .info)) }
        return try StatusReports(requested)
    }
}
