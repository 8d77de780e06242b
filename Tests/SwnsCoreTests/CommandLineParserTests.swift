import Testing
@testable import SwnsCore

@Suite struct CommandLineParserTests {
    enum Tag: Hashable, Sendable { case fork, uts, mount, mountProc, kill, setuid, help }

    static let table: [OptionSpec<Tag>] = [
        OptionSpec(.fork, long: "fork", short: "f", help: ""),
        OptionSpec(.uts, long: "uts", short: "u", argument: .optional, shortArgument: ArgumentKind.none, help: ""),
        OptionSpec(.mount, long: "mount", short: "m", argument: .optional, shortArgument: ArgumentKind.none, help: ""),
        OptionSpec(.mountProc, long: "mount-proc", argument: .optional, help: ""),
        OptionSpec(.kill, long: "kill-child", argument: .optional, help: ""),
        OptionSpec(.setuid, long: "setuid", short: "S", argument: .required, help: ""),
        OptionSpec(.help, long: "help", short: "h", help: ""),
    ]
    let parser = CommandLineParser(options: table)

    struct Case: Sendable, CustomTestStringConvertible {
        let arguments: [String]
        let options: [String]
        let operands: [String]
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let cases: [Case] = [
        Case(arguments: ["-fu", "ls", "-l"], options: ["fork", "uts"], operands: ["ls", "-l"]),
        Case(arguments: ["-u", "--", "-f"], options: ["uts"], operands: ["-f"]),
        Case(arguments: ["--fo", "true"], options: ["fork"], operands: ["true"]),
        Case(arguments: ["--mount=/x", "true"], options: ["mount=/x"], operands: ["true"]),
        Case(arguments: ["--mount", "/x"], options: ["mount"], operands: ["/x"]),
        Case(arguments: ["--mount-proc=/p", "--kill-child=TERM"], options: ["mountProc=/p", "kill=TERM"], operands: []),
        Case(arguments: ["--kill-child", "TERM"], options: ["kill"], operands: ["TERM"]),
        Case(arguments: ["-S1000", "-S", "7", "--setuid=8", "--setuid", "9"],
             options: ["setuid=1000", "setuid=7", "setuid=8", "setuid=9"], operands: []),
        Case(arguments: ["ls", "-f"], options: [], operands: ["ls", "-f"]),
        Case(arguments: [], options: [], operands: []),
    ]

    @Test(arguments: cases)
    func parses(_ c: Case) {
        let parsed = parser.parse(["prog"] + c.arguments)
        #expect(parsed.error == nil)
        #expect(parsed.options.map { "\($0.tag)" + ($0.value.map { "=\($0)" } ?? "") } == c.options)
        #expect(parsed.operands == c.operands)
    }

    @Test(arguments: [
        (["--bogus"], "prog: unrecognized option '--bogus'\n"),
        (["-x"], "prog: invalid option -- 'x'\n"),
        (["-m=foo"], "prog: invalid option -- '='\n"),
        (["-S"], "prog: option requires an argument -- 'S'\n"),
        (["--setuid"], "prog: option '--setuid' requires an argument\n"),
        (["--fork=1"], "prog: option '--fork' doesn't allow an argument\n"),
        (["--mo"], "prog: option '--mo' is ambiguous; possibilities: '--mount' '--mount-proc'\n"),
    ])
    func reportsGetoptsOwnWords(_ arguments: [String], _ message: String) {
        let parsed = parser.parse(["prog"] + arguments)
        #expect(parsed.error?.getoptMessage == message)
    }

    @Test func keepsOptionsBeforeAnError() {
        let parsed = parser.parse(["prog", "-h", "--bogus"])
        #expect(parsed.options.map(\.tag) == [.help])
        #expect(parsed.error != nil)
    }

    @Test func runsAgainInOneProcess() {
        // getopt keeps state between calls (the position inside "-fu"); every parse starts afresh.
        for _ in 0..<3 {
            let parsed = parser.parse(["prog", "-fu", "x"])
            #expect(parsed.options.map(\.tag) == [.fork, .uts])
            #expect(parsed.operands == ["x"])
        }
        _ = parser.parse(["prog", "-f"])
        #expect(parser.parse(["prog", "-u"]).options.map(\.tag) == [.uts])
    }

    @Test func helpListsEveryOptionInUtilLinuxLayout() {
        let text = UnshareOption.helpText
        for option in UnshareOption.table {
            #expect(text.contains("--\(option.long)"), "help lacks --\(option.long)")
        }
        #expect(text.contains("\n -m, --mount[=<file>]      unshare mounts namespace\n"))
        #expect(text.contains("\n -S, --setuid <uid>        set uid in entered namespace\n"))
        #expect(text.hasPrefix("\nUsage:\n swunshare [options] [<program> [<argument>...]]\n"))
    }
}
