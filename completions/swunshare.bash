# bash completion for swunshare(1)                          -*- shell-script -*-

# Long options that take a separate or attached (=) argument.
_swunshare_required_args='propagation setgroups setuid setgid monotonic boottime
    whitelist-env hostname domainname root wd load-interp map-user map-group
    map-users map-groups owner cap-drop cap-add bounding-set inh-caps
    ambient-caps'
# Long options whose argument is optional and must be attached with '='.
_swunshare_optional_args='mount uts ipc net pid user cgroup time kill-child
    mount-proc mount-binfmt'
_swunshare_flags='fork map-root-user map-current-user map-auto map-subids
    forward-signals keep-caps no-new-privs clear-env help version'
# Short options with a required argument; the others take none.
_swunshare_short_args='RwSGl'
_swunshare_short_opts='-m -u -i -n -p -U -C -T -f -r -c -l -R -w -S -G -h -V'

# Capability names as libcap spells them, without the cap_ prefix: all of
# Linux 6.x (CAP_LAST_CAP 40, cap_checkpoint_restore). swunshare takes
# CAP_NET_RAW and cap_net_raw in any case too, and numbers.
_swunshare_capabilities='chown dac_override dac_read_search fowner fsetid
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
_swunshare_capability_list()
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
    for name in all $_swunshare_capabilities; do
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
_swunshare_long_name()
{
    local word=${1#--} name found=
    word=${word%%=*}
    for name in $_swunshare_required_args $_swunshare_optional_args \
        $_swunshare_flags; do
        [[ $name == "$word" ]] && { printf '%s\n' "$name"; return 0; }
        if [[ $name == "$word"* ]]; then
            [[ $found ]] && return 1
            found=$name
        fi
    done
    [[ $found ]] && printf '%s\n' "$found"
}

# Index in COMP_WORDS of words[$1]: the two differ when '=' or ':' split a word.
_swunshare_comp_index()
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

# Names from a colon-separated account file, as swunshare reads them: it
# does not ask NSS, so names known only to LDAP and the like do not work.
_swunshare_account_names()
{
    local name rest
    while IFS=: read -r name rest; do
        [[ $name && $name != [#+-]* ]] && printf '%s\n' "$name"
    done <"$1" 2>/dev/null
}

# Fills COMPREPLY with the directories that start with $2, for a value
# attached to a short option (-w/tmp), where readline replaces the whole
# word: $1 is the text in front of the value. Directories end in '/' and no
# space follows, so that completion can go on into them.
_swunshare_attached_dirs()
{
    local prefix=$1 path
    local IFS=$'\n'
    COMPREPLY=()
    for path in $(compgen -d -- "$2"); do
        COMPREPLY+=("$prefix$path/")
    done
    compopt -o nospace
}

_swunshare()
{
    local cur prev words cword split
    _init_completion -s -n : || return

    # getopt stops at the first word that is not an option: from there on,
    # the words belong to the program.
    local i word name program= expect_arg=
    for ((i = 1; i < cword; i++)); do
        word=${words[i]}
        if [[ $expect_arg ]]; then
            expect_arg=
            continue
        fi
        case $word in
            --)
                program=$((i + 1))
                break
                ;;
            --*=*) ;;
            --?*)
                name=$(_swunshare_long_name "$word")
                [[ $name && $'\n'$_swunshare_required_args$'\n' == *[[:space:]]"$name"[[:space:]]* ]] &&
                    expect_arg=1
                ;;
            -?*)
                local j
                for ((j = 1; j < ${#word}; j++)); do
                    if [[ $_swunshare_short_args == *"${word:j:1}"* ]]; then
                        ((j == ${#word} - 1)) && expect_arg=1
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
        _command_offset "$(_swunshare_comp_index "${program:-$cword}")"
        return
    fi

    # The value of an option: either the word after it, or the part after '='.
    if [[ $expect_arg || $split == true ]]; then
        case $prev in
            --*) name=$(_swunshare_long_name "$prev") ;;
            *R) name=root ;;
            *w) name=wd ;;
            *) name= ;;
        esac
        case $name in
            propagation)
                COMPREPLY=($(compgen -W 'slave shared private unchanged' -- "$cur"))
                ;;
            setgroups)
                COMPREPLY=($(compgen -W 'allow deny' -- "$cur"))
                ;;
            map-users | map-groups)
                COMPREPLY=($(compgen -W 'auto subids all' -- "$cur"))
                ;;
            map-user)
                COMPREPLY=($(compgen -W "$(_swunshare_account_names /etc/passwd)" -- "$cur"))
                ;;
            map-group)
                COMPREPLY=($(compgen -W "$(_swunshare_account_names /etc/group)" -- "$cur"))
                ;;
            owner)
                if [[ $cur == *:* ]]; then
                    COMPREPLY=($(compgen -P "${cur%%:*}:" \
                        -W "$(_swunshare_account_names /etc/group)" -- "${cur#*:}"))
                else
                    COMPREPLY=($(compgen -S : \
                        -W "$(_swunshare_account_names /etc/passwd)" -- "$cur"))
                    compopt -o nospace
                fi
                __ltrim_colon_completions "$cur"
                ;;
            kill-child)
                local signal signals=
                for signal in $(compgen -A signal); do
                    # compgen also lists EXIT, the trap pseudo-signal.
                    # and glibc's internal signals 32 and 33 as SIGJUNK(N); realtime
                    # signals need their number (RTMIN+N), as in util-linux.
                    [[ $signal == SIG* && $signal != *'('* && $signal != SIGRTM[AI][XN] ]] &&
                        signals+=" $signal ${signal#SIG}"
                done
                COMPREPLY=($(compgen -W "$signals" -- "$cur"))
                ;;
            root | wd | mount-proc | mount-binfmt)
                _filedir -d
                ;;
            mount | uts | ipc | net | pid | user | cgroup | time)
                _filedir
                ;;
            cap-drop | cap-add)
                _swunshare_capability_list "$cur"
                ;;
            bounding-set | inh-caps | ambient-caps)
                _swunshare_capability_list "$cur" changes
                ;;
            whitelist-env)
                local prefix=
                [[ $cur == *,* ]] && prefix=${cur%,*},
                COMPREPLY=($(compgen -P "$prefix" -e -- "${cur##*,}"))
                compopt -o nospace
                ;;
        esac
        # setuid, setgid, monotonic, boottime, hostname, domainname and
        # load-interp take values that cannot be guessed.
        return
    fi

    # A value attached to a short option in the word itself: -w/tmp, -fR/srv.
    if [[ $cur == -[!-]?* ]]; then
        local j
        for ((j = 1; j < ${#cur} - 1; j++)); do
            if [[ $_swunshare_short_args == *"${cur:j:1}"* ]]; then
                case ${cur:j:1} in
                    R | w) _swunshare_attached_dirs "${cur:0:j+1}" "${cur:j+1}" ;;
                esac
                return
            fi
        done
    fi

    local opts=
    for name in $_swunshare_required_args $_swunshare_optional_args \
        $_swunshare_flags; do
        opts+=" --$name"
    done
    [[ $cur == --* ]] || opts+=" $_swunshare_short_opts"
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
} &&
    complete -F _swunshare swunshare

# ex: filetype=sh
