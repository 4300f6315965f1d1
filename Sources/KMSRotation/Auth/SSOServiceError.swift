import Foundation

/// An error answer from the IAM Identity Center portal or SSO OIDC (REST-JSON), or an answer that
/// could not be read. The code comes from the `x-amzn-ErrorType` header, else the body's `__type` or
/// `error` (OIDC answers `{"error": "invalid_grant", …}`); the message is never the server's text, which
/// may echo what was sent.
struct SSOServiceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `UnauthorizedException`, `InvalidGrantException`, `invalidResponse`, …
    var code: String
    var httpStatus: Int?
    var operation: String

    /// The largest answer read: role credentials and tokens are a few kilobytes.
    static let maximumBodySize = 64 * 1024

    /// Whether the token was refused: the user must sign in again.
    var isUnauthorized: Bool {
        [
            "UnauthorizedException", "InvalidGrantException", "ExpiredTokenException", "invalid_grant", "unauthorized_client",
            "InvalidClientException", "invalid_client", "AccessDeniedException",
        ].contains(code)
    }

    var description: String {
        "\(operation) failed: \(code)" + (httpStatus.map { " (HTTP \($0))" } ?? "")
    }

    /// Decodes an error answer. Only the code is kept, limited to a short run of safe characters.
    static func decode(_ response: HTTPResponse, operation: String) -> SSOServiceError {
        var code: String?
        if let header = response.headers["x-amzn-ErrorType"] {
            code = String(header.split(separator: ":").first ?? "")
        }
        if code == nil || code?.isEmpty == true, response.body.count <= maximumBodySize,
            let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any]
        {
            code = (object["__type"] as? String) ?? (object["error"] as? String)
        }
        let raw = (code ?? "").split(separator: "#").last.map(String.init) ?? ""
        // The identifier up to the first other character: a hostile header cannot smuggle text or escapes.
        let safe = String(
            raw.unicodeScalars.prefix { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "_") }
                .prefix(64).map(Character.init))
        return SSOServiceError(code: safe.isEmpty ? "HTTP\(response.status)" : safe, httpStatus: response.status, operation: operation)
    }
}
