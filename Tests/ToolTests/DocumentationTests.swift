import Foundation
import SwnsCore
import Testing

/// The man page and the completion files tell the same story as the option table.
@Suite struct DocumentationTests {
    static let top = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func read(_ path: String) throws -> String {
        try String(contentsOf: Self.top.appendingPathComponent(path), encoding: .utf8)
    }

    @Test(arguments: ["man/swunshare.1", "completions/swunshare.bash", "completions/_swunshare", "completions/swunshare.fish"])
    func listsEveryOption(_ path: String) throws {
        let text = try read(path)
        for option in UnshareOption.table {
            #expect(text.contains(option.long), "\(path) lacks --\(option.long)")
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/mandoc"), "needs mandoc"))
    func manPageIsLintClean() throws {
        let outcome = try run("/usr/bin/mandoc", ["-Tlint", Self.top.appendingPathComponent("man/swunshare.1").path])
        #expect(outcome.status == 0 && outcome.stdout.isEmpty && outcome.stderr.isEmpty, "\(outcome)")
    }
}
