# fish completion for swnsenter(1)

# Long options that take an argument, attached with '=' or in the next word.
set -g __swnsenter_required_args target net-socket setuid setgid wdns cap-drop cap-add \
    bounding-set inh-caps ambient-caps
# Long options whose argument is optional and only ever attached: with '='
# to the long option, directly to the short one (-n/run/netns/NAME, -n=FILE).
set -g __swnsenter_optional_args mount uts ipc net pid user cgroup time root wd
set -g __swnsenter_flags all user-parent preserve-credentials keep-caps no-new-privs \
    env no-fork join-cgroup help version

# Capability names as libcap spells them, without the cap_ prefix: all of
# Linux 6.x (CAP_LAST_CAP 40, cap_checkpoint_restore). swnsenter takes
# CAP_NET_RAW and cap_net_raw in any case too, and numbers.
set -g __swnsenter_capabilities chown dac_override dac_read_search fowner fsetid kill \
    setgid setuid setpcap linux_immutable net_bind_service net_broadcast net_admin \
    net_raw ipc_lock ipc_owner sys_module sys_rawio sys_chroot sys_ptrace sys_pacct \
    sys_admin sys_boot sys_nice sys_resource sys_time sys_tty_config mknod lease \
    audit_write audit_control setfcap mac_override mac_admin syslog wake_alarm \
    block_suspend audit_read perfmon bpf checkpoint_restore

# The full name of a long option given as an unambiguous abbreviation.
function __swnsenter_long_name -a word
    set -l name (string replace -r '^--' '' -- $word | string replace -r '=.*' '')
    set -l all $__swnsenter_required_args $__swnsenter_optional_args $__swnsenter_flags
    if contains -- $name $all
        echo $name
        return 0
    end
    set -l found (string match -- "$name*" $all)
    test (count $found) -eq 1; and echo $found
end

# The long name of a short option letter.
function __swnsenter_short_name -a letter
    switch $letter
        case t
            echo target
        case N
            echo net-socket
        case S
            echo setuid
        case G
            echo setgid
        case W
            echo wdns
        case m
            echo mount
        case u
            echo uts
        case i
            echo ipc
        case n
            echo net
        case p
            echo pid
        case U
            echo user
        case C
            echo cgroup
        case T
            echo time
        case r
            echo root
        case w
            echo wd
    end
end

# Where the word under the cursor stands, as getopt would parse the line,
# which stops at the first word that is not an option. Prints three things:
# "option", "value" (the argument of the option before it) or "program" (the
# program or one of its arguments); then the target PID, or an empty line;
# then, for "program", the program's words.
function __swnsenter_scan
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l expect_arg
    set -l target ''
    set -l i 1
    while test $i -le (count $tokens)
        set -l token $tokens[$i]
        if set -q expect_arg[1]
            test "$expect_arg" = target; and set target (string replace -r ':.*' '' -- $token)
            set -e expect_arg
        else
            switch $token
                case --
                    echo program
                    echo $target
                    printf '%s\n' $tokens[(math $i + 1)..-1]
                    return
                case '--*=*'
                    if test (__swnsenter_long_name $token) = target
                        set target (string replace -r '^[^=]*=' '' -- $token | string replace -r ':.*' '')
                    end
                case '--?*'
                    set -l name (__swnsenter_long_name $token)
                    and contains -- $name $__swnsenter_required_args
                    and set expect_arg $name
                case '-?*'
                    set -l length (string length -- $token)
                    for j in (seq 2 $length)
                        set -l letter (string sub -s $j -l 1 -- $token)
                        # An optional argument takes the rest of the word.
                        string match -q -- "*$letter*" muinpUCTrw; and break
                        if string match -q -- "*$letter*" tNSGW
                            if test $j -eq $length
                                set expect_arg (__swnsenter_short_name $letter)
                            else if test $letter = t
                                set target (string sub -s (math $j + 1) -- $token | string replace -r ':.*' '')
                            end
                            break
                        end
                    end
                case '*'
                    echo program
                    echo $target
                    printf '%s\n' $tokens[$i..-1]
                    return
            end
        end
        set i (math $i + 1)
    end
    if set -q expect_arg[1]
        echo value
    else if string match -q -- '-*' (commandline -ct)
        echo option
    else
        echo program
    end
    echo $target
end

function __swnsenter_before_program
    test (__swnsenter_scan)[1] != program
end

function __swnsenter_in_program
    test (__swnsenter_scan)[1] = program
end

# Options, unless the word is a cluster of short options that has reached
# one whose argument is optional: the rest of the word is that argument,
# so -na is -n with the file a, not -n -a.
function __swnsenter_options_allowed
    __swnsenter_before_program; or return 1
    not string match -qr -- '^-[aeFchV]*[muinpUCTrw]' (commandline -ct)
end

