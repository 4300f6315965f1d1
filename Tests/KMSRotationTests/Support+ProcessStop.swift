import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Process {
    /// Stops a helper process (a loopback server) and waits for it, boundedly: closing its input and
    /// SIGTERM first, then SIGKILL. A child of the test runner can inherit a blocked SIGTERM, so SIGTERM
    /// alone may never end it, and an unbounded `waitUntilExit()` then hangs the whole run.
    func stopHelper(grace: TimeInterval = 3) {
        guard isRunning else { return }
        terminate()
        var deadline = Date().addingTimeInterval(grace)
        while isRunning && Date() < deadline { usleep(20_000) }
        guard isRunning else { return }
        kill(processIdentifier, SIGKILL)
        deadline = Date().addingTimeInterval(10)
        while isRunning && Date() < deadline { usleep(20_000) }
    }
}
