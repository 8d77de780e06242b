# fish completion for swunshare(1)

# Long options that take an argument, attached with '=' or in the next word.
set -g __swunshare_required_args propagation setgroups setuid setgid monotonic boottime \
    whitelist-env hostname domainname root wd load-interp map-user map-group \
    map-users map-groups owner cap-drop cap-add bounding-set inh-caps ambient-caps
# Long options whose argument is optional and only ever attached with '='.
set -g __swunshare_optional_args mount uts ipc net pid user cgroup time kill-child \
    mount-proc mount-binfmt
set -g __swunshare_flags fork map-root-user map-current-user map-auto map-subids \
    forward-signals keep-caps no-new-privs clear-env help version

# Capability names as libcap spells them, without the cap_ prefix: all of
# Linux 6.x (CAP_LAST_CAP 40, cap_checkpoint_restore). swunshare takes
# CAP_NET_RAW and cap_net_raw in any case too, and numbers.
set -g __swunshare_capabilities chown dac_override dac_read_search fowner fsetid kill \
    setgid setuid setpcap linux_immutable net_bind_service net_broadcast net_admin \
    net_raw ipc_lock ipc_owner sys_module sys_rawio sys_chroot sys_ptrace sys_pacct \
    sys_admin sys_boot sys_nice sys_resource sys_time sys_tty_config mknod lease \
    audit_write audit_control setfcap mac_override mac_admin syslog wake_alarm \
    block_suspend audit_read perfmon bpf checkpoint_restore

# The full name of a long option given as an unambiguous abbreviation.
function __swunshare_long_name -a word
    set -l name (string replace -r '^--' '' -- $word | string replace -r '=.*' '')
    set -l all $__swunshare_required_args $__swunshare_optional_args $__swunshare_flags
    if contains -- $name $all
        echo $name
        return 0
    end
    set -l found (string match -- "$name*" $all)
    test (count $found) -eq 1; and echo $found
end

# Where the word under the cursor stands, as getopt would parse the line,
# which stops at the first word that is not an option: "option", "value"
# (the argument of the option before it) or "program" (the program or one
# of its arguments). For "program", the program's words follow.
function __swunshare_state
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l expect_arg 0
    set -l i 1
    while test $i -le (count $tokens)
        set -l token $tokens[$i]
        if test $expect_arg -eq 1
            set expect_arg 0
        else
            switch $token
                case --
                    echo program
                    printf '%s\n' $tokens[(math $i + 1)..-1]
                    return
                case '--*=*'
                case '--?*'
                    set -l name (__swunshare_long_name $token)
                    and contains -- $name $__swunshare_required_args
                    and set expect_arg 1
                case '-?*'
                    for j in (seq 2 (string length -- $token))
                        if string match -q -- '*'(string sub -s $j -l 1 -- $token)'*' RwSGl
                            test $j -eq (string length -- $token); and set expect_arg 1
                            break
                        end
                    end
                case '*'
                    echo program
                    printf '%s\n' $tokens[$i..-1]
                    return
            end
        end
        set i (math $i + 1)
    end
    if test $expect_arg -eq 1
        echo value
    else if string match -q -- '-*' (commandline -ct)
        echo option
    else
        echo program
    end
end

function __swunshare_before_program
    test (__swunshare_state)[1] != program
end

function __swunshare_in_program
    test (__swunshare_state)[1] = program
end

# Completes the program's name, or its arguments through its own completion.
function __swunshare_complete_program
    set -l words (__swunshare_state)[2..-1]
    if not set -q words[1]
        __fish_complete_command
        return
    end
    complete -C (string join ' ' -- (string escape -- $words))' '(commandline -ct)
end

function __swunshare_users
    string replace -r ':.*' '' </etc/passwd 2>/dev/null
end

function __swunshare_groups
    string replace -r ':.*' '' </etc/group 2>/dev/null
end

# swunshare takes signal names only, with or without SIG.
function __swunshare_signals
    set -l names HUP INT QUIT ILL TRAP ABRT IOT BUS FPE KILL USR1 SEGV USR2 PIPE \
        ALRM TERM STKFLT CHLD CLD CONT STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM \
        PROF WINCH IO POLL PWR SYS RTMIN+1 RTMAX-1
    printf '%s\n' $names SIG$names
end

