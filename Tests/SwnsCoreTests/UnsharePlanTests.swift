import Foundation
import Glibc
import Testing
@testable import SwnsCore

@Suite struct UnsharePlanTests {
    /// Paths that exist on the made-up host.
    static let existing: Set<String> = ["/tmp/ns", "/srv/root/.", "/srv/root/proc", "/work/.", "/srv/root/work/.", "/proc"]

    func plan(_ arguments: [String], context: HostContext = aliceHost,
              environment: [String] = ["PATH=/usr/bin:/bin", "SHELL=/bin/bash", "TERM=xterm", "HOME=/home/alice"])
        throws(SwnsError) -> UnsharePlan {
        try UnsharePlan(parse(arguments, context: context), context: context, environment: environment,
                        files: Self.madeUpFiles)
    }

    /// A file system that has `existing` and nothing else.
    static let madeUpFiles = PlanFileSystem(
        stat: { (path) throws(SystemError) in
            if !existing.contains(path) { throw SystemError("stat", path, errno: ENOENT) }
        },
        resolveInRoot: { (root, path, directory) throws(SystemError) in
            if !existing.contains(root + path + (directory ? "/." : "")) { throw SystemError("openat2", path, errno: ENOENT) }
        })

    @Test(arguments: [
        (["--monotonic", "5"], "options --monotonic and --boottime require unsharing of a time namespace (-T)"),
        (["--boottime=5", "-U"], "options --monotonic and --boottime require unsharing of a time namespace (-T)"),
        (["-r", "--setgroups=allow"], "options --setgroups=allow and --map-group are mutually exclusive"),
        (["--map-group=0", "--setgroups", "allow"], "options --setgroups=allow and --map-group are mutually exclusive"),
    ])
    func contradictions(_ arguments: [String], _ message: String) {
        #expect(throws: SwnsError(message)) { try plan(arguments) }
    }

    @Test func blockGroupMapsMayAllowSetgroups() throws {
        _ = try plan(["--map-group=0", "--map-groups=1:200000:10", "--setgroups=allow"])
    }

    @Test func persistingAPidNamespaceNeedsFork() throws {
        #expect(throws: SwnsError.self) { try plan(["--pid=/tmp/ns"]) }
        _ = try plan(["--pid=/tmp/ns", "--fork"])
    }

    @Test(arguments: [
        (["--uts=/missing"], SwnsError("cannot access /missing", errno: ENOENT)),
        (["-R", "/missing"], SwnsError("cannot change root directory to '/missing'", errno: ENOENT)),
        (["-w", "/missing"], SwnsError("cannot chdir to '/missing'", errno: ENOENT)),
        (["-R", "/srv/root", "-w", "/missing"], SwnsError("cannot chdir to '/missing'", errno: ENOENT)),
        (["--mount-proc=/missing"], SwnsError("mount /missing failed", errno: ENOENT)),
        (["-R", "/srv/root", "--mount-proc=/missing"], SwnsError("mount /missing failed", errno: ENOENT)),
    ])
    func missingFilesAreFoundBeforeAnythingChanges(_ arguments: [String], _ error: SwnsError) {
        #expect(throws: error) { try plan(arguments) }
    }

    @Test func pathsResolveInsideTheNewRoot() throws {
        _ = try plan(["-R", "/srv/root", "-w", "/work", "--mount-proc"])
        _ = try plan(["--uts=/tmp/ns", "-w", "/work"])
    }

