import Testing
@testable import SwnsCore

private let knownColumns = ["NS", "TYPE", "PATH", "NPROCS", "PID", "PPID", "COMMAND", "UID", "USER", "NETNSID",
                            "NSFS", "PNS", "ONS", "NSID"]

/// The init process's network namespace, as lsns would see it.
private let initRow: [String: FilterValue] = [
    "NS": .number(4026531840), "TYPE": .string("net"), "PATH": .string("/proc/1/ns/net"), "NPROCS": .number(3),
    "PID": .number(1), "PPID": .number(0), "COMMAND": .string("/sbin/init splash"), "UID": .number(0),
    "USER": .string("root"), "NETNSID": FilterValue.none, "NSFS": .string(""), "PNS": .number(0),
    "ONS": .number(4026531837),
]

private func filter(_ expression: String) throws(SwnsError) -> FilterExpression {
    try FilterExpression.parse(expression, columns: knownColumns)
}

private func holds(_ expression: String, in row: [String: FilterValue] = initRow) throws -> Bool {
    try filter(expression).matches { row[$0] ?? FilterValue.none }
}

private func parseError(_ expression: String) -> SwnsError? {
    do {
        _ = try filter(expression)
        return nil
    } catch {
        return error
    }
}

/// SplitMix64: a fixed sequence for any seed, whatever the standard library's own generators do.
private struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    mutating func below(_ bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }

    mutating func pick<T>(_ choices: [T]) -> T {
        choices[below(choices.count)]
    }
}