function __swunshare_owner
    set -l token (commandline -ct | string replace -r '^--[a-z-]*=' '')
    if string match -q -- '*:*' $token
        set -l user (string replace -r ':.*' '' -- $token)
        printf '%s\n' $user:(__swunshare_groups)
    else
        printf '%s:\n' (__swunshare_users)
    end
end

function __swunshare_environment
    set -l token (commandline -ct | string replace -r '^--[a-z-]*=' '')
    set -l prefix (string replace -r '[^,]*$' '' -- $token)
    printf '%s\n' $prefix(set -nx)
end

# Candidates for a comma-separated capability list, after what is already
# there: names and 'all', or, with the argument 'changes', changes to one
# set: '+' or '-' in front of each. Names already in the list are not
# offered again.
function __swunshare_capability_list -a kind
    set -l token (commandline -ct)
    set -l attached (string match -r -- '^--[^=]*=' $token)
    set token (string replace -r '^--[^=]*=' '' -- $token)
    set -l prefix (string replace -r '[^,]*$' '' -- $token)
    set -l item (string replace -r '.*,' '' -- $token)
    set -l given (string split -n , -- (string lower -- $prefix) | string replace -r '^[+-]' '' | string replace -r '^cap_' '')
    set -l names
    for name in all $__swunshare_capabilities
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
function __swunshare_capability_changes
    string match -q -- '-*' (commandline -ct); or return
    test (__swunshare_state)[1] = value; or return
    set -l previous (commandline -opc)[-1]
    string match -q -- '--*=*' $previous; and return
    contains -- (__swunshare_long_name $previous) bounding-set inh-caps ambient-caps
    and __swunshare_capability_list changes
end

# Values of the options whose argument must be attached: --mount=FILE,
# --kill-child=SIGNAL, --mount-proc=DIR and the like.
function __swunshare_attached_values
    set -l token (commandline -ct)
    string match -qr -- '^--[^=]+=' $token; or return
    set -l option (string replace -r '=.*' '' -- $token)
    set -l value (string replace -r '^[^=]*=' '' -- $token)
    set -l values
    switch (__swunshare_long_name $option)
        case kill-child
            set values (__swunshare_signals)
        case mount-proc mount-binfmt
            set values (__fish_complete_directories $value)
        case mount uts ipc net pid user cgroup time
            set values (__fish_complete_path $value)
    end
    set -q values[1]; and printf "$option=%s\n" $values
end

# The directories of -R and -w. Their value may be attached to the option in
# the word itself (-w/tmp, -fR/srv): fish then completes that value with
# these, but the word, for `commandline -ct`, still holds the option.
function __swunshare_directories
    __fish_complete_directories (commandline -ct | string replace -r -- '^-[^-]*?[Rw]' '')
end

set -l before_program __swunshare_before_program

complete -c swunshare -f -n __swunshare_in_program -a '(__swunshare_complete_program)'
complete -c swunshare -f -n $before_program -a '(__swunshare_attached_values)'
complete -c swunshare -f -n $before_program -a '(__swunshare_capability_changes)'

complete -c swunshare -n $before_program -s m -l mount -d 'Unshare mount namespace (--mount=FILE persists it)'
complete -c swunshare -n $before_program -s u -l uts -d 'Unshare UTS namespace (--uts=FILE persists it)'
complete -c swunshare -n $before_program -s i -l ipc -d 'Unshare System V IPC namespace (--ipc=FILE persists it)'
complete -c swunshare -n $before_program -s n -l net -d 'Unshare network namespace (--net=FILE persists it)'
complete -c swunshare -n $before_program -s p -l pid -d 'Unshare pid namespace (--pid=FILE persists it)'
complete -c swunshare -n $before_program -s U -l user -d 'Unshare user namespace (--user=FILE persists it)'
complete -c swunshare -n $before_program -s C -l cgroup -d 'Unshare cgroup namespace (--cgroup=FILE persists it)'
complete -c swunshare -n $before_program -s T -l time -d 'Unshare time namespace (--time=FILE persists it)'

