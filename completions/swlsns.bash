# bash completion for swlsns(8)                             -*- shell-script -*-

# Long options that take a separate or attached (=) argument.
_swlsns_required_args='output task type filter'
# Long options whose argument is optional and must be attached with '='.
_swlsns_optional_args='tree'
_swlsns_flags='json list noheadings output-all persistent raw notruncate
    nowrap help version list-columns'
# Short options with a required argument, and the one with an optional
# argument, which must be attached (-Tparent, -T=parent); the others take
# none.
_swlsns_short_args='optQ'
_swlsns_short_optional='T'
_swlsns_short_opts='-J -l -n -o -P -p -r -u -W -t -T -Q -h -V -H'

_swlsns_columns='NS TYPE PATH NPROCS PID PPID COMMAND UID USER NETNSID NSFS
    PNS ONS'
_swlsns_types='mnt net ipc user pid uts cgroup time'
_swlsns_trees='process parent owner'

# Prints the full name of long option $1 (without dashes), which may be an
# unambiguous abbreviation, as getopt_long resolves it.
_swlsns_long_name()
{
    local word=${1#--} name found=
    word=${word%%=*}
    for name in $_swlsns_required_args $_swlsns_optional_args \
        $_swlsns_flags; do
        [[ $name == "$word" ]] && { printf '%s\n' "$name"; return 0; }
        if [[ $name == "$word"* ]]; then
            [[ $found ]] && return 1
            found=$name
        fi
    done
    [[ $found ]] && printf '%s\n' "$found"
}

# The long name of short option $1 (one letter).
_swlsns_short_name()
{
    case $1 in
        o) echo output ;;
        p) echo task ;;
        t) echo type ;;
        Q) echo filter ;;
        T) echo tree ;;
    esac
}

