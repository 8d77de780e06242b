import Testing
@testable import SwnsCore

@Suite struct IDMapTests {
    @Test(arguments: [
        ("0:100000:65536", IDRange(inner: 0, outer: 100000, count: 65536)),
        ("100000,0,65536", IDRange(inner: 0, outer: 100000, count: 65536)),
        ("1000:1000:1", IDRange(inner: 1000, outer: 1000, count: 1)),
        ("0:0:4294967295", IDRange(inner: 0, outer: 0, count: 4294967295)),
    ])
    func parsesRanges(_ text: String, _ range: IDRange) {
        #expect(IDRange.parse(text) == range)
    }

    @Test(arguments: ["x", "1,2", "1:2", "1:2:3:4", "0:0:0", "-1:0:1", "a:b:c", "1:2:", " 1:2:3",
                      "4294967295:0:2", "0:4294967295:2", "4294967295:0:1", "0:4294967295:1", "1:0:4294967295",
                      "1;2;3", ""])
    func refusesMalformedRanges(_ text: String) {
        #expect(IDRange.parse(text) == nil)
    }

    @Test func mapLinesAreInnerOuterCount() {
        #expect(IDRange(inner: 0, outer: 1000, count: 1).description == "0 1000 1")
    }

    @Test func parsesKernelMapText() {
        let text = "         0       1000          1\n         1     100000      65535\n"
        #expect(IDRange.parseMap(text) == [IDRange(inner: 0, outer: 1000, count: 1),
                                           IDRange(inner: 1, outer: 100000, count: 65535)])
    }

    // unshare(1)'s own example: --map-auto --map-root-user for uid 1000 with 1000:100000:65536
    // gives "0 1000 1" and "1 100000 65535".
    @Test func punchesTheRootHoleAsUtilLinuxDocuments() {
        let map = IDMap(single: IDRange(inner: 0, outer: 1000, count: 1),
                        blocks: [IDRange(inner: 0, outer: 100000, count: 65536)])
        #expect(map.ranges == [IDRange(inner: 0, outer: 1000, count: 1),
                               IDRange(inner: 1, outer: 100000, count: 65535)])
    }

    // --map-auto --map-root-user for uid 1000 with 1000:100000:65536, as util-linux 2.42.3 and its
    // head have it (#4457; 2.42.0 to 2.42.2 lose the top id): inner 1 onwards is the whole block.
    @Test func anAutoBlockKeepsEveryID() {
        let map = IDMap(single: IDRange(inner: 0, outer: 1000, count: 1),
                        blocks: [IDRange(inner: 0, outer: 100000, count: 65536, automatic: true)])
        #expect(map.ranges == [IDRange(inner: 0, outer: 1000, count: 1), IDRange(inner: 1, outer: 100000, count: 65536)])
        // -c: the caller at inner 1000, the block around it, whole.
        let current = IDMap(single: IDRange(inner: 1000, outer: 1000, count: 1),
                            blocks: [IDRange(inner: 0, outer: 100000, count: 65536, automatic: true)])
        #expect(current.ranges == [IDRange(inner: 1000, outer: 1000, count: 1), IDRange(inner: 0, outer: 100000, count: 1000),
                                   IDRange(inner: 1001, outer: 101000, count: 64536)])
        // One subordinate id.
        let one = IDMap(single: IDRange(inner: 0, outer: 1000, count: 1),
                        blocks: [IDRange(inner: 0, outer: 100000, count: 1, automatic: true)])
        #expect(one.ranges == [IDRange(inner: 0, outer: 1000, count: 1), IDRange(inner: 1, outer: 100000, count: 1)])
    }

    // -c (1000 -> 1000) into 0:100000:65536: inner 0..999 keep the first outer ids, inner 1000 is
    // the caller, inner 1001.. take the rest; one id fewer in all, none mapped twice.
    @Test func punchesAHoleInTheMiddle() {
        let map = IDMap(single: IDRange(inner: 1000, outer: 1000, count: 1),
                        blocks: [IDRange(inner: 0, outer: 100000, count: 65536)])
        #expect(map.ranges == [IDRange(inner: 1000, outer: 1000, count: 1),
                               IDRange(inner: 0, outer: 100000, count: 1000),
                               IDRange(inner: 1001, outer: 101000, count: 64535)])
    }

    @Test func leavesDisjointBlocksAlone() {
        let block = IDRange(inner: 100, outer: 200000, count: 10)
        let map = IDMap(single: IDRange(inner: 0, outer: 1000, count: 1), blocks: [block])
        #expect(map.ranges == [IDRange(inner: 0, outer: 1000, count: 1), block])
        #expect(IDMap(blocks: [block]).ranges == [block])
    }

    @Test func noIDIsMappedTwice() {
        for inner in [0, 5, 9] as [UInt32] {
            for outer in [50, 52, 59, 1000] as [UInt32] {
                let map = IDMap(single: IDRange(inner: inner, outer: outer, count: 1),
                                blocks: [IDRange(inner: 0, outer: 50, count: 10)])
                let inners = map.ranges.flatMap { Array($0.inner..<$0.inner + $0.count) }
                let outers = map.ranges.flatMap { Array($0.outer..<$0.outer + $0.count) }
                #expect(Set(inners).count == inners.count, "inner \(inner) outer \(outer)")
                #expect(Set(outers).count == outers.count, "inner \(inner) outer \(outer)")
            }
        }
    }

    @Test func findsTheFirstSubordinateRangeByNameOrNumber() {
        let text = "alice:100000:65536\nbob:165536:65536\n1000:300000:10\nbob:400000:5\n"
        #expect(SubordinateIDs.firstRange(in: text, userName: "bob", uid: 1001)
                == IDRange(inner: 165536, outer: 165536, count: 65536))
        #expect(SubordinateIDs.firstRange(in: text, userName: "carol", uid: 1000)
                == IDRange(inner: 300000, outer: 300000, count: 10))
        #expect(SubordinateIDs.firstRange(in: text, userName: "dave", uid: 7) == nil)
    }
}