# Completes the program's name, or its arguments through its own completion.
function __swnsenter_complete_program
    set -l words (__swnsenter_scan)[3..-1]
    if not set -q words[1]
        __fish_complete_command
        return
    end
    complete -C (string join ' ' -- (string escape -- $words))' '(commandline -ct)
end

# The descriptors of the target that are sockets, for --net-socket.
function __swnsenter_sockets
    set -l pid (__swnsenter_scan)[2]
    string match -qr '^[0-9]+$' -- $pid; or return
    for fd in /proc/$pid/fd/*
        set -l link (readlink $fd 2>/dev/null); or continue
        string match -q 'socket:*' -- $link; and printf '%s\t%s\n' (string replace -r '.*/' '' -- $fd) $link
    end
end

# 'follow', or the numeric IDs of an account file with their names as
# descriptions: swnsenter takes numbers, not names.
function __swnsenter_ids -a file
    printf 'follow\t%s\n' 'Owner of /proc/PID of the target'
    string match -r '^[^:#]+:[^:]*:[0-9]+' <$file 2>/dev/null |
        string replace -r '^([^:]+):[^:]*:([0-9]+)$' '$2\t$1'
end

# Candidates for a comma-separated capability list, after what is already
# there: names and 'all', or, with the argument 'changes', changes to one
# set: '+' or '-' in front of each. Names already in the list are not
# offered again.
function __swnsenter_capability_list -a kind
    set -l token (commandline -ct)
    set -l attached (string match -r -- '^--[^=]*=' $token)
    set token (string replace -r '^--[^=]*=' '' -- $token)
    set -l prefix (string replace -r '[^,]*$' '' -- $token)
    set -l item (string replace -r '.*,' '' -- $token)
    set -l given (string split -n , -- (string lower -- $prefix) | string replace -r '^[+-]' '' | string replace -r '^cap_' '')
    set -l names
    for name in all $__swnsenter_capabilities
        contains -- $name $given; or set -a names $name
    end
    # A typed cap_ prefix, in any case, is offered too.
    if string match -qr '^[+-]?cap' -- (string lower -- $item)
        set names cap_(string match -v -- all $names)
    end
    test "$kind" = changes; and set names +$names -$names
    # fish drops the option of --cap-drop=LIST from a candidate that matches
    # only in another case: there, each candidate starts as typed, and goes
    # on in upper case after upper case.
    if set -q attached[1]; and test -n "$item"
        set -l length (string length -- $item)
        set -l lower (string lower -- $item)
        string match -qr '[a-z]' -- $item; or set names (string upper -- $names)
        set names (for name in $names
            test (string lower -- (string sub -l $length -- $name)) = $lower
            and echo $item(string sub -s (math $length + 1) -- $name)
        end)
    end
    printf '%s\n' $prefix$names
end

# The changes of --bounding-set, --inh-caps and --ambient-caps in the next
# word when it starts with '-' (-net_raw, -all): fish takes such a word for
# an option and does not complete it as the option's argument.
function __swnsenter_capability_changes
    string match -q -- '-*' (commandline -ct); or return
    test (__swnsenter_scan)[1] = value; or return
    set -l previous (commandline -opc)[-1]
    string match -q -- '--*=*' $previous; and return
    contains -- (__swnsenter_long_name $previous) bounding-set inh-caps ambient-caps
    and __swnsenter_capability_list changes
end

