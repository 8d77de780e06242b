import Glibc

extension UnsharePlan {
    /// The steps in util-linux's order. The helpers are forked before unshare(2), so that they
    /// keep the original namespaces; the maps that need a process outside the new user namespace
    /// are written right after it, and the clock offsets and names before any other process is in
    /// the new namespaces. Then, with `--fork`, the child is forked and waits while the files are
    /// bound; the process that becomes the program writes its own maps, mounts, changes root and
    /// directory, switches capabilities and ids, and execs.
    func stepsInOrder(capabilities resolved: (start: CapabilitySets, sets: CapabilitySets?)) -> [Step] {
        var steps: [Step] = []
        let bindsInHelper = !persist.isEmpty && !namespaces.isDisjoint(with: [.mount, .user])
        if bindsInHelper { steps.append(Step(.caller, .fork(.bindHelper))) }
        if !persist.isEmpty { steps.append(Step(.caller, .fork(.undoHelper))) }
        if helperUserMap != nil || helperGroupMap != nil { steps.append(Step(.caller, .fork(.mapHelper))) }
        // The user namespace is owned by the credentials that create it.
        if let owner {
            steps += [Step(.caller, .dropGroups(tolerated: false)), Step(.caller, .setgid(owner.gid)),
                      Step(.caller, .setuid(owner.uid))]
        }
        steps.append(Step(.caller, .unshare(namespaces)))
        if let map = helperUserMap { steps.append(Step(.mapHelper, .writeCallerMap(.user, map, privileged: privileged))) }
        if let map = helperGroupMap { steps.append(Step(.mapHelper, .writeCallerMap(.group, map, privileged: privileged))) }
        if let seconds = boottimeOffset { steps.append(Step(.caller, .setClockOffset(clock: CLOCK_BOOTTIME, seconds: seconds))) }
        if let seconds = monotonicOffset { steps.append(Step(.caller, .setClockOffset(clock: CLOCK_MONOTONIC, seconds: seconds))) }
        if let hostname { steps.append(Step(.caller, .sethostname(hostname))) }
        if let domainname { steps.append(Step(.caller, .setdomainname(domainname))) }

        let program: StepProcess = fork == nil ? .caller : .child
        if fork != nil { steps.append(Step(.caller, .fork(.child))) }
        for kind in NamespaceKind.all {
            guard let target = persist[kind] else { continue }
            steps.append(Step(bindsInHelper ? .bindHelper : .caller, .bind(kind, on: target)))
        }
        steps += programSteps(program, capabilities: resolved)
        if fork != nil { steps.append(Step(.caller, .wait)) }
        return steps
    }

    /// In the process that becomes the program: its own id maps (an unprivileged process may
    /// write gid_map only after denying setgroups, since Linux 3.19), propagation of /, binfmt_misc
    /// and proc around the change of root and working directory, capabilities and ids, exec.
    private func programSteps(_ process: StepProcess,
                              capabilities resolved: (start: CapabilitySets, sets: CapabilitySets?)) -> [Step] {
        var actions: [StepAction] = []
        if let range = ownUserMap { actions.append(.writeOwnMap(.user, range)) }
        if let range = ownGroupMap { actions += [.writeSetgroups(.deny), .writeOwnMap(.group, range)] }
        if let setgroups { actions.append(.writeSetgroups(setgroups)) }
        if let rootPropagation { actions.append(.propagateRoot(rootPropagation)) }
        if let binfmt, binfmt.registersBeforeRoot, let interpreter = binfmt.interpreter {
            actions += [.mountBinfmt(binfmt.mountpoint), .registerBinfmt(interpreter, in: binfmt.mountpoint)]
        }
        if let root { actions.append(.chroot(root)) }
        if let workingDirectory { actions.append(.chdir(workingDirectory)) }
        if let procMount {
            if procMount.makePrivateFirst { actions.append(.makePrivate(procMount.mountpoint)) }
            actions.append(.mountProc(procMount.mountpoint))
        }
        if let binfmt {
            actions.append(.mountBinfmt(binfmt.mountpoint))
            if let interpreter = binfmt.interpreter, !binfmt.registersBeforeRoot {
                actions.append(.registerBinfmt(interpreter, in: binfmt.mountpoint))
            }
        }
        var credentials: [StepAction] = []
        if let gid { credentials += [.dropGroups(tolerated: false), .setgid(gid)] }
        if let uid { credentials.append(.setuid(uid)) }
        return actions.map { Step(process, $0) }
            + Step.credentialsAndCapabilities(process, sets: resolved.sets, from: resolved.start, credentials: credentials,
                                              switchingUser: uid != nil, noNewPrivileges: capabilities.noNewPrivs)
            + [Step(process, .exec(program))]
    }
}
