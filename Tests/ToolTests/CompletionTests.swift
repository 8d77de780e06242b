import Foundation
import Glibc
import Testing

/// The completion files, driven by the real shells: bash with Debian's bash-completion, zsh's
/// completion system in a pseudo-terminal, fish's `complete -C`. Each case types a command line
/// and checks the candidates the shell offers for the word at the end of it.
///
/// Candidates are compared as the whole word they would make on the command line, whatever part
/// of it each shell replaces: `--wd=/tmp/x/alpha`, where bash's readline replaces only what
/// follows the `=` and zsh keeps `--wd=` as an ignored prefix. A trailing `/`, which marks a
/// directory in some shells and not in others, is dropped.
@Suite struct CompletionTests {
    enum Shell: String, CaseIterable, Sendable, CustomStringConvertible {
        case bash, zsh, fish
        var description: String { rawValue }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var shell: Shell
        /// What is typed, the cursor at the end; no quotes. Placeholders: {dir} (a folder with
        /// the folders alpha, alpine, beta and the files alpaca, beta.txt), {pid} (the test
        /// process), {netns} and {netnsstart} (a namespace of ip-netns and the start of its
        /// name, in the tests that make one).
        var line: String
        /// Candidates that must be offered. Placeholders as in `line`, and {socket} (a socket
        /// descriptor of the test process), {shellpid} (the shell's own process, zsh only),
        /// {netinode} (the inode of the test's network namespace), {netnsinode} (that of {netns}).
        var offers: [String]
        /// Candidates that must not be offered.
        var notOffers: [String] = []
        /// Nothing but `offers` may be offered.
        var exactly = false
        /// zsh commands run after compinit: styles a user may set.
        var zshSetup = ""

        var testDescription: String {
            "\(shell): \(line)" + (zshSetup.isEmpty ? "" : " [\(zshSetup)]")
        }
    }

    static func everywhere(_ line: String, offers: [String], notOffers: [String] = [], exactly: Bool = false)
        -> [Case] {
        Shell.allCases.map { Case(shell: $0, line: line, offers: offers, notOffers: notOffers, exactly: exactly) }
    }

    static func only(_ shells: Shell..., line: String, offers: [String], notOffers: [String] = [],
                     exactly: Bool = false, zshSetup: String = "") -> [Case] {
        shells.map {
            Case(shell: $0, line: line, offers: offers, notOffers: notOffers, exactly: exactly, zshSetup: zshSetup)
        }
    }

