import Glibc
import Testing
@testable import SwnsCore

private func nsenter(_ arguments: [String]) throws(SwnsError) -> NsenterCommand {
    try NsenterCommand.parse(["swnsenter"] + arguments)
}

@Suite struct NsenterCommandTests {
    @Test func namespaceValuesAreAttachedAndOptional() throws {
        let command = try nsenter(["-t", "42", "-m", "-u/run/uts", "-i=/ipc", "--net=/run/netns/x", "-p:7", "--user=:8",
                                   "-C", "--time", "ls", "-l"])
        #expect(command.target == .init(pid: 42, inode: nil))
        #expect(command.namespaces == [.mount: .target, .uts: .file("/run/uts"), .ipc: .file("/ipc"),
                                       .net: .file("/run/netns/x"), .pid: .id(7), .user: .id(8),
                                       .cgroup: .target, .time: .target])
        #expect(command.program == ["ls", "-l"])
    }

    @Test func aDetachedWordIsTheProgram() throws {
        // The value of -n is attached or absent, as in util-linux: "-n /x" enters the target's
        // network namespace and runs /x.
        let command = try nsenter(["-t", "1", "-n", "/x"])
        #expect(command.namespaces == [.net: .target])
        #expect(command.program == ["/x"])
    }

    @Test func targetWithInode() throws {
        #expect(try nsenter(["-t", "42:123456", "-n"]).target == .init(pid: 42, inode: 123456))
        #expect(try nsenter(["--target=9", "-a"]).target == .init(pid: 9, inode: nil))
        #expect(try nsenter(["-t", "2147483647:18446744073709551615", "-n"]).target
                == .init(pid: 2147483647, inode: 18446744073709551615))
        #expect(try nsenter(["-t", "007:01", "-n"]).target == .init(pid: 7, inode: 1))
    }

    /// Numbers as util-linux's strtoul_or_err reads them: blanks and a `+` before the digits.
    @Test func numbersAsStrtoulReadsThem() throws {
        #expect(try nsenter(["-t", "+42", "-n"]).target == .init(pid: 42, inode: nil))
        #expect(try nsenter(["-t", " 42", "-n"]).target == .init(pid: 42, inode: nil))
        #expect(try nsenter(["-t", "1", "-n", "-S", "+5", "-G", "\t6"]).uid == .value(5))
        #expect(try nsenter(["-t", "1", "-n", "-S", "+5", "-G", "\t6"]).gid == .value(6))
    }

    @Test func everyOtherOption() throws {
        let command = try nsenter(["-at", "5", "-N", "3", "--user-parent", "-S", "follow", "-G7", "--preserve-credentials",
                                   "--keep-caps", "-r", "-w/srv", "-e", "-F", "-c"])
        #expect(command.all)
        #expect(command.netSocket == 3)
        #expect(command.userParent)
        #expect(command.uid == .follow)
        #expect(command.gid == .value(7))
        #expect(command.preserveCredentials && command.capabilities.keepsPermitted && command.environment && command.noFork && command.joinCgroup)
        #expect(command.root == .target)
        #expect(command.workingDirectory == .path("/srv"))
        // util-linux 2.42's W::: attached, its '=' dropped; alone it sets none.
        #expect(try nsenter(["-W/in", "-n/x"]).workingDirectoryInNamespace == "/in")
        #expect(try nsenter(["-W=/in", "-n/x"]).workingDirectoryInNamespace == "/in")
        #expect(try nsenter(["--wdns=/in", "-n/x"]).workingDirectoryInNamespace == "/in")
        #expect(try nsenter(["-W/in", "-W", "-n/x"]).workingDirectoryInNamespace == nil)
        #expect(try nsenter(["-r=/srv", "-w=/tmp", "-n/x"]).root == .path("/srv"))
        #expect(try nsenter(["-r=/srv", "-w=/tmp", "-n/x"]).workingDirectory == .path("/tmp"))
    }

    @Test func helpAndVersionWinOverWhatFollows() throws {
        #expect(try nsenter(["-h", "--bogus"]).action == .help)
        #expect(try nsenter(["-V", "-t", "x"]).action == .version)
    }

    @Test(arguments: [
        (["-t", "abc", "-n"], "failed to parse PID argument 'abc': Invalid argument"),
        (["-t", "0", "-n"], "failed to parse PID argument '0': Numerical result out of range"),
        (["-t", "-5", "-n"], "failed to parse PID argument '-5': Numerical result out of range"),
        (["-t", "5:", "-n"], "failed to parse PID argument '5:': Invalid argument"),
        (["-t", "5:x", "-n"], "failed to parse PID argument '5:x': Invalid argument"),
        (["-t", "", "-n"], "failed to parse PID argument '': Invalid argument"),
        (["-t", ":5", "-n"], "failed to parse PID argument ':5': Invalid argument"),
        (["-t", "5:1:2", "-n"], "failed to parse PID argument '5:1:2': Invalid argument"),
        (["-t", "2147483648", "-n"], "failed to parse PID argument '2147483648': Numerical result out of range"),
        (["-t", "5:18446744073709551616", "-n"], "failed to parse PID argument '5:18446744073709551616': Numerical result out of range"),
        (["-t", "\u{0663}", "-n"], "failed to parse PID argument '\u{0663}': Invalid argument"),
        (["-n:abc"], "failed to parse namespace id: 'abc'"),
        (["--net=:0"], "failed to parse namespace id: '0'"),
        (["-t", "1", "-S", "x"], "failed to parse uid: 'x'"),
        (["-t", "1", "-G", "-1"], "failed to parse gid: '-1'"),
        (["-t", "1", "-N", "x"], "failed to parse file descriptor: 'x'"),
        (["-t", "1", "-w", "-W/x"], "options --wd and --wdns cannot be combined"),
        (["-t", "1", "-t", "2", "-n"], "option --target may be given only once"),
        ([], "no namespace specified"),
        (["true"], "no namespace specified"),
        // util-linux 2.40 and later: options that enter nothing are no namespace.
        (["-t", "1", "-r", "pwd"], "no namespace specified"),
        (["-t", "1", "-w", "-e", "-c", "-S", "0", "-G", "0", "env"], "no namespace specified"),
        (["-W", "/tmp", "pwd"], "no namespace specified"),
        (["--cap-drop", "net_raw", "true"], "no namespace specified"),
        (["--user-parent"], "no target PID specified for --user-parent"),
        (["--user-parent", "-n/x"], "no target PID specified for --user-parent"),
        (["-a"], "no target PID specified for --all"),
        (["-m"], "no target PID specified for --mount"),
        (["-n/x", "-U"], "no target PID specified for --user"),
        (["-N", "3"], "no target PID specified for --net-socket"),
        (["-r"], "no target PID specified for --root"),
        (["-w"], "no target PID specified for --wd"),
        (["-e", "-n/x"], "no target PID specified for --env"),
        (["-c", "-n/x"], "no target PID specified for --join-cgroup"),
        (["-S", "follow", "-n/x"], "no target PID specified for --setuid follow"),
        (["-G", "follow", "-n/x"], "no target PID specified for --setgid follow"),
    ])
    func errors(_ arguments: [String], _ message: String) {
        do {
            _ = try nsenter(arguments)
            Issue.record("\(arguments) accepted")
        } catch {
            // The message with the errno text that follows it (util-linux 2.42 for the PIDs).
            #expect("\(error)" == message)
        }
    }

    @Test(arguments: [
        (["--bogus"], "swnsenter: unrecognized option '--bogus'\n"),
        (["--w=/"], "swnsenter: option '--w=/' is ambiguous; possibilities: '--wd' '--wdns'\n"),
        (["--target"], "swnsenter: option '--target' requires an argument\n"),
        (["-t"], "swnsenter: option requires an argument -- 't'\n"),
        (["--all=1"], "swnsenter: option '--all' doesn't allow an argument\n"),
        (["-Z"], "swnsenter: invalid option -- 'Z'\n"),
    ])
    func usageErrorsInGetoptsWords(_ arguments: [String], _ message: String) {
        #expect(throws: SwnsError.usage(message)) { try nsenter(arguments) }
    }

    @Test func helpHasUtilLinuxLayout() {
        let text = NsenterOption.helpText
        for option in NsenterOption.table {
            #expect(text.contains("--\(option.long)"), "help lacks --\(option.long)")
        }
        #expect(text.hasPrefix("\nUsage:\n swnsenter [options] [<program> [<argument>...]]\n"))
        #expect(text.contains("\n -t, --target <pid>[:<inode>] target process to get namespaces from\n"))
        #expect(text.contains("\n -m, --mount[=<file>]   enter mount namespace\n"))
        #expect(text.contains("\n -u, --uts[=<file>]     enter UTS namespace (hostname etc)\n"))
        #expect(text.contains("\n     --preserve-credentials do not touch uids or gids\n"))
    }
}

