/// A binfmt_misc registration string, `:name:type:offset:magic:mask:interpreter:flags`, checked
/// the way the kernel will check it, so that a bad one is refused before anything is changed.
public struct BinfmtInterpreter: Equatable, Sendable {
    public let specification: String
    public let name: String
    public let interpreter: String
    public let flags: String

    /// The F flag makes the kernel open the interpreter at registration time, so with --root
    /// binfmt_misc is mounted (and the interpreter loaded) before the chroot as well.
    public var fixBinary: Bool { flags.contains("F") }

    public init?(_ text: String) {
        // The first character is the delimiter; seven fields follow it.
        // The kernel takes 11 to 1920 bytes (MAX_REGISTER_LENGTH).
        let length = CStrings.bytes(text).count
        guard let delimiter = text.first, length >= 11, length <= 1920 else { return nil }
        var body = Substring(text.dropFirst())
        if body.hasSuffix("\n") { body = body.dropLast() }
        let fields = body.split(separator: delimiter, omittingEmptySubsequences: false)
        guard fields.count == 7 else { return nil }
        let name = String(fields[0]), type = fields[1], offset = fields[2]
        let magic = fields[3], interpreter = String(fields[5]), flags = String(fields[6])
        guard !name.isEmpty, name != ".", name != "..", !name.contains("/"), name.utf8.count < 256 else { return nil }
        guard type == "M" || type == "E" else { return nil }
        // For an extension (E) the kernel ignores offset and mask, and the extension is a name.
        guard type == "E" || offset.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        guard !magic.isEmpty, type == "M" || !magic.contains("/") else { return nil }
        guard !interpreter.isEmpty else { return nil }
        guard flags.allSatisfy({ "POCF".contains($0) }) else { return nil }
        self.specification = text
        self.name = name
        self.interpreter = interpreter
        self.flags = flags
    }
}
