import Foundation
import Glibc
import Testing

/// `make install` and `make uninstall` into a staging folder, the installed manual pages, and the
/// release binaries that `make build` makes (`make check` builds them before the tests run).
@Suite struct InstallTests {
    static let top = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let tools = ["swunshare", "swnsenter", "swlsns"]
    static let releaseBuilt = tools.allSatisfy { FileManager.default.isExecutableFile(atPath: "\(top)/.build/release/\($0)") }

    /// Every file under `folder`, relative to it, with its permission bits.
    func files(under folder: String) -> [String: Int] {
        var result: [String: Int] = [:]
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return result }
        for case let path as String in walker {
            var st = stat()
            guard lstat(folder + "/" + path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
            result[path] = Int(st.st_mode & 0o7777)
        }
        return result
    }

    @Test(.enabled(if: releaseBuilt, "needs the release binaries: run make build (make check does)"))
    func stagedInstallHasTheStandardFoldersAndUninstallRemovesExactlyThat() throws {
        let stage = "/tmp/" + uniqueName("swns-stage")
        defer { try? FileManager.default.removeItem(atPath: stage) }
        // Something of someone else's in the same tree stays.
        try FileManager.default.createDirectory(atPath: stage + "/usr/bin", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: stage + "/usr/bin/other", contents: Data())

        let install = try run("/usr/bin/make", ["-C", Self.top, "--no-print-directory", "install-files",
                                                "DESTDIR=\(stage)", "PREFIX=/usr"])
        #expect(install.status == 0, "\(install)")
        var expected: [String: Int] = ["usr/bin/other": 0o644]
        for tool in Self.tools {
            expected["usr/bin/\(tool)"] = 0o755
            expected["usr/share/bash-completion/completions/\(tool)"] = 0o644
            expected["usr/share/zsh/site-functions/_\(tool)"] = 0o644
            expected["usr/share/fish/vendor_completions.d/\(tool).fish"] = 0o644
        }
        expected["usr/share/man/man1/swunshare.1"] = 0o644
        expected["usr/share/man/man1/swnsenter.1"] = 0o644
        expected["usr/share/man/man8/swlsns.8"] = 0o644
        // The folders that install made, for uninstall to take away again.
        expected["usr/share/swns/installed-folders"] = 0o644
        #expect(files(under: stage) == expected)
        for tool in Self.tools {
            let version = try run("\(stage)/usr/bin/\(tool)", ["-V"])
            #expect(version.stdout == "\(tool) from swns 0.1.0\n")
        }

        let uninstall = try run("/usr/bin/make", ["-C", Self.top, "--no-print-directory", "uninstall",
                                                  "DESTDIR=\(stage)", "PREFIX=/usr"])
        #expect(uninstall.status == 0, "\(uninstall)")
        #expect(files(under: stage) == ["usr/bin/other": 0o644])
        // The folders it made are gone too; usr/bin, which was there before, stays.
        let folders = (FileManager.default.enumerator(atPath: stage)?.allObjects as? [String] ?? []).filter { path in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: stage + "/" + path, isDirectory: &isFolder) && isFolder.boolValue
        }
        #expect(folders.sorted() == ["usr", "usr/bin"])
    }

    @Test(arguments: ["man/swunshare.1", "man/swnsenter.1", "man/swlsns.8"])
    func manualPagesRenderWithoutWarnings(_ page: String) throws {
        let path = "\(Self.top)/\(page)"
        let lint = try run("/usr/bin/mandoc", ["-Tlint", path])
        #expect(lint.status == 0 && lint.stdout.isEmpty && lint.stderr.isEmpty, "\(lint)")
        let groff = try run("/usr/bin/groff", ["-ww", "-z", "-man", path])
        #expect(groff.status == 0 && groff.stderr.isEmpty, "\(groff)")
        let man = try run("/usr/bin/man", ["-l", path], environment: ["MANWIDTH": "80", "MANPAGER": "cat", "PAGER": "cat",
                                                                       "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"])
        #expect(man.status == 0 && man.stderr.isEmpty, "\(man)")
        #expect(man.stdout.contains("NAME") && man.stdout.contains("OPTIONS"))
    }

    @Test(.enabled(if: releaseBuilt, "needs the release binaries: run make build (make check does)"),
          arguments: tools)
    func releaseBinariesNeedNoSwiftLibraries(_ tool: String) throws {
        let binary = "\(Self.top)/.build/release/\(tool)"
        // Fully static: ldd finds no libraries at all, so certainly none of Swift's.
        let ldd = try run("/usr/bin/ldd", [binary])
        #expect(!ldd.stdout.contains("libswift") && !ldd.stdout.contains("libFoundation"), "\(ldd)")
        #expect(ldd.stdout.contains("not a dynamic executable") || ldd.stderr.contains("not a dynamic executable"), "\(ldd)")
        // And it runs with nothing from the toolchain on its paths.
        let bare = try run(binary, ["-V"], environment: ["PATH": "/usr/bin:/bin", "LD_LIBRARY_PATH": ""])
        #expect(bare.stdout == "\(tool) from swns 0.1.0\n")
    }

    /// The toolchain's library folder hidden under an empty tmpfs, in a mount namespace of its own.
    @Test(.root, .enabled(if: releaseBuilt, "needs the release binaries: run make build (make check does)"))
    func runsWithTheToolchainLibrariesOutOfReach() throws {
        let swiftc = try #require(which("swiftc"), "no swiftc on PATH")
        let libraries = URL(fileURLWithPath: swiftc).resolvingSymlinksInPath().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("lib/swift").path
        let release = "\(Self.top)/.build/release"
        let script = "mount -t tmpfs swns-hidden \(libraries) && ls \(libraries) | wc -l && "
            + "\(release)/swunshare --uts --hostname hidden hostname && \(release)/swlsns -t uts -n -o TYPE | sort -u"
        let outcome = try swunshare(["--mount", "sh", "-c", script])
        #expect(lines(outcome.stdout) == ["0", "hidden", "uts"], "\(outcome)")
    }
}
