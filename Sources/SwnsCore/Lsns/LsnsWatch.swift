import Glibc

/// `swlsns --watch`: the namespaces once, as swlsns lists them, then a line for each that appears
/// (`+`), vanishes (`-`) or changes in a watched column that is shown (`~`: NPROCS, PID, COMMAND,
/// NSFS), each with the time of the scan that saw it.
///
/// A scan is the one swlsns makes, with the same options (`-t`, `-p`, `-P`, `-Q` keep the same
/// rows). Scans come at the interval, and sooner when an event source says that something may have
/// changed: the proc connector's fork, exec and exit events, and changes of the mount table. A
/// namespace that one scan misses is reported gone only when the next scan, made soon after,
/// misses it too: a process that vanished mid-scan, or a /proc file that could not be read once,
/// makes no pair of lines for a namespace that stayed.
///
/// Between scans the process sleeps in poll(2). SIGINT and SIGTERM end it with status 0 between
/// two lines, also while it waits for room in a full pipe; so does a reader that went away.
public struct LsnsWatch {
    let command: LsnsCommand
    let settings: LsnsCommand.Watch
    /// What the last scans showed, by namespace.
    var known: [UInt64: Seen] = [:]
    /// The shown columns that a `~` line is made for.
    let watched: [LsnsColumn]
    /// The locale's characters are UTF-8: the table's cells show them, as the listing's do.
    let utf8 = OutputLocale.isUTF8()

    struct Seen {
        var cells: [[UInt8]?]
        /// Its NS_GET_ID: the kernel gives a freed inode number to the next namespace it makes,
        /// so a known number whose type, PID or NSFS changed may name another namespace, which
        /// this tells (0: unknown, and the number is taken as the namespace).
        var identity: UInt64
        /// The last scan missed it; the next one decides.
        var missed = false
    }

    /// How soon after a scan an event may start the next one, and after a scan that missed a
    /// namespace, the scan that confirms it: a tenth of a second, or nine times as long as the
    /// last scan took, so that the scans that come before the interval take at most a tenth of
    /// a core however busy the system is (on a host that forks all the time, the events never
    /// stop); never later than the interval.
    static let earliestGapMilliseconds: Int64 = 100

    func earlyGap(lastScanTook duration: Int64) -> Int64 {
        min(settings.intervalMilliseconds, max(Self.earliestGapMilliseconds, 9 * duration))
    }

    public init(_ command: LsnsCommand, settings: LsnsCommand.Watch) {
        self.command = command
        self.settings = settings
        watched = [.nprocs, .pid, .command, .nsfs].filter { command.shownColumns.contains($0) }
    }

    /// Watches until SIGINT or SIGTERM, or until standard output's reader goes away.
    /// `SWNS_WATCH_SCANS` (for the benchmark) ends it after that many scans.
    public mutating func run() throws(SwnsError) {
        Kernel.ignoreBrokenPipe()
        var sources = try EventSources(settings.source)
        let scanLimit = ProcessEnvironment.number("SWNS_WATCH_SCANS")

        let signals = try SwnsError.wording("signalfd failed") { () throws(SystemError) in
            try Kernel.interruptSignalDescriptor()
        }
        // The listing as swlsns prints it, written as the changes are: a line at a time.
        var report = LsnsReport(command)
        if !settings.eventsOnly {
            var listing: [UInt8] = []
            try report.render(terminalWidth: Kernel.terminalWidth(STDOUT_FILENO)) { listing += $0 }
            if !write(Self.lines(of: listing), signals: signals) { return }
        }
        var rows = try report.keyedRows()
        for row in rows { known[row.id] = Seen(cells: row.cells, identity: report.identity(of: row.id)) }
        if command.headings && command.format != .json, !write([heading()], signals: signals) { return }
        var scans = 1
        var lastScan = Kernel.monotonicMilliseconds
        var lastScanTook: Int64 = 0
        var triggered = false
        var confirming = false

        while !StandardStreams.outputFailed {
            if let scanLimit, scans >= scanLimit { return }
            let now = Kernel.monotonicMilliseconds
            var due = lastScan + settings.intervalMilliseconds
            if confirming || triggered { due = min(due, lastScan + earlyGap(lastScanTook: lastScanTook)) }
            if now < due {
                // Once a scan is due sooner, more events change nothing: only the signals are
                // waited for then.
                // Standard output with no events asked for: poll tells when a pipe's reader has
                // gone away (POLLERR), so that a watch whose output nobody reads ends at once.
                let fds = [signals, STDOUT_FILENO] + (triggered ? [] : sources.fds)
                let events = [Int16(POLLIN), 0] + (triggered ? [] : sources.events)
                let ready = try SwnsError.wording("poll failed") { () throws(SystemError) in
                    try Kernel.waitForEvents(fds, events: events, timeout: Int32(clamping: due - now))
                }
                if ready[0] != 0, Kernel.pendingSignal(signals) != nil { return }
                if ready[1] != 0 { return }
                if sources.changed(ready.dropFirst(2)) { triggered = true }
                continue
            }
            let started = Kernel.monotonicMilliseconds
            report = LsnsReport(command)
            rows = try report.keyedRows()
            let time = Kernel.timestamp()
            lastScan = Kernel.monotonicMilliseconds
            lastScanTook = lastScan - started
            scans += 1
            triggered = false
            let lines: [[UInt8]]
            (lines, confirming) = compare(rows, time: time, report: report)
            if !write(lines, signals: signals) { return }
        }
    }