complete -c swunshare -n $before_program -s f -l fork -d 'Fork before launching the program'
complete -c swunshare -n $before_program -l map-user -x -a '(__swunshare_users)' -d 'Map current user to uid (implies --user)'
complete -c swunshare -n $before_program -l map-group -x -a '(__swunshare_groups)' -d 'Map current group to gid (implies --user)'
complete -c swunshare -n $before_program -s r -l map-root-user -d 'Map current user to root (implies --user)'
complete -c swunshare -n $before_program -s c -l map-current-user -d 'Map current user to itself (implies --user)'
complete -c swunshare -n $before_program -l map-auto -d 'Map users and groups automatically (implies --user)'
complete -c swunshare -n $before_program -l map-subids -d 'Map users and groups using subids (implies --user)'
complete -c swunshare -n $before_program -l map-users -x -a 'auto subids all' -d 'Map inneruid:outeruid:count users (implies --user)'
complete -c swunshare -n $before_program -l map-groups -x -a 'auto subids all' -d 'Map innergid:outergid:count groups (implies --user)'
complete -c swunshare -n $before_program -l owner -x -a '(__swunshare_owner)' -d 'Owner uid:gid of the new user namespace (implies --user)'

complete -c swunshare -n $before_program -l kill-child -d 'When dying, kill the forked child (--kill-child=SIGNAL; implies --fork)'
complete -c swunshare -n $before_program -l forward-signals -d 'Forward SIGTERM and SIGINT to the child (implies --fork)'
complete -c swunshare -n $before_program -l mount-proc -d 'Mount proc filesystem first (--mount-proc=DIR; implies --mount)'
complete -c swunshare -n $before_program -l mount-binfmt -d 'Mount binfmt filesystem first (--mount-binfmt=DIR; implies --user and --mount)'
complete -c swunshare -n $before_program -s l -l load-interp -x -d 'Load binfmt definition in the namespace (implies --mount-binfmt)'
complete -c swunshare -n $before_program -l propagation -x -a 'slave shared private unchanged' -d 'Modify mount propagation in mount namespace'
complete -c swunshare -n $before_program -l setgroups -x -a 'allow deny' -d 'Control the setgroups syscall in user namespaces'
complete -c swunshare -n $before_program -l keep-caps -d 'Retain capabilities granted in user namespaces'
complete -c swunshare -n $before_program -l cap-drop -x -a '(__swunshare_capability_list)' -d 'Drop capabilities from every set of the program'
complete -c swunshare -n $before_program -l cap-add -x -a '(__swunshare_capability_list)' -d 'Keep capabilities for the program, also as non-root'
complete -c swunshare -n $before_program -l bounding-set -x -a '(__swunshare_capability_list changes)' -d 'Change the bounding set (+cap,-cap,+all,-all)'
complete -c swunshare -n $before_program -l inh-caps -x -a '(__swunshare_capability_list changes)' -d 'Change the inheritable set (+cap,-cap,+all,-all)'
complete -c swunshare -n $before_program -l ambient-caps -x -a '(__swunshare_capability_list changes)' -d 'Change the ambient set (+cap,-cap,+all,-all)'
complete -c swunshare -n $before_program -l no-new-privs -d 'Set no_new_privs before running the program'

complete -c swunshare -n $before_program -s R -l root -x -a '(__swunshare_directories)' -d 'Run the command with root directory set to DIR'
complete -c swunshare -n $before_program -s w -l wd -x -a '(__swunshare_directories)' -d 'Change working directory to DIR'
complete -c swunshare -n $before_program -s S -l setuid -x -d 'Set uid in entered namespace'
complete -c swunshare -n $before_program -s G -l setgid -x -d 'Set gid in entered namespace'
complete -c swunshare -n $before_program -l monotonic -x -d 'Set clock monotonic offset (seconds) in time namespaces'
complete -c swunshare -n $before_program -l boottime -x -d 'Set clock boottime offset (seconds) in time namespaces'
complete -c swunshare -n $before_program -l clear-env -d 'Start the program with an empty environment'
complete -c swunshare -n $before_program -l whitelist-env -x -a '(__swunshare_environment)' -d 'Keep only these environment variables (comma-separated)'
complete -c swunshare -n $before_program -l hostname -x -d 'Set the hostname in the new UTS namespace (implies --uts)'
complete -c swunshare -n $before_program -l domainname -x -d 'Set the NIS domain name in the new UTS namespace (implies --uts)'

complete -c swunshare -n $before_program -s h -l help -d 'Display help'
complete -c swunshare -n $before_program -s V -l version -d 'Display version'