    static let cases: [Case] = [Case]([
        // Option names, abbreviated.
        everywhere("swunshare --map-r", offers: ["--map-root-user"], exactly: true),
        everywhere("swunshare --mou", offers: ["--mount", "--mount-proc", "--mount-binfmt"], exactly: true),
        everywhere("swunshare --cap-", offers: ["--cap-drop", "--cap-add"], exactly: true),
        everywhere("swnsenter --ne", offers: ["--net", "--net-socket"], exactly: true),
        everywhere("swnsenter --pres", offers: ["--preserve-credentials"], exactly: true),
        everywhere("swlsns --out", offers: ["--output", "--output-all"], exactly: true),
        everywhere("swlsns --no", offers: ["--noheadings", "--notruncate", "--nowrap"], exactly: true),

        // Directories where a directory is expected, files where a namespace file may be.
        everywhere("swunshare --wd={dir}/al", offers: ["--wd={dir}/alpha", "--wd={dir}/alpine"], exactly: true),
        everywhere("swunshare -w {dir}/", offers: ["{dir}/alpha", "{dir}/alpine", "{dir}/beta"],
                   notOffers: ["{dir}/alpaca", "{dir}/beta.txt"], exactly: true),
        everywhere("swunshare --root={dir}/b", offers: ["--root={dir}/beta"], exactly: true),
        everywhere("swunshare -w{dir}/al", offers: ["-w{dir}/alpha", "-w{dir}/alpine"],
                   notOffers: ["-w{dir}/alpaca"], exactly: true),
        everywhere("swunshare -R{dir}/b", offers: ["-R{dir}/beta"], notOffers: ["-R{dir}/beta.txt"], exactly: true),
        everywhere("swunshare -fR{dir}/", offers: ["-fR{dir}/alpha", "-fR{dir}/alpine", "-fR{dir}/beta"],
                   notOffers: ["-fR{dir}/alpaca", "-fR{dir}/beta.txt"], exactly: true),
        everywhere("swunshare --mount-proc={dir}/al", offers: ["--mount-proc={dir}/alpha", "--mount-proc={dir}/alpine"],
                   exactly: true),
        everywhere("swunshare --net={dir}/al",
                   offers: ["--net={dir}/alpaca", "--net={dir}/alpha", "--net={dir}/alpine"], exactly: true),
        everywhere("swnsenter -r{dir}/al", offers: ["-r{dir}/alpha", "-r{dir}/alpine"],
                   notOffers: ["-r{dir}/alpaca"], exactly: true),
        everywhere("swnsenter --root={dir}/al", offers: ["--root={dir}/alpha", "--root={dir}/alpine"],
                   notOffers: ["--root={dir}/alpaca"], exactly: true),
        everywhere("swnsenter --wd={dir}/b", offers: ["--wd={dir}/beta"], exactly: true),
        // --wdns takes its value attached (util-linux 2.42's W::): the word after it is the program.
        everywhere("swnsenter --wdns={dir}/b", offers: ["--wdns={dir}/beta"], exactly: true),
        everywhere("swnsenter -W{dir}/b", offers: ["-W{dir}/beta"], exactly: true),
        everywhere("swnsenter -t 1 --wdns base6", offers: ["base64"]),
        everywhere("swnsenter --uts={dir}/beta.", offers: ["--uts={dir}/beta.txt"], exactly: true),

        // Namespace files: only the entries of /proc/PID/ns that hold the option's type.
        everywhere("swnsenter --net=/proc/self/ns/", offers: ["--net=/proc/self/ns/net"], exactly: true),
        everywhere("swnsenter --pid=/proc/self/ns/",
                   offers: ["--pid=/proc/self/ns/pid", "--pid=/proc/self/ns/pid_for_children"], exactly: true),
        everywhere("swnsenter -m/proc/self/ns/", offers: ["-m/proc/self/ns/mnt"], exactly: true),
        everywhere("swnsenter --user=/proc/1/ns/u", offers: ["--user=/proc/1/ns/user"], exactly: true),
        everywhere("swnsenter -n=/proc/self/ns/", offers: ["-n=/proc/self/ns/net"], exactly: true),

        // The sockets of the target for --net-socket; none without a target.
        everywhere("swnsenter -t {pid} -N ", offers: ["{socket}"]),
        everywhere("swnsenter --target={pid}:1 --net-socket=", offers: ["--net-socket={socket}"]),
        everywhere("swnsenter -N ", offers: [], exactly: true),

        // Process IDs: every process, not only those of the shell's terminal (zsh's _pids by
        // default); zsh and fish show the command names beside them.
        everywhere("swnsenter -t ", offers: ["{pid}", "1"]),
        everywhere("swnsenter --target=", offers: ["--target={pid}", "--target=1"]),
        everywhere("swlsns -p ", offers: ["{pid}", "1"]),
        only(.zsh, line: "swnsenter -t ", offers: ["{shellpid}"]),
        only(.zsh, line: "swlsns -p ", offers: ["{shellpid}"]),

        // swlsns: types, columns, tree kinds, the namespace operand.
        everywhere("swlsns -t ", offers: ["mnt", "net", "ipc", "user", "pid", "uts", "cgroup", "time"], exactly: true),
        everywhere("swlsns --type=u", offers: ["--type=user", "--type=uts"], exactly: true),
        everywhere("swlsns -tn", offers: ["-tnet"], exactly: true),
        everywhere("swlsns -o NS,TY", offers: ["NS,TYPE"], exactly: true),
        everywhere("swlsns -o +PA", offers: ["+PATH"], exactly: true),
        everywhere("swlsns -o ns,ty", offers: ["ns,TYPE"], exactly: true),
        everywhere("swlsns --output=NS,", offers: ["--output=NS,TYPE", "--output=NS,PATH"],
                   notOffers: ["--output=NS,NS"]),
        everywhere("swlsns --tree=p", offers: ["--tree=process", "--tree=parent"], exactly: true),
        everywhere("swlsns -Tp", offers: ["-Tprocess", "-Tparent"], exactly: true),
        everywhere("swlsns -T=o", offers: ["-T=owner"], exactly: true),
        everywhere("swlsns -nTo", offers: ["-nTowner"], exactly: true),
        // The relation of -T is the rest of the word: -TJ is not -T -J but the relation "J",
        // which swlsns rejects. bash offers -T itself here, zsh and fish the relations.
        everywhere("swlsns -T", offers: [], notOffers: ["-TJ", "-Tl", "-Tn", "-Tp"]),
        only(.zsh, .fish, line: "swlsns -T", offers: ["-Towner", "-Tparent", "-Tprocess"], exactly: true),
        everywhere("swlsns -lT", offers: [], notOffers: ["-lTJ", "-lTn"]),
        everywhere("swlsns -Q NP", offers: ["NPROCS"], exactly: true),
        everywhere("swlsns ", offers: ["{netinode}"]),
        everywhere("swlsns -- ", offers: ["{netinode}"]),
        everywhere("swlsns -p 1 ", offers: [], notOffers: ["{netinode}"]),
        everywhere("swlsns -o NS,TYPE,", offers: ["NS,TYPE,PATH", "NS,TYPE,NPROCS"],
                   notOffers: ["NS,TYPE,NS", "NS,TYPE,TYPE"]),

        // Values from a fixed list.
        everywhere("swunshare --kill-child=SIGT",
                   offers: ["SIGTERM", "SIGTRAP", "SIGTSTP", "SIGTTIN", "SIGTTOU"].map { "--kill-child=" + $0 },
                   exactly: true),
        everywhere("swunshare --kill-child=HU", offers: ["--kill-child=HUP"], exactly: true),
        // bash's own list has glibc's internal signals as SIGJUNK(32) and SIGJUNK(33).
        everywhere("swunshare --kill-child=SIGJ", offers: [], exactly: true),
        everywhere("swunshare --kill-child=JU", offers: [], exactly: true),
        // Realtime signals with their number only, as util-linux takes them.
        everywhere("swunshare --kill-child=RTM", offers: ["--kill-child=RTMIN+1", "--kill-child=RTMAX-1"],
                   notOffers: ["--kill-child=RTMIN", "--kill-child=RTMAX"]),
        everywhere("swunshare --propagation ", offers: ["slave", "shared", "private", "unchanged"], exactly: true),
        everywhere("swunshare --propagation=s", offers: ["--propagation=slave", "--propagation=shared"], exactly: true),
        everywhere("swunshare --setgroups ", offers: ["allow", "deny"], exactly: true),
        everywhere("swunshare --map-users=", offers: ["--map-users=auto", "--map-users=subids", "--map-users=all"],
                   exactly: true),

        // Capabilities, one or a comma-separated list; changes to a set with + or -.
        everywhere("swunshare --cap-drop net_r", offers: ["net_raw"], exactly: true),
        everywhere("swunshare --cap-drop chown,net_r", offers: ["chown,net_raw"], exactly: true),
        everywhere("swunshare --cap-add=sys_ad", offers: ["--cap-add=sys_admin"], exactly: true),
        everywhere("swunshare --bounding-set -net_ra", offers: ["-net_raw"], exactly: true),
        everywhere("swnsenter --cap-drop NET_R", offers: ["net_raw"], exactly: true),
        everywhere("swnsenter --bounding-set +net_r", offers: ["+net_raw"], exactly: true),
        everywhere("swnsenter --ambient-caps -al", offers: ["-all"], exactly: true),
        everywhere("swnsenter --inh-caps +sys_admin,-net_b",
                   offers: ["+sys_admin,-net_bind_service", "+sys_admin,-net_broadcast"], exactly: true),

        // Users and groups, by name for swunshare, by number for swnsenter.
        everywhere("swunshare --map-user=roo", offers: ["--map-user=root"], exactly: true),
        everywhere("swunshare --map-group=roo", offers: ["--map-group=root"], exactly: true),
        // bash and fish put the ':' in the word; zsh adds it as a suffix that goes when a
        // space is typed.
        only(.bash, .fish, line: "swunshare --owner=roo", offers: ["--owner=root:"], exactly: true),
        only(.zsh, line: "swunshare --owner=roo", offers: ["--owner=root"], exactly: true),
        everywhere("swunshare --owner=root:roo", offers: ["--owner=root:root"], exactly: true),
        everywhere("swnsenter -S ", offers: ["follow", "0"], notOffers: ["root"]),
        everywhere("swnsenter --setgid=", offers: ["--setgid=follow", "--setgid=0"]),

        // Environment variables to keep.
        everywhere("swunshare --whitelist-env=HOME,PA", offers: ["--whitelist-env=HOME,PATH"]),

        // The program, and its arguments through its own completion; the tool's options are over.
        everywhere("swunshare --uts base6", offers: ["base64"]),
        everywhere("swnsenter -t 1 -a base6", offers: ["base64"]),
        // The program is an executable: zsh's builtins and functions are not offered there.
        only(.zsh, line: "swunshare --uts bindk", offers: [], exactly: true),
        only(.zsh, line: "swnsenter -t 1 -a bindk", offers: [], exactly: true),
        everywhere("swunshare --uts ls --colo", offers: ["--color"], notOffers: ["--uts"]),
        everywhere("swunshare -- ls --colo", offers: ["--color"]),
        everywhere("swunshare --propagation slave ls --colo", offers: ["--color"]),
        everywhere("swnsenter -t 1 -S 0 ls --colo", offers: ["--color"]),
        // The argument of --kill-child and of swnsenter's --net is attached or absent: the word
        // after them is the program.
        everywhere("swunshare --kill-child base6", offers: ["base64"]),
        everywhere("swnsenter --net base6", offers: ["base64"]),
        everywhere("swunshare -r --fork ls --map", offers: [], notOffers: ["--map-root-user", "--map-user"]),
        everywhere("swnsenter -t 1 --net ls --colo", offers: ["--color"]),
        everywhere("swunshare --uts ip ad", offers: ["addrlabel"]),
        everywhere("swnsenter -a ip ad", offers: ["addrlabel"]),
    ].joined())

