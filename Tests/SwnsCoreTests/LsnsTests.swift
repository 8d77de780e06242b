import Glibc
import Testing
@testable import SwnsCore

private func lsns(_ arguments: [String]) throws(SwnsError) -> LsnsCommand {
    try LsnsCommand.parse(["swlsns"] + arguments)
}

@Suite struct LsnsCommandTests {
    @Test func options() throws {
        let command = try lsns(["-J", "-n", "-u", "-W", "-t", "net", "-t", "uts", "-p", "42", "-o", "ns,Type,NPROCS"])
        #expect(command.format == .json)
        #expect(!command.headings && !command.truncate && !command.wrap)
        #expect(command.kinds == [.net, .uts])
        #expect(command.pid == 42)
        #expect(command.shownColumns == [.ns, .type, .nprocs])
    }

    @Test func defaultColumns() throws {
        #expect(try lsns([]).shownColumns == [.ns, .type, .nprocs, .pid, .user, .command])
        #expect(try lsns(["-t", "net"]).shownColumns == [.ns, .type, .nprocs, .pid, .user, .netnsid, .nsfs, .command])
        #expect(try lsns(["-o", "+PATH,ons"]).shownColumns == [.ns, .type, .nprocs, .pid, .user, .command, .path, .ons])
        #expect(try lsns(["--output-all"]).shownColumns == LsnsColumn.allCases)
        #expect(try lsns(["4026531836"]).shownColumns == [.pid, .ppid, .user, .command])
    }

    @Test func trees() throws {
        #expect(try lsns([]).tree == nil)
        #expect(try lsns(["-T"]).tree == .owner)
        #expect(try lsns(["-Tparent"]).tree == .parent)
        #expect(try lsns(["--tree=process"]).tree == .process)
        #expect(try lsns(["-r"]).format == .raw)
    }

    @Test(arguments: [
        (["-J", "-r"], "mutually exclusive arguments: --json --raw"),
        (["-P", "-p", "1"], "mutually exclusive arguments: --persistent --task"),
        (["-l", "-T"], "mutually exclusive arguments: --list --tree"),
        (["-p", "1", "4026531836"], "--task is mutually exclusive with <namespace>"),
        (["-p", "x"], "invalid PID argument: 'x'"),
        (["-p", "0"], "invalid PID argument: '0'"),
        (["-t", "foo"], "unknown namespace type: foo"),
        (["-o", "FOO"], "unknown column: FOO"),
        (["-o", "NS,,TYPE"], "unknown column: "),
        (["-Tsideways"], "unknown tree type: sideways"),
        (["abc"], "invalid namespace argument: 'abc'"),
    ])
    func errors(_ arguments: [String], _ message: String) {
        #expect(throws: SwnsError(message)) { try lsns(arguments) }
    }

    @Test func filterIsParsedBeforeAnything() throws {
        #expect(try lsns(["-Q", "TYPE == \"net\""]).filter?.columns == ["TYPE"])
        do {
            _ = try lsns(["-Q", "TYPE == "])
            Issue.record("a bad filter was accepted")
        } catch {
            #expect(error.message.hasPrefix("failed to parse filter: "))
            #expect(error.status == 1)
        }
    }

