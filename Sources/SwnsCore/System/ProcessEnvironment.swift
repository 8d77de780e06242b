import CSwns
import Glibc

/// The process environment without Foundation.
public enum ProcessEnvironment {
    public static var current: [String] {
        var result: [String] = []
        guard var pointer = swns_environ() else { return result }
        while let entry = pointer.pointee {
            result.append(CStrings.string(entry))
            pointer += 1
        }
        return result
    }

    /// The variable from the process's own environment.
    public static func value(_ name: String) -> String? {
        CStrings.withCString(name) { getenv($0) }.map { CStrings.string($0) }
    }

    /// A variable that holds a small number (a descriptor, a count), read without making strings
    /// (the tools read one at every start); nil when it is unset or not a number.
    public static func number(_ name: StaticString) -> Int32? {
        guard let value = name.withUTF8Buffer({ buffer in
            buffer.withMemoryRebound(to: CChar.self) { getenv($0.baseAddress!) }
        }), value.pointee != 0 else { return nil }
        var number: Int32 = 0
        var pointer = value
        while pointer.pointee != 0 {
            let digit = Int32(pointer.pointee) - 48
            guard digit >= 0, digit <= 9, number < 100_000 else { return nil }
            number = number * 10 + digit
            pointer += 1
        }
        return number
    }

    public static func value(_ name: String, in environment: [String]) -> String? {
        let prefix = name + "="
        return environment.first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }

    /// The first executable `name` on `path`, as execvp would find it.
    public static func findExecutable(_ name: String, path: String) -> String? {
        if name.contains("/") { return Kernel.isExecutable(name) ? name : nil }
        for directory in path.split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = (directory.isEmpty ? "." : String(directory)) + "/" + name
            if Kernel.isExecutable(candidate) { return candidate }
        }
        return nil
    }
}
