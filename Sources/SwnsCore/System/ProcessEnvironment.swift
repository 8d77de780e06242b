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
