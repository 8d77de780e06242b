# fish completion for swlsns(8)

# Long options that take an argument, attached with '=' or in the next word.
set -g __swlsns_required_args output task type filter
# The long option whose argument is optional and only ever attached: with '='
# to the long option, directly to the short one (-Tparent, -T=parent).
set -g __swlsns_optional_args tree
set -g __swlsns_flags json list noheadings output-all persistent raw notruncate \
    nowrap help version list-columns

# The columns, as swlsns prints them, each with its description.
set -g __swlsns_columns \
    NS\t'namespace identifier (inode number)' \
    TYPE\t'kind of namespace' \
    PATH\t'path to the namespace' \
    NPROCS\t'number of processes in the namespace' \
    PID\t'lowest PID in the namespace' \
    PPID\t'PPID of the PID' \
    COMMAND\t'command line of the PID' \
    UID\t'UID of the PID' \
    USER\t'username of the PID' \
    NETNSID\t'namespace ID as used by network subsystem' \
    NSFS\t'nsfs mountpoint (usually used network subsystem)' \
    PNS\t'parent namespace identifier (inode number)' \
    ONS\t'owner namespace identifier (inode number)'

set -g __swlsns_types \
    mnt\t'Mount namespace' \
    net\t'Network namespace' \
    ipc\t'System V IPC namespace' \
    user\t'User namespace' \
    pid\t'PID namespace' \
    uts\t'UTS namespace (hostname etc)' \
    cgroup\t'Cgroup namespace' \
    time\t'Time namespace'

set -g __swlsns_trees \
    process\t'By process, as without --tree' \
    parent\t'By parent PID or user namespace' \
    owner\t'By owning user namespace (the default of --tree)'

# The full name of a long option given as an unambiguous abbreviation.
function __swlsns_long_name -a word
    set -l name (string replace -r '^--' '' -- $word | string replace -r '=.*' '')
    set -l all $__swlsns_required_args $__swlsns_optional_args $__swlsns_flags
    if contains -- $name $all
        echo $name
        return 0
    end
    set -l found (string match -- "$name*" $all)
    test (count $found) -eq 1; and echo $found
end

# Where the word under the cursor stands. Options and the namespace operand
# may come in any order, and '--' ends the options. Prints one of "option"
# (an option may be typed here), "value" (the argument of the option before
# it) or "operand" (the namespace operand, and nothing else, may follow);
# then "operand-taken" when the operand has been given or --task excludes it.
function __swlsns_scan
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l expect_arg
    set -l dashdash
    set -l taken
    for token in $tokens
        if set -q expect_arg[1]
            set -e expect_arg
            continue
        end
        if set -q dashdash[1]
            set taken 1
            continue
        end
        switch $token
            case --
                set dashdash 1
            case '--*=*'
                test (__swlsns_long_name $token) = task; and set taken 1
            case '--?*'
                set -l name (__swlsns_long_name $token)
                test "$name" = task; and set taken 1
                contains -- "$name" $__swlsns_required_args; and set expect_arg $name
            case '-?*'
                set -l length (string length -- $token)
                for j in (seq 2 $length)
                    set -l letter (string sub -s $j -l 1 -- $token)
                    # The optional argument of -T takes the rest of the word.
                    test $letter = T; and break
                    if string match -q -- "*$letter*" optQ
                        test $letter = p; and set taken 1
                        test $j -eq $length; and set expect_arg $letter
                        break
                    end
                end
            case '*'
                set taken 1
        end
    end
    if set -q expect_arg[1]
        echo value
    else if set -q dashdash[1]
        echo operand
    else
        echo option
    end
    set -q taken[1]; and echo operand-taken
end

# Options may be typed anywhere before '--', unless the word is a cluster of
# short options that has reached -T: the rest of the word is its relation, so
# -TJ is -T with the relation "J", not -T -J.
function __swlsns_options_allowed
    test (__swlsns_scan)[1] != operand; or return 1
    not string match -qr -- '^-[JlnPruWhVH]*T' (commandline -ct)
end

# The namespace operand is completed when the word does not start with '-'
# (or follows '--'), once, and not with --task.
function __swlsns_operand_allowed
    set -l state (__swlsns_scan)
    contains -- operand-taken $state; and return 1
    test $state[1] = operand; and return 0
    test $state[1] = option; and not string match -q -- '-*' (commandline -ct)
end

# Candidates for a comma-separated column list: the columns not yet in it,
# after what is already there (and the '+' that adds to the default
# columns). Names may be typed in any case; they are offered as swlsns
# prints them.
function __swlsns_column_list -a value
    set -l done
    if string match -q -- '*,*' $value
        set done (string replace -r '[^,]*$' '' -- $value)
    else if string match -q -- '+*' $value
        set done +
    end
    set -l given (string split , -- (string upper -- (string replace -r '^\+' '' -- $done)))
    for column in $__swlsns_columns
        set -l name (string replace -r '\t.*' '' -- $column)
        contains -- $name $given; and continue
        printf '%s%s\n' $done $column
    end
end

# Candidates for a filter expression: a column name for the word being typed
# at its end. An open quote is fish's to keep.
function __swlsns_filter_words -a value
    set value (string replace -r '^[\'"]' '' -- $value)
    set -l head (string replace -r '[A-Za-z0-9_-]*$' '' -- $value)
    printf "$head%s\n" $__swlsns_columns
end

