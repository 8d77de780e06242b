/// One line of a uid_map or gid_map: `count` ids from `outer` (in the parent namespace)
/// appear as the ids from `inner` inside.
public struct IDRange: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var inner: UInt32
    public var outer: UInt32
    public var count: UInt32
    /// A block of `auto` (`--map-auto`, `--map-users=auto`): its inner ids start at 0, and where a
    /// single mapping takes an inner id in it, the block goes on above that id whole, rather than
    /// losing its top id as a block with inner ids of its own does (util-linux #4457, 2.42.3).
    public var automatic = false

    public init(inner: UInt32, outer: UInt32, count: UInt32, automatic: Bool = false) {
        self.inner = inner
        self.outer = outer
        self.count = count
        self.automatic = automatic
    }

    /// The uid_map line, `inner outer count`.
    public var description: String { "\(inner) \(outer) \(count)" }

    /// Parses `inner:outer:count`, or the deprecated `outer,inner,count` of util-linux before 2.39.
    public static func parse(_ text: String) -> IDRange? {
        func numbers(_ separator: Character) -> [UInt32]? {
            let parts = text.split(separator: separator, omittingEmptySubsequences: false)
            guard parts.count == 3 else { return nil }
            let values = parts.compactMap { part -> UInt32? in Numbers.digits(part.utf8) }
            return values.count == 3 ? values : nil
        }
        let range: IDRange
        if let n = numbers(":") {
            range = IDRange(inner: n[0], outer: n[1], count: n[2])
        } else if let n = numbers(",") {
            range = IDRange(inner: n[1], outer: n[0], count: n[2])
        } else {
            return nil
        }
        // A zero-length range, or one that reaches id 4294967295 ((u32)-1, which the kernel never
        // maps) or wraps past it, is no mapping: the kernel would refuse it after the namespace is made.
        guard range.count > 0,
              UInt64(range.inner) + UInt64(range.count) < 1 << 32,
              UInt64(range.outer) + UInt64(range.count) < 1 << 32 else { return nil }
        return range
    }

    /// Parses the kernel's /proc/PID/uid_map text.
    public static func parseMap(_ text: String) -> [IDRange] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { Numbers.digits($0.utf8) as UInt32? }
            guard fields.count == 3 else { return nil }
            return IDRange(inner: fields[0], outer: fields[1], count: fields[2])
        }
    }
}

/// A complete uid_map or gid_map to write: an optional single mapping of the caller's own id
/// (`--map-user`, `-r`, `-c`) plus block mappings (`--map-users`).
public struct IDMap: Equatable, Sendable {
    public var single: IDRange?
    public var blocks: [IDRange]

    public init(single: IDRange? = nil, blocks: [IDRange] = []) {
        self.single = single
        self.blocks = blocks
    }

    /// The lines to write, single mapping first. Where a block overlaps the single mapping, a
    /// hole is punched in it as util-linux does: the inner and outer sides each step over the
    /// single mapping's id, so that no id is mapped twice on either side; a block of inner ids of
    /// its own is one id shorter for it, an `auto` block is not.
    public var ranges: [IDRange] {
        guard let single else { return blocks }
        return [single] + blocks.flatMap { Self.punch(single, outOf: $0) }
    }

    static func punch(_ single: IDRange, outOf block: IDRange) -> [IDRange] {
        let inner = single.inner, outer = single.outer
        let innerInside = block.inner <= inner && UInt64(inner) < UInt64(block.inner) + UInt64(block.count)
        let outerInside = block.outer <= outer && UInt64(outer) < UInt64(block.outer) + UInt64(block.count)
        guard innerInside || outerInside else { return [block] }
        let count = block.automatic ? block.count : block.count - 1
        let outerOffset = min(outer > block.outer ? outer - block.outer : 0, count)
        let innerOffset = min(inner > block.inner ? inner - block.inner : 0, count)

        let lo = IDRange(inner: block.inner, outer: block.outer, count: min(innerOffset, outerOffset))
        var mid = IDRange(inner: lo.inner &+ lo.count, outer: lo.outer &+ lo.count,
                          count: max(innerOffset, outerOffset) - min(innerOffset, outerOffset))
        if mid.outer == outer { mid.outer &+= 1 }
        if mid.inner == inner { mid.inner &+= 1 }
        var hi = IDRange(inner: mid.inner &+ mid.count, outer: mid.outer &+ mid.count,
                         count: count - lo.count - mid.count)
        if hi.outer == outer { hi.outer &+= 1 }
        if hi.inner == inner { hi.inner &+= 1 }
        // Ranges of length zero are left out: new[ug]idmap refuses them.
        return [lo, mid, hi].filter { $0.count > 0 }
    }
}

/// Entries of /etc/subuid or /etc/subgid: `user:start:count`, the user by name or number.
public enum SubordinateIDs {
    public static func firstRange(in text: String, userName: String, uid: UInt32) -> IDRange? {
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count == 3, fields[0] == userName || Numbers.digits(fields[0].utf8) == uid,
                  let start: UInt32 = Numbers.digits(fields[1].utf8), let count: UInt32 = Numbers.digits(fields[2].utf8),
                  count > 0 else { continue }
            return IDRange(inner: start, outer: start, count: count)
        }
        return nil
    }
}
