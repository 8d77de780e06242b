import Glibc
import Testing
@testable import SwnsCore

/// The C-string helpers that a tool's start uses instead of the standard library's bridging: they
/// must give what that bridging gives for UTF-8, and keep every other byte as it was.
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

    /// Bytes that are not UTF-8 come back unchanged from the string that stands for them (as
    /// util-linux's C passes them on), short or long, also next to the escape scalars themselves
    /// (F4 8F BE/BF xx, U+10FF80...U+10FFFF), to the C string, the byte array and the writer.
    @Test(arguments: [[0xff], [0x41, 0xc3], [0x41, 0x80, 0x42], Array(repeating: 0xfe, count: 40),
                      [0x63, 0x61, 0x66, 0xe9], [0xf4, 0x8f, 0xbf, 0xbf], [0xf4, 0x8f, 0xbe, 0x80, 0xe9],
                      [0xf4, 0x8f, 0xbf], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xe6, 0x97, 0xa5, 0xff, 0xe6, 0x97]]
                     as [[UInt8]])
    func bytesThatAreNotUTF8SurviveTheRoundTrip(_ bytes: [UInt8]) throws {
        let terminated = bytes.map { CChar(bitPattern: $0) } + [0]
        let text = terminated.withUnsafeBufferPointer { CStrings.string($0.baseAddress!) }
        #expect(text == CStrings.string(bytes))
        #expect(!text.contains("\u{FFFD}"))
        #expect(CStrings.bytes(text) == bytes)
        let copy = CStrings.duplicate(text)
        defer { free(copy) }
        #expect(strlen(copy) == bytes.count)
        #expect((0..<bytes.count).map { UInt8(bitPattern: copy[$0]) } == bytes)
        CStrings.withCString(text) { #expect(strcmp($0, copy) == 0) }

        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        defer { close(ends[0]) }
        #expect(throws: Never.self) { try Kernel.write(ends[1], CStrings.bytes(text)) }
        close(ends[1])
        var read = [UInt8](repeating: 0, count: bytes.count + 8)
        #expect(Glibc.read(ends[0], &read, read.count) == bytes.count)
        #expect(Array(read.prefix(bytes.count)) == bytes)
    }

    /// Valid UTF-8 stands for itself: its string is the one String(cString:) makes.
    @Test(arguments: texts)
    func validUTF8IsItsOwnString(_ text: String) {
        #expect(CStrings.string(Array(text.utf8)) == text)
        #expect(CStrings.bytes(text) == Array(text.utf8))
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