/// The short options as util-linux's getopt strings have them: which take a value, required (`:`)
/// or only attached (`::`).
@Suite struct UtilLinuxOptionStringTests {
    /// Letter → 0, 1 or 2 colons.
    static func letters(_ optstring: String) -> [Character: Int] {
        var result: [Character: Int] = [:]
        var characters = Array(optstring.drop { $0 == "+" })
        while let letter = characters.first {
            characters.removeFirst()
            let colons = characters.prefix { $0 == ":" }.count
            characters.removeFirst(colons)
            result[letter] = colons
        }
        return result
    }

    static func ours<Tag>(_ table: [OptionSpec<Tag>]) -> [Character: Int] {
        var result: [Character: Int] = [:]
        for option in table { if let short = option.short { result[short] = Int(option.shortArgument.rawValue) } }
        return result
    }

    // nsenter.c of util-linux 2.42 and its head; Z (--follow-context, SELinux) is not ours.
    @Test func nsenter() {
        var theirs = Self.letters("+ahVt:m::u::i::n::N:p::C::U::T::S:G:r::w::W::ecFZ")
        theirs["Z"] = nil
        #expect(Self.ours(NsenterOption.table) == theirs)
    }

    // unshare.c of util-linux 2.42 and its head.
    @Test func unshare() {
        #expect(Self.ours(UnshareOption.table) == Self.letters("+fhVmuinpCTUrR:w:S:G:cl:"))
    }
}
