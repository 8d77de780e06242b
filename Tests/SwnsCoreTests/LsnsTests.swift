import Glibc
import Testing
@testable import SwnsCore

private func lsns(_ arguments: [String]) throws(SwnsError) -> LsnsCommand {
    try LsnsCommand.parse(["swlsns"] + arguments)
}

@Suite struct LsnsCommandTests {
    @Test(arguments: [("--watch", 1000), ("--watch=500ms", 500), ("--watch=2s", 2000), ("--watch=1.5", 1500),
                      ("--watch=0.25s", 250), ("--watch=1ms", 1), ("--watch=86400", 86_400_000)])
    func watchIntervals(_ option: String, _ milliseconds: Int64) throws {
        let command = try lsns([option])
        #expect(command.watch?.intervalMilliseconds == milliseconds)
        #expect(command.watch?.source == .automatic && command.watch?.eventsOnly == false)
    }

    @Test func watchOptionsImplyWatch() throws {
        #expect(try lsns(["--watch-events-only"]).watch == LsnsCommand.Watch(eventsOnly: true))
        #expect(try lsns(["--watch-source=poll"]).watch?.source == .poll)
        #expect(try lsns(["--watch=300ms", "--watch-source", "events"]).watch
            == LsnsCommand.Watch(intervalMilliseconds: 300, source: .events))
        #expect(try lsns(["-l"]).watch == nil)
        for bad in ["--watch=", "--watch=-1", "--watch=1e3", "--watch=86401", "--watch=0.0001", "--watch=5m", "--watch=.5"] {
            #expect(throws: SwnsError.self, "\(bad)") { try lsns([bad]) }
        }
    }

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

    /// As util-linux: NETNSID and NSFS whenever net is among the types; the last -o wins, after
    /// --output-all; the operand takes -o and --output-all too.
    @Test func columnsAsUtilLinuxChoosesThem() throws {
        let net: [LsnsColumn] = [.ns, .type, .nprocs, .pid, .user, .netnsid, .nsfs, .command]
        #expect(try lsns(["-t", "net", "-t", "pid"]).shownColumns == net)
        #expect(try lsns(["-t", "pid", "-t", "net"]).shownColumns == net)
        #expect(try lsns(["-o", "NS", "-o", "+TYPE"]).shownColumns == [.ns, .type, .nprocs, .pid, .user, .command, .type])
        #expect(try lsns(["-o", "+PATH", "-o", "+UID"]).shownColumns == [.ns, .type, .nprocs, .pid, .user, .command, .uid])
        #expect(try lsns(["-o", "NS", "--output-all"]).shownColumns == [.ns])
        #expect(try lsns(["4026531836", "-o", "NS"]).shownColumns == [.ns])
        #expect(try lsns(["-o", "+PATH", "4026531836"]).shownColumns == [.pid, .ppid, .user, .command, .path])
        #expect(try lsns(["--output-all", "4026531836"]).shownColumns == LsnsColumn.allCases)
    }

    /// The process tree comes with the default columns (and -o) and with the operand, not with
    /// --output-all alone.
    @Test func defaultTree() throws {
        #expect(try lsns([]).tree == .process)
        #expect(try lsns(["-o", "NS,COMMAND"]).tree == .process)
        #expect(try lsns(["-l"]).tree == nil)
        #expect(try lsns(["--output-all"]).tree == nil)
        #expect(try lsns(["--output-all", "4026531836"]).tree == .process)
        #expect(try lsns(["-Tparent", "4026531836"]).tree == .parent)
    }

    /// strtoul-like numbers: blanks and a sign; -p 0 and the operand 0 mean no filter; the first
    /// operand is used and the others ignored.
    @Test func numbersAsUtilLinuxReadsThem() throws {
        #expect(try lsns(["-p", " +42"]).pid == 42)
        #expect(try lsns(["-p", "-5"]).pid == -5)
        #expect(try lsns(["-p", "0"]).pid == nil)
        #expect(try lsns([" 4026531836"]).namespace == 4026531836)
        #expect(try lsns(["+4026531836", "4026531835"]).namespace == 4026531836)
        #expect(try lsns(["--", "-0"]).namespace == nil)
        let all = try lsns(["0"])
        #expect(all.namespace == nil && all.shownColumns == [.pid, .ppid, .user, .command])
        #expect(try lsns(["-p", "0", "4026531836"]).namespace == 4026531836)
    }

    @Test func trees() throws {
        #expect(try lsns(["-l"]).tree == nil)
        #expect(try lsns(["-T"]).tree == .owner)
        #expect(try lsns(["-Tparent"]).tree == .parent)
        #expect(try lsns(["--tree=process"]).tree == .process)
        #expect(try lsns(["-r"]).format == .raw)
    }

    @Test(arguments: [
        (["-J", "-r"], "options --json and --raw cannot be combined"),
        (["-P", "-p", "1"], "options --persistent and --task cannot be combined"),
        (["-l", "-T"], "options --list and --tree cannot be combined"),
        (["-p", "1", "4026531836"], "--task is mutually exclusive with <namespace>"),
        (["-p", "x"], "invalid PID argument: 'x'"),
        (["-p", "1 "], "invalid PID argument: '1 '"),
        (["-p", "99999999999"], "invalid PID argument: '99999999999': Numerical result out of range"),
        (["--", "-1"], "invalid namespace argument: '-1': Numerical result out of range"),
        (["18446744073709551616"], "invalid namespace argument: '18446744073709551616': Numerical result out of range"),
        (["-t", "foo"], "unknown namespace type: foo"),
        (["-o", "FOO"], "unknown column: FOO"),
        (["-o", "FOO,BAR"], "unknown column: FOO,BAR"),
        (["-o", "NS,FOO,BAR"], "unknown column: FOO,BAR"),
        (["-o", "NS,"], "unknown column: NS,"),
        (["-J", "-r", "-h"], "options --json and --raw cannot be combined"),
        (["-J", "-r", "-t", "foo"], "options --json and --raw cannot be combined"),
        (["-T", "parent", "4026531836"], "invalid namespace argument: 'parent'"),
        (["-Tsideways"], "unknown tree type: sideways"),
        (["abc"], "invalid namespace argument: 'abc'"),
    ])
    func errors(_ arguments: [String], _ message: String) {
        // The line as it is printed (an errno's text may be part of the message or the errno's).
        let error = #expect(throws: SwnsError.self) { try lsns(arguments) }
        #expect(error?.description == message)
    }

    /// util-linux fails without a word on an empty list or an empty name.
    @Test(arguments: [[""], ["+"], ["NS,,TYPE"], [",NS"]])
    func silentColumnErrors(_ list: [String]) {
        #expect(throws: SwnsError.reported(status: 1)) { try lsns(["-o"] + list) }
    }

    /// -h and -V act where they come; -H after the other options (util-linux 2.42, which made it
    /// so that -J and -r shape the list in any order).
    @Test func listColumnsComesAfterTheOtherOptions() throws {
        #expect(try lsns(["-H", "-h"]).action == .help)
        #expect(try lsns(["-h", "-J", "-r"]).action == .help)
        #expect(throws: SwnsError("unknown namespace type: foo")) { try lsns(["-H", "-t", "foo"]) }
        let json = try lsns(["-H", "-J"])
        #expect(json.action == .listColumns && json.format == .json)
        let raw = try lsns(["-H", "-r"])
        #expect(raw.action == .listColumns && raw.format == .raw)
        #expect(LsnsReport.columnList(json: false, raw: true).hasPrefix("NS <integer> namespace\\x20identifier"))
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

    /// util-linux 2.42's usage(): -Q after -p, -H before -h, no list of columns.
    @Test func helpAsUtilLinux242() {
        let text = LsnsOption.helpText
        for option in LsnsOption.table { #expect(text.contains("--\(option.long)")) }
        #expect(text.contains("\n -J, --json             use JSON output format\n"))
        #expect(text.contains("""
             -P, --persistent       namespaces without processes
             -p, --task <pid>       print process namespaces
             -Q, --filter <expr>    apply display filter
             -r, --raw
            """))
        #expect(text.contains("\n\n -H, --list-columns     list the available columns\n -h, --help"))
        #expect(!text.contains("Available output columns"))
    }
}

@Suite struct TableTests {
    /// Widths as glibc's wcwidth gives them in C.UTF-8, and what its iswprint refuses (nil):
    /// worked out without the C library, which the static binaries cannot ask.
    @Test(arguments: [(0xE9, 1), (0x65E5, 2), (0x30C6, 2), (0x0301, 0), (0x200B, 0), (0x0085, nil), (0x009B, nil),
                      (0x2028, nil), (0x1F600, 2), (0xFF21, 2), (0xAC00, 2), (0x1160, 0), (0x2192, 1), (0x00AD, 1),
                      (0x0378, nil), (0x3000, 2), (0xE000, 1)] as [(UInt32, Int?)])
    func displayWidths(_ value: UInt32, _ width: Int?) {
        #expect(Table.columns(of: value) == width)
    }

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

    /// A cell of several lines (NSFS): the other cells of the continuing lines are padded, the
    /// last column left empty; the tree column draws the verticals of the row.
    @Test func multiLineCells() {
        var table = Table(columns: [Table.Column("NS"), Table.Column("NSFS", wrapsLines: true), Table.Column("X")],
                          jsonName: "n")
        table.roots = [Table.Row(["1", "/a\n/bb", "x"])]
        #expect(table.render() == "NS NSFS X\n1  /a   x\n   /bb  \n")
        table.columns[1].wrapsLines = false
        #expect(table.render() == "NS NSFS      X\n1  /a\\x0a/bb x\n")

        var tree = Table(columns: [Table.Column("NSFS", wrapsLines: true), Table.Column("C", tree: true),
                                   Table.Column("N", rightAligned: true)], jsonName: "n")
        let root = Table.Row(["/a\n/b", "r", "1"])
        root.children = [Table.Row(["/c\n/d", "k", "2"]), Table.Row([nil, "l", "3"])]
        tree.roots = [root]
        #expect(tree.render() == "NSFS C   N\n/a   r   1\n/b   │   \n/c   ├─k 2\n/d   │   \n     └─l 3\n")
    }

    /// libsmartcols keeps the padding of cells before an empty last one.
    @Test func paddingBeforeEmptyCellsIsKept() {
        var table = Table(columns: [Table.Column("NS", rightAligned: true), Table.Column("NETNSID", rightAligned: true),
                                    Table.Column("NSFS")], jsonName: "n")
        table.roots = [Table.Row(["4026531832", nil, nil])]
        #expect(table.render() == "        NS NETNSID NSFS\n4026531832         \n")
    }

    /// As libsmartcols's mbs_safe_encode: control characters, a backslash before 'x' and bytes
    /// that are not UTF-8 as \xNN; printable characters as they are, and wide ones count two.
    @Test func cellsAreEscapedAndMeasured() {
        var table = Table(columns: [Table.Column("COMMAND"), Table.Column("PID", rightAligned: true)], jsonName: "n")
        table.roots = [Table.Row([Array("wé\tx\ry 日本 a\\x41b\\yc".utf8) + [0xff, 0x7f], Array("7".utf8)]),
                       Table.Row(["日本語テスト", "8"])]
        #expect(table.render() == """
            COMMAND                                PID
            wé\\x09x\\x0dy 日本 a\\x5cx41b\\yc\\xff\\x7f   7
            日本語テスト                             8

            """)
        table.width = 20
        table.truncatable = [0]
        // A wide character that does not fit is left out whole.
        #expect(table.render() == "COMMAND          PID\nwé\\x09x\\x0dy 日    7\n日本語テスト       8\n")
        table.width = 11
        table.roots.removeFirst()
        #expect(table.render() == "COMMAND PID\n日本語    8\n")
    }

    /// Under a locale that is not UTF-8 (LC_ALL=C): the tree in ASCII, and every byte outside
    /// ASCII as \xNN.
    @Test func asciiLocale() {
        var table = sample()
        table.utf8 = false
        let root = Table.Row(["10", "mnt", "日"])
        root.children = table.roots[0].children
        table.roots = [root]
        #expect(table.render() == """
             NS TYPE COMMAND
             10 mnt  \\xe6\\x97\\xa5
             11 net  |-sh -c x
            130 pid  | `-sleep
             12 uts  `-

            """)
    }

    @Test func rawAndJSONPassBytesThrough() {
        var table = Table(columns: [Table.Column("COMMAND")], jsonName: "n")
        table.roots = [Table.Row([Array("a\u{7f}".utf8) + [0xff, 0x0d, 0x08, 0x0c, 0x01, 0x22]])]
        table.format = .raw
        table.headings = false
        #expect(table.renderBytes() == Array("a\\x7f\\xff\\x0d\\x08\\x0c\\x01\"\n".utf8))
        table.format = .json
        #expect(table.renderBytes() == Array("{\n   \"n\": [\n      {\n         \"command\": \"a\u{7f}".utf8) + [0xff]
            + Array("\\r\\b\\f\\u0001\\\"\"\n      }\n   ]\n}\n".utf8))
    }

    /// libsmartcols's layout of a JSON table without rows; other formats print nothing.
    @Test func emptyTables() {
        var table = Table(columns: [Table.Column("NS")], jsonName: "namespaces")
        #expect(table.render() == "")
        table.format = .raw
        #expect(table.render() == "")
        table.format = .json
        #expect(table.render() == "{\n   \"namespaces\": [\n\n   ]\n}\n")
    }

    @Test func jsonStringsAreEscaped() {
        #expect(Table.jsonString("a\"b\\c\nd\u{1}é\t\r") == "\"a\\\"b\\\\c\\nd\\u0001é\\t\\r\"")
    }
}

@Suite struct ProcParsingTests {
    @Test func statWithAwkwardCommandNames() {
        #expect(NamespaceScan.parseStat(Array("42 (a) b) c) S 7 42 42 0".utf8))! == (Array("a) b) c".utf8), 7))
        #expect(NamespaceScan.parseStat(Array("1 (init) S 0 1".utf8))! == (Array("init".utf8), 0))
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
        #expect(MountTable.unescape(Array("/run/my\\040ns".utf8)) == Array("/run/my ns".utf8))
        #expect(MountTable.unescape(Array("/plain".utf8)) == Array("/plain".utf8))
        #expect(MountTable.unescape(Array("/odd\\04".utf8)) == Array("/odd\\04".utf8))
        #expect(MountTable.unescape(Array("/x\\377".utf8)) == Array("/x".utf8) + [0xff])
    }
}
