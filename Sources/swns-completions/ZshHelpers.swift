import SwnsCore

extension ZshCompletion {
    /// The functions that complete values, as the file defines them (each once, named after the
    /// tool); the spec of an option calls one with what it needs to know of the option.
    enum Helper: String, CaseIterable {
        case attached, choices, accounts, owner, ids, signals, environment, capabilities, pids, target
        case namespaceFiles = "namespace_files", sockets, columnSpecs = "column_specs", columns, filter, namespaces

        var function: String { "@TOOL@_" + rawValue }

        /// The other helpers it calls.
        var needs: [Helper] {
            switch self {
            case .owner: [.accounts]
            case .target: [.pids]
            case .columns, .filter: [.columnSpecs]
            default: []
            }
        }

        /// `helpers` and those they call.
        static func closure(of helpers: [Helper]) -> Set<Helper> {
            var found = Set<Helper>()
            var next = helpers
            while let helper = next.popLast() {
                if found.insert(helper).inserted { next += helper.needs }
            }
            return found
        }

        /// The definition, for any tool (`@TOOL@` stands for `_` and the tool's name), behind a
        /// guard that leaves a function of the same name alone.
        var text: String {
            let body = switch self {
            case .attached:
                #"""
                    # The value of a short option that takes one only attached: getopt leaves the '=' of
                    # -n=FILE in it, which the tool drops. Completes what follows with the command in $@.
                    (( $+functions[@FUNCTION@] )) ||
                    @FUNCTION@() {
                      compset -P '='
                      "$@"
                    }

                    """#
            case .choices:
                #"""
                    # One of a fixed list of words: $1 says what they are, the rest are word:meaning or word.
                    (( $+functions[@FUNCTION@] )) ||
                    @FUNCTION@() {
                      local -a choices
                      choices=( "${@[2,-1]}" )
                      _describe -t values "$1" choices
                    }

                    """#
            case .accounts:
                #"""
                    # The names in the account file $1, as the tool reads it: it does not ask NSS, so names
                    # known only to LDAP and the like are not offered. $2 and $3 are the tag and what the
                    # names are; the rest goes to compadd.
                    (( $+functions[@FUNCTION@] )) ||
                    @FUNCTION@() {
                      local file=$1 tag=$2 what=$3 expl
                      local -a names
                      shift 3
                      [[ -r $file ]] && names=( ${${(f)"$(<$file)"}%%:*} )
                      names=( ${names:#[#+-]*} )
                      _wanted $tag expl $what compadd "$@" -a names
                    }

                    """#
            case .owner:
                #"""
                    # USER:GROUP: a user, with a ':' that goes if a space is typed, then after it a group.
                    (( $+functions[@FUNCTION@] )) ||
                    @FUNCTION@() {
                      if compset -P '*:'; then
                        @TOOL@_accounts /etc/group groups group
                      else
                        @TOOL@_accounts /etc/passwd users user -S :
                      fi
                    }

                    """#
            case .ids:
                #"""
                    # 'follow', or a numeric ID of the account file $1; the tool takes no names there, so they
                    # are shown only as descriptions.
                    (( $+functions[@FUNCTION@] )) ||
                    @FUNCTION@() {
                      local file=$1 line
                      local -a ids fields
                      ids=( 'follow:the owner of /proc/PID of the target' )
                      [[ -r $file ]] && for line in ${(f)"$(<$file)"}; do
                        fields=( "${(@s.:.)line}" )
                        [[ $fields[3] == <-> ]] && ids+=( "$fields[3]:$fields[1]" )
                      done
                      _describe -t ids 'id' ids
                    }

                    """#
            case .signals:
                #"""
                    # The signal names the tool takes, with and without SIG; realtime ones with their number.
                    (( $+functions[@FUNCTION@] )) ||
                    @FUNCTION@() {
                      local expl
                      local -a names
                      names=(
                    \#(wrapped(Vocabulary.signals, indent: 4))
                      )
                      names+=( SIG$^names )
                      _wanted signals expl signal compadd -a names
                    }

                    """#
            case .environment:
                #"""
                    # A comma-separated list of the names of exported variables.
                    (( $+functions[@FUNCTION@] )) ||
                    @FUNCTION@() {
                      _sequence -s , _parameters -g '*export*'
                    }

                    """#
            case .capabilities:
                #"""
                    # A comma-separated list of capabilities: names, as libcap spells them without the cap_
                    # prefix, and 'all'; with $1 'changes', each with '+' or '-' in front, for the options
                    # that change one set. The tool takes CAP_NET_RAW and cap_net_raw in any case too, and
                    # numbers; upper case typed matches, and a typed cap_ prefix is offered too. Names
                    # already in the list are not offered again.
                    (( $+functions[@FUNCTION@] )) ||
                    @FUNCTION@() {
                      local expl
                      local -a names given
                      names=(
                    \#(wrapped(Vocabulary.capabilities, indent: 4))
                      )
                      names=( all $names )
                      if [[ $PREFIX == *,* ]]; then
                        given=( ${(s:,:)${(L)PREFIX%,*}} )
                        given=( ${${given#[+-]}#cap_} )
                        names=( ${names:|given} )
                      fi
                      compset -P '*,'
                      [[ ${(L)PREFIX#[+-]} == cap* ]] && names=( cap_${^names:#all} )
                      [[ $1 == changes ]] && names=( +$^names -$^names )
                      _wanted capabilities expl capability \
                        compadd -M 'm:{A-Z}={a-z}' -q -S , -a names
                    }

                    """#
            case .pids:
                #"""
                    # Every process, with its command name: a target is seldom on the shell's own terminal,
                    # which is all that _pids lists by default.
                    (( $+functions[@FUNCTION@] )) ||
                    @FUNCTION@() {
                      local -a procs
                      local line pid name
                      for line in ${(f)"$(ps -e -o pid=,comm= 2>/dev/null)"}; do
                        line=${line##[[:space:]]#}
                        pid=${line%[[:space:]]*}
                        name=${line#*[[:space:]]}
                        [[ $pid == <-> ]] && procs+=( "$pid:${name//:/\\:}" )
                      done
                      _describe -t processes 'process ID' procs -o nosort
                    }

                    """#
            case .target:
                #"""
                    # PID or PID:INODE; the inode of a pidfd cannot be guessed.
                    (( $+functions[@FUNCTION@] )) ||
                    @FUNCTION@() {
                      if compset -P '*:'; then
                        _message 'inode of the pidfd (pidfs)'
                      else
                        @TOOL@_pids
                      fi
                    }

                    """#
            case .namespaceFiles:
                #"""
                    # A file of a namespace of the type $1: the entries $2 (comma-separated) of /proc/PID/ns,
                    # which hold one; other paths; with $3 'netns', before a path is begun, the network
                    # namespaces that ip-netns(8) keeps (once it is, the files lead there, and the two kinds
                    # of match would not mix). ':' and digits is a namespace id, which cannot be guessed.
                    (( $+functions[@FUNCTION@] )) ||
                    @FUNCTION@() {
                      local type=$1 expl
                      local -a entries netns
                      entries=( ${(s:,:)2} )
                      if [[ $PREFIX == :* ]]; then
                        _message 'namespace id'
                        return
                      fi
                      if compset -P '/proc/[^/]##/ns/'; then
                        _wanted namespaces expl "$type namespace" compadd -a entries
                        return
                      fi
                      _files
                      [[ $3 == netns && $PREFIX != */* ]] && netns=( /run/netns/*(N) )
                      (( $#netns )) &&
                        _wanted netns expl 'network namespace of ip-netns' compadd -a netns
                    }

                    """#
            case .sockets:
                #"""
                    # The descriptors that are sockets of the process that the option $@ (its forms) gives.
                    (( $+functions[@FUNCTION@] )) ||
                    @FUNCTION@() {
                      local name pid fd link
                      local -a fds
                      for name; do
                        pid=${opt_args[$name]}
                        [[ -n $pid ]] && break
                      done
                      # opt_args has the colon of PID:INODE quoted with a backslash.
                      pid=${pid%%[\\:]*}
                      if [[ $pid != <-> ]]; then
                        _message "socket descriptor of the process (give $argv[-1] first)"
                        return
                      fi
                      for fd in /proc/$pid/fd/<->(N); do
                        link=$(readlink $fd 2>/dev/null) || continue
                        [[ $link == socket:* ]] && fds+=( "${fd:t}:$link" )
                      done
                      _describe -t sockets 'socket descriptor' fds
                    }

                    """#
            case .columnSpecs:
                #"""
                    # The columns, as the tool prints them, with what they show.
                    (( $+functions[@FUNCTION@] )) ||
                    @FUNCTION@() {
                      reply=(
                    \#(Vocabulary.columns.map { "    " + quoted($0.word + ":" + $0.help) }.joined(separator: "\n"))
                      )
                    }

                    """#
            case .columns:
                #"""
                    # LIST or +LIST: comma-separated column names in any case. The columns already in the
                    # list are not offered again, and a comma may follow each.
                    (( $+functions[@FUNCTION@] )) ||
                    @FUNCTION@() {
                      local before=$IPREFIX list given
                      local -a reply columns
                      @TOOL@_column_specs
                      columns=( $reply )
                      compset -P '+'
                      compset -P '*,'
                      list=${${IPREFIX#$before}#+}
                      for given in ${(U)${(s:,:)list}}; do
                        columns=( ${columns:#${(b)given}:*} )
                      done
                      _describe -t columns 'column' columns -M 'm:{a-z}={A-Z}' -q -S ,
                    }

                    """#
            case .filter:
                #"""
                    # A filter expression: a column name for the word being typed at its end; the rest is
                    # free text.
                    (( $+functions[@FUNCTION@] )) ||
                    @FUNCTION@() {
                      local -a reply columns
                      @TOOL@_column_specs
                      columns=( $reply )
                      compset -P '*[^A-Za-z0-9_-]'
                      _describe -t columns 'column' columns -M 'm:{a-z}={A-Z}' -S ''
                    }

                    """#
            case .namespaces:
                #"""
                    # The namespace operand: the inode numbers of the namespaces of the processes and of the
                    # nsfs bind mounts, with their types.
                    (( $+functions[@FUNCTION@] )) ||
                    @FUNCTION@() {
                      local link line root
                      local -a links fields namespaces
                      local -A seen
                      links=( /proc/<->/ns/*(N) )
                      (( $#links )) && for link in ${(f)"$(readlink $links 2>/dev/null)"}; do
                        [[ $link == (#b)([a-z]##):\[(<->)\] ]] || continue
                        seen[$match[2]]=$match[1]
                      done
                      [[ -r /proc/self/mountinfo ]] && for line in ${(f)"$(</proc/self/mountinfo)"}; do
                        [[ $line == *' - nsfs '* ]] || continue
                        fields=( ${(s: :)line} )
                        root=$fields[4]
                        [[ $root == (#b)([a-z]##):\[(<->)\] ]] || continue
                        seen[$match[2]]="$match[1], bind-mounted on $fields[5]"
                      done
                      for link in ${(k)seen}; do
                        namespaces+=( "$link:$seen[$link]" )
                      done
                      _describe -t namespaces 'namespace (inode number)' namespaces
                    }

                    """#
            }
            return body.replacing("@FUNCTION@", with: function)
        }
    }
}
