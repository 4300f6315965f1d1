import Foundation

/// The one filter every text that came from outside this process passes before it is stored in an
/// error value, printed or logged: error messages and body excerpts from KMS, STS, Organizations, the
/// container and instance metadata endpoints, and a `credential_process` command's standard error.
///
/// A hostile or misconfigured endpoint can echo the request back in its error message: the
/// `Authorization` header (access key ID and signature), the `X-Amz-Security-Token` header (the session
/// token), the form body (the external ID). ``scrub(_:)`` replaces, with ``marker``:
///
/// 1. **Keyed values**, matched case-insensitively at a word start and followed by `:`, `=` or `>`
///    (optionally quoted, as in JSON, a Python dict or XML): `Authorization` (the whole value, up to the
///    end of the line or the closing quote), `X-Amz-Security-Token` / `security_token` / `SessionToken`,
///    `SecretAccessKey` / `aws_secret_access_key`, `ExternalId`, `X-aws-ec2-metadata-token`; and the
///    SigV4 fragments `Credential=` / `X-Amz-Credential=` and `Signature=` / `X-Amz-Signature=` (header
///    and presigned-query forms).
/// 2. **Access key IDs**: `AKIA…` / `ASIA…` followed by 16 upper-case letters or digits.
/// 3. **Secret-looking runs** of base64 characters (`A–Z a–z 0–9 + /`, with trailing `=`): exactly 40
///    characters with both letter cases and a digit, `+` or `/` (a secret access key), or 100 characters
///    or more (a session token). Runs inside a word starting with `arn:`, runs starting with a lower-case
///    path segment (`alias/…`, `key/…`, `role/…`) and hex-only runs (key material IDs, hashes) are kept,
///    so ARNs, key IDs (UUIDs, `mrk-` + 32 hex), aliases and request IDs survive unchanged.
/// 4. **Registered secrets**: every value passed to ``register(_:)`` (and its percent-encoded and
///    `\/`-escaped spellings). ``AWSCredentials`` registers its secret key and session token when it is
///    created, ``AssumeRoleCredentialProvider`` its external ID, ``ContainerCredentialProvider`` its
///    authorization token, ``IMDSCredentialProvider`` its session token.
///
/// Scrubbing is idempotent (`scrub(scrub(x)) == scrub(x)`) and thread-safe.
package enum SecretScrubber {
    /// What replaces a secret: `[REDACTED]`.
    package static let marker = "[REDACTED]"
    /// Shorter values are not registered: replacing every occurrence of a 3-character external ID would
    /// shred ordinary text. 8 characters is below every AWS secret (a secret key has 40, a session token
    /// hundreds) and keeps a chance collision with ordinary words rare.
    package static let minimumSecretLength = 8
    /// Longer values are not registered (no AWS credential comes close; it bounds the registry's memory).
    package static let maximumSecretLength = 16 * 1024
    /// The registry keeps at most this many secrets; registering more forgets the oldest. A scan uses a
    /// handful (one key pair, a session token per assumed role, an external ID).
    package static let registryCapacity = 512

    /// Remembers a secret so that every later ``scrub(_:)`` removes it. Values shorter than
    /// ``minimumSecretLength`` or longer than ``maximumSecretLength`` (after trimming whitespace) are
    /// ignored; registering a value twice is harmless.
    /// - Parameter secret: A secret access key, session token, external ID or authorization token.
    package static func register(_ secret: String) {
        let value = secret.trimmingCharacters(in: .whitespacesAndNewlines)
        guard value.utf8.count >= minimumSecretLength, value.utf8.count <= maximumSecretLength, !marker.contains(value) else { return }
        registry.withLock { $0.insert(value) }
    }

    /// Registers an optional secret; `nil` is ignored.
    /// - Parameter secret: The secret, if any.
    package static func register(_ secret: String?) {
        if let secret { register(secret) }
    }

    /// Whether a value is registered (for tests and diagnostics).
    /// - Parameter secret: The value.
    /// - Returns: `true` when ``scrub(_:)`` removes it because it was registered.
    package static func isRegistered(_ secret: String) -> Bool {
        registry.withLock { $0.contains(secret.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// Returns the text with every secret replaced by ``marker``; see the type's documentation for
    /// what counts as a secret.
    /// - Parameter text: Text that came from outside this process.
    /// - Returns: The text, safe to store, print and log.
    package static func scrub(_ text: String) -> String {
        if text.isEmpty { return text }
        var bytes = Array(text.utf8)
        bytes = scrubKeyedValues(bytes)
        bytes = scrubAccessKeyIds(bytes)
        bytes = scrubSecretLookingRuns(bytes)
        var result = String(decoding: bytes, as: UTF8.self)
        for variant in registry.withLock({ $0.variantsLongestFirst }) where result.contains(variant) {
            result = result.replacingOccurrences(of: variant, with: marker)
        }
        return result
    }

    /// Scrubs an optional text; `nil` stays `nil`.
    /// - Parameter text: The text, if any.
    /// - Returns: The scrubbed text.
    package static func scrub(_ text: String?) -> String? {
        text.map { scrub($0) }
    }

    // MARK: - Registry

    private static let registry = LockedValue(Registry())

    /// Secrets in registration order (oldest first) and every spelling to search for.
    struct Registry: Sendable {
        private var order: [String] = []
        private var members: Set<String> = []
        private(set) var variantsLongestFirst: [String] = []

        func contains(_ value: String) -> Bool { members.contains(value) }

        mutating func insert(_ value: String) {
            guard members.insert(value).inserted else { return }
            order.append(value)
            if order.count > SecretScrubber.registryCapacity {
                members.remove(order.removeFirst())
            }
            var variants = Set<String>()
            for secret in order {
                variants.insert(secret)
                variants.insert(SigV4Signer.uriEncode(secret))
                variants.insert(secret.replacingOccurrences(of: "/", with: "\\/"))
            }
            variantsLongestFirst = variants.filter { $0.utf8.count >= SecretScrubber.minimumSecretLength }
                .sorted { $0.utf8.count != $1.utf8.count ? $0.utf8.count > $1.utf8.count : $0 < $1 }
        }
    }

    // MARK: - Keyed values

    /// How far a keyed value extends when it is not quoted.
    private enum Extent {
        /// To the end of the line (an `Authorization` value has spaces and commas).
        case line
        /// To the next space, comma, semicolon, `&`, quote or bracket.
        case word
    }

    private struct Key {
        let name: [UInt8]
        let extent: Extent
        /// Whether `:` and `>` also introduce the value (header, JSON and XML forms), or only `=`.
        let anySeparator: Bool
    }

    private static let keys: [Key] = [
        Key(name: Array("authorization".utf8), extent: .line, anySeparator: true),
        Key(name: Array("security-token".utf8), extent: .word, anySeparator: true),
        Key(name: Array("security_token".utf8), extent: .word, anySeparator: true),
        Key(name: Array("securitytoken".utf8), extent: .word, anySeparator: true),
        Key(name: Array("session_token".utf8), extent: .word, anySeparator: true),
        Key(name: Array("sessiontoken".utf8), extent: .word, anySeparator: true),
        Key(name: Array("secret_access_key".utf8), extent: .word, anySeparator: true),
        Key(name: Array("secretaccesskey".utf8), extent: .word, anySeparator: true),
        Key(name: Array("externalid".utf8), extent: .word, anySeparator: true),
        Key(name: Array("x-aws-ec2-metadata-token".utf8), extent: .word, anySeparator: true),
        Key(name: Array("credential".utf8), extent: .word, anySeparator: false),
        Key(name: Array("signature".utf8), extent: .word, anySeparator: false),
    ]

    private static let markerBytes = Array(marker.utf8)

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    private static func lowered(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
    }

    private static func isQuote(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }

    private static func hasPrefix(_ bytes: [UInt8], _ prefix: [UInt8], at index: Int) -> Bool {
        guard index + prefix.count <= bytes.count else { return false }
        for offset in 0..<prefix.count where bytes[index + offset] != prefix[offset] { return false }
        return true
    }

    /// The key that starts at `index` (at a word start, case-insensitively), if any.
    private static func key(in bytes: [UInt8], at index: Int) -> Key? {
        // Inside a word (`NextToken`), or a closing XML tag (`</Authorization>`), is not a key.
        if index > 0, isAlphanumeric(bytes[index - 1]) { return nil }
        if index > 1, bytes[index - 1] == UInt8(ascii: "/"), bytes[index - 2] == UInt8(ascii: "<") { return nil }
        outer: for key in keys where index + key.name.count <= bytes.count {
            for offset in 0..<key.name.count where lowered(bytes[index + offset]) != key.name[offset] { continue outer }
            return key
        }
        return nil
    }

    /// Replaces the value after each key with ``marker``.
    private static func scrubKeyedValues(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            guard let key = key(in: bytes, at: index) else {
                output.append(bytes[index])
                index += 1
                continue
            }
            var cursor = index + key.name.count
            // An optional closing quote of a quoted key (`"Authorization": …`, `'Authorization': …`, `\"…\"`).
            if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "\\"), cursor + 1 < bytes.count, isQuote(bytes[cursor + 1]) {
                cursor += 2
            } else if cursor < bytes.count, isQuote(bytes[cursor]) {
                cursor += 1
            }
            while cursor < bytes.count, isSpace(bytes[cursor]) { cursor += 1 }
            let separators: [UInt8] = key.anySeparator ? [UInt8(ascii: ":"), UInt8(ascii: "="), UInt8(ascii: ">")] : [UInt8(ascii: "=")]
            guard cursor < bytes.count, separators.contains(bytes[cursor]) else {
                output.append(bytes[index])
                index += 1
                continue
            }
            let separator = bytes[cursor]
            cursor += 1
            while cursor < bytes.count, isSpace(bytes[cursor]) { cursor += 1 }
            var quote: [UInt8]?
            if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "\\"), cursor + 1 < bytes.count, isQuote(bytes[cursor + 1]) {
                quote = [bytes[cursor], bytes[cursor + 1]]
            } else if cursor < bytes.count, isQuote(bytes[cursor]) {
                quote = [bytes[cursor]]
            }
            let valueStart = cursor + (quote?.count ?? 0)
            output.append(contentsOf: bytes[index..<valueStart])
            if hasPrefix(bytes, markerBytes, at: valueStart) {
                // Already scrubbed: keep it, so scrubbing is idempotent.
                output.append(contentsOf: markerBytes)
                index = valueStart + markerBytes.count
                continue
            }
            var valueEnd = valueStart
            while valueEnd < bytes.count {
                let byte = bytes[valueEnd]
                if let quote {
                    if hasPrefix(bytes, quote, at: valueEnd) { break }
                } else if separator == UInt8(ascii: ">") {
                    if byte == UInt8(ascii: "<") { break }
                } else if endsUnquotedValue(byte, extent: key.extent) {
                    break
                }
                valueEnd += 1
            }
            if bytes[valueStart..<valueEnd].allSatisfy({ isSpace($0) || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }) {
                output.append(contentsOf: bytes[valueStart..<valueEnd])
            } else {
                output.append(contentsOf: markerBytes)
            }
            index = valueEnd
        }
        return output
    }

    private static func endsUnquotedValue(_ byte: UInt8, extent: Extent) -> Bool {
        switch byte {
        case UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "<"),
            UInt8(ascii: "&"), UInt8(ascii: "}"), UInt8(ascii: "]"):
            return true
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ")"), UInt8(ascii: ">"):
            return extent == .word
        default:
            return false
        }
    }

    // MARK: - Access key IDs

    /// Replaces `AKIA`/`ASIA` + 16 upper-case letters or digits, standing alone.
    private static func scrubAccessKeyIds(_ bytes: [UInt8]) -> [UInt8] {
        let prefixes = [Array("AKIA".utf8), Array("ASIA".utf8)]
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let atWordStart = index == 0 || !isAlphanumeric(bytes[index - 1])
            if atWordStart, index + 20 <= bytes.count, prefixes.contains(where: { hasPrefix(bytes, $0, at: index) }),
                bytes[(index + 4)..<(index + 20)].allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) }),
                index + 20 == bytes.count || !isAlphanumeric(bytes[index + 20])
            {
                output.append(contentsOf: markerBytes)
                index += 20
                continue
            }
            output.append(bytes[index])
            index += 1
        }
        return output
    }

    // MARK: - Secret-looking runs

    private static func isBase64(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "/")
    }

    /// Characters that end a "word" for the `arn:` exemption.
    private static func endsWord(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\""), UInt8(ascii: "'"),
            UInt8(ascii: ","), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"),
            UInt8(ascii: "}"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "="), UInt8(ascii: ";"), UInt8(ascii: "`"):
            return true
        default:
            return false
        }
    }

    /// Whether a run of base64 characters looks like a secret access key or a session token.
    private static func looksSecret(_ run: ArraySlice<UInt8>) -> Bool {
        guard run.count == 40 || run.count >= 100 else { return false }
        var upper = false, lower = false, digitOrSymbol = false, nonHex = false
        for byte in run {
            switch byte {
            case 0x41...0x5A: upper = true; if byte > 0x46 { nonHex = true }
            case 0x61...0x7A: lower = true; if byte > 0x66 { nonHex = true }
            default: digitOrSymbol = true; if byte == UInt8(ascii: "+") || byte == UInt8(ascii: "/") { nonHex = true }
            }
        }
        guard nonHex else { return false }
        // A lower-case path segment first (`alias/…`, `key/…`, `role/…`) is a resource name, not a secret.
        if let slash = run.firstIndex(of: UInt8(ascii: "/")), slash > run.startIndex,
            run[run.startIndex..<slash].allSatisfy({ $0 >= 0x61 && $0 <= 0x7A })
        {
            return false
        }
        if run.count >= 100 { return true }
        return upper && lower && digitOrSymbol
    }

    /// Replaces secret-looking base64 runs (see ``looksSecret(_:)``) outside `arn:` words.
    private static func scrubSecretLookingRuns(_ bytes: [UInt8]) -> [UInt8] {
        let arnPrefix = Array("arn:".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var wordStart = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard isBase64(byte) else {
                if endsWord(byte) { wordStart = index + 1 }
                output.append(byte)
                index += 1
                continue
            }
            var end = index
            while end < bytes.count, isBase64(bytes[end]) { end += 1 }
            let run = bytes[index..<end]
            if looksSecret(run), !hasPrefix(bytes, arnPrefix, at: wordStart) {
                while end < bytes.count, bytes[end] == UInt8(ascii: "=") { end += 1 }
                output.append(contentsOf: markerBytes)
            } else {
                output.append(contentsOf: run)
            }
            index = end
        }
        return output
    }
}