    @Test func helpListsOptionsAndColumns() {
        let text = LsnsOption.helpText
        for option in LsnsOption.table { #expect(text.contains("--\(option.long)")) }
        for column in LsnsColumn.allCases { #expect(text.contains("\n" + String(repeating: " ", count: 12 - column.name.count) + column.name + "  ")) }
        #expect(text.contains("\n -J, --json             use JSON output format\n"))
    }
}

@Suite struct TableTests {
    func sample() -> Table {
        var table = Table(columns: [Table.Column("NS", rightAligned: true, numeric: true), Table.Column("TYPE"),
                                    Table.Column("COMMAND", tree: true)], jsonName: "namespaces")
        let root = Table.Row(["10", "mnt", "init"])
        root.children = [Table.Row(["11", "net", "sh -c x"]), Table.Row(["12", "uts", nil])]
        root.children[0].children = [Table.Row(["130", "pid", "sleep"])]
        table.roots = [root]
        return table
    }

    @Test func treeTable() {
        #expect(sample().render() == """
             NS TYPE COMMAND
             10 mnt  init
             11 net  ├─sh -c x
            130 pid  │ └─sleep
             12 uts  └─

            """)
    }

    /// libsmartcols's widths: the heading's width at least, with or without headings; the hint
    /// only for a column whose cells fill the heading but not the hint.
    @Test func widthsFollowHeadingsAndHints() {
        var table = Table(columns: [Table.Column("TYPE", widthHint: 5), Table.Column("PID", rightAligned: true, widthHint: 5),
                                    Table.Column("PPID", rightAligned: true, widthHint: 5), Table.Column("X")],
                          jsonName: "n")
        table.roots = [Table.Row(["user", "12", "123456", "x"]), Table.Row(["mnt", "1234", "7", "y"])]
        #expect(table.render() == "TYPE    PID   PPID X\nuser     12 123456 x\nmnt    1234      7 y\n")
        table.headings = false
        #expect(table.render() == "user     12 123456 x\nmnt    1234      7 y\n")
        table.roots = [Table.Row(["pid", "1", "1", "z"])]
        #expect(table.render() == "pid    1    1 z\n")
    }

    @Test func rawEscapesBlanksAndGlyphs() {
        var table = sample()
        table.format = .raw
        table.headings = false
        #expect(table.render() == "10 mnt init\n11 net \\xe2\\x94\\x9c\\xe2\\x94\\x80sh\\x20-c\\x20x\n"
            + "130 pid \\xe2\\x94\\x82\\x20\\xe2\\x94\\x94\\xe2\\x94\\x80sleep\n12 uts \\xe2\\x94\\x94\\xe2\\x94\\x80\n")
    }

    @Test func jsonNestsChildrenAndWritesNull() {
        var table = sample()
        table.format = .json
        table.roots[0].children.removeFirst()
        #expect(table.render() == """
            {
               "namespaces": [
                  {
                     "ns": 10,
                     "type": "mnt",
                     "command": "init",
                     "children": [
                        {
                           "ns": 12,
                           "type": "uts",
                           "command": null
                        }
                     ]
                  }
               ]
            }

            """)
    }

    @Test func multiLineCellsWrapOrJoin() {
        var table = Table(columns: [Table.Column("NS"), Table.Column("NSFS"), Table.Column("X")], jsonName: "n")
        table.roots = [Table.Row(["1", "/a\n/bb", "x"])]
        #expect(table.render() == "NS NSFS X\n1  /a   x\n   /bb\n")
        table.wrap = false
        #expect(table.render() == "NS NSFS   X\n1  /a,/bb x\n")
    }

    @Test func jsonStringsAreEscaped() {
        #expect(Table.jsonString("a\"b\\c\nd\u{1}é") == "\"a\\\"b\\\\c\\nd\\u0001é\"")
    }
}

@Suite struct ProcParsingTests {
    @Test func statWithAwkwardCommandNames() {
        #expect(NamespaceScan.parseStat(Array("42 (a) b) c) S 7 42 42 0".utf8))! == ("a) b) c", 7))
        #expect(NamespaceScan.parseStat(Array("1 (init) S 0 1".utf8))! == ("init", 0))
        #expect(NamespaceScan.parseStat(Array("garbage".utf8)) == nil)
        #expect(NamespaceScan.parseStat(Array("1 (x) S".utf8)) == nil)
    }

    @Test func namespaceLinks() {
        #expect(NamespaceScan.parseNamespaceLink(Array("net:[4026531833]".utf8))! == (4, 4026531833))
        #expect(NamespaceScan.parseNamespaceLink(Array("socket:[123]".utf8)) == nil)
        #expect(NamespaceScan.parseNamespaceLink(Array("net:[12x]".utf8)) == nil)
        #expect(NamespaceScan.parseNamespaceLink(Array("/dev/null".utf8)) == nil)
    }

    @Test func mountinfoEscapes() {
        #expect(NamespaceScan.unescapeMountField("/run/my\\040ns") == "/run/my ns")
        #expect(NamespaceScan.unescapeMountField("/plain") == "/plain")
        #expect(NamespaceScan.unescapeMountField("/odd\\04") == "/odd\\04")
    }
}
