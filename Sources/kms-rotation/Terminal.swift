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

    /// Rewrites one status line on standard error.
    @Sendable static func printProgress(_ progress: ScanProgress) {
        writeError("\r\u{1B}[2Kscanning: \(progress)")
    }

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

    static func writeError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
