import Foundation
import Glibc
import CTestSupport
import SwnsCore
import Testing

/// What a finished command left behind.
struct Outcome: CustomStringConvertible {
    var status: Int32
    /// The signal that ended the process, if one did.
    var signal: Int32?
    var stdout: String
    var stderr: String

    var description: String { "status \(status) signal \(signal.map(String.init) ?? "-") stdout \(stdout.debugDescription) stderr \(stderr.debugDescription)" }
    /// The shell's view: 128+N for a signal.
    var shellStatus: Int32 { signal.map { 128 + $0 } ?? status }
}

enum Host {
    static let isRoot = geteuid() == 0
    static let nobody: uid_t = 65534

    /// The folder of the test bundle, where SwiftPM puts the tools it built.
    static let buildFolder: String = {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return exe.deletingLastPathComponent().path
    }()

    static var swunshare: String { buildFolder + "/swunshare" }

    /// A copy of the tools that any user can run, whatever the permissions of the checkout.
    static let publicFolder: String = {
        let folder = "/tmp/swns-tests-\(getpid())"
        mkdir(folder, 0o755)
        // cp writes the copy in its own process: a descriptor open for writing in the test runner
        // would leak into children spawned meanwhile and make exec fail with ETXTBSY.
        for tool in ["swunshare", "swnsenter", "swlsns"] {
            let copy = try? Spawned("/bin/cp", [buildFolder + "/" + tool, folder + "/" + tool])
            _ = copy?.wait()
            chmod(folder + "/" + tool, 0o755)
        }
        chmod(folder, 0o755)
        // Removed when the test process exits.
        atexit {
            let folder = "/tmp/swns-tests-\(getpid())"
            unlink(folder + "/swunshare")
            unlink(folder + "/swnsenter")
            unlink(folder + "/swlsns")
            rmdir(folder)
        }
        return folder
    }()

    /// The completion files as swns-completions writes them from the tables now, in a folder
    /// of this test process (the checkout's completions/ is what make built last).
    static let completionFolder: String = {
        let folder = "/tmp/swns-completions-\(getpid())"
        mkdir(folder, 0o755)
        let outcome = try? run(buildFolder + "/swns-completions", [folder])
        precondition(outcome?.status == 0, "swns-completions failed: \(outcome.map(String.init(describing:)) ?? "-")")
        atexit {
            let folder = "/tmp/swns-completions-\(getpid())"
            for file in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
                unlink(folder + "/" + file)
            }
            rmdir(folder)
        }
        return folder
    }()

    static func hostname() -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
    }

    static func namespaceLink(_ entry: String, pid: String = "self") -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/ns/\(entry)")
    }

    static func mountTable() -> String {
        (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
    }

    /// The mount table without what tests running in parallel mount (namespace files under
    /// /tmp/swns-*, `ip netns` files /run/netns/swns-* and the /run/netns bind mount that the first
    /// `ip netns add` makes), except `ours`.
    static func mountTable(excludingOtherTests ours: [String]) -> [String] {
        mountTable().split(separator: "\n").map(String.init).filter { line in
            let target = String(line.split(separator: " ")[4])
            let others = target.hasPrefix("/tmp/swns-") || target.hasPrefix("/run/netns/swns-") || target == "/run/netns"
            return !others || ours.contains(target)
        }
    }

    /// /run/netns without the entries of tests running in parallel.
    static func netnsEntries() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/run/netns")) ?? []).filter { !$0.hasPrefix("swns-") }.sorted()
    }

    static func mountTargets() -> [String] {
        mountTable().split(separator: "\n").map { String($0.split(separator: " ")[4]) }
    }
}

private let counter = Counter()
private final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func next() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
}

/// A name no other test (or test run) uses.
func uniqueName(_ prefix: String) -> String {
    "\(prefix)-\(getpid())-\(counter.next())-\(UInt32.random(in: 0..<UInt32.max))"
}

/// An empty file for a namespace to be bound onto; removed (and unmounted, in case) afterwards.
final class ScratchFile {
    let path: String
    init(_ prefix: String = "swns-ns") {
        path = "/tmp/" + uniqueName(prefix)
        _ = FileManager.default.createFile(atPath: path, contents: nil)
    }
    deinit {
        while Host.mountTargets().contains(path) {
            if umount2(path, Int32(MNT_DETACH)) != 0 { break }
        }
        unlink(path)
    }
}

/// Processes that a test orphans (the child of a swunshare it killed) become children of the
/// test process, so that `reap` can collect them: left to PID 1 they may stay zombies (the init of
/// a container or of this test machine need not reap).
let adoptOrphans: Bool = swns_test_set_child_subreaper() == 0

