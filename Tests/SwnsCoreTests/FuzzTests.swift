import Foundation
import Glibc
import Testing
@testable import SwnsCore

/// A small deterministic generator (SplitMix64): the same seed gives the same inputs, so a failure
/// can be replayed, and an interesting input goes into Corpus/ to be replayed for good.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Every parser gets random and mutated input: it returns or reports an error, and never traps.
/// (A trap ends the test process, which fails the run.)
@Suite struct FuzzTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus")

    static func corpusLines(_ name: String) -> [String] {
        let text = (try? String(contentsOf: corpus.appendingPathComponent(name), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
    }

    /// Words that the parsers know, pieces that break them, and random bytes.
    static let pieces = ["-", "--", "=", ":", ",", "+", "all", "net", "uts", "mnt", "pid", "user", "1", "0", "-1",
                         "2147483647", "4294967295", "18446744073709551615", "99999999999999999999", "SIGTERM", "SIGRTMIN+", "cap_",
                         "net_raw", "/", "/proc/self/ns/net", "\\", "\"", "'", "(", ")", "==", "=~", "and", "not", " ",
                         "\u{0}", "é", "\u{7f}", "follow", "auto", "subids", "TYPE", "NS", "process", "parent", "owner"]

    static func randomWord(_ generator: inout SplitMix, options: [String]) -> String {
        var word = ""
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            switch Int.random(in: 0..<10, using: &generator) {
            case 0..<4: word += options.randomElement(using: &generator)!
            case 4..<8: word += pieces.randomElement(using: &generator)!
            default: word += String(UnicodeScalar(UInt8.random(in: 1...126, using: &generator)))
            }
        }
        return word
    }

    static let unshareOptions = UnshareOption.table.flatMap { ["--\($0.long)", $0.short.map { "-\($0)" } ?? "-"] }
    static let nsenterOptions = NsenterOption.table.flatMap { ["--\($0.long)", $0.short.map { "-\($0)" } ?? "-"] }
    static let lsnsOptions = LsnsOption.table.flatMap { ["--\($0.long)", $0.short.map { "-\($0)" } ?? "-"] }

    /// Parses a command line with each tool's parser; only returning or throwing is allowed.
    func parseAll(_ words: [String]) {
        _ = try? UnshareCommand.parse(["swunshare"] + words)
        _ = try? NsenterCommand.parse(["swnsenter"] + words)
        _ = try? LsnsCommand.parse(["swlsns"] + words)
    }

    @Test func commandLines() {
        var generator = SplitMix(state: 0x5357_4e53)
        let options = Self.unshareOptions + Self.nsenterOptions + Self.lsnsOptions
        for _ in 0..<3000 {
            let words = (0..<Int.random(in: 0...6, using: &generator)).map { _ in
                Self.randomWord(&generator, options: options)
            }
            parseAll(words)
        }
    }

    @Test func corpusOfCommandLines() {
        let lines = Self.corpusLines("command-lines.txt")
        #expect(lines.count >= 10)
        for line in lines { parseAll(line.split(separator: "\t").map(String.init)) }
    }

    @Test func valueParsers() {
        var generator = SplitMix(state: 0xC0FF_EE)
        for _ in 0..<5000 {
            let text = Self.randomWord(&generator, options: ["SIG", "RTMIN", "RTMAX", ":M:", ":E:", "cap_", "\\x", "ELF"])
            _ = IDRange.parse(text)
            _ = SignalName.number(text)
            _ = BinfmtInterpreter(text)
            _ = Capability.number(text)
            var plan = CapabilityPlan()
            for option in [CapabilityPlan.Option.drop, .add, .bounding, .inheritable, .ambient] { try? plan.add(option, text) }
            _ = try? plan.resolve(from: CapabilitySets(bounding: Capability.all, permitted: Capability.all))
            _ = try? NsenterCommand.target(text)
            _ = try? NsenterCommand.source(text)
            _ = try? LsnsCommand.columns(text)
            _ = try? FilterExpression.parse(text, columns: LsnsColumn.allCases.map(\.name))
        }
    }

    /// The parsers of /proc and /etc texts: stat, nsfs links, mountinfo escapes, id maps,
    /// passwd, subuid.
    @Test func procAndEtcParsers() {
        var generator = SplitMix(state: 0x9_0C)
        var inputs = Self.corpusLines("proc-files.txt").map { $0.replacingOccurrences(of: "\\n", with: "\n") }
        for _ in 0..<5000 {
            inputs.append(Self.randomWord(&generator, options: ["(", ")", "[", "]", ":", "\n", "\\040", " S ", "net:[", "socket:["]))
        }
        for text in inputs {
            let bytes = Array(text.utf8)
            _ = NamespaceScan.parseStat(bytes)
            _ = NamespaceScan.parseNamespaceLink(bytes)
            _ = MountTable.unescape(bytes)
            _ = MountTable.parse(bytes)
            _ = IDRange.parseMap(text)
            _ = Accounts.entries(text)
            _ = SubordinateIDs.firstRange(in: text, userName: "alice", uid: 1000)
        }
    }
}