# Candidates for a comma-separated column list $1: the columns not yet in
# the list, after what is already there (and the '+' that adds to the
# default columns). Names may be typed in any case; they are offered as
# swlsns prints them.
_swlsns_column_list()
{
    local value=$1 done= item name given
    if [[ $value == *,* ]]; then
        done=${value%,*},
    elif [[ $value == +* ]]; then
        done=+
    fi
    item=${value#"$done"}
    given=,${done#+}
    given=${given^^}
    for name in $_swlsns_columns; do
        [[ $name == "${item^^}"* && $given != *,"$name",* ]] &&
            COMPREPLY+=("$done$name")
    done
    # More columns may follow after a comma.
    compopt -o nospace
}

# Candidates for the filter expression $1: a column name for the word being
# typed at its end. Inside an open quote, readline's word starts after the
# quote.
_swlsns_filter_words()
{
    local value=$1 token head name
    [[ $value == [\'\"]* ]] && value=${value:1}
    token=${value##*[!A-Za-z0-9_-]}
    head=${value%"$token"}
    for name in $_swlsns_columns; do
        [[ $name == "${token^^}"* ]] && COMPREPLY+=("$head$name")
    done
    compopt -o nospace
}

# The inode numbers of the namespaces of the processes and of the nsfs bind
# mounts, each once.
_swlsns_namespace_ids()
{
    local link id parent device root rest
    local -A seen
    local IFS=$'\n'
    for link in $(readlink /proc/[0-9]*/ns/* 2>/dev/null); do
        link=${link##*[}
        seen[${link%]}]=1
    done
    IFS=' '
    while read -r id parent device root rest; do
        if [[ $rest == *" - nsfs "* && $root == *:\[*\] ]]; then
            root=${root##*[}
            seen[${root%]}]=1
        fi
    done </proc/self/mountinfo 2>/dev/null
    printf '%s\n' "${!seen[@]}"
}

# Fills COMPREPLY with the values of long option $1 that start with $2.
# With $3, the value is attached to a short option and $3 is the text in
# front of it, which readline replaces too.
_swlsns_values()
{
    local name=$1 value=$2 prefix=$3 i
    local -a candidates
    COMPREPLY=()
    case $name in
        output)
            _swlsns_column_list "$value"
            ;;
        type)
            COMPREPLY=($(compgen -W "$_swlsns_types" -- "$value"))
            ;;
        tree)
            COMPREPLY=($(compgen -W "$_swlsns_trees" -- "$value"))
            ;;
        task)
            candidates=(/proc/[0-9]*)
            COMPREPLY=($(compgen -W "${candidates[*]#/proc/}" -- "$value"))
            ;;
        filter)
            _swlsns_filter_words "$value"
            ;;
    esac
    if [[ $prefix ]]; then
        for i in "${!COMPREPLY[@]}"; do
            COMPREPLY[i]=$prefix${COMPREPLY[i]}
        done
        # With -T=parent, readline's word starts after the '='.
        if [[ $prefix == *=* && $COMP_WORDBREAKS == *=* ]]; then
            local before=${prefix%"${prefix##*=}"}
            for i in "${!COMPREPLY[@]}"; do
                COMPREPLY[i]=${COMPREPLY[i]#"$before"}
            done
        fi
    fi
}

_swlsns()
{
    local cur prev words cword split
    _init_completion -s || return

    # Options and the namespace operand may come in any order; after '--'
    # only the operand may follow. It excludes --task, and there is one.
    local i j word name letter expect_arg= dashdash= operand= task=
    for ((i = 1; i < cword; i++)); do
        word=${words[i]}
        if [[ $expect_arg ]]; then
            expect_arg=
            continue
        fi
        if [[ $dashdash ]]; then
            operand=1
            continue
        fi
        case $word in
            --)
                dashdash=1
                ;;
            --*=*)
                [[ $(_swlsns_long_name "$word") == task ]] && task=1
                ;;
            --?*)
                name=$(_swlsns_long_name "$word")
                [[ $name == task ]] && task=1
                [[ $name && " $_swlsns_required_args " == *[[:space:]]"$name"[[:space:]]* ]] &&
                    expect_arg=$name
                ;;
            -?*)
                for ((j = 1; j < ${#word}; j++)); do
                    letter=${word:j:1}
                    # An optional argument takes the rest of the word.
                    [[ $_swlsns_short_optional == *"$letter"* ]] && break
                    if [[ $_swlsns_short_args == *"$letter"* ]]; then
                        [[ $letter == p ]] && task=1
                        ((j == ${#word} - 1)) && expect_arg=$(_swlsns_short_name "$letter")
                        break
                    fi
                done
                ;;
            *)
                operand=1
                ;;
        esac
    done

    # The value of an option: the word after it, or the part after '='.
    if [[ $expect_arg ]]; then
        _swlsns_values "$expect_arg" "$cur"
        return
    fi
    if [[ $split == true ]]; then
        name=$(_swlsns_long_name "$prev")
        [[ $name ]] && _swlsns_values "$name" "$cur"
        return
    fi

    if [[ ! $dashdash && $cur == -* ]]; then
        # A value attached to a short option in the word itself: -tnet,
        # -oNS,TYPE, -Tparent, -T=parent.
        if [[ $cur == -[!-]?* ]]; then
            for ((j = 1; j < ${#cur} - 1; j++)); do
                letter=${cur:j:1}
                if [[ $_swlsns_short_args$_swlsns_short_optional == *"$letter"* ]]; then
                    local value=${cur:j+1} prefix=${cur:0:j+1}
                    # swlsns drops the '=' of -T=parent.
                    if [[ $letter == T && $value == =* ]]; then
                        prefix+==
                        value=${value#=}
                    fi
                    _swlsns_values "$(_swlsns_short_name "$letter")" "$value" "$prefix"
                    return
                fi
            done
        fi
        local opts=
        for name in $_swlsns_required_args $_swlsns_optional_args \
            $_swlsns_flags; do
            opts+=" --$name"
        done
        [[ $cur == --* ]] || opts+=" $_swlsns_short_opts"
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return
    fi

    # The namespace operand: an inode number.
    [[ $operand || $task ]] && return
    COMPREPLY=($(compgen -W "$(_swlsns_namespace_ids)" -- "$cur"))
} &&
    complete -F _swlsns swlsns

# ex: filetype=sh
