import Foundation

/// The one SSO OIDC call sign-in needs: `CreateToken` with the `refresh_token` grant, unsigned
/// REST-JSON `POST /token` (AWS API reference, `sso-oidc` service), to renew the access token that
/// `aws sso login` cached. The answer is size-bounded and each field checked.
struct SSOOIDCClient: Sendable {
    /// `https://oidc.{region}.{dnsSuffix}`, or a configured `AWS_ENDPOINT_URL_SSO_OIDC`.
    let endpoint: URL
    let transport: any HTTPTransport

    struct Token: Sendable {
        var accessToken: String
        var expiresIn: Int
        var refreshToken: String?
    }

    func refresh(clientId: String, clientSecret: String, refreshToken: String) async throws -> Token {
        let operation = "CreateToken"
        let url = endpoint.appendingPathComponent("token")
        let body = try JSONSerialization.data(
            withJSONObject: [
                "grantType": "refresh_token", "clientId": clientId, "clientSecret": clientSecret, "refreshToken": refreshToken,
            ], options: [.sortedKeys])
        let request = HTTPRequest(
            method: "POST", url: url,
            headers: [
                "Content-Type": "application/json",
                "Accept": "application/json",
                "User-Agent": SignedServiceCaller.userAgent,
            ], body: body, timeout: .seconds(30))
        let response = try await transport.send(request)
        guard response.isSuccess else { throw AWSServiceError.decodeSSO(response, service: "sso-oidc", operation: operation) }
        guard response.body.count <= AWSServiceError.ssoMaximumBodySize,
            let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
            let accessToken = object["accessToken"] as? String, !accessToken.isEmpty,
            let expiresIn = (object["expiresIn"] as? NSNumber)?.intValue, expiresIn > 0, expiresIn <= 366 * 86_400
        else {
            throw AWSServiceError.sso("invalidResponse", service: "sso-oidc", httpStatus: response.status, operation: operation)
        }
        let newRefresh = (object["refreshToken"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        SecretScrubber.register(accessToken)
        SecretScrubber.register(newRefresh)
        return Token(accessToken: accessToken, expiresIn: expiresIn, refreshToken: newRefresh)
    }
}
