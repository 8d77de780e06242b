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
    /// Before each option, util-linux's err_exclusive_options: an option that the table pairs
    /// with one given before it is refused in util-linux 2.42's words, the one given first named
    /// first (`options --wd and --wdns cannot be combined`).
    public func applyOptions(_ apply: (ParsedOption<Tag>) throws(SwnsError) -> Bool) throws(SwnsError) -> Bool {
        var exclusive: [Tag] = []
        for option in options {
            for (first, second) in Tag.exclusive where option.tag == first || option.tag == second {
                let other = option.tag == first ? second : first
                if exclusive.contains(other) {
                    throw SwnsError("options --\(Tag.longName(other)) and --\(Tag.longName(option.tag)) cannot be combined")
                }
                exclusive.append(option.tag)
            }
            if try apply(option) { return true }
        }
        if let error { throw .usage(error.getoptMessage) }
        return false
    }
}
