import Foundation
import Testing

/// The shape ARCHITECTURE.md describes, checked over the core's sources: no folder uses a folder
/// that uses it back, and only System/ talks to the kernel, the C shim and libcap.
@Suite struct ArchitectureTests {
    static let core = DocumentationTests.top.appendingPathComponent("Sources/SwnsCore")

    struct SourceFile {
        let folder: String
        let name: String
        /// The text without comments.
        let code: String
    }

    static func sources() throws -> [SourceFile] {
        let paths = try FileManager.default.subpathsOfDirectory(atPath: core.path)
        return try paths.filter { $0.hasSuffix(".swift") }.sorted().map { path in
            let text = try String(contentsOf: core.appendingPathComponent(path), encoding: .utf8)
            let folder = path.contains("/") ? String(path.split(separator: "/").first!) : "."
            let code = text.replacingOccurrences(of: #"//[^\n]*"#, with: "", options: .regularExpression)
            return SourceFile(folder: folder, name: path, code: code)
        }
    }

    static func matches(_ pattern: String, in text: String) -> [String] {
        let expression = try! NSRegularExpression(pattern: pattern)
        let range = NSRange(text.startIndex..., in: text)
        return expression.matches(in: text, range: range).map { match in
            let group = match.numberOfRanges > 1 ? match.range(at: 1) : match.range
            return String(text[Range(group, in: text)!])
        }
    }

    /// Folder → the folders whose types it names, with one example each.
    static func uses(_ files: [SourceFile]) -> [String: [String: String]] {
        var owner: [String: String] = [:]
        let declaration = #"(?m)^(?:public |internal |private |fileprivate |package )?(?:final )?"#
            + #"(?:struct|enum|class|protocol|typealias|actor)\s+([A-Z]\w*)"#
        for file in files {
            for name in matches(declaration, in: file.code) where owner[name] == nil { owner[name] = file.folder }
        }
        var uses: [String: [String: String]] = [:]
        for file in files {
            for word in Set(matches(#"\b[A-Z]\w*\b"#, in: file.code)) {
                guard let other = owner[word], other != file.folder else { continue }
                uses[file.folder, default: [:]][other] = "\(file.name) uses \(word)"
            }
        }
        return uses
    }

    @Test func foldersFormNoCycle() throws {
        let uses = Self.uses(try Self.sources())
        #expect(uses["Unshare"]?["Mounts"] != nil, "the check sees the uses it should")
        // Depth-first search; a folder met again on the current path closes a cycle.
        var finished: Set<String> = []
        func visit(_ folder: String, path: [String]) {
            if let start = path.firstIndex(of: folder) {
                let cycle = path[start...] + [folder]
                let links = zip(cycle, cycle.dropFirst()).map { uses[$0]![$1]! }
                Issue.record("folder cycle \(cycle.joined(separator: " → ")): \(links.joined(separator: "; "))")
                return
            }
            guard !finished.contains(folder) else { return }
            for next in (uses[folder] ?? [:]).keys.sorted() { visit(next, path: path + [folder]) }
            finished.insert(folder)
        }
        for folder in uses.keys.sorted() { visit(folder, path: []) }
    }

    /// ARCHITECTURE.md's folder table lists each folder before the folders it uses.
    @Test func foldersUseOnlyTheFoldersAfterThemInArchitectureMd() throws {
        let text = try DocumentationTests().read("ARCHITECTURE.md")
        let rows = text.split(separator: "\n").filter { $0.hasPrefix("| `") }
        var rank: [String: Int] = [:]
        for (index, row) in rows.enumerated() {
            let cell = row.split(separator: "|").first ?? ""
            for folder in Self.matches(#"`(\w+)/`"#, in: String(cell)) { rank[folder] = index }
        }
        rank["."] = rows.count  // Swns.swift, the package's version, uses nothing
        for (folder, used) in Self.uses(try Self.sources()) {
            let own = try #require(rank[folder], "ARCHITECTURE.md's table lacks \(folder)/")
            for (other, example) in used {
                let theirs = try #require(rank[other], "ARCHITECTURE.md's table lacks \(other)/")
                #expect(theirs > own, "\(folder)/ uses \(other)/, listed before it in ARCHITECTURE.md: \(example)")
            }
        }
    }

    /// The C library's system calls and the like, which only System/ may call.
    static let libraryCalls = [
        "open", "openat", "close", "read", "write", "stat", "fstat", "lstat", "fstatat", "mount", "umount2", "fork",
        "waitpid", "wait4", "kill", "getpid", "getppid", "getuid", "geteuid", "getgid", "getegid", "setuid", "setgid",
        "setgroups", "ioctl", "readlink", "readlinkat", "chdir", "fchdir", "chroot", "pipe", "pipe2", "dup", "dup2",
        "socket", "prctl", "execv", "execve", "execvp", "sethostname", "sigaction", "sigprocmask", "malloc", "free",
        "getenv", "setenv", "unsetenv", "clearenv", "unlink", "mkdir", "rmdir", "access", "isatty", "uname",
        "syscall", "strerror", "raise", "signal", "poll", "exit", "_exit",
    ]

    @Test func onlySystemCallsTheKernel() throws {
        for file in try Self.sources() where file.folder != "System" {
            let calls = Self.matches(#"\b((?:swns|cap)_\w+)\s*\("#, in: file.code)
            #expect(calls.isEmpty, "\(file.name) calls \(calls) outside System/")
            // errno itself (Glibc.errno too), not an error's errno property or an errno: label.
            let errno = Self.matches(#"(?:(?<![.\w])|Glibc\.)(errno)\b(?!\s*:)"#, in: file.code)
            #expect(errno.isEmpty, "\(file.name) reads or writes errno outside System/")
            // A library call, unqualified or as Glibc.NAME, outside string literals; a name the file
            // declares itself (a function, an enum case, a parameter, a closure) is its own.
            let code = file.code.replacingOccurrences(of: #""(?:[^"\\\n]|\\.)*""#, with: "\"\"",
                                                      options: .regularExpression)
            let own = Set(Self.matches(#"(?:func|case)\s+(\w+)"#, in: code) + Self.matches(#"(?:let|var)\s+(\w+)"#, in: code)
                + Self.matches(#"(\w+)\s*:\s*(?:@escaping\s*)?\("#, in: code))
            let library = Self.matches(#"(?:(?<![.\w])|Glibc\.)(\w+)\s*\("#, in: code)
                .filter { Self.libraryCalls.contains($0) && !own.contains($0) }
            #expect(library.isEmpty, "\(file.name) calls \(Set(library).sorted()) outside System/")
            #expect(!file.code.contains("import CSwns") && !file.code.contains("import CLibcap"),
                    "\(file.name) imports a C module outside System/")
        }
    }

    /// The executables are a few lines over the core, which alone talks to the C library.
    @Test(arguments: ["swunshare", "swnsenter", "swlsns"])
    func toolsGoThroughTheCore(_ tool: String) throws {
        let text = try DocumentationTests().read("Sources/\(tool)/main.swift")
        let imports = Self.matches(#"(?m)^import\s+(\w+)"#, in: text)
        #expect(imports == ["SwnsCore"], "Sources/\(tool)/main.swift imports \(imports)")
    }
}
