# bash completion for swnsenter(1)                          -*- shell-script -*-

# Long options that take a separate or attached (=) argument.
_swnsenter_required_args='target net-socket setuid setgid wdns cap-drop cap-add
    bounding-set inh-caps ambient-caps'
# Long options whose argument is optional and must be attached with '='.
_swnsenter_optional_args='mount uts ipc net pid user cgroup time root wd'
_swnsenter_flags='all user-parent preserve-credentials keep-caps no-new-privs
    env no-fork join-cgroup help version'
# Short options with a required argument, and those with an optional one,
# which must be attached (-n/run/netns/NAME, -n=FILE, -r/srv); the others
# take none.
_swnsenter_short_args='tNSGW'
_swnsenter_short_optional='muinpUCTrw'
_swnsenter_short_opts='-a -t -m -u -i -n -N -p -U -C -T -S -G -r -w -W -e -F
    -c -h -V'

# Capability names as libcap spells them, without the cap_ prefix: all of
# Linux 6.x (CAP_LAST_CAP 40, cap_checkpoint_restore). swnsenter takes
# CAP_NET_RAW and cap_net_raw in any case too, and numbers.
_swnsenter_capabilities='chown dac_override dac_read_search fowner fsetid
    kill setgid setuid setpcap linux_immutable net_bind_service net_broadcast
    net_admin net_raw ipc_lock ipc_owner sys_module sys_rawio sys_chroot
    sys_ptrace sys_pacct sys_admin sys_boot sys_nice sys_resource sys_time
    sys_tty_config mknod lease audit_write audit_control setfcap mac_override
    mac_admin syslog wake_alarm block_suspend audit_read perfmon bpf
    checkpoint_restore'

# Fills COMPREPLY with candidates for the comma-separated capability list
# $1, after what is already there: names and 'all', or, with $2, changes to
# one set: '+' or '-' in front of each. Names already in the list are not
# offered again.
_swnsenter_capability_list()
{
    local value=$1 changes=$2 done= item given=, name prefix= candidates=
    [[ $value == *,* ]] && done=${value%,*},
    for item in ${done//,/ }; do
        item=${item,,}
        item=${item#[+-]}
        given+=${item#cap_},
    done
    # Names may be typed in any case, with the cap_ prefix or without; they
    # are offered in lower case, with the prefix when it is typed.
    value=${value##*,}
    value=${value,,}
    [[ ${value#[+-]} == cap* ]] && prefix=cap_
    for name in all $_swnsenter_capabilities; do
        [[ $given == *,$name,* ]] && continue
        if [[ $prefix ]]; then
            [[ $name == all ]] && continue
            name=$prefix$name
        fi
        if [[ $changes ]]; then
            candidates+=" +$name -$name"
        else
            candidates+=" $name"
        fi
    done
    COMPREPLY=($(compgen -P "$done" -W "$candidates" -- "$value"))
    # More capabilities may follow after a comma.
    compopt -o nospace
}

# Prints the full name of long option $1 (without dashes), which may be an
# unambiguous abbreviation, as getopt_long resolves it.
_swnsenter_long_name()
{
    local word=${1#--} name found=
    word=${word%%=*}
    for name in $_swnsenter_required_args $_swnsenter_optional_args \
        $_swnsenter_flags; do
        [[ $name == "$word" ]] && { printf '%s\n' "$name"; return 0; }
        if [[ $name == "$word"* ]]; then
            [[ $found ]] && return 1
            found=$name
        fi
    done
    [[ $found ]] && printf '%s\n' "$found"
}

# The long name of short option $1 (one letter).
_swnsenter_short_name()
{
    case $1 in
        t) echo target ;;
        N) echo net-socket ;;
        S) echo setuid ;;
        G) echo setgid ;;
        W) echo wdns ;;
        m) echo mount ;;
        u) echo uts ;;
        i) echo ipc ;;
        n) echo net ;;
        p) echo pid ;;
        U) echo user ;;
        C) echo cgroup ;;
        T) echo time ;;
        r) echo root ;;
        w) echo wd ;;
    esac
}