    /// Writes whole lines, each batch no larger than what a pipe that poll(2) calls writable takes
    /// without blocking (PIPE_BUF), after waiting for that room: a reader that is slow or stopped
    /// holds the watch here, where SIGINT and SIGTERM still end it, between two lines. False: the
    /// watch is to end (a signal, or a reader that went away).
    func write(_ lines: [[UInt8]], signals: Int32) -> Bool {
        var next = 0
        while next < lines.count {
            let ready = try? Kernel.waitForEvents([signals, STDOUT_FILENO], events: [Int16(POLLIN), Int16(POLLOUT)],
                                                  timeout: -1)
            guard let ready else { return false }
            if ready[0] != 0, Kernel.pendingSignal(signals) != nil { return false }
            if ready[1] & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 { return false }
            guard ready[1] & Int16(POLLOUT) != 0 else { continue }
            var batch = lines[next]
            next += 1
            while next < lines.count, batch.count + lines[next].count <= Self.atomicWrite {
                batch += lines[next]
                next += 1
            }
            StandardStreams.out(batch)
            if StandardStreams.outputFailed { return false }
        }
        return true
    }

    /// `text` cut after each newline (a last line without one kept as it is).
    static func lines(of text: [UInt8]) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var start = 0
        for (at, byte) in text.enumerated() where byte == UInt8(ascii: "\n") {
            lines.append(Array(text[start...at]))
            start = at + 1
        }
        if start < text.count { lines.append(Array(text[start...])) }
        return lines
    }

    /// PIPE_BUF: what a write to a pipe that poll calls writable takes at once.
    static let atomicWrite = 4096

    /// The lines of the differences between the scan's rows and what was known, and whether a
    /// namespace was missed, so that a scan should confirm it soon.
    mutating func compare(_ rows: [(id: UInt64, cells: [[UInt8]?])], time: [UInt8], report: LsnsReport)
        -> (lines: [[UInt8]], missed: Bool) {
        var output: [[UInt8]] = []
        var present = Set<UInt64>()
        present.reserveCapacity(rows.count)
        let identifying: [LsnsColumn] = [.type, .pid, .nsfs]
        for (id, cells) in rows {
            present.insert(id)
            guard var seen = known[id] else {
                known[id] = Seen(cells: cells, identity: report.identity(of: id))
                output.append(line(.add, cells, time: time))
                continue
            }
            if identifying.contains(where: { seen.cells[$0.rawValue] != cells[$0.rawValue] }) {
                let identity = report.identity(of: id)
                let typeChanged = seen.cells[LsnsColumn.type.rawValue] != cells[LsnsColumn.type.rawValue]
                if typeChanged || (identity != 0 && seen.identity != 0 && identity != seen.identity) {
                    // The number now names another namespace: the one it named is gone.
                    output += [line(.remove, seen.cells, time: time), line(.add, cells, time: time)]
                    known[id] = Seen(cells: cells, identity: identity)
                    continue
                }
                if seen.identity == 0 { seen.identity = identity }
            }
            let changed = watched.filter { seen.cells[$0.rawValue] != cells[$0.rawValue] }
            seen.cells = cells
            seen.missed = false
            known[id] = seen
            if !changed.isEmpty { output.append(line(.change(changed), cells, time: time)) }
        }
        var missed = false
        for id in known.keys.sorted() where !present.contains(id) {
            guard let seen = known[id] else { continue }
            if seen.missed {
                known[id] = nil
                output.append(line(.remove, seen.cells, time: time))
            } else {
                known[id]?.missed = true
                missed = true
            }
        }
        return (output, missed)
    }

    enum Event {
        case add, remove
        case change([LsnsColumn])

        var mark: UInt8 {
            switch self {
            case .add: UInt8(ascii: "+")
            case .remove: UInt8(ascii: "-")
            case .change: UInt8(ascii: "~")
            }
        }

        var name: String {
            switch self {
            case .add: "add"
            case .remove: "remove"
            case .change: "change"
            }
        }
    }
}

// MARK: the lines

extension LsnsWatch {
    /// The width of each column of the event lines: the heading's, or the column's width hint.
    var widths: [Int] {
        command.shownColumns.map { max($0.name.utf8.count, $0.widthHint) }
    }

    /// `E TIME NS TYPE ...`, over the event lines (not with --json).
    func heading() -> [UInt8] {
        if command.format == .raw {
            return Array(("E TIME " + command.shownColumns.map(\.name).joined(separator: " ") + "\n").utf8)
        }
        var text: [UInt8] = Array("E ".utf8) + Self.pad(Array("TIME".utf8), 4, to: Self.timeWidth, right: false)
        for (column, width) in zip(command.shownColumns, widths) {
            let name = Array(column.name.utf8)
            text += [UInt8(ascii: " ")] + Self.pad(name, name.count, to: width, right: column.facts.rightAligned)
        }
        return Self.trimmed(text) + [UInt8(ascii: "\n")]
    }

