import Foundation
import Testing

/// Runs every command of the README's tour and compares its output.
///
/// Format: fenced `console` blocks; `# ` lines run as root, `$ ` lines as uid 65534, the lines
/// after a command are its output (compared without trailing white space).
@Suite(.root) struct ReadmeTourTests {
    struct Example: Sendable, CustomTestStringConvertible {
        let command: String
        let unprivileged: Bool
        let output: [String]
        var testDescription: String { (unprivileged ? "$ " : "# ") + command }
    }

    static let examples: [Example] = {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        guard let text = try? String(contentsOf: readme, encoding: .utf8) else { return [] }
        var examples: [Example] = []
        var inBlock = false
        var current: (String, Bool, [String])?
        func flush() {
            if let (command, unprivileged, output) = current {
                examples.append(Example(command: command, unprivileged: unprivileged, output: output))
            }
            current = nil
        }
        for line in text.components(separatedBy: "\n") {
            if line.hasPrefix("```") {
                if inBlock { flush() }
                inBlock = !inBlock && line == "```console"
                continue
            }
            guard inBlock else { continue }
            if line.hasPrefix("# ") || line.hasPrefix("$ ") {
                flush()
                current = (String(line.dropFirst(2)), line.hasPrefix("$ "), [])
            } else if current != nil {
                current!.2.append(line.replacing(/\s+$/, with: ""))
            }
        }
        return examples
    }()

    @Test func theTourHasTheClassicExamples() {
        let commands = Self.examples.map(\.command).joined(separator: "\n")
        for option in ["--uts", "--ipc", "--pid", "--mount", "--net", "--map-root-user"] {
            #expect(commands.contains(option), "the tour lacks \(option)")
        }
        #expect(Self.examples.contains { $0.unprivileged })
        // swnsenter: a swunshare'd process, an ip netns file, a container-like tree, an ordinary user.
        for fragment in ["swnsenter -t $!", "swnsenter --net=/run/netns/", "--all"] {
            #expect(commands.contains(fragment), "the tour lacks \(fragment)")
        }
        #expect(Self.examples.contains { $0.unprivileged && $0.command.contains("swnsenter") })
        // swlsns: a bind-mounted namespace with a filter, a descriptor-held one, JSON.
        for fragment in ["swlsns -P", "-Q", "/fd/9", "swlsns -J"] {
            #expect(commands.contains(fragment), "the tour lacks \(fragment)")
        }
    }

    @Test(arguments: examples)
    func runs(_ example: Example) throws {
        let folder = example.unprivileged ? Host.publicFolder : Host.buildFolder
        let environment = ["PATH": "\(folder):/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]
        let outcome = try run("/bin/sh", ["-c", example.command], asUser: example.unprivileged ? Host.nobody : nil,
                              environment: environment)
        #expect(outcome.status == 0, "\(outcome)")
        var expected = example.output
        while expected.last == "" { expected.removeLast() }
        let actual = outcome.stdout.components(separatedBy: "\n").map { $0.replacing(/\s+$/, with: "") }
        var trimmed = actual
        while trimmed.last == "" { trimmed.removeLast() }
        #expect(trimmed == expected)
    }
}
