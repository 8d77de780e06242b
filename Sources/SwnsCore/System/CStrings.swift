import CSwns
import Glibc

/// C strings and argument vectors, made without the standard library's bridging (`strdup(text)`,
/// `text.utf8CString`, `CommandLine.arguments`): that code sits far from ours in a static binary,
/// and the pages it touches would make up a good part of a tool's start-up memory (see
/// bench/README.md).
public enum CStrings {
    /// Bytes that are not UTF-8 (a file name in Latin-1, an argument of `printf '\xe9'`) must
    /// reach the system unchanged, as they do through util-linux's C. A Swift string cannot hold
    /// them, so each such byte B (always 0x80 or above) stands in a string as the private-use
    /// scalar U+10FF00 + B, and turns back into B wherever a string becomes bytes again: here,
    /// in `withCString`, and in `bytes`. Real U+10FF80...U+10FFFF in the input are escaped byte
    /// by byte as well, so the mapping is exact both ways.
    static let escapeBase: UInt32 = 0x10FF00

    /// A malloc'd, NUL-terminated copy of the bytes `text` stands for; free it with free(3).
    public static func duplicate(_ text: String) -> UnsafeMutablePointer<CChar> {
        var text = text
        return text.withUTF8 { utf8 in
            let copy = malloc(utf8.count + 1)!.assumingMemoryBound(to: CChar.self)
            let count = unescape(utf8, into: UnsafeMutableRawPointer(copy).assumingMemoryBound(to: UInt8.self))
            copy[count] = 0
            return copy
        }
    }

    /// Calls `body` with the bytes `text` stands for, NUL-terminated: for a path or a name that
    /// goes to a system call.
    public static func withCString<R, E: Error>(_ text: String,
                                                _ body: (UnsafePointer<CChar>) throws(E) -> R) throws(E) -> R {
        let copy = duplicate(text)
        // The wrappers read errno after the call that `body` makes: free must not change it.
        defer {
            let saved = Glibc.errno
            Glibc.free(copy)
            Glibc.errno = saved
        }
        return try body(copy)
    }

    /// The bytes `text` stands for: what a tool writes to a file or a terminal.
    public static func bytes(_ text: String) -> [UInt8] {
        var text = text
        return text.withUTF8 { utf8 in
            [UInt8](unsafeUninitializedCapacity: utf8.count) { buffer, count in
                count = unescape(utf8, into: buffer.baseAddress!)
            }
        }
    }

    /// Copies UTF-8 to `output`, escaped scalars turned back into their bytes; returns the count
    /// written, never more than `utf8.count`.
    static func unescape(_ utf8: UnsafeBufferPointer<UInt8>, into output: UnsafeMutablePointer<UInt8>) -> Int {
        guard let base = utf8.baseAddress else { return 0 }
        // An escape is F4 8F BE/BF xx; without an F4 byte the text is its own bytes.
        guard memchr(base, 0xF4, utf8.count) != nil else {
            output.update(from: base, count: utf8.count)
            return utf8.count
        }
        var read = 0, written = 0
        while read < utf8.count {
            if read + 3 < utf8.count, utf8[read] == 0xF4, utf8[read + 1] == 0x8F, utf8[read + 2] & 0xFE == 0xBE {
                output[written] = 0x80 | (utf8[read + 2] & 1) << 6 | (utf8[read + 3] & 0x3F)
                read += 4
            } else {
                output[written] = utf8[read]
                read += 1
            }
            written += 1
        }
        return written
    }

    /// The string that stands for the bytes at `cString`, lossless (see `escapeBase`). Plain
    /// ASCII, the usual option value or program name, is made without calling into the
    /// standard library's decoding.
    public static func string(_ cString: UnsafePointer<CChar>) -> String {
        let count = strlen(cString)
        if count == 0 { return "" }
        return string(UnsafeBufferPointer(start: UnsafeRawPointer(cString).assumingMemoryBound(to: UInt8.self),
                                          count: count))
    }

    /// The string that stands for `bytes`, lossless (see `escapeBase`).
    public static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var index = 0
        while index < bytes.count, bytes[index] < 0x80 { index += 1 }
        if index == bytes.count {
            return String(unsafeUninitializedCapacity: bytes.count) { buffer in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(bytes))
                return bytes.count
            }
        }
        var utf8: [UInt8] = []
        utf8.reserveCapacity(bytes.count + 8)
        utf8.append(contentsOf: bytes[..<index])
        while index < bytes.count {
            let length = validSequenceLength(bytes, at: index)
            if length > 0 {
                utf8.append(contentsOf: bytes[index..<(index + length)])
                index += length
            } else {
                let scalar = escapeBase + UInt32(bytes[index])
                utf8.append(0xF0 | UInt8(scalar >> 18))
                utf8.append(0x80 | UInt8((scalar >> 12) & 0x3F))
                utf8.append(0x80 | UInt8((scalar >> 6) & 0x3F))
                utf8.append(0x80 | UInt8(scalar & 0x3F))
                index += 1
            }
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// The string that stands for `bytes`, lossless (see `escapeBase`).
    public static func string(_ bytes: some Collection<UInt8>) -> String {
        let contiguous = Array(bytes)
        return contiguous.withUnsafeBufferPointer { string($0) }
    }

    /// The length of the well-formed UTF-8 sequence at `index` that stands for itself, or 0: for
    /// a byte that is not part of one, or for a sequence of a scalar that escapes use.
    static func validSequenceLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        guard let (value, length) = scalar(bytes, at: index), value < escapeBase + 0x80 else { return 0 }
        return length
    }

    /// The scalar of the well-formed UTF-8 sequence at `start` and its length, or nil where the
    /// bytes are not one (as mbrtowc has it: overlong forms, surrogates and values past U+10FFFF
    /// are not).
    public static func scalar<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, at start: Int)
        -> (value: UInt32, length: Int)? where Bytes.Index == Int {
        let lead = bytes[start]
        if lead < 0x80 { return (UInt32(lead), 1) }
        let length: Int, minimum: UInt32
        var value: UInt32
        switch lead {
        case 0xc2...0xdf: (length, minimum, value) = (2, 0x80, UInt32(lead & 0x1f))
        case 0xe0...0xef: (length, minimum, value) = (3, 0x800, UInt32(lead & 0x0f))
        case 0xf0...0xf4: (length, minimum, value) = (4, 0x10000, UInt32(lead & 0x07))
        default: return nil
        }
        guard start + length <= bytes.endIndex else { return nil }
        for offset in 1..<length {
            let byte = bytes[start + offset]
            guard byte & 0xc0 == 0x80 else { return nil }
            value = value << 6 | UInt32(byte & 0x3f)
        }
        guard value >= minimum, value <= 0x10ffff, !(0xd800...0xdfff).contains(value) else { return nil }
        return (value, length)
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

    /// The name the program was invoked by, without its folder (program_invocation_short_name),
    /// for messages: a tool installed as `unshare` calls itself that, as util-linux's does.
    public var programName: String? {
        guard count > 0, let first = pointers[0], first.pointee != 0 else { return nil }
        let slash = strrchr(first, Int32(UInt8(ascii: "/")))
        let name = CStrings.string(slash.map { UnsafePointer($0 + 1) } ?? UnsafePointer(first))
        return name.isEmpty ? nil : name
    }
}