# Index in COMP_WORDS of words[$1]: the two differ when '=' or ':' split a word.
_swnsenter_comp_index()
{
    local target=$1 j=0 k joined
    for ((k = 0; k < target; k++)); do
        joined=
        while [[ $joined != "${words[k]}" ]] && ((j < ${#COMP_WORDS[@]})); do
            joined+=${COMP_WORDS[j]}
            ((j++))
        done
    done
    # Words removed by _init_completion (redirections) break the match.
    ((j < ${#COMP_WORDS[@]})) || j=$target
    printf '%s\n' "$j"
}

# The numeric IDs of a colon-separated account file: swnsenter takes numbers
# (or 'follow'), not names.
_swnsenter_account_ids()
{
    local name password id rest
    while IFS=: read -r name password id rest; do
        [[ $id && $id != *[!0-9]* ]] && printf '%s\n' "$id"
    done <"$1" 2>/dev/null
}

# The descriptors of process $1 that are sockets, for --net-socket.
_swnsenter_sockets()
{
    local fd link
    [[ $1 && $1 != *[!0-9]* ]] || return
    for fd in /proc/"$1"/fd/*; do
        link=$(readlink "$fd" 2>/dev/null) || continue
        [[ $link == socket:* ]] && printf '%s\n' "${fd##*/}"
    done
}

# The entries of /proc/PID/ns that hold a namespace of option $1's type.
_swnsenter_ns_entries()
{
    case $1 in
        mount) echo mnt ;;
        pid) echo pid pid_for_children ;;
        time) echo time time_for_children ;;
        *) echo "$1" ;;
    esac
}

# Path candidates for a value attached to a short option, where readline
# replaces the whole word, option letters included: directories end in '/'
# and no space follows, so that completion can go on into them.
_swnsenter_attached_paths()
{
    local only_dirs=$1 value=$2 path
    local IFS=$'\n'
    for path in $(compgen -f -- "$value"); do
        if [[ -d $path ]]; then
            COMPREPLY+=("$path/")
        elif [[ ! $only_dirs ]]; then
            COMPREPLY+=("$path")
        fi
    done
    compopt -o nospace
}

# Fills COMPREPLY with the values of long option $1 that start with $2.
# With $3, the value is attached to a short option and $3 is the text in
# front of it, which readline replaces too.
_swnsenter_values()
{
    local name=$1 value=$2 prefix=$3 i
    local -a candidates
    COMPREPLY=()
    case $name in
        target)
            candidates=(/proc/[0-9]*)
            COMPREPLY=($(compgen -W "${candidates[*]#/proc/}" -- "$value"))
            ;;
        net-socket)
            COMPREPLY=($(compgen -W "$(_swnsenter_sockets "$target")" -- "$value"))
            ;;
        setuid)
            COMPREPLY=($(compgen -W "follow $(_swnsenter_account_ids /etc/passwd)" -- "$value"))
            ;;
        setgid)
            COMPREPLY=($(compgen -W "follow $(_swnsenter_account_ids /etc/group)" -- "$value"))
            ;;
        cap-drop | cap-add)
            _swnsenter_capability_list "$value"
            ;;
        bounding-set | inh-caps | ambient-caps)
            _swnsenter_capability_list "$value" changes
            ;;
        root | wd | wdns)
            if [[ $prefix ]]; then
                _swnsenter_attached_paths 1 "$value"
            else
                cur=$value
                _filedir -d
            fi
            ;;
        mount | uts | ipc | net | pid | user | cgroup | time)
            # A value of ':' followed by digits is a namespace id: nothing
            # to offer there.
            [[ $value == :* ]] && return
            if [[ $value == /proc/*/ns/* ]]; then
                # Only the entries that hold a namespace of this type.
                local dir=${value%/*}/
                COMPREPLY=($(compgen -P "$dir" -W "$(_swnsenter_ns_entries "$name")" \
                    -- "${value##*/}"))
            elif [[ $prefix ]]; then
                _swnsenter_attached_paths '' "$value"
            else
                cur=$value
                _filedir
            fi
            if [[ $name == net && $value != */* ]]; then
                # Network namespaces that ip-netns(8) keeps, before a path is
                # typed (a path's own completion lists /run/netns/*).
                candidates=(/run/netns/*)
                [[ -e ${candidates[0]} ]] &&
                    COMPREPLY+=($(compgen -W "${candidates[*]}" -- "$value"))
            fi
            ;;
    esac
    if [[ $prefix ]]; then
        for i in "${!COMPREPLY[@]}"; do
            COMPREPLY[i]=$prefix${COMPREPLY[i]}
        done
        # With -n=FILE, readline's word starts after the '='.
        if [[ $prefix == *=* && $COMP_WORDBREAKS == *=* ]]; then
            local before=${prefix%"${prefix##*=}"}
            for i in "${!COMPREPLY[@]}"; do
                COMPREPLY[i]=${COMPREPLY[i]#"$before"}
            done
        fi
    fi
}

_swnsenter()
{
    local cur prev words cword split
    _init_completion -s -n : || return

    # getopt stops at the first word that is not an option: from there on,
    # the words belong to the program. The target is remembered for
    # --net-socket.
    local i j word name letter program= expect_arg= target=
    for ((i = 1; i < cword; i++)); do
        word=${words[i]}
        if [[ $expect_arg ]]; then
            [[ $expect_arg == target ]] && target=${word%%:*}
            expect_arg=
            continue
        fi
        case $word in
            --)
                program=$((i + 1))
                break
                ;;
            --*=*)
                if [[ $(_swnsenter_long_name "$word") == target ]]; then
                    target=${word#*=}
                    target=${target%%:*}
                fi
                ;;
            --?*)
                name=$(_swnsenter_long_name "$word")
                [[ $name && $'\n'$_swnsenter_required_args$'\n' == *[[:space:]]"$name"[[:space:]]* ]] &&
                    expect_arg=$name
                ;;
            -?*)
                for ((j = 1; j < ${#word}; j++)); do
                    letter=${word:j:1}
                    # An optional argument takes the rest of the word.
                    [[ $_swnsenter_short_optional == *"$letter"* ]] && break
                    if [[ $_swnsenter_short_args == *"$letter"* ]]; then
                        if ((j == ${#word} - 1)); then
                            expect_arg=$(_swnsenter_short_name "$letter")
                        elif [[ $letter == t ]]; then
                            target=${word:j+1}
                            target=${target%%:*}
                        fi
                        break
                    fi
                done
                ;;
            *)
                program=$i
                break
                ;;
        esac
    done
    if [[ $program ]] || [[ ! $expect_arg && ${words[cword]} != -* ]]; then
        _command_offset "$(_swnsenter_comp_index "${program:-$cword}")"
        return
    fi

    # The value of an option: the word after it, or the part after '='.
    if [[ $expect_arg ]]; then
        _swnsenter_values "$expect_arg" "$cur"
        return
    fi
    if [[ $split == true ]]; then
        name=$(_swnsenter_long_name "$prev")
        [[ $name ]] && _swnsenter_values "$name" "$cur"
        return
    fi

    # A value attached to a short option in the word itself: -t12, -n/run/n.
    if [[ $cur == -[!-]?* ]]; then
        for ((j = 1; j < ${#cur} - 1; j++)); do
            letter=${cur:j:1}
            if [[ $_swnsenter_short_args$_swnsenter_short_optional == *"$letter"* ]]; then
                local value=${cur:j+1} prefix=${cur:0:j+1}
                # getopt hands the namespace options -n=FILE with the '=',
                # which swnsenter drops.
                if [[ $_swnsenter_short_optional == *"$letter"* && $value == =* ]]; then
                    prefix+==
                    value=${value#=}
                fi
                _swnsenter_values "$(_swnsenter_short_name "$letter")" "$value" "$prefix"
                return
            fi
        done
    fi

    local opts=
    for name in $_swnsenter_required_args $_swnsenter_optional_args \
        $_swnsenter_flags; do
        opts+=" --$name"
    done
    [[ $cur == --* ]] || opts+=" $_swnsenter_short_opts"
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
} &&
    complete -F _swnsenter swnsenter

# ex: filetype=sh
