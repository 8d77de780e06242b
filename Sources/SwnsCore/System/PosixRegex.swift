import Glibc

/// A POSIX extended regular expression, compiled once by regcomp(3). After that only regexec(3)
/// reads it, which glibc allows from any thread.
final class PosixRegex: @unchecked Sendable {
    private let compiled: UnsafeMutablePointer<regex_t>

    /// nil when regcomp refuses the pattern, or when a NUL would cut it short.
    init?(_ pattern: String) {
        guard !pattern.utf8.contains(0) else { return nil }
        let compiled = UnsafeMutablePointer<regex_t>.allocate(capacity: 1)
        guard regcomp(compiled, pattern, REG_EXTENDED | REG_NOSUB) == 0 else {
            compiled.deallocate()
            return nil
        }
        self.compiled = compiled
    }

    deinit {
        regfree(compiled)
        compiled.deallocate()
    }

    /// A match anywhere in `text`, unless the pattern anchors it.
    func matches(_ text: String) -> Bool {
        regexec(compiled, text, 0, nil, 0) == 0
    }
}