    @Test(arguments: cases)
    func offers(_ example: Case) throws {
        let dir = example.line.contains("{dir}") ? try Self.makeFolder() : nil
        defer { if let dir { try? FileManager.default.removeItem(atPath: dir) } }
        // A socket of the test process, for swnsenter --net-socket.
        var socket: Int32 = -1
        if example.offers.joined().contains("{socket}") {
            socket = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            try #require(socket >= 0, "socket: errno \(errno)")
        }
        defer { if socket >= 0 { close(socket) } }
        var values = ["pid": String(getpid()), "socket": String(socket)]
        values["dir"] = dir
        values["netinode"] = Host.namespaceLink("net").flatMap(Self.inode)
        try check(example, values)
    }

    /// ip-netns keeps its namespaces in /run/netns, and swnsenter --net offers them; swlsns offers
    /// their inode numbers (a namespace held by a bind mount, without a process).
    static let netnsCases: [Case] = [Case]([
        everywhere("swnsenter --net=/run/netns/", offers: ["--net=/run/netns/{netns}"]),
        everywhere("swnsenter --net=/run/netns/{netnsstart}", offers: ["--net=/run/netns/{netns}"], exactly: true),
        everywhere("swnsenter -n/run/netns/{netnsstart}", offers: ["-n/run/netns/{netns}"], exactly: true),
        everywhere("swnsenter --net=", offers: ["--net=/run/netns/{netns}"]),
        everywhere("swnsenter --uts=/run/netns/", offers: ["--uts=/run/netns/{netns}"]),
        everywhere("swlsns ", offers: ["{netnsinode}"]),
    ].joined())

