import Foundation
import Glibc
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
        for tool in ["swunshare", "swnsenter"] {
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

    /// The mount table without the namespace files that tests running in parallel bind under
    /// /tmp/swns-*, except `ours`.
    static func mountTable(excludingOtherTests ours: [String]) -> [String] {
        mountTable().split(separator: "\n").map(String.init).filter { line in
            let target = String(line.split(separator: " ")[4])
            return !target.hasPrefix("/tmp/swns-") || ours.contains(target)
        }
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

/// A process started with posix_spawn: Foundation's Process loses track of children that die
/// of a signal at once, and waits for grandchildren that keep its descriptors.
struct Spawned {
    let pid: pid_t

    init(_ executable: String, _ arguments: [String], asUser uid: uid_t? = nil, environment: [String: String]? = nil,
         stdout: String = "/dev/null", stderr: String = "/dev/null") throws {
        var argv = [executable] + arguments
        var path = executable
        if let uid {
            path = "/usr/bin/setpriv"
            argv = [path, "--reuid=\(uid)", "--regid=\(uid)", "--clear-groups"] + argv
        }
        let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
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
