extension NsenterPlan {
    /// The steps in util-linux's order: the supplementary groups are dropped before entering
    /// (where we are privileged) and again after (where we may have become so); the namespaces
    /// are entered; root and working directory change; the cgroup is joined; with a PID namespace
    /// the child is forked; the program's process switches capabilities and ids, and execs.
    func stepsInOrder(rootName: String?, workingDirectoryName: String?, cgroupProcs: String?,
                      capabilities resolved: (start: CapabilitySets, sets: CapabilitySets?)) -> [Step] {
        var actions: [StepAction] = []
        if changesCredentials { actions.append(.dropGroups(tolerated: true)) }
        actions += setnsActions()
        if let rootFD {
            if keepsWorkingDirectory { actions.append(.keepWorkingDirectory) }
            actions.append(.chrootToDescriptor(rootFD, rootName ?? "/"))
        }
        if let directory = workingDirectoryInNamespace {
            actions.append(.changeDirectory(.inNamespace(directory)))
        } else if let workingDirectoryFD {
            actions.append(.changeDirectory(.descriptor(workingDirectoryFD, workingDirectoryName ?? ".")))
        } else if keepsWorkingDirectory {
            actions.append(.changeDirectory(.kept))
        }
        if let cgroupProcsFD { actions.append(.joinCgroup(cgroupProcsFD, cgroupProcs ?? "cgroup.procs")) }
        var steps = actions.map { Step(.caller, $0) }

        let program: StepProcess = forksForPidNamespace ? .child : .caller
        if forksForPidNamespace { steps.append(Step(.caller, .fork(.child))) }
        var credentials: [StepAction] = []
        if let switchGID { credentials += [.dropGroups(tolerated: true), .setgid(switchGID)] }
        if let switchUID { credentials.append(.setuid(switchUID)) }
        steps += Step.credentialsAndCapabilities(program, sets: resolved.sets, from: resolved.start, credentials: credentials,
                                                 switchingUser: switchUID != nil, noNewPrivileges: capabilities.noNewPrivs)
        steps.append(Step(program, .exec(self.program)))
        if forksForPidNamespace { steps.append(Step(.caller, .wait)) }
        return steps
    }

    /// util-linux enters in two passes: everything but the user namespace first, refusals
    /// tolerated (entering them first deprivileges a root caller last), then the user namespace
    /// and whatever was refused (entering it first gives an unprivileged caller the rights for the
    /// rest). The plan writes down the order each caller will see: a privileged caller's two
    /// passes (with CAP_SYS_ADMIN), whose refusals are retried after the user namespace, or
    /// anyone else's user namespace first, where the first pass could only be refused.
    private func setnsActions() -> [StepAction] {
        let pid = target?.pid ?? 0
        // CAP_SYS_ADMIN where we are: what setns(2) asks of us for every type but the user namespace.
        let privileged = Libcap.hasEffective(Capability.sysAdmin)
        var userFile: [StepAction] = []
        var otherFiles: [StepAction] = []
        for file in files {
            let action = StepAction.setns(fd: file.fd, file.kind.mask, from: .file(file.origin),
                                          retried: privileged && file.kind != .user)
            if file.kind == .user { userFile.append(action) } else { otherFiles.append(action) }
        }
        guard let pidfd = target?.pidfd, !pidfdMask.isEmpty else {
            return privileged ? otherFiles + userFile : userFile + otherFiles
        }
        // One setns(pidfd) takes several types at once, and the kernel enters the user namespace
        // among them first.
        guard privileged else {
            return userFile + [.setns(fd: pidfd, pidfdMask, from: .pidfd(pid), retried: false)] + otherFiles
        }
        var actions: [StepAction] = []
        let others = pidfdMask.subtracting(.user)
        if !others.isEmpty { actions.append(.setns(fd: pidfd, others, from: .pidfd(pid), retried: true)) }
        actions += otherFiles + userFile
        if pidfdMask.contains(.user) { actions.append(.setns(fd: pidfd, .user, from: .pidfd(pid), retried: false)) }
        return actions
    }
}