# The inode numbers of the namespaces of the processes, with their types, and
# of the nsfs bind mounts, with where they are mounted.
function __swlsns_namespaces
    set -l links /proc/*/ns/*
    set -q links[1]; or return
    readlink $links 2>/dev/null | sort -u |
        string replace -rf '^([a-z]+):\[([0-9]+)\]$' '$2\t$1 namespace'
    string match -r '^\S+ \S+ \S+ [a-z]+:\[[0-9]+\] \S+ .* - nsfs ' </proc/self/mountinfo 2>/dev/null |
        string replace -rf '^\S+ \S+ \S+ ([a-z]+):\[([0-9]+)\] (\S+) .*' '$2\t$1, bind-mounted on $3'
end

# The candidates for the value of the option before the word, or of the one
# in the word itself (--output=LIST, -oLIST, -tnet, --tree=parent, -Tparent,
# -T=parent), printed whole: with the option in front where it is part of
# the word.
function __swlsns_whole_values
    set -l token (commandline -ct)
    set -l option
    set -l prefix
    set -l value $token
    set -l state (__swlsns_scan)
    if test $state[1] = value
        set -l previous (commandline -opc)[-1]
        if string match -q -- '--*' $previous
            set option (__swlsns_long_name $previous)
        else
            set option (string sub -s -1 -- $previous)
        end
    else if test $state[1] = operand
        return
    else if string match -qr -- '^--[^=]+=' $token
        set option (__swlsns_long_name $token)
        or return
        set prefix (string replace -r '=.*' '' -- $token)=
        set value (string replace -r '^[^=]*=' '' -- $token)
    else if string match -qr -- '^-[^-]' $token
        set -l length (string length -- $token)
        for j in (seq 2 $length)
            set -l letter (string sub -s $j -l 1 -- $token)
            if string match -q -- "*$letter*" optQT
                set option $letter
                set prefix (string sub -l $j -- $token)
                set value (string sub -s (math $j + 1) -- $token)
                # swlsns drops the '=' of -T=parent.
                if test $letter = T; and string match -q -- '=*' $value
                    set prefix $prefix=
                    set value (string sub -s 2 -- $value)
                end
                break
            end
        end
        set -q option[1]; or return
    else
        return
    end
    set -l values
    switch $option
        case o output
            set values (__swlsns_column_list $value)
        case t type
            set values $__swlsns_types
        case T tree
            set values $__swlsns_trees
        case p task
            set values (__fish_complete_pids)
        case Q filter
            set values (__swlsns_filter_words $value)
    end
    set -q values[1]; and printf "$prefix%s\n" $values
end

# The value of an option that fish knows to take one (-o, -p, -t, -Q). fish
# completes what follows the option in the word, and takes a word like -Tpa
# for -T and then -p with the value "a", where swlsns reads -T with the value
# "pa": the candidates are cut to what follows fish's option.
function __swlsns_option_values
    set -l token (commandline -ct)
    set -l cut
    if test (__swlsns_scan)[1] != value
        if string match -q -- '--*=*' $token
            set cut (string replace -r '=.*' '' -- $token)=
        else
            set cut (string replace -r '^(-[^optQ]*[optQ]).*' '$1' -- $token)
        end
    end
    set -l length (string length -- "$cut")
    for candidate in (__swlsns_whole_values)
        string match -q -- "$cut*" $candidate; or continue
        string sub -s (math $length + 1) -- $candidate
    end
end

# The relation of -T and --tree, which must be attached: fish does not know
# that their argument is optional, so these words are completed whole.
function __swlsns_tree_values
    string match -qr -- '^(--t[^=]*=|-[^-]*T)' (commandline -ct); or return
    __swlsns_whole_values
end

complete -c swlsns -f
complete -c swlsns -a '(__swlsns_tree_values)'
complete -c swlsns -n __swlsns_operand_allowed -a '(__swlsns_namespaces)'

set -l options __swlsns_options_allowed

complete -c swlsns -n $options -s J -l json -d 'Use JSON output format'
complete -c swlsns -n $options -s l -l list -d 'Use list format output'
complete -c swlsns -n $options -s n -l noheadings -d "Don't print headings"
complete -c swlsns -n $options -s o -l output -x -a '(__swlsns_option_values)' -d 'Define which output columns to use (+LIST adds to the defaults)'
complete -c swlsns -n $options -l output-all -d 'Output all columns'
complete -c swlsns -n $options -s P -l persistent -d 'Namespaces without processes (held by a mount or a descriptor)'
complete -c swlsns -n $options -s p -l task -x -a '(__swlsns_option_values)' -d 'Print process namespaces'
complete -c swlsns -n $options -s r -l raw -d 'Use the raw output format'
complete -c swlsns -n $options -s u -l notruncate -d "Don't truncate text in columns"
complete -c swlsns -n $options -s W -l nowrap -d "Don't use multi-line representation"
complete -c swlsns -n $options -s t -l type -x -a '(__swlsns_option_values)' -d 'Namespace type (mnt, net, ipc, user, pid, uts, cgroup, time)'
complete -c swlsns -n $options -s T -l tree -d 'Use tree format (--tree=parent, owner, or process)'
complete -c swlsns -n $options -s Q -l filter -x -a '(__swlsns_option_values)' -d 'Apply display filter'

complete -c swlsns -n $options -s h -l help -d 'Display this help'
complete -c swlsns -n $options -s V -l version -d 'Display version'
complete -c swlsns -n $options -s H -l list-columns -d 'List the available columns'
