import CSwns
import Glibc

/// What `swlsns --watch` waits on: the proc connector's process events, the mount table's
/// changes, SIGINT and SIGTERM as a descriptor, and the clocks.
extension Kernel {
    /// A non-blocking socket that receives the kernel's fork, exec and exit events (the proc
    /// connector; it needs CAP_NET_ADMIN in the initial user namespace).
    public static func openProcConnector() throws(SystemError) -> Int32 {
        let fd = swns_proc_connector_open()
        if fd < 0 { throw SystemError("proc connector", "NETLINK_CONNECTOR", errno: -fd) }
        return fd
    }

    /// How many fork, exec and exit events are pending on the proc connector, read and dropped.
    public static func drainProcConnector(_ fd: Int32) throws(SystemError) -> Int {
        let count = swns_proc_connector_drain(fd)
        if count < 0 { throw SystemError("recv", "proc connector", errno: -count) }
        return Int(count)
    }

    /// SIGINT and SIGTERM blocked, and delivered as reads from the descriptor returned.
    public static func interruptSignalDescriptor() throws(SystemError) -> Int32 {
        let fd = swns_signalfd_int_term()
        if fd < 0 { throw SystemError("signalfd", "SIGINT SIGTERM", errno: -fd) }
        return fd
    }

    /// The signal pending on such a descriptor; nil when none is.
    public static func pendingSignal(_ fd: Int32) -> Int32? {
        let signal = swns_signalfd_read(fd)
        return signal > 0 ? signal : nil
    }

    /// SIGPIPE ignored: a write to a reader that went away fails with EPIPE instead.
    public static func ignoreBrokenPipe() { signal(SIGPIPE, SIG_IGN) }

    /// poll(2) for `events` on each descriptor, for at most `timeout` milliseconds (-1: no limit);
    /// the events that came, per descriptor. EINTR counts as a timeout.
    public static func waitForEvents(_ fds: [Int32], events: [Int16], timeout: Int32) throws(SystemError) -> [Int16] {
        var entries = zip(fds, events).map { pollfd(fd: $0.0, events: $0.1, revents: 0) }
        let result = entries.withUnsafeMutableBufferPointer { Glibc.poll($0.baseAddress, nfds_t($0.count), timeout) }
        if result < 0 {
            if errno == EINTR { return [Int16](repeating: 0, count: fds.count) }
            throw SystemError("poll")
        }
        return entries.map(\.revents)
    }

    /// Now, ISO 8601 with milliseconds and the local offset: `2026-12-08T02:50:01.123+01:00`.
    public static func timestamp() -> [UInt8] {
        var buffer = [CChar](repeating: 0, count: 48)
        let length = buffer.withUnsafeMutableBufferPointer { swns_iso8601_now($0.baseAddress, $0.count) }
        guard length > 0 else { return [] }
        return buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }
    }

    /// CLOCK_MONOTONIC, in milliseconds.
    public static var monotonicMilliseconds: Int64 { swns_monotonic_ms() }
}
