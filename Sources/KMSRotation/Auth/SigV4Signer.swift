import Crypto
import Foundation

/// Signs HTTP requests with AWS Signature Version 4 (header-based, `AWS4-HMAC-SHA256`).
///
/// Use one signer per service and region (`SigV4Signer(service: "kms", region: "eu-west-1")`); it is a
/// value with no state, so sharing it between tasks is free. The signer follows the rules of the AWS
/// SigV4 test suite for services other than S3: the path is normalized (dot segments and empty
/// segments removed) and each segment is URI-encoded once more on top of its wire form.
///
/// Signing is deterministic for a given request, credentials and date, which is what makes the
/// published test vectors reproducible: tests pin the date.
package struct SigV4Signer: Sendable, Hashable {
    /// The signing name of the service (`kms`).
    package var service: String
    /// The region that appears in the credential scope (`us-east-1`).
    package var region: String
    /// Whether ``sign(_:credentials:date:)`` adds `X-Amz-Content-Sha256`. S3 requires it; KMS does not,
    /// so it is off by default to keep requests identical to what the AWS SDKs send.
    package var addsContentSHA256Header: Bool
    /// Whether the derived signing key is kept in ``SigningKeyCache/shared`` (per secret, day, Region and
    /// service) rather than derived with four HMACs on every request. On by default; off only to measure.
    package var cachesSigningKeys: Bool

    /// The algorithm name that starts the string to sign and the `Authorization` header.
    static let algorithm = "AWS4-HMAC-SHA256"

    /// Headers never signed: `authorization` is the result of signing; the others are commonly added,
    /// rewritten or dropped by HTTP stacks and proxies after signing (URLSession sets its own
    /// `User-Agent` and `Content-Length`), and a signed header that changes in flight breaks the signature.
    static let unsignedHeaders: Set<String> = [
        "authorization", "user-agent", "x-amzn-trace-id", "expect", "content-length", "transfer-encoding", "connection",
    ]

    /// Creates a signer.
    /// - Parameters:
    ///   - service: The signing name of the service, for example `kms`.
    ///   - region: The region of the endpoint, for example `us-east-1`.
    ///   - addsContentSHA256Header: Whether to add an `X-Amz-Content-Sha256` header (default `false`).
    ///   - cachesSigningKeys: Whether to reuse derived signing keys (default `true`).
    package init(service: String, region: String, addsContentSHA256Header: Bool = false, cachesSigningKeys: Bool = true) {
        self.service = service
        self.region = region
        self.addsContentSHA256Header = addsContentSHA256Header
        self.cachesSigningKeys = cachesSigningKeys
    }

    /// Returns a signed copy of a request.
    ///
    /// Adds `X-Amz-Date`, `Host` (from the URL, with the port when it is not the scheme's default) when
    /// missing, `X-Amz-Security-Token` when the credentials carry a session token, `X-Amz-Content-Sha256`
    /// when ``addsContentSHA256Header`` is set, and `Authorization`. Any `Authorization`, `X-Amz-Date`
    /// and `X-Amz-Security-Token` already present are replaced, so re-signing a retried request is safe.
    /// - Parameters:
    ///   - request: The request to sign; its body is hashed as it is.
    ///   - credentials: The credentials to sign with.
    ///   - date: The signing time; AWS rejects requests more than 15 minutes away from its clock.
    /// - Returns: The request with the signing headers added.
    package func sign(_ request: HTTPRequest, credentials: AWSCredentials, date: Date) -> HTTPRequest {
        var signed = request
        let timestamp = SigV4Signer.timestamp(date)
        signed.headers["Authorization"] = nil
        signed.headers["X-Amz-Date"] = timestamp
        if !signed.headers.contains("Host") {
            signed.headers["Host"] = SigV4Signer.hostHeader(for: request.url)
        }
        signed.headers["X-Amz-Security-Token"] = credentials.sessionToken
        let payloadHash = SigV4Signer.hexSHA256(request.body)
        if addsContentSHA256Header {
            signed.headers["X-Amz-Content-Sha256"] = payloadHash
        }
        // Each piece is computed once: the signable headers give both the canonical headers and the
        // SignedHeaders list, the body is hashed once, the scope is built once.
        let headers = SigV4Signer.signableHeaders(signed.headers)
        let signedHeaders = SigV4Signer.joinedNames(headers)
        let canonical = SigV4Signer.canonicalRequest(
            method: request.method, url: request.url, headers: headers,
            signedHeaders: signedHeaders, payloadHash: payloadHash)
        let day = timestamp.prefix(8)
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        var toSign = SigV4Signer.algorithm
        toSign.reserveCapacity(160)
        toSign += "\n"
        toSign += timestamp
        toSign += "\n"
        toSign += scope
        toSign += "\n"
        toSign += SigV4Signer.hexSHA256(canonical)
        let mac = signingMAC(secretAccessKey: credentials.secretAccessKey, day: String(day))
        let signature = SigV4Signer.hex(SigV4Signer.hmac(toSign, keyed: mac))
        var authorization = SigV4Signer.algorithm
        authorization.reserveCapacity(96 + credentials.accessKeyId.utf8.count + scope.utf8.count + signedHeaders.utf8.count + 64)
        authorization += " Credential="
        authorization += credentials.accessKeyId
        authorization += "/"
        authorization += scope
        authorization += ", SignedHeaders="
        authorization += signedHeaders
        authorization += ", Signature="
        authorization += signature
        signed.headers["Authorization"] = authorization
        return signed
    }

    /// The canonical request of a request exactly as given: no header is added.
    ///
    /// Exposed so tests can compare it, character for character, with the published test vectors.
    /// - Parameter request: The request, with every header that is to be signed already present.
    /// - Returns: Method, canonical URI, canonical query, canonical headers, signed headers and the hex
    ///   SHA-256 of the body, separated by newlines.
    package func canonicalRequest(_ request: HTTPRequest) -> String {
        let headers = SigV4Signer.signableHeaders(request.headers)
        return SigV4Signer.canonicalRequest(
            method: request.method, url: request.url, headers: headers,
            signedHeaders: SigV4Signer.joinedNames(headers),
            payloadHash: request.headers["X-Amz-Content-Sha256"] ?? SigV4Signer.hexSHA256(request.body))
    }

    /// The string to sign for a canonical request.
    /// - Parameters:
    ///   - canonicalRequest: The output of ``canonicalRequest(_:)``.
    ///   - date: The signing time.
    /// - Returns: The algorithm, timestamp, credential scope and hex SHA-256 of the canonical request,
    ///   separated by newlines.
    package func stringToSign(canonicalRequest: String, date: Date) -> String {
        [
            SigV4Signer.algorithm,
            SigV4Signer.timestamp(date),
            credentialScope(date: date),
            SigV4Signer.hexSHA256(canonicalRequest),
        ].joined(separator: "\n")
    }

    /// The credential scope: `yyyyMMdd/region/service/aws4_request`.
    /// - Parameter date: The signing time.
    /// - Returns: The scope string.
    package func credentialScope(date: Date) -> String {
        "\(SigV4Signer.timestamp(date).prefix(8))/\(region)/\(service)/aws4_request"
    }

    /// The hex signature of a string to sign, with the signing key derived from the secret key.
    func signature(stringToSign: String, secretAccessKey: String, date: Date) -> String {
        let mac = signingMAC(secretAccessKey: secretAccessKey, day: String(SigV4Signer.timestamp(date).prefix(8)))
        return SigV4Signer.hex(SigV4Signer.hmac(stringToSign, keyed: mac))
    }

    /// An HMAC-SHA256 keyed with the signing key of a day,
    /// `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, day), region), service), "aws4_request")`, from the shared
    /// cache when ``cachesSigningKeys`` is set.
    func signingMAC(secretAccessKey: String, day: String) -> HMAC<SHA256> {
        let derive = { [region, service] in
            var key = SymmetricKey(data: Data("AWS4\(secretAccessKey)".utf8))
            for part in [day, region, service, "aws4_request"] {
                key = SymmetricKey(data: SigV4Signer.hmac(part, key: key))
            }
            return key
        }
        guard cachesSigningKeys else { return HMAC<SHA256>(key: derive()) }
        return SigningKeyCache.shared.mac(
            for: .init(secretAccessKey: secretAccessKey, day: day, region: region, service: service),
            derive: derive)
    }
}