# Candidates for the value of a namespace option ($argv[1], long name) that
# starts with $argv[2]: namespace files, and for the network namespace the
# ones that ip-netns(8) keeps.
function __swnsenter_namespace_values -a type value
    # :NSID, a namespace id, cannot be guessed.
    string match -q -- ':*' $value; and return
    if string match -qr '^/proc/[^/]+/ns/' -- $value
        set -l dir (string replace -r '[^/]*$' '' -- $value)
        set -l entries $type
        switch $type
            case mount
                set entries mnt
            case pid
                set entries pid pid_for_children
            case time
                set entries time time_for_children
        end
        string match -- "$value*" $dir$entries
        return
    end
    __fish_complete_path $value
    if test $type = net
        # A wildcard that matches nothing is an error in a command; in `set` it is an empty list.
        set -l netns /run/netns/*
        string match -- "$value*" $netns
    end
end

# Values attached to their option in the word itself: --net=FILE, --wd=DIR,
# -n/run/netns/NAME, -n=FILE, -r/srv.
function __swnsenter_attached_values
    set -l token (commandline -ct)
    set -l option
    set -l prefix
    set -l value
    if string match -qr -- '^--[^=]+=' $token
        set option (__swnsenter_long_name $token)
        or return
        contains -- $option $__swnsenter_optional_args; or return
        set prefix (string replace -r '=.*' '' -- $token)=
        set value (string replace -r '^[^=]*=' '' -- $token)
    else if string match -qr -- '^-[^-]' $token
        set -l length (string length -- $token)
        for j in (seq 2 (math $length - 1))
            set -l letter (string sub -s $j -l 1 -- $token)
            string match -q -- "*$letter*" tNSGW; and return
            if string match -q -- "*$letter*" muinpUCTrw
                set option (__swnsenter_short_name $letter)
                set prefix (string sub -l $j -- $token)
                set value (string sub -s (math $j + 1) -- $token)
                # swnsenter drops the '=' of -n=FILE.
                if string match -q -- '=*' $value; and not contains -- $option root wd
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
        case root wd
            set values (__fish_complete_directories $value)
        case '*'
            set values (__swnsenter_namespace_values $option $value)
    end
    set -q values[1]; and printf "$prefix%s\n" $values
end

set -l before_program __swnsenter_options_allowed

complete -c swnsenter -f -n __swnsenter_in_program -a '(__swnsenter_complete_program)'
complete -c swnsenter -f -n __swnsenter_before_program -a '(__swnsenter_attached_values)'
complete -c swnsenter -f -n __swnsenter_before_program -a '(__swnsenter_capability_changes)'

complete -c swnsenter -n $before_program -s a -l all -d 'Enter all namespaces'
complete -c swnsenter -n $before_program -s t -l target -x -a '(__fish_complete_pids)' -d 'Target process to get namespaces from (PID[:INODE])'
complete -c swnsenter -n $before_program -s m -l mount -d 'Enter mount namespace (--mount=FILE or =:NSID names one)'
complete -c swnsenter -n $before_program -s u -l uts -d 'Enter UTS namespace (--uts=FILE or =:NSID names one)'
complete -c swnsenter -n $before_program -s i -l ipc -d 'Enter System V IPC namespace (--ipc=FILE or =:NSID names one)'
complete -c swnsenter -n $before_program -s n -l net -d 'Enter network namespace (--net=FILE or =:NSID names one)'
complete -c swnsenter -n $before_program -s N -l net-socket -x -a '(__swnsenter_sockets)' -d "Enter socket's network namespace (use with --target)"
complete -c swnsenter -n $before_program -s p -l pid -d 'Enter pid namespace (--pid=FILE or =:NSID names one)'
complete -c swnsenter -n $before_program -s U -l user -d 'Enter user namespace (--user=FILE or =:NSID names one)'
complete -c swnsenter -n $before_program -l user-parent -d 'Enter parent user namespace'
complete -c swnsenter -n $before_program -s C -l cgroup -d 'Enter cgroup namespace (--cgroup=FILE or =:NSID names one)'
complete -c swnsenter -n $before_program -s T -l time -d 'Enter time namespace (--time=FILE or =:NSID names one)'

complete -c swnsenter -n $before_program -s S -l setuid -x -a '(__swnsenter_ids /etc/passwd)' -d 'Set uid in entered namespace'
complete -c swnsenter -n $before_program -s G -l setgid -x -a '(__swnsenter_ids /etc/group)' -d 'Set gid in entered namespace'
complete -c swnsenter -n $before_program -l preserve-credentials -d 'Do not touch uids or gids'
complete -c swnsenter -n $before_program -l keep-caps -d 'Retain capabilities granted in user namespaces'
complete -c swnsenter -n $before_program -l cap-drop -x -a '(__swnsenter_capability_list)' -d 'Drop capabilities from every set of the program'
complete -c swnsenter -n $before_program -l cap-add -x -a '(__swnsenter_capability_list)' -d 'Keep capabilities for the program, also as non-root'
complete -c swnsenter -n $before_program -l bounding-set -x -a '(__swnsenter_capability_list changes)' -d 'Change the bounding set (+cap,-cap,+all,-all)'
complete -c swnsenter -n $before_program -l inh-caps -x -a '(__swnsenter_capability_list changes)' -d 'Change the inheritable set (+cap,-cap,+all,-all)'
complete -c swnsenter -n $before_program -l ambient-caps -x -a '(__swnsenter_capability_list changes)' -d 'Change the ambient set (+cap,-cap,+all,-all)'
complete -c swnsenter -n $before_program -l no-new-privs -d 'Set no_new_privs before running the program'

complete -c swnsenter -n $before_program -s r -l root -d 'Set the root directory (--root=DIR; the target\'s without)'
complete -c swnsenter -n $before_program -s w -l wd -d 'Set the working directory (--wd=DIR; the target\'s without)'
complete -c swnsenter -n $before_program -s W -l wdns -x -a '(__fish_complete_directories)' -d 'Set the working directory in namespace'
complete -c swnsenter -n $before_program -s e -l env -d 'Inherit environment variables from target process'
complete -c swnsenter -n $before_program -s F -l no-fork -d "Do not fork before exec'ing the program"
complete -c swnsenter -n $before_program -s c -l join-cgroup -d 'Join the cgroup of the target process'

complete -c swnsenter -n $before_program -s h -l help -d 'Display help'
complete -c swnsenter -n $before_program -s V -l version -d 'Display version'
