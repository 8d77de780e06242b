import Glibc

/// An option as getopt_long returned it.
public struct ParsedOption<Tag: Sendable>: Sendable {
    public let tag: Tag
    public let value: String?
    /// Its row in the option table.
    public let row: Int
}

public struct ParsedCommandLine<Tag: Sendable>: Sendable {
    /// In command-line order, repeated options repeated.
    public var options: [ParsedOption<Tag>]
    /// The words after the options: the program and its arguments.
    public var operands: [String]
    /// getopt's complaint about the option after the last one in `options`. Tools handle the
    /// options before it first, as util-linux's getopt loops do: `-h --bogus` prints the help.
    public var error: UsageError?
}

/// getopt's complaint, in getopt's own words (`swunshare: unrecognized option '--bogus'`).
public struct UsageError: Error, Equatable {
    public let getoptMessage: String
}

/// glibc getopt_long behind a Swift API. It can be run again in the same process (unit tests
/// parse many command lines), and getopt's diagnostics come back as values.
///
/// A tool parses its own C argument vector: up to the option values and operands it returns, no
/// Swift string or array is made from the command line, which keeps the start of a tool small.
public struct CommandLineParser<Tag: Sendable>: Sendable {
    public let options: [OptionSpec<Tag>]
    /// With `+`, parsing stops at the first word that is not an option.
    public let stopAtFirstOperand: Bool

    /// `options` in the order getopt gets them, which is also the order in which it names the
    /// candidates of an ambiguous abbreviation: the table's, the order of --help.
    public init(options: [OptionSpec<Tag>], stopAtFirstOperand: Bool = true) {
        self.options = options
        self.stopAtFirstOperand = stopAtFirstOperand
    }

    /// Parses `arguments` (argv, with argv[0] as the program was invoked: getopt names it in
    /// its messages).
    public func parse(_ arguments: [String]) -> ParsedCommandLine<Tag> {
        let vector = CStrings.vector(arguments)
        defer { CStrings.free(vector) }
        return parse(ArgumentVector(count: Int32(arguments.count), pointers: vector))
    }

    /// Parses a C argument vector, which stays as it is (getopt permutes a copy).
    public func parse(_ arguments: ArgumentVector) -> ParsedCommandLine<Tag> {
        let argc = Int(arguments.count)
        let argv = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: argc + 1)
        defer { argv.deallocate() }
        argv.initialize(from: arguments.pointers, count: argc + 1)
        let table = Getopt.Tables(options.map { Getopt.Row(long: $0.long, letter: $0.short?.asciiValue,
                                                          argument: $0.argument.rawValue,
                                                          shortArgument: $0.shortArgument.rawValue) },
                                 stopAtFirstOperand: stopAtFirstOperand)
        defer { table.deallocate() }

        return Getopt.withExclusiveState {
            var parsed: [ParsedOption<Tag>] = []
            var error: UsageError?
            while true {
                let before = Getopt.index
                let c = Getopt.next(arguments.count, argv, table.short, table.long, count: options.count)
                if c == -1 { break }
                if c == Int32(UInt8(ascii: "?")) || c == Int32(UInt8(ascii: ":")) {
                    error = complaint(argv, argc: argc, before: before, missingArgument: c == Int32(UInt8(ascii: ":")))
                    break
                }
                // A linear search: a dictionary here would make the runtime look up Hashable
                // conformances at start-up, which costs more than the forty comparisons.
                guard let index = options.indices.first(where: { table.long[$0].val == c }) else {
                    error = UsageError(getoptMessage: "")
                    break
                }
                parsed.append(ParsedOption(tag: options[index].tag, value: Getopt.argument.map { CStrings.string($0) },
                                           row: index))
            }
            // Read the operands back from argv: without `+`, getopt may have permuted it.
            var operands: [String] = []
            for index in Int(Getopt.index)..<max(argc, Int(Getopt.index)) {
                operands.append(CStrings.string(argv[index]!))
            }
            return ParsedCommandLine(options: parsed, operands: operands, error: error)
        }
    }

    /// getopt's complaint about the word it was in: the one it stepped past, or the group of short
    /// options it is still inside.
    private func complaint(_ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, argc: Int, before: Int32,
                           missingArgument: Bool) -> UsageError {
        let after = Int(Getopt.index)
        let index = after > Int(before) ? after - 1 : after
        let word = index < argc ? CStrings.string(argv[index]!) : ""
        let program = argc > 0 ? CStrings.string(argv[0]!) : ""
        return UsageError(getoptMessage: diagnostic(program: program, word: word, missingArgument: missingArgument,
                                                    letter: Getopt.unknownLetter))
    }

    /// glibc getopt's diagnostic, word for word (getopt_long in glibc 2.36, posix/getopt.c), for
    /// the error getopt reported silently. `word` is the argument it was in.
    func diagnostic(program: String, word: String, missingArgument: Bool, letter: Int32) -> String {
        guard word.hasPrefix("--") else {
            let character = Character(Unicode.Scalar(UInt8(truncatingIfNeeded: letter)))
            return missingArgument ? "\(program): option requires an argument -- '\(character)'\n"
                : "\(program): invalid option -- '\(character)'\n"
        }
        let text = word.dropFirst(2)
        let name = text.prefix { $0 != "=" }
        let candidates = options.filter { $0.long.hasPrefix(name) }
        let found = options.first { $0.long == name } ?? candidates.first
        if missingArgument, let found {
            return "\(program): option '--\(found.long)' requires an argument\n"
        }
        if options.contains(where: { $0.long == name }) || candidates.count == 1, let found {
            return "\(program): option '--\(found.long)' doesn't allow an argument\n"
        }
        if candidates.count > 1 {
            return "\(program): option '--\(text)' is ambiguous; possibilities:"
                + candidates.map { " '--\($0.long)'" }.joined() + "\n"
        }
        return "\(program): unrecognized option '--\(text)'\n"
    }
}