// MARK: - Canonicalization

extension SigV4Signer {
    /// `yyyyMMdd'T'HHmmss'Z'` in UTC, computed from the epoch seconds (days to a civil date, as in
    /// Howard Hinnant's `civil_from_days`): a `Calendar` costs microseconds and a dozen allocations per call.
    static func timestamp(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970.rounded(.down)
        // From the Gregorian calendar's start (1582-10-15, where Foundation's calendar stops being Julian) to
        // the year 9999; anything else (never a real signing time) takes the calendar path.
        guard interval >= -12_219_292_800, interval < 253_402_300_800 else { return calendarTimestamp(date) }
        let seconds = Int64(interval)
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * shiftedMonth + 2) / 5 + 1)
        let month = Int(shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9)
        let year = Int(yearOfEra + era * 400) + (month <= 2 ? 1 : 0)
        let fields = [(year, 4), (month, 2), (day, 2), (-1, 0), (secondOfDay / 3600, 2), (secondOfDay / 60 % 60, 2), (secondOfDay % 60, 2)]
        return String(unsafeUninitializedCapacity: 16) { buffer in
            var index = 0
            for (value, width) in fields {
                guard width > 0 else {
                    buffer[index] = UInt8(ascii: "T")
                    index += 1
                    continue
                }
                var remaining = value
                for offset in stride(from: width - 1, through: 0, by: -1) {
                    buffer[index + offset] = UInt8(ascii: "0") + UInt8(remaining % 10)
                    remaining /= 10
                }
                index += width
            }
            buffer[index] = UInt8(ascii: "Z")
            return index + 1
        }
    }

    /// The calendar-based timestamp, for dates outside years 0000-9999.
    static func calendarTimestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func pad(_ value: Int?, _ width: Int) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return pad(c.year, 4) + pad(c.month, 2) + pad(c.day, 2) + "T" + pad(c.hour, 2) + pad(c.minute, 2) + pad(c.second, 2) + "Z"
    }

    /// The `Host` header for a URL: the host, bracketed when it is an IPv6 literal, with the port only
    /// when it differs from the scheme's default (the value HTTP clients send, and so what AWS checks).
    static func hostHeader(for url: URL) -> String {
        var host = url.host(percentEncoded: false) ?? ""
        if host.contains(":"), !host.hasPrefix("[") { host = "[\(host)]" }
        guard let port = url.port else { return host }
        switch (url.scheme?.lowercased(), port) {
        case ("http", 80), ("https", 443): return host
        default: return "\(host):\(port)"
        }
    }

    /// The headers to sign, lower-cased, values trimmed with inner runs of whitespace collapsed, sorted.
    static func signableHeaders(_ headers: HTTPHeaders) -> [(name: String, value: String)] {
        var result: [(name: String, value: String)] = []
        result.reserveCapacity(headers.fields.count)
        for field in headers.fields {
            let name = asciiLowercased(field.name)
            if !unsignedHeaders.contains(name) { result.append((name, trimAll(field.value))) }
        }
        result.sort { $0.name < $1.name }
        return result
    }

    /// The `SignedHeaders` list of a set of headers.
    static func signedHeaderNames(_ headers: HTTPHeaders) -> String {
        joinedNames(signableHeaders(headers))
    }

    /// `name1;name2;...` of headers already made signable.
    static func joinedNames(_ headers: [(name: String, value: String)]) -> String {
        var out = ""
        out.reserveCapacity(headers.reduce(0) { $0 + $1.name.utf8.count + 1 })
        for (index, header) in headers.enumerated() {
            if index > 0 { out += ";" }
            out += header.name
        }
        return out
    }

    /// The canonical request from its parts.
    static func canonicalRequest(
        method: String, url: URL, headers: [(name: String, value: String)], signedHeaders: String,
        payloadHash: String
    ) -> String {
        var out = ""
        out.reserveCapacity(256 + headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 2 })
        out += method.uppercased()
        out += "\n"
        out += canonicalURI(url)
        out += "\n"
        out += canonicalQuery(url)
        out += "\n"
        for header in headers {
            out += header.name
            out += ":"
            out += header.value
            out += "\n"
        }
        out += "\n"
        out += signedHeaders
        out += "\n"
        out += payloadHash
        return out
    }

    /// A header name in ASCII lower case; the name itself when it already is (no copy).
    static func asciiLowercased(_ name: String) -> String {
        name.utf8.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") } ? name.lowercased() : name
    }

    /// The value trimmed, with inner runs of spaces and tabs collapsed to one space; the value itself
    /// when there is nothing to do (the common case: no copy).
    static func trimAll(_ value: String) -> String {
        var previousIsBlank = true
        var clean = true
        for byte in value.utf8 {
            let blank = byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
            if blank && (previousIsBlank || byte == UInt8(ascii: "\t")) { clean = false; break }
            previousIsBlank = blank
        }
        if clean && !previousIsBlank || value.isEmpty { return value }
        return value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    /// The canonical URI: the wire (percent-encoded) path, normalized, each segment URI-encoded again.
    /// Non-S3 services expect this double encoding (`/a b` is sent as `/a%20b`, signed as `/a%2520b`).
    static func canonicalURI(_ url: URL) -> String {
        let path = url.path(percentEncoded: true)
        if path.isEmpty || path == "/" { return "/" }
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        guard !segments.isEmpty else { return "/" }
        let trailingSlash = path.hasSuffix("/") ? "/" : ""
        return "/" + segments.map { uriEncode(String($0)) }.joined(separator: "/") + trailingSlash
    }

    /// The canonical query: each name and value percent-decoded, then URI-encoded, sorted by name then value.
    static func canonicalQuery(_ url: URL) -> String {
        guard let query = url.query(percentEncoded: true), !query.isEmpty else {
            return ""
        }
        let pairs: [(String, String)] = query.split(separator: "&", omittingEmptySubsequences: true).map { item in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            let value = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
            return (uriEncode(name), uriEncode(value))
        }
        return pairs.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// RFC 3986 encoding as SigV4 defines it: unreserved characters (`A-Z a-z 0-9 - . _ ~`) kept, every
    /// other UTF-8 byte as `%XX` with upper-case hex.
    static func uriEncode(_ text: String) -> String {
        func unreserved(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                return true
            default:
                return false
            }
        }
        if text.utf8.allSatisfy(unreserved) { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count * 3)
        for byte in text.utf8 {
            if unreserved(byte) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(upperHexDigits[Int(byte >> 4)])
                out.append(upperHexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hexSHA256(_ data: Data) -> String {
        hex(SHA256.hash(data: data))
    }

    /// The hex SHA-256 of a string's UTF-8, hashed in place (no copy into `Data`).
    static func hexSHA256(_ text: String) -> String {
        var hasher = SHA256()
        var text = text
        text.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        return hex(hasher.finalize())
    }

    /// HMAC-SHA256 of a string's UTF-8.
    static func hmac(_ text: String, key: SymmetricKey) -> HashedAuthenticationCode<SHA256> {
        hmac(text, keyed: HMAC<SHA256>(key: key))
    }

    /// HMAC-SHA256 of a string's UTF-8, continuing a copy of an HMAC that has absorbed its key.
    static func hmac(_ text: String, keyed: HMAC<SHA256>) -> HashedAuthenticationCode<SHA256> {
        var mac = keyed
        var text = text
        text.withUTF8 { mac.update(data: UnsafeRawBufferPointer($0)) }
        return mac.finalize()
    }

    static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(lowerHexDigits[Int(byte >> 4)])
            out.append(lowerHexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let lowerHexDigits: [UInt8] = Array("0123456789abcdef".utf8)
    private static let upperHexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)
}
