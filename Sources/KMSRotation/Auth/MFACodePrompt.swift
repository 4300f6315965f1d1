import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Asks for an MFA code (`mfa_serial` in an assume-role profile): on the controlling terminal
/// (`/dev/tty`), with echo off, never on standard input or output, so a piped report stays clean and a
/// script without a terminal gets a clear error instead of a hang.
struct MFACodePrompt: Sendable {
    /// Returns the code for a device; the arguments are the serial number and the profile.
    let ask: @Sendable (_ serialNumber: String, _ profile: String) async throws -> String

    /// The controlling terminal.
    static let terminal = MFACodePrompt { serialNumber, profile in
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try readFromTerminal(serialNumber: serialNumber, profile: profile) })
            }
        }
    }

    static func readFromTerminal(serialNumber: String, profile: String) throws -> String {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else {
            throw CredentialProviderError.failed(
                "profile \(profile)",
                "the role needs an MFA code from device \(serialNumber) (mfa_serial), "
                    + "but there is no terminal to ask on; run from a terminal, or export credentials that are "
                    + "already authenticated (`aws configure export-credentials --profile \(profile) --format env`)")
        }
        defer { close(fd) }
        let prompt = Array("Enter MFA code for \(TextSanitizer.visible(serialNumber)): ".utf8)
        _ = prompt.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        var saved = termios()
        let hasTermios = tcgetattr(fd, &saved) == 0
        if hasTermios {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            _ = tcsetattr(fd, TCSANOW, &quiet)
        }
        defer {
            if hasTermios { _ = tcsetattr(fd, TCSANOW, &saved) }
            _ = Foundation.write(fd, "\n", 1)
        }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while bytes.count < 64 {
            let count = read(fd, &byte, 1)
            if count <= 0 || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { break }
            bytes.append(byte)
        }
        let code = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        SecretScrubber.register(code)
        guard code.count == 6, code.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw CredentialProviderError.failed("profile \(profile)", "the MFA code must be 6 digits")
        }
        return code
    }
}