    @Test(.root, arguments: netnsCases)
    func offersNamespacesOfIpNetns(_ example: Case) throws {
        let ip = try #require(["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"]
            .first { FileManager.default.isExecutableFile(atPath: $0) }, "ip (iproute2) is not installed")
        let name = uniqueName("swns-completion") + "-netns"
        let added = try run(ip, ["netns", "add", name])
        try #require(added.status == 0, "ip netns add: \(added)")
        defer {
            let deleted = try? run(ip, ["netns", "delete", name])
            #expect(deleted?.status == 0, "ip netns delete \(name): \(deleted.map(String.init(describing:)) ?? "-")")
        }
        var status = stat()
        try #require(stat("/run/netns/" + name, &status) == 0)
        try check(example, ["pid": String(getpid()), "netns": name, "netnsstart": String(name.dropLast(2)),
                            "netnsinode": String(status.st_ino)])
    }

    // MARK: - Checking

    func check(_ example: Case, _ values: [String: String]) throws {
        let line = Self.substitute(example.line, values)
        let offer = try Self.complete(example.shell, line, zshSetup: example.zshSetup)
        var values = values
        values["shellpid"] = offer.shellPID
        let offered = Set(offer.candidates)
        let expected = example.offers.map { Self.normalize(Self.substitute($0, values)) }
        let unexpected = example.notOffers.map { Self.normalize(Self.substitute($0, values)) }
        for text in [line] + expected + unexpected where text.contains("{") {
            Issue.record("unknown placeholder in \(text.debugDescription)")
        }
        let shown = offer.candidates.count > 40
            ? offer.candidates.prefix(40).joined(separator: " ") + " … (\(offer.candidates.count))"
            : offer.candidates.joined(separator: " ")
        for candidate in expected {
            #expect(offered.contains(candidate), "\(example.shell) \(line.debugDescription) lacks \(candidate.debugDescription); offers: \(shown)")
        }
        for candidate in unexpected {
            #expect(!offered.contains(candidate), "\(example.shell) \(line.debugDescription) offers \(candidate.debugDescription); offers: \(shown)")
        }
        // Each candidate once (bash used to list an ip-netns namespace twice). A command name
        // is left out: bash's own command completion lists it once per folder of PATH that has
        // it (/bin and /usr/bin are one folder on Debian).
        let repeated = offer.repeated.filter { which($0) == nil }
        #expect(repeated.isEmpty, "\(example.shell) \(line.debugDescription) offers \(repeated) more than once")
        if example.exactly {
            let extra = offered.subtracting(expected).sorted()
            #expect(extra.isEmpty, "\(example.shell) \(line.debugDescription) also offers \(extra); offers: \(shown)")
        }
    }

    static func substitute(_ text: String, _ values: [String: String]) -> String {
        var text = text
        for (key, value) in values { text = text.replacingOccurrences(of: "{\(key)}", with: value) }
        return text
    }

    static func normalize(_ candidate: String) -> String {
        candidate.count > 1 && candidate.hasSuffix("/") ? String(candidate.dropLast()) : candidate
    }

    static func inode(_ link: String) -> String? {
        // net:[4026531840]
        guard let open = link.firstIndex(of: "["), link.hasSuffix("]") else { return nil }
        return String(link[link.index(after: open)..<link.index(before: link.endIndex)])
    }

    /// A folder with the folders alpha, alpine, beta and the files alpaca, beta.txt.
    static func makeFolder() throws -> String {
        let dir = "/tmp/" + uniqueName("swns-completion")
        for folder in ["alpha", "alpine", "beta"] {
            try FileManager.default.createDirectory(atPath: dir + "/" + folder, withIntermediateDirectories: true)
        }
        for file in ["alpaca", "beta.txt"] {
            try Data().write(to: URL(fileURLWithPath: dir + "/" + file))
        }
        return dir
    }

    // MARK: - Driving the shells

    struct Offer {
        /// Each candidate as the whole word it would make, normalized, each once.
        var candidates: [String]
        /// The shell's process, where it is known (zsh).
        var shellPID: String?
        /// Candidates that bash or fish offered more than once (zsh lists a candidate once per
        /// group it is in, so it is not counted).
        var repeated: [String] = []
    }

    struct ShellMissing: Error, CustomStringConvertible {
        var description: String
    }

    static var completionFolder: String { Host.completionFolder }

    static let bashCompletion = "/usr/share/bash-completion/bash_completion"

    /// The tools resolvable by name, the freshly built ones first: fish loads a command's
    /// completions only for a command it finds.
    static var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = Host.buildFolder + ":" + (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin")
        environment["LC_ALL"] = "C.UTF-8"
        return environment
    }

    static func shellPath(_ name: String) throws -> String {
        guard let path = ["/usr/bin/", "/bin/"].map({ $0 + name })
            .first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw ShellMissing(description: "\(name) is not installed: the completion tests drive the real shells "
                + "(apt-get install bash-completion zsh fish)")
        }
        return path
    }

    static func complete(_ shell: Shell, _ line: String, zshSetup: String) throws -> Offer {
        let tool = String(line.prefix { $0 != " " })
        let outcome: Outcome
        var shellPID: String?
        var output: [String]
        switch shell {
        case .bash:
            guard FileManager.default.fileExists(atPath: bashCompletion) else {
                throw ShellMissing(description: "\(bashCompletion) is missing (apt-get install bash-completion)")
            }
            outcome = try run(try shellPath("bash"),
                              ["--norc", "--noprofile", "-c", bashDriver, "bash", bashCompletion,
                               completionFolder + "/" + tool + ".bash", line],
                              environment: environment, timeout: 30)
            output = lines(outcome.stdout)
        case .fish:
            outcome = try run(try shellPath("fish"),
                              ["--no-config", "-c", fishDriver, completionFolder, line],
                              environment: environment, timeout: 30)
            output = lines(outcome.stdout).map { String($0.prefix { $0 != "\t" }) }
        case .zsh:
            let result = "/tmp/" + uniqueName("swns-zsh-completion")
            defer { unlink(result); unlink(result + ".tmp") }
            var environment = environment
            environment["SWNS_SETUP"] = zshSetupCode
            environment["SWNS_USER_SETUP"] = zshSetup
            environment["SWNS_FPATH"] = completionFolder
            environment["SWNS_OUT"] = result
            environment["TERM"] = "dumb"
            outcome = try run(try shellPath("zsh"), ["-f", "-c", zshDriver, "zsh", line],
                              environment: environment, timeout: 30)
            output = lines(outcome.stdout)
            if outcome.status == 0, !output.isEmpty { shellPID = output.removeFirst() }
        }
        guard outcome.status == 0, outcome.signal == nil else {
            throw ShellMissing(description: "\(shell) failed on \(line.debugDescription): \(outcome)")
        }
        var seen = Set<String>()
        let all = output.map(normalize)
        let candidates = all.filter { seen.insert($0).inserted }
        let repeated = shell == .zsh ? [] : Dictionary(grouping: all, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        return Offer(candidates: candidates, shellPID: shellPID, repeated: repeated)
    }

    /// bash: splits the line into words as readline does (COMP_WORDBREAKS), sets COMP_WORDS and
    /// the rest as for a completion, calls the function that `complete -p` names, and prints
    /// COMPREPLY, each with what precedes readline's word in the shell word in front.
    /// $1: bash_completion, $2: the completion file, $3: the line. No quotes in the line.
    static let bashDriver = #"""
        source "$1" || exit 90
        source "$2" || exit 91
        line=$3
        breaks=${COMP_WORDBREAKS//[[:space:]]/}
        words=() word= kind=
        for ((i = 0; i < ${#line}; i++)); do
            c=${line:i:1}
            if [[ $c == [[:space:]] ]]; then
                [[ $kind ]] && words+=("$word")
                word= kind=
                continue
            fi
            if [[ $breaks == *"$c"* ]]; then new=break; else new=text; fi
            if [[ $kind && $kind != "$new" ]]; then
                words+=("$word")
                word=
            fi
            word+=$c kind=$new
        done
        words+=("$word")
        # readline replaces the text after the last word break; the shell word begins
        # after the last blank.
        shellword=${line##*[[:space:]]}
        if [[ $kind == break ]]; then
            before=$shellword
        else
            before=${shellword:0:${#shellword}-${#word}}
        fi
        COMP_LINE=$line
        COMP_POINT=${#line}
        COMP_WORDS=("${words[@]}")
        COMP_CWORD=$((${#words[@]} - 1))
        COMP_TYPE=9
        COMP_KEY=9
        spec=$(complete -p -- "${words[0]}") || exit 92
        [[ $spec =~ \ -F\ ([^ ]+) ]] || exit 93
        COMPREPLY=()
        "${BASH_REMATCH[1]}" "${words[0]}" "${words[COMP_CWORD]}" "${words[COMP_CWORD - 1]}" 2>/dev/null
        for reply in "${COMPREPLY[@]}"; do
            printf '%s\n' "$before$reply"
        done
        """#

    /// fish: the completion folder first in fish_complete_path, where fish finds a command's
    /// completions when it completes it, then fish's own; `complete -C` prints the candidates
    /// (whole tokens), each with a tab and a description.
    static let fishDriver = #"""
        set -g fish_complete_path $argv[1] $__fish_data_dir/completions
        complete -C $argv[2]
        """#

    /// zsh: an interactive `zsh -f` in a pseudo-terminal (zsh/zpty), set up by SWNS_SETUP, gets
    /// the line and a tab; its completion widget writes the candidates to SWNS_OUT.
    /// $1: the line.
    static let zshDriver = #"""
        zmodload zsh/zpty zsh/zselect || exit 90
        zpty swns zsh -f -i || exit 91
        zpty -w swns 'eval "$SWNS_SETUP"'
        zpty -n -w swns "$1"$'\t'
        local chunk seen
        integer tries=0
        while [[ ! -e $SWNS_OUT ]] && (( tries++ < 2000 )); do
          zpty -rt swns chunk 2>/dev/null && seen+=$chunk
          zselect -t 1
        done
        zpty -d swns
        if [[ ! -e $SWNS_OUT ]]; then
          print -ru2 -- "zsh did not complete; the terminal showed: ${(q+)seen}"
          exit 92
        fi
        print -r -- "$(<$SWNS_OUT)"
        """#

    /// In the interactive zsh: compinit with the completion folder first in fpath, and a widget
    /// on tab that runs the completion system with compadd wrapped: each call that adds
    /// matches (rather than only filtering them with -O, -A or -D) is repeated with -O to get
    /// the words that match what is typed, which are recorded with the prefixes that go with
    /// them in the word: IPREFIX (what compset moved out of the way) and -i, -P, -p. The shell's
    /// PID comes first.
    static let zshSetupCode = #"""
        PS1= RPS1=
        fpath=($SWNS_FPATH $fpath)
        autoload -Uz compinit && compinit -u -D
        eval "$SWNS_USER_SETUP"
        typeset -ga _swns_found
        _swns_compadd() {
          local arg letter rest ipre= ppre= hpre=
          local -a matched
          integer i=1
          while (( i <= $# )); do
            arg=${@[i]}
            [[ $arg == (-|--) || $arg != -?* ]] && break
            rest=${arg#-}
            while [[ -n $rest ]]; do
              letter=${rest[1]} rest=${rest[2,-1]}
              [[ $letter == [PSpsiIWdJVXxrRMFOADEo] ]] || continue
              if [[ -z $rest ]]; then
                if [[ $letter != o ]]; then
                  (( i++ ))
                  rest=${@[i]}
                elif [[ ${@[i+1]} == (match|nosort|numeric|reverse)(|,*) ]]; then
                  (( i++ ))
                fi
              fi
              case $letter in
                ([OAD]) builtin compadd "$@"; return ;;
                (P) ppre=$rest ;;
                (p) hpre=$rest ;;
                (i) ipre=$rest ;;
              esac
              rest=
            done
            (( i++ ))
          done
          builtin compadd -O matched "$@"
          local m
          for m in $matched; do _swns_found+=("$IPREFIX$ipre$ppre$hpre$m"); done
          builtin compadd "$@"
        }
        _swns_complete() {
          _swns_found=()
          functions[compadd]=$functions[_swns_compadd]
          _main_complete
          unfunction compadd
          print -rl -- $$ $_swns_found > $SWNS_OUT.tmp && mv $SWNS_OUT.tmp $SWNS_OUT
          compstate[insert]=
          compstate[list]=
        }
        zle -C swns-complete complete-word _swns_complete
        bindkey '^I' swns-complete
        """#
}
