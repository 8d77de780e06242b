extension NsenterOption: CompletableOptions {
    public var valueCompletion: CompletionValue? {
        switch self {
        case .target: .process(inode: true)
        case .namespace(let kind): .namespaceFile(kind)
        case .netSocket: .socket(processOption: "target")
        case .setuid: .accountID(groups: false)
        case .setgid: .accountID(groups: true)
        case .capability(let option): option.valueCompletion
        case .status(let option): option.valueCompletion
        case .root, .workingDirectory, .workingDirectoryInNamespace: .directories
        case .all, .userParent, .preserveCredentials, .environment, .noFork, .joinCgroup, .help, .version:
            nil
        }
    }

    public var repeats: Bool {
        if case .capability(let option) = self { return option.repeats }
        return false
    }

    public var actsAlone: Bool { self == .help || self == .version }

    public static let operands = OperandCompletion<NsenterOption>.program
}