    @Test func unprivilegedBlockMapsNeedNewuidmap() {
        let error = #expect(throws: SwnsError.self) {
            try plan(["--map-users=0:100000:10"], environment: ["PATH=/nonexistent"])
        }
        #expect(error?.message == "failed to execute newuidmap")
        #expect(error?.errno == ENOENT)
        #expect(error?.status == 127, "util-linux's exit status for a helper it cannot execute")
        #expect(error?.hint?.contains("uidmap") == true)
    }

    @Test func mapsAreSplitBetweenHelperAndProgram() throws {
        let simple = try plan(["-r"])
        #expect(simple.ownUserMap == IDRange(inner: 0, outer: 1000, count: 1))
        #expect(simple.ownGroupMap == IDRange(inner: 0, outer: 1000, count: 1))
        #expect(simple.helperUserMap == nil && simple.helperGroupMap == nil)

        let root = HostContext(euid: 0, egid: 0, readFile: aliceHost.readFile)
        let blocks = try plan(["-r", "--map-users=0:100000:65536"], context: root)
        #expect(blocks.privileged)
        #expect(blocks.ownUserMap == nil)
        #expect(blocks.helperUserMap?.ranges == [IDRange(inner: 0, outer: 0, count: 1),
                                                  IDRange(inner: 1, outer: 100000, count: 65535)])
        #expect(blocks.ownGroupMap == IDRange(inner: 0, outer: 0, count: 1))
    }

    @Test func theShellIsALoginShell() throws {
        let fromEnvironment = try plan([])
        #expect(fromEnvironment.program.arguments == ["/bin/bash"])
        #expect(fromEnvironment.program.argv0 == "-bash")
        let given = try plan(["ls", "-l"])
        #expect(given.program.arguments == ["ls", "-l"] && given.program.argv0 == nil)
        // Without SHELL: the password database's shell of the user the program runs as (-S), as
        // util-linux looks it up after setuid; after --clear-env, SHELL is gone too.
        let noShell = ["PATH=/usr/bin:/bin"]
        #expect(try plan(["-S", "1000"], environment: noShell).program.arguments == ["/bin/zsh"])
        #expect(try plan(["-S", "0"], environment: noShell).program.arguments == ["/bin/bash"])
        #expect(try plan(["--clear-env", "-S", "1000"]).program.arguments == ["/bin/zsh"])
        #expect(try plan(["-S", "4242"], environment: noShell).program.arguments == ["/bin/sh"])
    }

    @Test func environmentPolicies() throws {
        #expect(try plan([]).environment == nil)
        #expect(try plan(["--clear-env"]).environment == [])
        #expect(try plan(["--whitelist-env=TERM,HOME,NOPE"]).environment == ["TERM=xterm", "HOME=/home/alice"])
        #expect(try plan(["--whitelist-env=TERM", "--whitelist-env=HOME"]).environment == ["TERM=xterm", "HOME=/home/alice"])
        #expect(try plan(["--whitelist-env=TERM", "--clear-env"]).environment == ["TERM=xterm"])
        #expect(try plan(["--clear-env", "--whitelist-env=HOME,X=1"]).environment == ["HOME=/home/alice"])
        // Names compare byte for byte, as getenv(3): a decomposed é is not the precomposed one.
        let accented = ["PATH=/usr/bin", "\u{E9}T\u{E9}=1", "e\u{301}te=2"]
        #expect(try plan(["--whitelist-env=\u{E9}T\u{E9}"], environment: accented).environment == ["\u{E9}T\u{E9}=1"])
        #expect(try plan(["--whitelist-env=e\u{301}te"], environment: accented).environment == ["e\u{301}te=2"])
    }
}

/// The shared-propagation hint is given only for a mount that is shared: read as findmnt reads it.
@Suite struct SharedMountTests {
    @Test(arguments: ["/", "/proc", "/tmp", "/sys", "/dev", "/run"])
    func sharedAsFindmntSaysIt(_ path: String) throws {
        let output = Pipe()
        let findmnt = Process()
        findmnt.executableURL = URL(fileURLWithPath: "/usr/bin/findmnt")
        findmnt.arguments = ["-no", "PROPAGATION", "-T", path]
        findmnt.standardOutput = output
        try findmnt.run()
        findmnt.waitUntilExit()
        let propagation = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        try #require(findmnt.terminationStatus == 0)
        #expect(NamespacePersistence.isOnSharedMount(path) == propagation.hasPrefix("shared"), "\(path): \(propagation)")
    }
}
