import CSwns
import Glibc

/// C strings and argument vectors, made without the standard library's bridging (`strdup(text)`,
/// `text.utf8CString`, `CommandLine.arguments`): that code sits far from ours in a static binary,
/// and the pages it touches would make up a good part of a tool's start-up memory (see
/// bench/README.md).
public enum CStrings {
    /// A malloc'd, NUL-terminated copy of `text`'s UTF-8; free it with free(3).
    public static func duplicate(_ text: String) -> UnsafeMutablePointer<CChar> {
        var text = text
        return text.withUTF8 { bytes in
            let copy = malloc(bytes.count + 1)!.assumingMemoryBound(to: CChar.self)
            if let base = bytes.baseAddress { memcpy(copy, base, bytes.count) }
            copy[bytes.count] = 0
            return copy
        }
    }

    /// The string in `cString`, its bytes taken as UTF-8 (invalid ones repaired, as
    /// `String(cString:)` does). A short ASCII string, the usual option value or program name,
    /// is made without calling into the standard library.
    public static func string(_ cString: UnsafePointer<CChar>) -> String {
        let count = strlen(cString)
        if count == 0 { return "" }
        return String(unsafeUninitializedCapacity: count) { buffer in
            UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: cString, byteCount: count)
            return count
        }
    }

    /// A malloc'd, NULL-terminated vector of copies of `texts`; free it with `free(_:)`.
    public static func vector(_ texts: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> {
        let vector = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: texts.count + 1)
        for index in texts.indices { vector[index] = duplicate(texts[index]) }
        vector[texts.count] = nil
        return vector
    }

    /// Frees a vector from `vector(_:)` and its strings.
    public static func free(_ vector: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) {
        var index = 0
        while let string = vector[index] {
            Glibc.free(string)
            index += 1
        }
        vector.deallocate()
    }
}

/// An argument vector as C passes it to main: `count` strings, then a null pointer.
public struct ArgumentVector {
    public let count: Int32
    public let pointers: UnsafePointer<UnsafeMutablePointer<CChar>?>

    public init(count: Int32, pointers: UnsafePointer<UnsafeMutablePointer<CChar>?>) {
        self.count = count
        self.pointers = pointers
    }

    /// This process's arguments, as the C runtime passed them to main. (A C library that does not
    /// pass them to constructors, as musl does not, gets the standard library's copy.)
    public static var process: ArgumentVector {
        guard let pointers = swns_argv() else {
            return ArgumentVector(count: CommandLine.argc, pointers: UnsafePointer(CommandLine.unsafeArgv))
        }
        return ArgumentVector(count: swns_argc(), pointers: UnsafePointer(pointers))
    }

    public subscript(index: Int) -> UnsafeMutablePointer<CChar> { pointers[index]! }
}
