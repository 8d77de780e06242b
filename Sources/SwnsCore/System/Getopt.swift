import CSwns

/// glibc's getopt_long behind functions (its state is global; Swift 6 rejects mutable C globals).
/// One parse at a time per process: unit tests parse in parallel, so `parse` holds a lock.
enum Getopt {
    /// getopt_long's table row.
    typealias LongOption = swns_long_option

    /// Runs `body` with getopt's state reset and held for it alone.
    static func withExclusiveState<T>(_ body: () -> T) -> T {
        swns_getopt_lock()
        defer { swns_getopt_unlock() }
        swns_getopt_reset()
        return body()
    }

    /// One step of getopt_long, silent: the option's value, -1 at the end, `?` or `:` on a
    /// complaint that the caller words.
    static func next(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>,
                     _ shortOptions: UnsafePointer<CChar>, _ longOptions: UnsafePointer<LongOption>,
                     count: Int) -> Int32 {
        swns_getopt_long(argc, argv, shortOptions, longOptions, count)
    }

    static var argument: UnsafePointer<CChar>? { swns_optarg() }
    static var index: Int32 { swns_optind() }
    static var unknownLetter: Int32 { swns_optopt() }
}
