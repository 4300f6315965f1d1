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
    @Sendable static func printProgress(_ progress: ScanProgress, pacing: (requestsPerSecond: Double, throttles: Int)? = nil) {
        let now = ContinuousClock.now
        progressThrottle.lock.lock()
        defer { progressThrottle.lock.unlock() }
        let finished = progress.regionsDone == progress.regionsTotal
        guard finished || progressThrottle.last.map({ now - $0 >= .milliseconds(100) }) ?? true else { return }
        progressThrottle.last = now
        let rate = pacing.map { String(format: " · %.1f req/s · %d throttled", $0.requestsPerSecond, $0.throttles) } ?? ""
        writeControl("\r\u{1B}[2Kscanning: \(progress)\(rate)")
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
    /// - Throws: ``OutputError`` (ENOSPC, EBADF, EPIPE…); the caller ends quietly when
    ///   ``OutputError/isBrokenPipe`` (the reader of `| head` went away), and with exit status 1 otherwise.
    static func writeOutput(_ text: String) throws(OutputError) {
        if text.utf8.last == UInt8(ascii: "\n") {
            // Written as it is, not copied (a JSON report can be a hundred megabytes).
            try OutputFile.withUTF8Data(of: text) { data throws(OutputError) in
                try OutputFile.writeAll(data, to: standardOutput, target: "standard output")
            }
            return
        }
        var data = Data(text.utf8)
        // utf8, not Character: "\r\n" (CSV's line end) is one Character and would not match "\n".
        if data.last != UInt8(ascii: "\n") { data.append(UInt8(ascii: "\n")) }
        try OutputFile.writeAll(data, to: standardOutput, target: "standard output")
    }

    /// Writes a message to standard error, scrubbed of secrets (`SecretScrubber`) and with every control
    /// character except newline and tab made visible (``escaped(_:)``), so that nothing a server or a file
    /// said can leak a credential, move the cursor, retitle the window (OSC) or forge a line. A failed write to standard error is ignored:
    /// there is nowhere
    /// left to report it, and it must not trap.
    static func writeError(_ text: String) {
        try? OutputFile.writeAll(Data(escaped(SecretScrubber.scrub(text)).utf8), to: standardError, target: "standard error")
    }

    /// Writes this program's own terminal control sequences (progress line updates) to standard error,
    /// unescaped. Only for text built here from numbers and validated Region names.
    static func writeControl(_ text: String) {
        try? OutputFile.writeAll(Data(text.utf8), to: standardError, target: "standard error")
    }

    /// The text with C0 and C1 control characters (ESC, CSI, OSC's BEL, CR, DEL…) other than newline and
    /// tab written as visible escapes (`\u{1B}`), so it is inert on a terminal (`TextSanitizer.visible`).
    static func escaped(_ text: String) -> String {
        TextSanitizer.visible(text)
    }
}