    /// `2026-12-08T02:50:01.123+01:00`
    static let timeWidth = 29

    /// One event: `+ TIME cells...`, raw (`-r`: cells escaped, one blank between), or a compact
    /// JSON object (`-J`).
    func line(_ event: Event, _ cells: [[UInt8]?], time: [UInt8]) -> [UInt8] {
        let shown = command.shownColumns
        switch command.format {
        case .json:
            var text = "{\"event\":\"\(event.name)\",\"time\":" + Table.jsonString(String(decoding: time, as: UTF8.self))
            for column in shown {
                text += "," + Table.jsonString(column.name.lowercased()) + ":"
                guard let value = cells[column.rawValue] else {
                    text += "null"
                    continue
                }
                let number = column.numeric && !value.isEmpty && value.allSatisfy { $0 >= 48 && $0 <= 57 }
                text += number ? String(decoding: value, as: UTF8.self) : String(decoding: Table.jsonString(value), as: UTF8.self)
            }
            if case .change(let columns) = event {
                text += ",\"changed\":[" + columns.map { Table.jsonString($0.name.lowercased()) }.joined(separator: ",") + "]"
            }
            return Array((text + "}\n").utf8)
        case .raw:
            var text = [event.mark, UInt8(ascii: " ")] + time
            for column in shown {
                text += [UInt8(ascii: " ")] + Array(Table.rawEscaped(cells[column.rawValue] ?? []).utf8)
            }
            return text + [UInt8(ascii: "\n")]
        default:
            var text = [event.mark, UInt8(ascii: " ")] + Self.pad(time, time.count, to: Self.timeWidth, right: false)
            for (column, width) in zip(shown, widths) {
                // Cells on one line (NSFS's mount points after commas), shown as the table shows them.
                let value = (cells[column.rawValue] ?? []).map { $0 == UInt8(ascii: "\n") ? UInt8(ascii: ",") : $0 }
                var cell: [UInt8] = []
                let cellWidth = Table.encode(value, utf8: utf8, into: &cell)
                text += [UInt8(ascii: " ")] + Self.pad(cell, cellWidth, to: width, right: column.facts.rightAligned)
            }
            return Self.trimmed(text) + [UInt8(ascii: "\n")]
        }
    }

    /// `text`, `shownWidth` terminal columns wide, filled with blanks to `width`.
    static func pad(_ text: [UInt8], _ shownWidth: Int, to width: Int, right: Bool) -> [UInt8] {
        let fill = [UInt8](repeating: UInt8(ascii: " "), count: max(0, width - shownWidth))
        return right ? fill + text : text + fill
    }

    static func trimmed(_ text: [UInt8]) -> [UInt8] {
        var text = text
        while text.last == UInt8(ascii: " ") { text.removeLast() }
        return text
    }
}

// MARK: the event sources

extension LsnsWatch {
    /// What may make a scan come before the interval: the proc connector and the mount table.
    struct EventSources {
        var fds: [Int32] = []
        var events: [Int16] = []
        let connector: Int32?

        init(_ choice: LsnsCommand.Watch.Source) throws(SwnsError) {
            var connector: Int32?
            switch choice {
            case .poll:
                self.connector = nil
                return
            case .events:
                do {
                    connector = try Kernel.openProcConnector()
                } catch {
                    throw SwnsError("cannot listen to the proc connector", error,
                                    hint: error.errno == EPERM
                                        ? "its process events need CAP_NET_ADMIN: run as root, or use --watch-source=poll"
                                        : nil)
                }
            case .automatic:
                connector = try? Kernel.openProcConnector()
            }
            self.connector = connector
            if let connector {
                fds.append(connector)
                events.append(Int16(POLLIN))
            }
            // poll(2) on mountinfo tells of every mount and unmount in our mount namespace.
            if let mounts = try? Kernel.open("/proc/self/mountinfo", O_RDONLY) {
                fds.append(mounts)
                events.append(Int16(POLLPRI))
            }
        }

        /// Whether the events that poll returned (one per source) say that something may have
        /// changed; the proc connector's messages are read and dropped.
        mutating func changed(_ ready: ArraySlice<Int16>) -> Bool {
            var changed = false
            var failed: Int32?
            for (fd, revents) in zip(fds, ready) where revents != 0 {
                guard fd == connector else {
                    changed = true
                    continue
                }
                let count = revents & Int16(POLLIN) == 0 ? nil : try? Kernel.drainProcConnector(fd)
                if let count { changed = changed || count > 0 } else { failed = fd }
            }
            // A socket that fails is one source less from now on, not the end of the watch.
            if let failed, let at = fds.firstIndex(of: failed) {
                fds.remove(at: at)
                events.remove(at: at)
                Kernel.close(failed)
            }
            return changed
        }
    }
}
