import Foundation
import SwnsCore
import Testing

/// The man pages and the completion files tell the same story as the option tables.
@Suite struct DocumentationTests {
    static let top = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A file of the checkout; `completions/X` as swns-completions writes it now.
    func read(_ path: String) throws -> String {
        if path.hasPrefix("completions/") {
            return try String(contentsOfFile: Host.completionFolder + "/" + path.dropFirst(12), encoding: .utf8)
        }
        return try String(contentsOf: Self.top.appendingPathComponent(path), encoding: .utf8)
    }

    static func files(_ tool: String, section: Int) -> [String] {
        ["man/\(tool).\(section)", "completions/\(tool).bash", "completions/_\(tool)", "completions/\(tool).fish"]
    }

    /// Each long option by name, and each short one in the file's own form: `\-x` in roff, `-s x`
    /// for fish, `-x` in bash and zsh.
    func expectEveryOption<Tag>(_ table: [OptionSpec<Tag>], in path: String) throws {
        let text = try read(path)
        for option in table {
            #expect(text.contains(option.long), "\(path) lacks --\(option.long)")
            guard let short = option.short else { continue }
            let form = path.hasPrefix("man/") ? "\\-\(short)" : path.hasSuffix(".fish") ? "-s \(short)" : "-\(short)"
            #expect(containsWord(text, form), "\(path) lacks -\(short)")
        }
    }

    /// `word` where neither neighbour continues it: `-a` in "-a, --all" but not in "--all".
    func containsWord(_ text: String, _ word: String) -> Bool {
        let bytes = Array(text.utf8), pattern = Array(word.utf8)
        func continues(_ byte: UInt8) -> Bool {
            (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 45
        }
        guard bytes.count >= pattern.count else { return false }
        for start in 0...(bytes.count - pattern.count) where Array(bytes[start..<(start + pattern.count)]) == pattern {
            let before = start == 0 ? nil : bytes[start - 1]
            let after = start + pattern.count < bytes.count ? bytes[start + pattern.count] : nil
            if !(before.map(continues) ?? false) || word.hasPrefix("\\") || word.hasPrefix("-s ") {
                if !(after.map(continues) ?? false) { return true }
            }
        }
        return false
    }

    @Test(arguments: files("swunshare", section: 1))
    func swunshareFilesListEveryOption(_ path: String) throws {
        try expectEveryOption(UnshareOption.table, in: path)
    }

    @Test(arguments: files("swnsenter", section: 1))
    func swnsenterFilesListEveryOption(_ path: String) throws {
        try expectEveryOption(NsenterOption.table, in: path)
    }

    @Test(arguments: files("swlsns", section: 8))
    func swlsnsFilesListEveryOption(_ path: String) throws {
        try expectEveryOption(LsnsOption.table, in: path)
    }

    static let builtCompletions = top.appendingPathComponent("completions").path

    /// make writes completions/ from the tables (make build, make completions): after a change to
    /// a table, a completions/ left from an earlier build is stale, and install would ship it.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: builtCompletions),
                   "completions/ is written by make build; this run has none to compare"))
    func builtCompletionsAreCurrent() throws {
        let current = try FileManager.default.contentsOfDirectory(atPath: Host.completionFolder).sorted()
        let built = try FileManager.default.contentsOfDirectory(atPath: Self.builtCompletions).sorted()
        #expect(built == current, "completions/ holds other files than swns-completions writes: run make completions")
        for name in current {
            let fresh = try String(contentsOfFile: Host.completionFolder + "/" + name, encoding: .utf8)
            let old = try? String(contentsOfFile: Self.builtCompletions + "/" + name, encoding: .utf8)
            let current = old == fresh
            #expect(current, "completions/\(name) is stale: run make completions")
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/mandoc"), "needs mandoc"),
          arguments: ["man/swunshare.1", "man/swnsenter.1", "man/swlsns.8"])
    func manPageIsLintClean(_ path: String) throws {
        let outcome = try run("/usr/bin/mandoc", ["-Tlint", Self.top.appendingPathComponent(path).path])
        #expect(outcome.status == 0 && outcome.stdout.isEmpty && outcome.stderr.isEmpty, "\(outcome)")
    }
}