/// Kills `pid` and collects it, when it is ours to collect (a child, or an adopted orphan).
func reap(_ pid: pid_t) {
    kill(pid, SIGKILL)
    for _ in 0..<5000 {
        let rc = waitpid(pid, nil, WNOHANG)
        if rc == pid || (rc < 0 && errno == ECHILD) { return }
        usleep(1000)
    }
}

/// The children of `pid`.
func children(of pid: pid_t) -> [pid_t] {
    let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
    return text.split(separator: " ").compactMap { pid_t($0) }
}

/// A process started with posix_spawn: Foundation's Process loses track of children that die
/// of a signal at once, and waits for grandchildren that keep its descriptors.
struct Spawned {
    let pid: pid_t

    init(_ executable: String, _ arguments: [String], asUser uid: uid_t? = nil, environment: [String: String]? = nil,
         stdout: String = "/dev/null", stderr: String = "/dev/null") throws {
        _ = adoptOrphans
        var argv = [executable] + arguments
        var path = executable
        if let uid {
            path = "/usr/bin/setpriv"
            argv = [path, "--reuid=\(uid)", "--regid=\(uid)", "--clear-groups"] + argv
        }
        var variables = environment ?? ProcessInfo.processInfo.environment
        // A sanitized run (make sanitize) passes its settings on to every program, also to one
        // started with an environment of its own.
        for key in ["ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"] where variables[key] == nil {
            variables[key] = ProcessInfo.processInfo.environment[key]
        }
        let env = variables.map { "\($0.key)=\($0.value)" }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // Only 0, 1 and 2: descriptors that other tests' threads open meanwhile stay out.
        _ = swns_test_spawn_close_from(&actions, 3)
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        var cEnv: [UnsafeMutablePointer<CChar>?] = env.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) }; cEnv.forEach { free($0) } }
        // The runner's threads may block signals; the program starts with none blocked or ignored.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t(), all = sigset_t()
        sigemptyset(&empty)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var child: pid_t = 0
        let rc = posix_spawn(&child, path, &actions, &attributes, &cArgs, &cEnv)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EINVAL) }
        pid = child
    }

    /// Waits for the process; kills it after `timeout` seconds.
    func wait(timeout: TimeInterval = 60) -> (status: Int32, signal: Int32?) {
        let deadline = Date().addingTimeInterval(timeout)
        var raw: Int32 = 0
        while true {
            let rc = waitpid(pid, &raw, WNOHANG)
            if rc == pid { break }
            if rc < 0 && errno != EINTR { return (-1, nil) }
            if Date() > deadline {
                kill(pid, SIGKILL)
                Issue.record("timed out: pid \(pid)")
            }
            usleep(1000)
        }
        let low = raw & 0x7f
        return low == 0 ? ((raw >> 8) & 0xff, nil) : (-1, low)
    }
}

/// Runs `executable` with `arguments`, optionally as an unprivileged user, and waits for it.
@discardableResult
func run(_ executable: String, _ arguments: [String], asUser uid: uid_t? = nil, environment: [String: String]? = nil,
         timeout: TimeInterval = 60) throws -> Outcome {
    let outPath = "/tmp/" + uniqueName("swns-out"), errPath = "/tmp/" + uniqueName("swns-err")
    defer { unlink(outPath); unlink(errPath) }
    let process = try Spawned(executable, arguments, asUser: uid, environment: environment, stdout: outPath, stderr: errPath)
    let (status, signal) = process.wait(timeout: timeout)
    let stdout = FileManager.default.contents(atPath: outPath) ?? Data()
    let stderr = FileManager.default.contents(atPath: errPath) ?? Data()
    return Outcome(status: status, signal: signal,
                   stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: stderr, as: UTF8.self))
}

func swunshare(_ arguments: [String], asUser uid: uid_t? = nil) throws -> Outcome {
    try run(uid == nil ? Host.swunshare : Host.publicFolder + "/swunshare", arguments, asUser: uid)
}

func lines(_ text: String) -> [String] {
    text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
}

extension Trait where Self == ConditionTrait {
    static var root: Self { .enabled(if: Host.isRoot, "needs root: creates namespaces, mounts and maps ids") }
}

extension Host {
    static var swnsenter: String { buildFolder + "/swnsenter" }
}

func swnsenter(_ arguments: [String], asUser uid: uid_t? = nil) throws -> Outcome {
    try run(uid == nil ? Host.swnsenter : Host.publicFolder + "/swnsenter", arguments, asUser: uid)
}

