import SwnsCore

/// The fish functions of the completion files: the engine, which every tool's file shares, and
/// the value completers, each written only into the files of the tools whose options use it.
extension FishCompletion {
    /// A completer of the rows: the lines that offer its candidates in the values function, where
    /// `$value` is the value typed, `$args` the completer's word split at ':', `$prefix` what
    /// precedes the value in the word and `$name` the option's long name; and the functions that
    /// those lines call.
    struct Completer {
        let name: String
        let body: String
        var helpers: [String] = []
    }

    /// The values function, with a case for each of the completers.
    static func values(_ completers: [Completer]) -> String {
        let cases = completers.map { completer in
            "        case \(completer.name)\n" + completer.body.split(separator: "\n").map { "            \($0)\n" }.joined()
        }.joined()
        return #"""

            # The candidates for the value $argv[2] of option $argv[1] (its long name), each with $argv[3]
            # in front: what precedes the value in the word (--wd=, -fR, -n=), if anything.
            function @TOOL@_values -a name value prefix
                set -l row (@TOOL@_option --$name); or return
                set -l args (string split : -- $row[5])
                set -l candidates (switch $args[1]
            \#(cases)    end)
                string join \n -- "$prefix"$candidates
            end

            """#
    }

    static let completers: [Completer] = [
        Completer(name: "words", body: #"""
            set -l choices \#(choicesList(""))(string replace -a - _ -- $name)
            string join \n -- $$choices
            """#),
        Completer(name: "files", body: "@TOOL@_paths $value", helpers: [paths]),
        Completer(name: "dirs", body: "@TOOL@_paths $value dirs", helpers: [paths]),
        Completer(name: "nsfile", body: "@TOOL@_namespace_files $value $args[2..-1]", helpers: [paths, namespaceFiles]),
        Completer(name: "caps", body: #"@TOOL@_capability_list $value "$args[2]""#, helpers: [capabilities]),
        Completer(name: "signals", body: "string join \\n -- $@TOOL@_signals SIG$@TOOL@_signals", helpers: [signals]),
        Completer(name: "users", body: "@TOOL@_accounts /etc/passwd", helpers: [accounts]),
        Completer(name: "groups", body: "@TOOL@_accounts /etc/group", helpers: [accounts]),
        Completer(name: "owner", body: #"""
            if string match -q -- '*:*' $value
                string join \n -- (string replace -r -- ':.*' ':' $value)(@TOOL@_accounts /etc/group)
            else
                string join \n -- (@TOOL@_accounts /etc/passwd):
            end
            """#, helpers: [accounts]),
        Completer(name: "ids", body: #"""
            printf 'follow\t%s\n' 'The owner of the target\'s /proc/PID'
            @TOOL@_accounts $args[2] ids
            """#, helpers: [accounts]),
        Completer(name: "env", body: #"""
            set -l done (string match -r -- '.*,' $value)
            string join \n -- "$done"(set -nx)
            """#),
        Completer(name: "pids", body: "@TOOL@_processes", helpers: [processes]),
        Completer(name: "socket", body: #"""
            set -l pid (string replace -rf -- "^$args[2]=([0-9]*).*" '$1' $@TOOL@_given)
            @TOOL@_sockets $pid[-1]
            """#, helpers: [sockets]),
        Completer(name: "columns", body: "@TOOL@_column_list $value", helpers: [columns]),
        Completer(name: "filter", body: "@TOOL@_filter_words $value", helpers: [columns]),
    ]

    static let paths = #"""
        # The paths that start with $argv[1], ~/ for the home folder too; only the directories with
        # a second argument. Directories end in '/', so that completion goes on into them.
        function @TOOL@_paths -a value dirs
            set -l home (string match -- '~/*' $value)
            set -q home[1]; and set value $HOME(string sub -s 2 -- $value)
            for path in "$value"*
                if test -d $path
                    set path $path/
                else if set -q dirs[1]
                    continue
                end
                set -q home[1]; and set path '~'(string sub -s (math (string length -- $HOME) + 1) -- $path)
                echo $path
            end
        end

        """#

    static let namespaceFiles = #"""
        # The namespace files that start with $argv[1]: the entries $argv[2] (comma-separated) of
        # /proc/PID/ns, which hold a namespace of the option's kind; other paths; with $argv[3]
        # 'netns', before a path is begun, the network namespaces that ip-netns(8) keeps. A value of
        # ':' and digits is a namespace id: nothing to offer.
        function @TOOL@_namespace_files -a value entries netns
            string match -q -- ':*' $value; and return
            if string match -qr -- '^/proc/[^/]+/ns/' $value
                string join \n -- (string replace -r -- '[^/]*$' '' $value)(string split , -- $entries)
                return
            end
            @TOOL@_paths $value
            if test "$netns" = netns; and not string match -q -- '*/*' $value
                set -l kept /run/netns/*
                string join \n -- $kept
            end
        end

        """#

    static let capabilities = #"""
        # Capability names as libcap spells them, without the cap_ prefix.
        \#(list("@TOOL@_capabilities", Vocabulary.capabilities))
        # Candidates for the comma-separated capability list $argv[1], after what is already there:
        # names and 'all', or, with $argv[2] 'changes', changes to one set: '+' or '-' in front of
        # each. Names may be typed in any case, with the cap_ prefix or without; they are offered in
        # lower case, with the prefix when it is typed. Names already in the list are not offered
        # again.
        function @TOOL@_capability_list -a value changes
            set -l done (string match -r -- '.*,' $value)
            set -l item (string replace -r -- '.*,' '' $value)
            set -l given (string lower -- "$done" | string split -n , | string replace -r -- '^[+-]' '' |
                string replace -r -- '^cap_' '')
            set -l names
            for name in all $@TOOL@_capabilities
                contains -- $name $given; or set -a names $name
            end
            if string match -qir -- '^[+-]?cap' $item
                set names cap_(string match -v -- all $names)
            end
            test "$changes" = changes; and set names +$names -$names
            string join \n -- "$done"$names
        end

        """#

    static let signals = #"""
        # The signal names the tool takes, without SIG; realtime ones with their number.
        \#(list("@TOOL@_signals", Vocabulary.signals))
        """#

    static let accounts = #"""
        # The names, or with a second argument the numeric ids with the names, of the account file
        # $argv[1], as the tool reads it: it does not ask NSS, so names known only to LDAP and the
        # like do not work.
        function @TOOL@_accounts -a file ids
            if set -q ids[1]
                string replace -rf -- '^([^:#+-][^:]*):[^:]*:([0-9]+)(:.*)?$' '$2\t$1' <$file
            else
                string replace -rf -- '^([^:#+-][^:]*):.*' '$1' <$file
            end
        end

        """#

    static let processes = #"""
        # The processes, each PID with the name of its command.
        function @TOOL@_processes
            set -l names /proc/*/comm
            command grep -H '' $names 2>/dev/null | string replace -rf -- '^/proc/([0-9]+)/comm:' '$1\t'
        end

        """#

    static let sockets = #"""
        # The descriptors of process $argv[1] that are sockets.
        function @TOOL@_sockets -a pid
            string match -qr -- '^[0-9]+$' "$pid"; or return
            for fd in /proc/$pid/fd/*
                test -S $fd; and string replace -r -- '.*/' '' $fd
            end
        end

        """#

    static let columns = #"""
        # The columns, as the tool prints them, with what they show.
        \#(list("@TOOL@_columns", Vocabulary.columns))
        # Candidates for the comma-separated column list $argv[1]: the columns not yet in it, after
        # what is already there (and the '+' that adds to the default columns). Names may be typed
        # in any case; they are offered as the tool prints them.
        function @TOOL@_column_list -a value
            set -l done (string match -r -- '.*,' $value); or set done (string match -r -- '^\+' $value)
            set -l given (string replace -r -- '^\+' '' "$done" | string upper | string split -n ,)
            for column in $@TOOL@_columns
                contains -- (string replace -r -- '\t.*' '' $column) $given; or echo "$done$column"
            end
        end

        # The column names for the word at the end of the filter expression $argv[1].
        function @TOOL@_filter_words -a value
            set -l head (string replace -r -- '[A-Za-z0-9_-]*$' '' $value)
            string join \n -- "$head"$@TOOL@_columns
        end

        """#

    /// Finding options in the table, and the walk over the words before the cursor.
    static let engine = #"""

        # The fields of the row of option $argv[1]: --name, --name=value or an unambiguous
        # abbreviation, as getopt_long resolves it, or with a second argument the short letter
        # $argv[1]. Fails for an unknown or ambiguous option.
        function @TOOL@_option
            set -l found
            if set -q argv[2]
                test "$argv[1]" != -; or return
                set found (string match -r -- '^\S+ '(string escape --style=regex -- $argv[1])' .*' $@TOOL@_options)
            else
                set -l name (string replace -r -- '^--([^=]*).*' '$1' $argv[1] | string escape --style=regex)
                set found (string match -r -- "^$name .*" $@TOOL@_options)
                or set found (string match -r -- "^$name\S* .*" $@TOOL@_options)
            end
            test (count $found) -eq 1; and string split ' ' -- $found
        end

        # The first option of the cluster of short options $argv[1] (-fR/srv) that takes a value: its
        # long name, what its short form takes, and where its value starts in the word, after the
        # '=' that the tool drops from a value only ever attached (-n=FILE). Fails where none does.
        function @TOOL@_cluster -a word
            set -l letters (string split '' -- $word)
            set -l j 1
            while test $j -lt (count $letters)
                set j (math $j + 1)
                set -l row (@TOOL@_option $letters[$j] short); or continue
                test $row[4] = n; and continue
                set -l start (math $j + 1)
                test $row[4] = o; and string match -q -- = "$letters[$start]"; and set start (math $start + 1)
                printf '%s\n' $row[1] $row[4] $start
                return
            end
            return 1
        end

        # Walks the words before the cursor as getopt_long does, and sets for the word at the cursor:
        # @TOOL@_state: "value" (an option's value), "option" (an option may be typed there) or
        # "operand" (a word that is not an option); for a value, @TOOL@_at (the option's long name),
        # @TOOL@_prefix (what precedes the value in the word: --wd=, -fR, -n=) and @TOOL@_value (the
        # value as typed); @TOOL@_given (long=value for each option given), @TOOL@_words (the
        # program's words before the cursor) and @TOOL@_operand (set when an operand was given).
        function @TOOL@_scan
            set -l tokens (commandline -opc)
            set -l word (commandline -ct | string unescape)
            set -g @TOOL@_state option
            set -g @TOOL@_at
            set -g @TOOL@_prefix ''
            set -g @TOOL@_value "$word"
            set -g @TOOL@_given
            set -g @TOOL@_words
            set -g @TOOL@_operand
            set -l expect
            set -l ended
            set -l i 1
            while test $i -lt (count $tokens)
                set i (math $i + 1)
                set -l token $tokens[$i]
                if set -q expect[1]
                    set -a @TOOL@_given $expect=$token
                    set -e expect
                else if set -q ended[1]
                    set @TOOL@_operand 1
                else if test "$token" = --
                    set ended 1
                    if set -q @TOOL@_stops[1]
                        set @TOOL@_words $tokens[(math $i + 1)..-1]
                        break
                    end
                else if string match -q -- '--?*' $token
                    set -l row (@TOOL@_option $token); or continue
                    if string match -q -- '*=*' $token
                        set -a @TOOL@_given $row[1]=(string replace -r -- '^[^=]*=' '' $token)
                    else if test $row[3] = r
                        set expect $row[1]
                    else
                        set -a @TOOL@_given $row[1]=
                    end
                else if string match -q -- '-?*' $token
                    set -l option (@TOOL@_cluster $token); or continue
                    if test $option[2] = r -a $option[3] -gt (string length -- $token)
                        set expect $option[1]
                    else
                        set -a @TOOL@_given $option[1]=(string sub -s $option[3] -- $token)
                    end
                else if set -q @TOOL@_stops[1]
                    set ended 1
                    set @TOOL@_words $tokens[$i..-1]
                    break
                else
                    set @TOOL@_operand 1
                end
            end
            if set -q expect[1]
                set @TOOL@_state value
                set @TOOL@_at $expect
            else if set -q ended[1]
                set @TOOL@_state operand
            else if string match -q -- '--*=*' $word
                set -l row (@TOOL@_option $word)
                and test $row[3] != n
                and set @TOOL@_state value
                and set @TOOL@_at $row[1]
                and set @TOOL@_prefix (string replace -r -- '=.*' '=' $word)
                and set @TOOL@_value (string replace -r -- '^[^=]*=' '' $word)
            else if string match -qr -- '^-[^-]' $word
                set -l option (@TOOL@_cluster $word)
                and set @TOOL@_state value
                and set @TOOL@_at $option[1]
                and set @TOOL@_prefix (string sub -l (math $option[3] - 1) -- $word)
                and set @TOOL@_value (string sub -s $option[3] -- $word)
            else if not string match -q -- '-*' $word
                set @TOOL@_state operand
            end
        end

        # Whether an option may be typed at the cursor: fish offers the option names there.
        function @TOOL@_options_allowed
            @TOOL@_scan
            test $@TOOL@_state = option
        end

        # Offers all but option names: an option's value, as the whole word, or an operand.
        function @TOOL@_complete
            @TOOL@_scan
            switch $@TOOL@_state
                case value
                    @TOOL@_values $@TOOL@_at "$@TOOL@_value" "$@TOOL@_prefix"
                case operand
                    @TOOL@_operands
            end
        end

        """#

    /// The operands where the first word that is not an option is the program.
    static let programOperands = #"""

        # The first word that is not an option is the program, and the options end there.
        set -g @TOOL@_stops 1

        # The program's name, or its arguments through its own completion.
        function @TOOL@_operands
            set -l words $@TOOL@_words
            set -l word (commandline -ct)
            if not set -q words[1]
                __fish_complete_command
                return
            end
            complete -C (string join ' ' -- (string escape -- $words))" $word"
        end

        """#

    /// The operand where options and one namespace operand come in any order.
    static let namespaceOperands = #"""

        # Options and the operand come in any order; '--' ends the options.
        set -g @TOOL@_stops

        # The inode numbers of the namespaces of the processes, with their kinds, and of the nsfs
        # bind mounts, with where they are mounted.
        function @TOOL@_namespace_ids
            set -l links /proc/*/ns/*
            command readlink $links 2>/dev/null | command sort -u |
                string replace -rf -- '^([a-z]+):\[([0-9]+)\]$' '$2\t$1 namespace'
            string replace -rf -- '^\S+ \S+ \S+ ([a-z]+):\[([0-9]+)\] (\S+) .* - nsfs .*' \
                '$2\t$1 namespace, bind-mounted on $3' </proc/self/mountinfo
        end

        # The operand: a namespace's inode number, once, and not with --@EXCLUDED_BY@.
        function @TOOL@_operands
            set -q @TOOL@_operand[1]; and return
            string match -q -- '@EXCLUDED_BY@=*' $@TOOL@_given; and return
            @TOOL@_namespace_ids
        end

        """#
}