/// A random expression the grammar accepts: operands, comparisons, matches, negations, nesting.
private func randomSentence(_ random: inout SplitMix64, depth: Int = 0) -> String {
    let operands = ["NS", "type", "NETNSID", "Pid", "nsfs", "0", "-7", "4026531840", #""net""#, #"'a\'b'"#, #""""#]
    let comparisons = ["==", "!=", "<", "<=", ">", ">=", "eq", "NE", "lt", "le", "Gt", "ge"]
    let patterns = [#""^n""#, "'t$'", #""[0-9]+""#, #""(a|b)*""#, #""""#, #""\.""#]
    var term: String
    switch random.below(depth < 4 ? 5 : 3) {
    case 0:
        term = random.pick(operands)
    case 1:
        term = random.pick(operands) + " " + random.pick(comparisons) + " " + random.pick(operands)
    case 2:
        term = random.pick(operands) + " " + random.pick(["=~", "!~"]) + " " + random.pick(patterns)
    case 3:
        term = "(" + randomSentence(&random, depth: depth + 1) + ")"
    default:
        let left = randomSentence(&random, depth: depth + 1)
        term = left + " " + random.pick(["and", "or", "&&", "||", "AND"]) + " " + randomSentence(&random, depth: depth + 1)
    }
    if random.below(4) == 0 { term = random.pick(["not ", "!", "NOT "]) + term }
    return term
}

@Suite struct FilterExpressionTests {
    @Test(arguments: [
        ("NPROCS == 3", true), ("NPROCS == 4", false), ("NPROCS eq 3", true), ("NPROCS eq 4", false),
        ("NPROCS != 3", false), ("NPROCS != 4", true), ("NPROCS ne 3", false), ("NPROCS ne 4", true),
        ("NPROCS < 4", true), ("NPROCS < 3", false), ("NPROCS lt 4", true), ("NPROCS lt 3", false),
        ("NPROCS <= 3", true), ("NPROCS <= 2", false), ("NPROCS le 3", true), ("NPROCS le 2", false),
        ("NPROCS > 2", true), ("NPROCS > 3", false), ("NPROCS gt 2", true), ("NPROCS gt 3", false),
        ("NPROCS >= 3", true), ("NPROCS >= 4", false), ("NPROCS ge 3", true), ("NPROCS ge 4", false),
        ("NPROCS==3", true), ("NPROCS<4", true), ("NPROCS>=4", false),
        ("ONS < NS", true), ("PID == PPID", false), ("UID == PPID", true),
        (#"TYPE == "net""#, true), (#"TYPE != "net""#, false), (#"TYPE < "pid""#, true), (#"TYPE <= "net""#, true),
        (#"TYPE > "mnt""#, true), (#"TYPE >= "nez""#, false), (#"TYPE lt "net""#, false), ("USER eq 'root'", true),
        (#""net" == TYPE"#, true), ("1 == 1", true), ("1 == 2", false), ("'a' < 'b'", true),
    ])
    func comparisons(_ expression: String, _ expected: Bool) throws {
        #expect(try holds(expression) == expected)
    }

    @Test(arguments: [
        (#"COMMAND =~ "init""#, true), (#"COMMAND =~ "bash""#, false), (#"COMMAND !~ "bash""#, true),
        (#"COMMAND !~ "init""#, false), (#"COMMAND =~ "^/sbin""#, true), (#"COMMAND =~ "^init""#, false),
        (#"COMMAND =~ "splash$""#, true), (#"COMMAND =~ "init$""#, false), (#"COMMAND =~ "^/s[a-z]+/init ""#, true),
        (#"TYPE =~ "^(net|pid)$""#, true), (#"TYPE =~ "^(mnt|pid)$""#, false), ("COMMAND =~ 'n.t'", true),
        (#"COMMAND =~ "n\.t""#, false), (#"PATH =~ "ns/net$""#, true), (#"COMMAND =~ """#, true),
        (#"NS =~ "^4026""#, true), (#"NS =~ "^4026531840$""#, true), (#"NS !~ "^4026""#, false),
        (#""abc" =~ "b""#, true), (#"12 =~ "^1""#, true), (#"COMMAND=~"INIT""#, false),
    ])
    func regularExpressions(_ expression: String, _ expected: Bool) throws {
        #expect(try holds(expression) == expected)
    }

    @Test(arguments: [
        // or binds loosest: true or (false and false).
        (#"NPROCS == 3 or NPROCS == 4 and TYPE == "pid""#, true),
        (#"TYPE == "pid" and NPROCS == 4 or PID == 1"#, true),
        (#"NPROCS == 3 || NPROCS == 4 && TYPE == "pid""#, true),
        // not binds tightest: (not true) or true; and (not true) and false.
        ("not NPROCS == 3 or PID == 1", true),
        (#"not TYPE == "net" and PID == 2"#, false),
        (#"! TYPE == "net" && PID == 2"#, false),
        ("!NPROCS == 3 || PID == 1", true),
        ("not not PID == 1", true), ("!!!PID", false), ("!!PID", true),
        (#"(NPROCS == 3 or NPROCS == 4) and TYPE == "pid""#, false),
        (#"not (TYPE == "pid" or PID == 2)"#, true),
        (#"!(TYPE == "net" && PID == 2)"#, true),
        ("((((PID == 1))))", true), ("(PID == 1) and (TYPE == 'net')", true), ("!(PID)", false),
        ("(PID == 2 or (PPID == 0 and (UID == 0)))", true),
        ("PID == 2 or PID == 3 or PID == 1", true), ("PID == 1 and PID == 1 and PID == 2", false),
    ])
    func precedenceAndParentheses(_ expression: String, _ expected: Bool) throws {
        #expect(try holds(expression) == expected)
    }

    @Test(arguments: [
        (#"type == "net" AND nprocs GT 2"#, true), ("Type Eq 'net' Or Pid Ne 1", true), ("NOT pid == 2", true),
        (#"nS =~ "^4""#, true), ("npRocs lE 3 anD nOt ppid", true), ("pid gE 1 oR pid Lt 0", true),
    ])
    func columnsAndKeywordsInAnyCase(_ expression: String, _ expected: Bool) throws {
        #expect(try holds(expression) == expected)
    }

    @Test(arguments: [
        ("PID > -1", true), ("-1 < PID", true), ("-5 == -5", true), ("PPID == -0", true), ("PID>-1", true),
        ("NS == 4026531840", true), ("NS == 4026531841", false), ("007 == 7", true),
        ("-9223372036854775808 < 9223372036854775807", true), ("-2 < -1", true), ("-2 > -1", false),
        // Against a string, a number is its decimal text, compared byte by byte.
        (#"NS == "4026531840""#, true), (#""3" == NPROCS"#, true), (#"NPROCS < "10""#, false),
        (#"NPROCS > "10""#, true), (#"UID == "0""#, true), ("'10' < 9", true),
    ])
    func numbers(_ expression: String, _ expected: Bool) throws {
        #expect(try holds(expression) == expected)
    }

    // util-linux 2.42 (libsmartcols' filter): a number against a column of text reads the text as
    // a number; text that is no number fails the whole filter, an empty cell only differs.
    @Test(arguments: [
        ("NETNSID == 117", "117", true), ("NETNSID > 100", "117", true), ("4242 == NETNSID", "4242", true),
        ("NETNSID == 4444", "", false), ("NETNSID != 4444", "", true), (#"NETNSID == "117""#, "117", true),
    ])
    func textColumnAgainstANumber(_ expression: String, _ netnsid: String, _ expected: Bool) throws {
        var row = initRow
        row["NETNSID"] = netnsid.isEmpty ? FilterValue.none : .string(netnsid)
        #expect(try holds(expression, in: row) == expected)
    }

    @Test(arguments: ["NETNSID == 4444", "USER > 5", "4444 == NETNSID", "not NETNSID < 1"])
    func textThatIsNoNumberFailsTheFilter(_ expression: String) {
        var row = initRow
        row["NETNSID"] = .string("unassigned")
        #expect(throws: SwnsError.self) { try holds(expression, in: row) }
        do {
            _ = try holds(expression, in: row)
        } catch {
            #expect("\(error)" == "failed to apply filter: Invalid argument")
        }
    }

    @Test(arguments: [
        ("NETNSID == 0", false), ("NETNSID != 0", true), ("NETNSID < 0", false), ("NETNSID <= 0", false),
        ("NETNSID > 0", false), ("NETNSID >= 0", false), (#"NETNSID == """#, false), (#"NETNSID != """#, true),
        ("0 == NETNSID", false), ("0 != NETNSID", true), ("NETNSID eq NETNSID", false), ("NETNSID ne NETNSID", true),
        (#"NETNSID =~ """#, false), (#"NETNSID =~ ".*""#, false), (#"NETNSID !~ "x""#, true), (#"NETNSID !~ """#, true),
        ("NETNSID", false), ("not NETNSID", true),
        // An empty string is a value, not the absence of one.
        (#"NSFS == """#, true), (#"NSFS != """#, false), (#"NSFS =~ "^$""#, true),
    ])
    func emptyValues(_ expression: String, _ expected: Bool) throws {
        #expect(try holds(expression) == expected)
    }

    @Test(arguments: [
        ("NPROCS", true), ("PNS", false), ("NSFS", false), ("USER", true), ("NETNSID", false),
        ("0", false), ("1", true), ("-1", true), (#""x""#, true), (#""""#, false), ("'0'", true),
        ("NPROCS and USER", true), ("PNS or NSFS", false), ("PNS or PID", true),
    ])
    func aBareOperandHoldsWhenNotEmptyOrZero(_ expression: String, _ expected: Bool) throws {
        #expect(try holds(expression) == expected)
    }

    @Test(arguments: [
        (#"USER == "a\"b""#, #"a"b"#), (#"USER == 'a\'b'"#, "a'b"), (#"USER == "a\\b""#, #"a\b"#),
        (#"USER == 'a"b'"#, #"a"b"#), (#"USER == "a'b""#, "a'b"), (#"USER == "a\nb""#, #"a\nb"#),
        (#"USER == "x y  z""#, "x y  z"), (#"USER == "é""#, "é"), (#"USER == """#, ""), (#"USER == ''"#, ""),
        (#"USER == "and""#, "and"), (#"USER == ")""#, ")"), (#"USER == "NS""#, "NS"), (#"USER == "\\\"""#, #"\""#),
        (#"USER=='\'\''"#, "''"),
    ])
    func quotesAndEscapes(_ expression: String, _ user: String) throws {
        #expect(try holds(expression, in: ["USER": .string(user)]))
        #expect(try !holds(expression, in: ["USER": .string(user + "?")]))
    }

    @Test func stringsCompareByBytes() throws {
        #expect(try holds(#"USER < "a""#, in: ["USER": .string("Zed")]))
        #expect(try holds(#"USER > "z""#, in: ["USER": .string("é")]))
        // The decomposed é is not the precomposed one, though Swift's String would call them equal.
        #expect(try !holds("USER == \"\u{e9}\"", in: ["USER": .string("e\u{301}")]))
        #expect(try holds("USER != \"\u{e9}\"", in: ["USER": .string("e\u{301}")]))
        #expect(try holds(#"USER < "ab""#, in: ["USER": .string("a")]))
    }

    @Test(arguments: [
        (#"nprocs > 1 and type == "net" or NPROCS < 5 and ns"#, ["NPROCS", "TYPE", "NS"]),
        ("1 == 1", []), (#""TYPE" == 'NS'"#, []), ("not (pid == ppid)", ["PID", "PPID"]),
        (#"COMMAND =~ "x""#, ["COMMAND"]), ("netnsid", ["NETNSID"]), ("PID or pid or Pid", ["PID"]),
    ])
    func mentionedColumns(_ expression: String, _ columns: [String]) throws {
        #expect(try filter(expression).columns == columns)
    }

    @Test func theRowIsAskedWithTheToolsSpelling() throws {
        var asked: [String] = []
        _ = try filter("nprocs and Type").matches { name in
            asked.append(name)
            return .number(1)
        }
        #expect(asked == ["NPROCS", "TYPE"])
    }

    @Test(arguments: [
        ("", "empty expression"),
        (" \t\n ", "empty expression"),
        ("FOO == 1", "unknown column 'FOO' at position 1"),
        ("NS == 12)", "unexpected ')' at position 9"),
        (#"TYPE == "net"#, "unterminated string at position 9"),
        (#"TYPE == 'net\'"#, "unterminated string at position 9"),
        (#"TYPE == "net\"#, "unterminated string at position 9"),
        (#"TYPE =~ "(""#, "invalid regular expression '(' at position 9"),
        (#"COMMAND =~ "a{2,1}""#, "invalid regular expression 'a{2,1}' at position 12"),
        ("not and", "expected an operand at position 5"),
        ("and", "expected an operand at position 1"),
        ("PID == 1 or", "unexpected end of expression at position 12"),
        ("NS = 1", "unexpected character '=' at position 4"),
        ("NS == 1 & PID", "unexpected character '&' at position 9"),
        ("NS | PID", "unexpected character '|' at position 4"),
        ("NS # 1", "unexpected character '#' at position 4"),
        ("NS == 1 -", "unexpected character '-' at position 9"),
        ("é", "unexpected character 'é' at position 1"),
        ("NPROCS > 1.5", "unsupported floating-point number '1.5' at position 10"),
        ("NPROCS > -0.5", "unsupported floating-point number '-0.5' at position 10"),
        ("NPROCS > 12ab", "invalid number '12ab' at position 10"),
        ("NPROCS > 1.", "invalid number '1.' at position 10"),
        ("NS == 99999999999999999999", "number out of range '99999999999999999999' at position 7"),
        ("NS 5", "unexpected '5' at position 4"),
        ("TYPE == 'x' 'y'", "unexpected 'y' at position 13"),
        (#"TYPE == "x" "y""#, #"unexpected "y" at position 13"#),
        ("()", "expected an operand at position 2"),
        ("(NS", "unexpected end of expression at position 4"),
        ("((NS) and PID", "unexpected end of expression at position 14"),
        ("NS ==", "unexpected end of expression at position 6"),
        ("NS == ==", "expected an operand at position 7"),
        ("NS == )", "expected an operand at position 7"),
        ("COMMAND =~ init", "expected a quoted regular expression at position 12"),
        ("COMMAND =~ 5", "expected a quoted regular expression at position 12"),
        ("COMMAND =~", "unexpected end of expression at position 11"),
        ("NS < 5 < 6", "unexpected '<' at position 8"),
        (#"NS =~ "a" =~ "b""#, "unexpected '=~' at position 11"),
        ("PID == 1 not PID", "unexpected 'not' at position 10"),
        ("!", "unexpected end of expression at position 2"),
        (#"TYPE == "a" or or"#, "expected an operand at position 16"),
        (#"USER == "é" and FOO"#, "unknown column 'FOO' at position 17"),
        ("NS-1 == 2", "unknown column 'NS-1' at position 1"),
        ("NSeq5", "unknown column 'NSeq5' at position 1"),
        ("PID == 1)", "unexpected ')' at position 9"),
        (")", "expected an operand at position 1"),
    ])
    func malformed(_ expression: String, _ what: String) {
        #expect(parseError(expression)?.message == "failed to parse filter: \(what)")
        #expect(parseError(expression)?.status == 1)
    }

    @Test(arguments: [
        ("NS == 12)", "NS == 12)\n" + String(repeating: " ", count: 6 + 8) + "^"),
        ("NS\t== 12)", "NS == 12)\n" + String(repeating: " ", count: 6 + 8) + "^"),
        ("PID == 1 or", "PID == 1 or\n" + String(repeating: " ", count: 6 + 11) + "^"),
        (#"USER == "é" and FOO"#, #"USER == "é" and FOO"# + "\n" + String(repeating: " ", count: 6 + 16) + "^"),
        ("FOO", "FOO\n      ^"),
    ])
    func theHintPointsAtTheMistake(_ expression: String, _ hint: String) {
        #expect(parseError(expression)?.hint == hint)
    }

    @Test func anEmptyExpressionHasNoHint() {
        #expect(parseError("  ")?.hint == nil)
    }

    @Test func nestingIsCapped() throws {
        let deepest = String(repeating: "(", count: 1000) + "PID == 1" + String(repeating: ")", count: 1000)
        #expect(try holds(deepest))
        let tooDeep = "(" + deepest + ")"
        #expect(parseError(tooDeep)?.message == "failed to parse filter: too deeply nested at position 1001")
        #expect(parseError(String(repeating: "(", count: 1_000_000))?.message
                == "failed to parse filter: too deeply nested at position 1001")
    }

    @Test func longChainsCostNoDepth() throws {
        #expect(try !holds(String(repeating: "not ", count: 100_001) + "PID"))
        #expect(try holds(String(repeating: "! ", count: 100_000) + "PID"))
        #expect(try holds(Array(repeating: "PID == 1", count: 20_000).joined(separator: " and ")))
        #expect(try !holds(Array(repeating: "PID == 2", count: 20_000).joined(separator: " || ")))
        let mixed = Array(repeating: "(PID == 2 or not (PPID and UID))", count: 5_000).joined(separator: " && ")
        #expect(try holds(mixed))
    }

    @Test func oneFilterServesManyRows() throws {
        let expression = try filter(#"TYPE =~ "^(net|pid)$" and NPROCS > 1"#)
        let rows: [[String: FilterValue]] = [
            ["TYPE": .string("net"), "NPROCS": .number(2)], ["TYPE": .string("mnt"), "NPROCS": .number(2)],
            ["TYPE": .string("pid"), "NPROCS": .number(1)], ["TYPE": .string("pid"), "NPROCS": .number(9)],
        ]
        #expect(try rows.map { row in try expression.matches { row[$0] ?? FilterValue.none } } == [true, false, false, true])
    }

    @Test func randomInputNeverCrashes() {
        let pieces = ["N", "S", "s", "T", "y", "p", "e", "P", "I", "D", "a", "n", "d", "o", "r", "q", "l", "t", "g",
                      "x", "_", "-", "0", "1", "9", ".", " ", "\t", "(", ")", "\"", "'", "\\", "=", "!", "~", "<", ">",
                      "&", "|", "#", "é", "^", "$", "[", "]", "*", "{", "}", "NS", "TYPE", "NETNSID", " and ", " OR ",
                      "not ", " eq ", " ge ", "==", "!=", "=~", "!~", "&&", "||", "99999999999999999999"]
        let rows: [[String: FilterValue]] = [initRow, [:], ["NS": .number(0), "TYPE": .number(-1)]]
        var random = SplitMix64(state: 0x5357_4E53)
        var parsedCount = 0, refusedCount = 0
        for round in 0..<2000 {
            var expression: String
            if round % 3 == 0 {
                expression = (0..<random.below(24)).map { _ in random.pick(pieces) }.joined()
            } else {
                // A sentence, then half the time a few edits that may or may not break it.
                var characters = Array(randomSentence(&random))
                for _ in 0..<(random.below(2) == 0 ? 0 : 1 + random.below(3)) {
                    let index = random.below(characters.count + 1)
                    let piece = Array(random.pick(pieces))
                    switch random.below(3) {
                    case 0: characters.insert(contentsOf: piece, at: index)
                    case 1 where index < characters.count: characters.remove(at: index)
                    default: characters.replaceSubrange(index..<min(index + 1, characters.count), with: piece)
                    }
                }
                expression = String(characters)
            }
            do {
                let parsed = try filter(expression)
                parsedCount += 1
                // A comparison of a number with text that is no number fails the filter, by design.
                for row in rows { _ = try? parsed.matches { row[$0] ?? FilterValue.none } }
                #expect(parsed.columns.allSatisfy(knownColumns.contains))
            } catch {
                refusedCount += 1
                let prefix = "failed to parse filter: "
                #expect(error.message.hasPrefix(prefix), "\(expression)")
                guard let range = error.message.firstRange(of: " at position ") else {
                    #expect(error.message == prefix + "empty expression", "\(expression)")
                    continue
                }
                let position = Int(error.message[range.upperBound...]) ?? 0
                #expect((1...expression.count + 1).contains(position), "\(expression)")
                let caretLine = error.hint?.split(separator: "\n", omittingEmptySubsequences: false).last
                #expect(caretLine == Substring(String(repeating: " ", count: 6 + position - 1) + "^"), "\(expression)")
            }
        }
        // Both paths must be exercised for the loop to prove anything.
        #expect(parsedCount > 300 && refusedCount > 300, "\(parsedCount) parsed, \(refusedCount) refused")
    }
}
