import Glibc

/// One step of a plan: a change a tool makes to the system, the process that makes it, in the
/// order it is made. A plan holds all of its steps before anything changes; `perform` walks them,
/// and `--dry-run` prints them, so that what is printed is what is done.
///
/// Steps hold values, not text: the words are made only when a step is printed or logged, so a
/// run that does neither makes no strings for them.
public struct Step: Sendable, Equatable {
    public let process: StepProcess
    public let action: StepAction

    public init(_ process: StepProcess, _ action: StepAction) {
        self.process = process
        self.action = action
    }
}

/// The processes of a run: the tool's own, the child that becomes the program (`--fork`, or
/// swnsenter's fork into a PID namespace), and swunshare's helpers, forked before unshare(2) so
/// that they stay in the original namespaces.
public enum StepProcess: Sendable, Equatable {
    case caller
    case child
    /// Binds the new namespaces' files where a new mount or user namespace would take away the
    /// right to bind them on the caller's files.
    case bindHelper
    /// Writes the id maps that need a process outside the new user namespace.
    case mapHelper
    /// Takes the bound files down again when a later step fails.
    case undoHelper

    public var name: String {
        switch self {
        case .caller: "caller"
        case .child: "child"
        case .bindHelper: "bind-helper"
        case .mapHelper: "map-helper"
        case .undoHelper: "undo-helper"
        }
    }
}

/// What a step does, with every argument it needs. `PID` in a step's words stands for the
/// caller's process ID, which is not known until the tool runs.
public enum StepAction: Sendable, Equatable {
    /// Forks the process named; the caller goes on.
    case fork(StepProcess)
    case unshare(NamespaceMask)
    /// setns(2) on a descriptor opened by the plan (a pidfd takes several types at once).
    /// `retried`: a refusal is tolerated and the step is made again after the user namespace is
    /// entered (util-linux's two passes).
    case setns(fd: Int32, NamespaceMask, from: SetnsSource, retried: Bool)
    /// uid_map or gid_map of the caller, written from outside its new user namespace: by root
    /// itself, or else by newuidmap/newgidmap.
    case writeCallerMap(IDMapWriter.Kind, IDMap, privileged: Bool)
    /// The process's own map, one id, from inside.
    case writeOwnMap(IDMapWriter.Kind, IDRange)
    case writeSetgroups(SetgroupsMode)
    case setClockOffset(clock: Int32, seconds: Int64)
    case sethostname(String)
    case setdomainname(String)
    /// Binds the caller's namespace file of `kind` on `target`.
    case bind(NamespaceKind, on: String)
    /// Propagation of the new mount namespace's /.
    case propagateRoot(MountFlags)
    /// Makes a mountpoint private before proc is mounted there; nothing mounted there yet
    /// (EINVAL) is no failure.
    case makePrivate(String)
    case mountProc(String)
    case mountBinfmt(String)
    case registerBinfmt(BinfmtInterpreter, in: String)
    case chroot(String)
    case chdir(String)
    /// swnsenter: chroot to the directory of a descriptor opened by the plan.
    case chrootToDescriptor(Int32, String)
    /// swnsenter: opens the working directory before a chroot, to go back to it after.
    case keepWorkingDirectory
    /// swnsenter: changes to a directory opened by the plan, by path inside the entered
    /// namespaces, or to the one kept.
    case changeDirectory(WorkingDirectory)
    /// Writes our PID to a cgroup.procs opened by the plan.
    case joinCgroup(Int32, String)
    /// Drops the supplementary groups. `tolerated`: swnsenter's attempt before entering, where a
    /// refusal is remembered rather than fatal.
    case dropGroups(tolerated: Bool)
    case setgid(UInt32)
    case setuid(UInt32)
    /// The capabilities left out of the bounding set, dropped while still privileged.
    case dropBounding(UInt64)
    case keepCapabilities(Bool)
    /// Permitted, effective and inheritable in one capset(2).
    case setCapabilities(CapabilitySets)
    case clearAmbient
    case raiseAmbient(UInt64)
    case noNewPrivileges
    case exec(Program)
    /// The caller waits for the child and ends as it did.
    case wait

    public enum SetnsSource: Sendable, Equatable {
        /// The target's pidfd.
        case pidfd(pid_t)
        /// A namespace file, named as in error messages (a path, a namespace id, a socket).
        case file(String)
    }

    public enum WorkingDirectory: Sendable, Equatable {
        case descriptor(Int32, String)
        case inNamespace(String)
        case kept
    }
}

extension Step {
    /// The steps of capability sets resolved from `start`, around the switch of ids that
    /// `credentials` makes, in the kernel's order: the bounding set while still privileged,
    /// keep-caps across the uid switch, then the other sets, ambient last, then no_new_privs.
    static func credentialsAndCapabilities(_ process: StepProcess, sets: CapabilitySets?, from start: CapabilitySets,
                                           credentials: [StepAction], switchingUser: Bool,
                                           noNewPrivileges: Bool) -> [Step] {
        var actions: [StepAction] = []
        if let sets {
            let drop = start.bounding & ~sets.bounding
            if drop != 0 { actions.append(.dropBounding(drop)) }
            if switchingUser { actions.append(.keepCapabilities(true)) }
        }
        actions += credentials
        if let sets {
            actions += [.setCapabilities(sets), .clearAmbient]
            if sets.ambient != 0 { actions.append(.raiseAmbient(sets.ambient)) }
            actions.append(.keepCapabilities(false))
        }
        if noNewPrivileges { actions.append(.noNewPrivileges) }
        return actions.map { Step(process, $0) }
    }
}