/// A long-running process in namespaces of its own, for the tools to enter: `sleep` started by a
/// launcher (swunshare or util-linux unshare, with or without --fork). Killed and reaped when the
/// test lets go of it, also when the test fails.
final class TargetProcess {
    let launcher: Spawned
    /// The sleeping process, in all the namespaces the launcher made.
    let pid: pid_t

    init(_ executable: String, _ arguments: [String], sleeper: [String] = ["sleep", "600"], asUser uid: uid_t? = nil,
         environment: [String: String]? = nil) throws {
        launcher = try Spawned(executable, arguments + sleeper, asUser: uid, environment: environment)
        // An empty `sleeper`: the arguments end in a command that execs sleep.
        let name = sleeper.first.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "sleep"
        let deadline = Date().addingTimeInterval(10)
        var found: pid_t?
        while found == nil && Date() < deadline {
            found = TargetProcess.find(named: name, from: launcher.pid)
            if found == nil { usleep(2000) }
        }
        guard let found else {
            // Whatever the launcher started goes with it.
            var tree = [launcher.pid], generation = [launcher.pid]
            for _ in 0..<4 {
                generation = generation.flatMap { children(of: $0) }
                tree += generation
            }
            for pid in tree.reversed() { kill(pid, SIGKILL) }
            _ = launcher.wait()
            for pid in tree.dropFirst() { reap(pid) }
            throw POSIXError(.ESRCH)
        }
        pid = found
    }

    /// The launcher itself once it has exec'd the sleeper, or the descendant that has.
    private static func find(named name: String, from launcher: pid_t) -> pid_t? {
        var generation = [launcher]
        for _ in 0..<4 {
            if let found = generation.first(where: { command(of: $0) == name }) { return found }
            generation = generation.flatMap { children(of: $0) }
        }
        return nil
    }

    static func command(of pid: pid_t) -> String? {
        (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.trimmingCharacters(in: .newlines)
    }

    func namespace(_ entry: String) -> String? { Host.namespaceLink(entry, pid: String(pid)) }

    /// The sleeper first, so that a launcher that waits for it exits by itself; then whatever
    /// is left, and an orphaned sleeper too.
    deinit {
        kill(pid, SIGKILL)
        _ = launcher.wait(timeout: 5)
        if pid != launcher.pid { reap(pid) }
    }
}

/// The inode of a pidfd for `pid`: what `swnsenter -t PID:INODE` checks.
func pidfdInode(_ pid: pid_t) -> UInt64? {
    guard let fd = try? Kernel.pidfdOpen(pid) else { return nil }
    defer { close(fd) }
    return NamespaceFiles.inode(fd)
}

/// A statically linked program that prints its working directory, then the content of /marker,
/// and with an argument sleeps: it runs in a root directory that holds nothing else.
enum StaticProbe {
    static let source = """
        #include <stdio.h>
        #include <unistd.h>
        int main(int argc, char **argv) {
            char buffer[4096];
            if (argc > 1) { pause(); return 0; }
            puts(getcwd(buffer, sizeof buffer) ? buffer : "(unreachable)");
            FILE *marker = fopen("/marker", "r");
            if (marker && fgets(buffer, sizeof buffer, marker)) fputs(buffer, stdout);
            return 0;
        }
        """

    /// A new root folder with the probe at /probe, a /sub folder and a /marker file; removed by
    /// the caller with `remove`.
    static func makeRoot(marker: String) throws -> String {
        let root = "/tmp/" + uniqueName("swns-root")
        try FileManager.default.createDirectory(atPath: root + "/sub", withIntermediateDirectories: true)
        try (marker + "\n").write(toFile: root + "/marker", atomically: true, encoding: .utf8)
        try source.write(toFile: root + "/probe.c", atomically: true, encoding: .utf8)
        // cc on a Debian machine, else the clang that comes with Swift.
        let compiler = ["cc", "gcc", "clang"].lazy.compactMap(which).first ?? "cc"
        let outcome = try run(compiler, ["-static", "-O1", "-o", root + "/probe", root + "/probe.c"])
        guard outcome.status == 0 else {
            remove(root)
            throw POSIXError(.ENOEXEC)
        }
        return root
    }

    static func remove(_ root: String) {
        try? FileManager.default.removeItem(atPath: root)
    }
}

/// A folder of its own with one shell script in it, for tests of where a program is looked up;
/// removed with the value.
final class ScriptFolder {
    let path: String
    let name: String

    init(printing text: String) throws {
        path = "/tmp/" + uniqueName("swns-path")
        name = uniqueName("swnsprog")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        try "#!/bin/sh\necho \(text)\n".write(toFile: path + "/" + name, atomically: true, encoding: .utf8)
        chmod(path + "/" + name, 0o755)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// The executable `name` on PATH, as a shell would find it.
func which(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}
