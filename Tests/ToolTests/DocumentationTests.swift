import Foundation
import SwnsCore
import Testing

/// The man pages and the completion files tell the same story as the option tables.
@Suite struct DocumentationTests {
    static let top = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func read(_ path: String) throws -> String {
        try String(contentsOf: Self.top.appendingPathComponent(path), encoding: .utf8)
    }

    static func files(_ tool: String, section: Int) -> [String] {
        ["man/\(tool).\(section)", "completions/\(tool).bash", "completions/_\(tool)", "completions/\(tool).fish"]
    }

    @Test(arguments: files("swunshare", section: 1))
    func swunshareFilesListEveryOption(_ path: String) throws {
        let text = try read(path)
        for option in UnshareOption.table {
            #expect(text.contains(option.long), "\(path) lacks --\(option.long)")
        }
    }

    @Test(arguments: files("swnsenter", section: 1))
    func swnsenterFilesListEveryOption(_ path: String) throws {
        let text = try read(path)
        for option in NsenterOption.table {
            #expect(text.contains(option.long), "\(path) lacks --\(option.long)")
        }
    }

    @Test(arguments: files("swlsns", section: 8))
    func swlsnsFilesListEveryOption(_ path: String) throws {
        let text = try read(path)
        for option in LsnsOption.table {
            #expect(text.contains(option.long), "\(path) lacks --\(option.long)")
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/mandoc"), "needs mandoc"),
          arguments: ["man/swunshare.1", "man/swnsenter.1", "man/swlsns.8"])
    func manPageIsLintClean(_ path: String) throws {
        let outcome = try run("/usr/bin/mandoc", ["-Tlint", Self.top.appendingPathComponent(path).path])
        #expect(outcome.status == 0 && outcome.stdout.isEmpty && outcome.stderr.isEmpty, "\(outcome)")
    }
}
