import Foundation

/// Fetches an EC2 instance profile's credentials from the instance metadata service, IMDSv2 only.
///
/// Three requests, each limited to ``timeout`` (1 second by default, so that off EC2 — on a laptop —
/// the chain fails fast instead of hanging):
/// 1. `PUT /latest/api/token` with `x-aws-ec2-metadata-token-ttl-seconds: 21600`;
/// 2. `GET /latest/meta-data/iam/security-credentials/` for the role name (skipped when
///    `AWS_EC2_INSTANCE_PROFILE_NAME` names it);
/// 3. `GET /latest/meta-data/iam/security-credentials/<role>`.
///
/// A 403 on the token request means IMDS is disabled (or IMDSv2 forbidden) and is not retried. A 401 on
/// a metadata request means the token expired: a new token is fetched once. The IMDSv1 fallback
/// (requests without a token) is deliberately not implemented: it is what SSRF attacks on instance
/// credentials use, and AWS recommends requiring IMDSv2. The IMDSv2 session token is registered with
/// `SecretScrubber`, and every error reason passes it.
///
/// Settings: `AWS_EC2_METADATA_DISABLED=true` turns the provider off; `AWS_EC2_METADATA_SERVICE_ENDPOINT`
/// replaces the endpoint; `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6` uses `http://[fd00:ec2::254]`.
package struct IMDSCredentialProvider: CredentialProvider, CustomStringConvertible {
    /// "imds".
    package let name = "imds"
    private let transport: any HTTPTransport
    private let environment: RedactedEnvironment
    /// The time limit of each request.
    package let timeout: Duration

    /// The IPv4 endpoint.
    package static let defaultEndpoint = "http://169.254.169.254"
    /// The IPv6 endpoint.
    package static let ipv6Endpoint = "http://[fd00:ec2::254]"
    /// The lifetime requested for session tokens: 6 hours, the maximum.
    package static let tokenTTLSeconds = "21600"
    static let credentialsPath = "/latest/meta-data/iam/security-credentials/"

    /// Creates a provider.
    /// - Parameters:
    ///   - transport: The HTTP transport.
    ///   - environment: The environment variables (inject them).
    ///   - timeout: The time limit of each request, 1 second by default.
    package init(transport: any HTTPTransport, environment: [String: String], timeout: Duration = .seconds(1)) {
        self.transport = transport
        self.environment = RedactedEnvironment(environment)
        self.timeout = timeout
    }

    /// The endpoint the environment selects, without a trailing slash.
    /// - Throws: ``AWSConfigurationError`` when `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE` is neither
    ///   `IPv4` nor `IPv6`.
    func endpoint() throws -> String {
        if let custom = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] {
            return custom.hasSuffix("/") ? String(custom.dropLast()) : custom
        }
        let mode = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"]
        switch mode?.lowercased() {
        case nil, "ipv4": return Self.defaultEndpoint
        case "ipv6": return Self.ipv6Endpoint
        default:
            throw AWSConfigurationError.invalidValue(
                source: "environment variable AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", value: mode ?? "", expected: "IPv4 or IPv6")
        }
    }

    /// Fetches the instance profile's credentials.
    /// - Returns: Temporary credentials with their expiration.
    /// - Throws: ``CredentialProviderError``: not configured when IMDS is disabled by setting or by a 403,
    ///   unreachable (not on EC2), or the instance has no instance profile; failed for other errors.
    package func credentials() async throws -> AWSCredentials {
        let base: String
        do {
            if try environment.bool("AWS_EC2_METADATA_DISABLED") == true {
                throw CredentialProviderError.notConfigured(name, "AWS_EC2_METADATA_DISABLED is true")
            }
            base = try endpoint()
        } catch let error as AWSConfigurationError {
            throw CredentialProviderError.failed(name, error.description)
        }
        var session = Session(provider: self, base: base)
        let role: String
        if let configured = environment["AWS_EC2_INSTANCE_PROFILE_NAME"] {
            role = configured
        } else {
            let body = try await session.get(
                Self.credentialsPath, notFound: .notConfigured(name, "the instance has no IAM instance profile (404 from \(base))"))
            guard
                let first = String(decoding: body, as: UTF8.self).split(whereSeparator: \.isNewline).first
                    .map({ $0.trimmingCharacters(in: .whitespaces) }), !first.isEmpty
            else {
                throw CredentialProviderError.notConfigured(name, "the instance has no IAM instance profile (empty role list from \(base))")
            }
            role = first
        }
        guard
            let encodedRole = role.addingPercentEncoding(
                withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/")))
        else {
            throw CredentialProviderError.failed(name, "instance profile name \(role) cannot be used in a URL")
        }
        let body = try await session.get(
            Self.credentialsPath + encodedRole, notFound: .failed(name, "instance profile \(role) was not found (404 from \(base))"))
        let source = "the credentials document of instance profile \(role)"
        let document = try CredentialsDocument.decode(body, provider: name, source: source)
        if let code = document.code, code != "Success" {
            throw CredentialProviderError.failed(name, "\(source) has Code \(code)")
        }
        return try document.credentials(provider: name, source: source)
    }

    /// One credentials fetch: the token, and whether it has been refreshed after a 401 already.
    private struct Session {
        let provider: IMDSCredentialProvider
        let base: String
        var token: String?
        var refreshedToken = false

        init(provider: IMDSCredentialProvider, base: String) {
            self.provider = provider
            self.base = base
        }

        private var name: String { provider.name }

        private func url(_ path: String) throws -> URL {
            guard let url = URL(string: base + path) else {
                throw CredentialProviderError.failed(name, "the metadata endpoint \(base) does not form a valid URL")
            }
            return url
        }

        private func send(_ request: HTTPRequest) async throws -> HTTPResponse {
            do {
                return try await provider.transport.send(request)
            } catch let error as TransportError {
                // Unreachable IMDS is the normal state off EC2, so it reads as "not configured".
                throw CredentialProviderError.notConfigured(
                    name, "the instance metadata service at \(base) is not reachable: \(error.message) (\(error.kind))")
            }
        }

        private mutating func fetchToken() async throws -> String {
            let request = HTTPRequest(
                method: "PUT", url: try url("/latest/api/token"),
                headers: ["x-aws-ec2-metadata-token-ttl-seconds": IMDSCredentialProvider.tokenTTLSeconds],
                timeout: provider.timeout)
            let response = try await send(request)
            switch response.status {
            case 200..<300:
                let token = String(decoding: response.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                guard !token.isEmpty else { throw CredentialProviderError.failed(name, "the IMDSv2 token response from \(base) was empty") }
                // The session token is a capability for the instance's credentials: never echoed.
                SecretScrubber.register(token)
                self.token = token
                return token
            case 403:
                throw CredentialProviderError.notConfigured(name, "IMDS is disabled: the IMDSv2 token request to \(base) returned 403")
            default:
                throw CredentialProviderError.failed(name, "the IMDSv2 token request to \(base) returned HTTP \(response.status)")
            }
        }

        mutating func get(_ path: String, notFound: CredentialProviderError) async throws -> Data {
            while true {
                let token: String
                if let existing = self.token { token = existing } else { token = try await fetchToken() }
                let request = HTTPRequest(
                    method: "GET", url: try url(path),
                    headers: ["x-aws-ec2-metadata-token": token],
                    timeout: provider.timeout)
                let response = try await send(request)
                switch response.status {
                case 200..<300:
                    return response.body
                case 401 where !refreshedToken:
                    // The token expired or was rejected: fetch a new one, once per credentials fetch.
                    refreshedToken = true
                    self.token = nil
                case 404:
                    throw notFound
                default:
                    throw CredentialProviderError.failed(name, "GET \(path) on \(base) returned HTTP \(response.status)")
                }
            }
        }
    }

    /// The provider's name; the environment is never shown.
    package var description: String { "IMDSCredentialProvider" }
}
