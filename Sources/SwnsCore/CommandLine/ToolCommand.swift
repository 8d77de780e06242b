/// A tool's command line as a value, parsed from the C argument vector.
public protocol ToolCommand {
    static func parse(_ arguments: ArgumentVector) throws(SwnsError) -> Self
}

extension ToolCommand {
    /// Parses argv given as strings, argv[0] first (tests, other Swift programs).
    public static func parse(_ arguments: [String]) throws(SwnsError) -> Self {
        let vector = CStrings.vector(arguments)
        defer { CStrings.free(vector) }
        return try parse(ArgumentVector(count: Int32(arguments.count), pointers: vector))
    }
}

extension ParsedCommandLine where Tag: OptionTable {
    /// util-linux's getopt loop: each option applied in command-line order, so that the first bad
    /// value is the one reported; `apply` returns true for an option that acts at once (`-h`,
    /// `-V`), which ends the loop. Then getopt's complaint about the option after the last one, if
    /// any. Returns whether an option ended the loop.
    ///
    /// Before each option, util-linux's err_exclusive_options: an option of an exclusive group of
    /// which another option was given before it is refused in util-linux 2.42's words, the one
    /// given first named first (`options --wd and --wdns cannot be combined`). By row numbers:
    /// comparing tags or keeping pairs of them would page in more of the runtime at every start.
    public func applyOptions(_ apply: (ParsedOption<Tag>) throws(SwnsError) -> Bool) throws(SwnsError) -> Bool {
        let table = Tag.table
        var firstOfGroup: [Int] = []
        for option in options {
            let group = Int(table[option.row].exclusiveGroup)
            if group > 0 {
                while firstOfGroup.count < group { firstOfGroup.append(-1) }
                let first = firstOfGroup[group - 1]
                if first >= 0 && first != option.row {
                    throw SwnsError("options --\(table[first].long) and --\(table[option.row].long) cannot be combined")
                }
                firstOfGroup[group - 1] = option.row
            }
            if try apply(option) { return true }
        }
        if let error { throw .usage(error.getoptMessage) }
        return false
    }
}
