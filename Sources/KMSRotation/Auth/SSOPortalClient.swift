import Foundation

/// The one IAM Identity Center portal call sign-in needs: `GetRoleCredentials`, unsigned REST-JSON,
/// `GET /federation/credentials?role_name=…&account_id=…` with the access token in the
/// `x-amz-sso_bearer_token` header (AWS API reference, `sso` service). Nothing the server says is trusted:
/// the answer is size-bounded and each field is checked.
struct SSOPortalClient: Sendable {
    /// `https://portal.sso.{region}.{dnsSuffix}`, or a configured `AWS_ENDPOINT_URL_SSO`.
    let endpoint: URL
    let transport: any HTTPTransport

    func getRoleCredentials(accessToken: String, accountId: String, roleName: String) async throws -> AWSCredentials {
        let operation = "GetRoleCredentials"
        guard var components = URLComponents(url: endpoint, resolvingAgainstBaseURL: false) else {
            throw AWSServiceError.sso("invalidRequest", service: "sso", httpStatus: nil, operation: operation)
        }
        let base = components.path
        components.path = (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/federation/credentials"
        components.queryItems = [URLQueryItem(name: "role_name", value: roleName), URLQueryItem(name: "account_id", value: accountId)]
        // `+` is legal in role names; URLComponents leaves it, and a server reads it as a space.
        let query = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        components.percentEncodedQuery = query
        guard let url = components.url else {
            throw AWSServiceError.sso("invalidRequest", service: "sso", httpStatus: nil, operation: operation)
        }
        let request = HTTPRequest(
            method: "GET", url: url,
            headers: [
                "x-amz-sso_bearer_token": accessToken,
                "Accept": "application/json",
                "User-Agent": SignedServiceCaller.userAgent,
            ], timeout: .seconds(30))
        let response = try await transport.send(request)
        guard response.isSuccess else { throw AWSServiceError.decodeSSO(response, service: "sso", operation: operation) }
        guard response.body.count <= AWSServiceError.ssoMaximumBodySize,
            let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
            let role = object["roleCredentials"] as? [String: Any],
            let accessKeyId = role["accessKeyId"] as? String, !accessKeyId.isEmpty,
            let secretAccessKey = role["secretAccessKey"] as? String, !secretAccessKey.isEmpty
        else {
            throw AWSServiceError.sso("invalidResponse", service: "sso", httpStatus: response.status, operation: operation)
        }
        let sessionToken = (role["sessionToken"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        // `expiration` is epoch milliseconds.
        let expiration = (role["expiration"] as? NSNumber).map { Date(timeIntervalSince1970: $0.doubleValue / 1000) }
        return AWSCredentials(
            accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, sessionToken: sessionToken,
            expiration: expiration, accountId: accountId)
    }
}
