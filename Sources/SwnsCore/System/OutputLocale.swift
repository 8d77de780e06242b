import Glibc

/// The locale as util-linux's tools see it after setlocale(LC_ALL, "").
public enum OutputLocale {
    /// Whether the locale's character set is UTF-8, decided as util-linux's setlocale(LC_ALL, "")
    /// leaves it: LC_ALL names every category's locale, else LC_<category>, else LANG; when one
    /// of them is not installed, setlocale fails as a whole and the locale stays C (ASCII). C,
    /// POSIX and C.UTF-8 are known without asking, so only other names cost a setlocale call
    /// (about 0.1 ms: it loads the locales, and tells whether they exist).
    public static func isUTF8() -> Bool {
        func variable(_ name: String) -> String? {
            guard let value = getenv(name), value.pointee != 0 else { return nil }
            return String(cString: value)
        }
        let categories = ["LC_CTYPE", "LC_NUMERIC", "LC_TIME", "LC_COLLATE", "LC_MONETARY", "LC_MESSAGES",
                          "LC_PAPER", "LC_NAME", "LC_ADDRESS", "LC_TELEPHONE", "LC_MEASUREMENT", "LC_IDENTIFICATION"]
        let names = variable("LC_ALL").map { [$0] } ?? categories.map { variable($0) ?? variable("LANG") ?? "" }
        // An array, not a Set: hashing strings would page in the standard library's Unicode
        // normalization, a good part of swlsns's peak memory.
        let builtIn = ["", "C", "POSIX", "C.UTF-8", "C.utf8"]
        if names.allSatisfy({ name in builtIn.contains { $0 == name } }) {
            return names[0] == "C.UTF-8" || names[0] == "C.utf8"
        }
        guard setlocale(LC_ALL, "") != nil, let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
        return String(cString: codeset) == "UTF-8"
    }
}
