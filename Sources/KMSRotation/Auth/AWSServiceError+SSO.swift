import Foundation

// Errors of the IAM Identity Center portal and SSO OIDC (REST-JSON) are `AWSServiceError`s like every other
// service's (service `sso` or `sso-oidc`), with one difference: the message is never the server's text,
// which may echo what was sent (a token, a client secret). Only a short, safe code is kept.
extension AWSServiceError {
    /// The largest Identity Center answer read: role credentials and tokens are a few kilobytes.
    static let ssoMaximumBodySize = 64 * 1024

    /// Whether Identity Center refused the token: the user must sign in again.
    var isSSOUnauthorized: Bool {
        [
            "UnauthorizedException", "InvalidGrantException", "ExpiredTokenException", "invalid_grant", "unauthorized_client",
            "InvalidClientException", "invalid_client", "AccessDeniedException",
        ].contains(code.rawValue)
    }

    /// An Identity Center error of this library's own (`invalidResponse`, `invalidRequest`), without a message.
    static func sso(_ code: String, service: String, httpStatus: Int?, operation: String) -> AWSServiceError {
        AWSServiceError(service: service, code: Code(code), message: "", httpStatus: httpStatus, operation: operation)
    }

    /// Decodes an Identity Center error answer: the code from the `x-amzn-ErrorType` header, else the body's
    /// `__type` or `error` (OIDC answers `{"error": "invalid_grant", …}`), cut to the identifier up to the
    /// first other character, so a hostile header cannot smuggle text or escapes. No message is kept.
    static func decodeSSO(_ response: HTTPResponse, service: String, operation: String) -> AWSServiceError {
        var code: String?
        if let header = response.headers["x-amzn-ErrorType"] {
            code = String(header.split(separator: ":").first ?? "")
        }
        if code == nil || code?.isEmpty == true, response.body.count <= ssoMaximumBodySize,
            let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any]
        {
            code = (object["__type"] as? String) ?? (object["error"] as? String)
        }
        let raw = (code ?? "").split(separator: "#").last.map(String.init) ?? ""
        let safe = String(
            raw.unicodeScalars.prefix { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "_") }
                .prefix(64).map(Character.init))
        return sso(safe.isEmpty ? "HTTP\(response.status)" : safe, service: service, httpStatus: response.status, operation: operation)
    }
}
