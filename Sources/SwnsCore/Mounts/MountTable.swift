/// One line of /proc/PID/mountinfo (proc(5)): `36 35 98:0 /root /mountpoint rw master:1 - ext3 /dev/root rw`.
public struct MountEntry: Equatable, Sendable {
    public var id: Int
    /// The root of the mount within its file system (an nsfs bind mount's is `net:[4026531840]`),
    /// and where it is mounted, both with mountinfo's escapes undone.
    public var root: [UInt8]
    public var mountpoint: [UInt8]
    /// The optional fields: `shared:N`, `master:N`, `propagate_from:N`, `unbindable`.
    public var optionalFields: [[UInt8]]
    /// The file system type: `nsfs`, `cgroup2`, ...
    public var type: [UInt8]

    /// The mount propagates as shared (a `shared:N` field).
    public var isShared: Bool { optionalFields.contains { $0.starts(with: Array("shared:".utf8)) } }

    public func hasType(_ name: String) -> Bool { type.elementsEqual(name.utf8) }
}

/// The mount table of a process, as mountinfo gives it: the one parser of it.
public enum MountTable {
    /// Our own mount table; empty when it cannot be read.
    public static func current() -> [MountEntry] {
        (try? Kernel.readFile("/proc/self/mountinfo")).map(parse) ?? []
    }

    public static func parse(_ bytes: [UInt8]) -> [MountEntry] {
        bytes.split(separator: UInt8(ascii: "\n")).compactMap(entry)
    }

    /// One line; nil when it is not one (too few fields, no `-` before the type).
    static func entry(_ line: ArraySlice<UInt8>) -> MountEntry? {
        let fields = line.split(separator: UInt8(ascii: " "))
        guard fields.count >= 7, let id: Int = Numbers.digits(fields[0]),
              let dash = fields.indices.dropFirst(6).first(where: { fields[$0].elementsEqual([UInt8(ascii: "-")]) }),
              dash + 1 < fields.count else { return nil }
        return MountEntry(id: id, root: unescape(fields[3]), mountpoint: unescape(fields[4]),
                          optionalFields: fields[6..<dash].map(Array.init), type: Array(fields[dash + 1]))
    }

    /// mountinfo writes space, tab, newline and backslash as \040, \011, \012, \134.
    public static func unescape(_ source: some Collection<UInt8>) -> [UInt8] {
        let source = Array(source)
        guard source.contains(UInt8(ascii: "\\")) else { return source }
        var bytes: [UInt8] = []
        var index = 0
        while index < source.count {
            if source[index] == UInt8(ascii: "\\"), index + 3 < source.count, let value = octal(source[(index + 1)...(index + 3)]) {
                bytes.append(value)
                index += 4
            } else {
                bytes.append(source[index])
                index += 1
            }
        }
        return bytes
    }

    /// Three octal digits of a byte's value (at most \377).
    static func octal(_ digits: ArraySlice<UInt8>) -> UInt8? {
        var value = 0
        for digit in digits {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "7") else { return nil }
            value = value * 8 + Int(digit - UInt8(ascii: "0"))
        }
        return value <= 255 ? UInt8(value) : nil
    }
}
