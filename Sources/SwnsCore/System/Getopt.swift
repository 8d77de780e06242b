import CSwns
import Glibc

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

    /// An option as getopt_long's tables take it: what the long and the short form take are
    /// `no_argument` (0), `required_argument` (1) or `optional_argument` (2).
    struct Row {
        let long: String
        let letter: UInt8?
        let argument: Int32
        let shortArgument: Int32
    }

    /// getopt_long's two tables, in C memory: the short-option string (`+:m::u::`) and the long
    /// options, each with its value: its letter, or a number past every letter.
    struct Tables {
        let short: UnsafeMutablePointer<CChar>
        let long: UnsafeMutablePointer<LongOption>
        let count: Int

        /// `+` makes getopt stop at the first operand; `:` makes it tell a missing argument (`:`)
        /// from an unknown option (`?`).
        init(_ rows: [Row], stopAtFirstOperand: Bool) {
            count = rows.count
            short = UnsafeMutablePointer<CChar>.allocate(capacity: 3 * rows.count + 3)
            long = UnsafeMutablePointer<LongOption>.allocate(capacity: rows.count)
            var length = 0
            func add(_ character: UInt8) {
                short[length] = CChar(bitPattern: character)
                length += 1
            }
            if stopAtFirstOperand { add(UInt8(ascii: "+")) }
            add(UInt8(ascii: ":"))
            for index in rows.indices {
                let row = rows[index]
                long[index] = LongOption(name: CStrings.duplicate(row.long), has_arg: row.argument,
                                         val: row.letter.map { Int32($0) } ?? 256 + Int32(index))
                guard let letter = row.letter else { continue }
                add(letter)
                // One colon: a required argument; two: an optional one.
                if row.shortArgument >= 1 { add(UInt8(ascii: ":")) }
                if row.shortArgument == 2 { add(UInt8(ascii: ":")) }
            }
            add(0)
        }

        func deallocate() {
            for index in 0..<count { free(UnsafeMutableRawPointer(mutating: long[index].name)) }
            long.deallocate()
            short.deallocate()
        }
    }
}
