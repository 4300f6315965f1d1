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
    package init(service: String, region: String, addsContentSHA256Header: Bool = false) {
        self.service = service
        self.region = region
        self.addsContentSHA256Header = addsContentSHA256Header
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
        let canonical = canonicalRequest(signed)
        let toSign = stringToSign(canonicalRequest: canonical, date: date)
        let signature = signature(stringToSign: toSign, secretAccessKey: credentials.secretAccessKey, date: date)
        signed.headers["Authorization"] = "\(SigV4Signer.algorithm) Credential=\(credentials.accessKeyId)/\(credentialScope(date: date)), "
            + "SignedHeaders=\(SigV4Signer.signedHeaderNames(signed.headers)), Signature=\(signature)"
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
        let canonicalHeaders = headers.map { "\($0.name):\($0.value)\n" }.joined()
        return [
            request.method.uppercased(),
            SigV4Signer.canonicalURI(request.url),
            SigV4Signer.canonicalQuery(request.url),
            canonicalHeaders,
            headers.map(\.name).joined(separator: ";"),
            request.headers["X-Amz-Content-Sha256"] ?? SigV4Signer.hexSHA256(request.body),
        ].joined(separator: "\n")
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
            SigV4Signer.hexSHA256(Data(canonicalRequest.utf8)),
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
        let day = String(SigV4Signer.timestamp(date).prefix(8))
        var key = SymmetricKey(data: Data("AWS4\(secretAccessKey)".utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        let mac = HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key)
        return SigV4Signer.hex(mac)
    }
}

// MARK: - Canonicalization

extension SigV4Signer {
    /// `yyyyMMdd'T'HHmmss'Z'` in UTC. Built from calendar components rather than a `DateFormatter`,
    /// which is neither cheap nor `Sendable`.
    static func timestamp(_ date: Date) -> String {
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
        headers.fields
            .map { (name: $0.name.lowercased(), value: trimAll($0.value)) }
            .filter { !unsignedHeaders.contains($0.name) }
            .sorted { $0.name < $1.name }
    }

    /// The `SignedHeaders` list of a set of headers.
    static func signedHeaderNames(_ headers: HTTPHeaders) -> String {
        signableHeaders(headers).map(\.name).joined(separator: ";")
    }

    static func trimAll(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    /// The canonical URI: the wire (percent-encoded) path, normalized, each segment URI-encoded again.
    /// Non-S3 services expect this double encoding (`/a b` is sent as `/a%20b`, signed as `/a%2520b`).
    static func canonicalURI(_ url: URL) -> String {
        let path = url.path(percentEncoded: true)
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
        guard let query = URLComponents(url: url, resolvingAgainstBaseURL: false)?.percentEncodedQuery, !query.isEmpty else {
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
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + hexDigit(byte >> 4, upper: true) + hexDigit(byte & 0x0F, upper: true)
            }
        }
        return out
    }

    static func hexSHA256(_ data: Data) -> String {
        hex(SHA256.hash(data: data))
    }

    static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        var out = ""
        for byte in bytes { out += hexDigit(byte >> 4, upper: false) + hexDigit(byte & 0x0F, upper: false) }
        return out
    }

    private static func hexDigit(_ nibble: UInt8, upper: Bool) -> String {
        let digits: [Character] = upper ? Array("0123456789ABCDEF") : Array("0123456789abcdef")
        return String(digits[Int(nibble)])
    }
}
