import Foundation
import KMSRotation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the CLI knows about where it writes.
enum Terminal {
    static let standardOutput: Int32 = 1
    static let standardError: Int32 = 2

    /// Rewrites one status line on standard error, at most ten times a second (a scan of thousands of
    /// keys changes its counters thousands of times), and always for the last Region finishing.
    @Sendable static func printProgress(_ progress: ScanProgress) {
        let now = ContinuousClock.now
        progressThrottle.lock.lock()
        defer { progressThrottle.lock.unlock() }
        let finished = progress.regionsDone == progress.regionsTotal
        guard finished || progressThrottle.last.map({ now - $0 >= .milliseconds(100) }) ?? true else { return }
        progressThrottle.last = now
        writeError("\r\u{1B}[2Kscanning: \(progress)")
    }

    /// `Synchronization.Mutex` needs macOS 15; the package supports macOS 13.
    private final class ProgressThrottle: @unchecked Sendable {
        let lock = NSLock()
        var last: ContinuousClock.Instant?
    }

    private static let progressThrottle = ProgressThrottle()

    static func isTTY(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// Colour only on a terminal and never with `NO_COLOR` set (https://no-color.org).
    static func wantsColor(fd: Int32, environment: [String: String]) -> Bool {
        guard isTTY(fd) else { return false }
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        if environment["TERM"] == "dumb" { return false }
        return true
    }

    static func width(fd: Int32) -> Int? {
        var size = winsize()
        #if canImport(Glibc)
        let request = UInt(TIOCGWINSZ)
        #else
        let request = TIOCGWINSZ
        #endif
        guard ioctl(fd, request, &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// Writes to standard output, ending with a newline.
    static func writeOutput(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
        // utf8, not Character: "\r\n" (CSV's line end) is one Character and would not match "\n".
        if text.utf8.last != UInt8(ascii: "\n") { FileHandle.standardOutput.write(Data("\n".utf8)) }
    }

    static func writeError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
