import Glibc
import Testing
@testable import SwnsCore

/// The C-string helpers that a tool's start uses instead of the standard library's bridging: they
/// must give what that bridging gives.
@Suite struct CStringsTests {
    static let texts = ["", "a", "true", "exactly15bytes!", "sixteen-bytes-xx", "/proc/self/ns/uts",
                        "héllo wörld", "日本語のホスト名", String(repeating: "long ", count: 100), "tab\there"]

    @Test(arguments: texts)
    func duplicateRoundTrips(_ text: String) {
        let copy = CStrings.duplicate(text)
        defer { free(copy) }
        #expect(strlen(copy) == text.utf8.count)
        #expect(String(cString: copy) == text)
    }

    @Test(arguments: texts)
    func stringReadsWhatStringCStringReads(_ text: String) {
        text.withCString { pointer in
            #expect(CStrings.string(pointer) == String(cString: pointer))
        }
    }

    /// Invalid UTF-8 is repaired with U+FFFD, as String(cString:) repairs it, short or long.
    @Test(arguments: [[0xff], [0x41, 0xc3], [0x41, 0x80, 0x42], Array(repeating: 0xfe, count: 40)] as [[UInt8]])
    func invalidBytesAreRepairedTheSameWay(_ bytes: [UInt8]) {
        let terminated = bytes.map { CChar(bitPattern: $0) } + [0]
        terminated.withUnsafeBufferPointer { buffer in
            let ours = CStrings.string(buffer.baseAddress!)
            #expect(ours == String(cString: buffer.baseAddress!))
            #expect(ours.contains("\u{FFFD}"))
        }
    }

    @Test func vectorIsNullTerminatedAndFreed() {
        let texts = ["swunshare", "--uts", "", "héllo"]
        let vector = CStrings.vector(texts)
        defer { CStrings.free(vector) }
        for (index, text) in texts.enumerated() { #expect(String(cString: vector[index]!) == text) }
        #expect(vector[texts.count] == nil)
    }

    /// A tool parses its own argument vector: getopt permutes a copy, and the caller's vector
    /// is left as it was.
    @Test func parsingLeavesTheCallersVectorAlone() {
        let words = ["swlsns", "4026531836", "-t", "net", "--json"]
        let vector = CStrings.vector(words)
        defer { CStrings.free(vector) }
        let before = (0..<words.count).map { vector[$0] }
        let parsed = LsnsOption.parser.parse(ArgumentVector(count: Int32(words.count), pointers: vector))
        #expect(parsed.operands == ["4026531836"])
        #expect(parsed.options.count == 2)
        #expect((0..<words.count).map { vector[$0] } == before)
        #expect(vector[words.count] == nil)
    }

    @Test func theProcessVectorIsMain() {
        let process = ArgumentVector.process
        #expect(Int(process.count) == CommandLine.arguments.count)
        #expect((0..<Int(process.count)).map { String(cString: process[$0]) } == CommandLine.arguments)
    }
}
