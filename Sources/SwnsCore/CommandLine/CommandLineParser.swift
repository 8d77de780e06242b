import CSwns
import Glibc

/// An option as getopt_long returned it.
public struct ParsedOption<Tag: Sendable>: Sendable {
    public let tag: Tag
    public let value: String?
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
public struct CommandLineParser<Tag: Sendable>: Sendable {
    public let options: [OptionSpec<Tag>]
    /// With `+`, parsing stops at the first word that is not an option.
    public let stopAtFirstOperand: Bool
    private let shortString: String
    /// getopt's value of each option, in table order.
    private let values: [Int32]

    /// `getoptOrder` lists the long options in the order getopt should know them (it names
    /// the candidates of an ambiguous abbreviation in that order); by default, the table's.
    public init(options: [OptionSpec<Tag>], getoptOrder: [String]? = nil, stopAtFirstOperand: Bool = true) {
        let ordered = getoptOrder.map { order in
            options.sorted { (order.firstIndex(of: $0.long) ?? order.count) < (order.firstIndex(of: $1.long) ?? order.count) }
        } ?? options
        self.options = ordered
        self.stopAtFirstOperand = stopAtFirstOperand
        // ":" makes getopt tell a missing argument (':') from an unknown option ('?').
        var short = stopAtFirstOperand ? "+:" : ":"
        for option in ordered {
            guard let letter = option.short else { continue }
            short.append(letter)
            switch option.shortArgument {
            case .none: break
            case .required: short += ":"
            case .optional: short += "::"
            }
        }
        shortString = short
        values = ordered.indices.map { Self.value(of: ordered[$0], at: $0) }
    }

    /// getopt's value for an option: its letter, or a number past every letter.
    private static func value(of option: OptionSpec<Tag>, at index: Int) -> Int32 {
        if let letter = option.short, let ascii = letter.asciiValue { return Int32(ascii) }
        return 256 + Int32(index)
    }

    /// Parses `arguments` (argv, with argv[0] as the program was invoked: getopt names it in
    /// its messages).
    public func parse(_ arguments: [String]) -> ParsedCommandLine<Tag> {
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let names: [UnsafeMutablePointer<CChar>?] = options.map { strdup($0.long) }
        defer { for pointer in names { free(pointer) } }
        let table: [swns_long_option] = options.enumerated().map { index, option in
            swns_long_option(name: names[index], has_arg: option.argument.rawValue,
                             val: Self.value(of: option, at: index))
        }

        swns_getopt_lock()
        defer { swns_getopt_unlock() }
        swns_getopt_reset()
        var parsed: [ParsedOption<Tag>] = []
        var error: UsageError?
        let argc = Int32(arguments.count)
        while true {
            let before = swns_optind()
            let c = swns_getopt_long(argc, &argv, shortString, table, table.count)
            if c == -1 { break }
            if c == Int32(UInt8(ascii: "?")) || c == Int32(UInt8(ascii: ":")) {
                // The word getopt was in: the one it stepped past, or the group of short options
                // it is still inside.
                let after = Int(swns_optind())
                let index = after > Int(before) ? after - 1 : after
                let word = index < arguments.count ? String(cString: argv[index]!) : ""
                error = UsageError(getoptMessage: diagnostic(program: arguments.first ?? "", word: word,
                                                             missingArgument: c == Int32(UInt8(ascii: ":")),
                                                             letter: swns_optopt()))
                break
            }
            // A linear search: a dictionary here would make the runtime look up Hashable
            // conformances at start-up, which costs more than the forty comparisons.
            guard let index = values.firstIndex(of: c) else {
                error = UsageError(getoptMessage: "")
                break
            }
            let value = swns_optarg().map { String(cString: $0) }
            parsed.append(ParsedOption(tag: options[index].tag, value: value))
        }
        // Read the operands back from argv: without `+`, getopt may have permuted it.
        let first = Int(swns_optind())
        let operands = first < arguments.count ? argv[first..<arguments.count].map { String(cString: $0!) } : []
        return ParsedCommandLine(options: parsed, operands: operands, error: error)
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
