import Glibc
import Testing
@testable import SwnsCore

@Suite struct SignalNameTests {
    @Test(arguments: [("KILL", SIGKILL), ("SIGKILL", SIGKILL), ("sigterm", SIGTERM), ("term", SIGTERM),
                      ("HUP", SIGHUP), ("USR1", SIGUSR1), ("CHLD", SIGCHLD), ("CLD", SIGCHLD), ("IOT", SIGABRT)])
    func names(_ text: String, _ number: Int32) {
        #expect(SignalName.number(text) == number)
    }

    @Test func realtimeSignals() {
        // glibc keeps the first two realtime signals for itself: SIGRTMIN is 34 and SIGRTMAX 64.
        let low: Int32 = 34, high: Int32 = 64
        #expect(SignalName.number("SIGRTMIN+2") == low + 2)
        #expect(SignalName.number("RTMAX-1") == high - 1)
        #expect(SignalName.number("RTMAX-0") == high)
        #expect(SignalName.number("RT3") == low + 3)
        // As util-linux's rtsig_to_signum: bare RTMIN and RTMAX are not names there, and what
        // follows the number's digits is ignored.
        #expect(SignalName.number("RTMIN") == nil)
        #expect(SignalName.number("SIGRTMAX") == nil)
        #expect(SignalName.number("RTMIN+1x") == low + 1)
        #expect(SignalName.number("RTMAX+1") == nil)
        #expect(SignalName.number("RTMIN+99") == nil)
    }

    /// Offsets far outside the realtime range, up to Int32.max, are unknown names, not an
    /// arithmetic overflow.
    @Test(arguments: ["9", "", "SIG", "BOGUS", "KILLX", "RT", "RTMIN+", "-9", "RTMIN+2147483647", "RT2147483647",
                      "RTMAX-2147483647", "RTMIN+99999999999", "RTMAX-31", "RTMIN+-1", "RT+1"])
    func unknown(_ text: String) {
        #expect(SignalName.number(text) == nil)
    }
}
