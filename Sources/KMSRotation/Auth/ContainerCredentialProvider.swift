import Foundation
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Fetches credentials from the container credentials endpoint: ECS task roles and EKS Pod Identity.
///
/// Configured by the environment the container agent sets:
/// - `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` → `http://169.254.170.2` + the URI (ECS);
/// - otherwise `AWS_CONTAINER_CREDENTIALS_FULL_URI`, which must be `https`, or `http` to a host that
///   cannot leave the machine or the task: `127.0.0.0/8`, `::1`, `169.254.170.2`, `169.254.170.23` or
///   `fd00:ec2::23` (EKS Pod Identity). Any other plain-HTTP host is refused, because the endpoint is
///   sent an authorization token and returns credentials. Host names such as `localhost` are refused
///   too: checking them would need a DNS lookup.
/// - The `Authorization` header comes from the file `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (re-read
///   on every fetch, since EKS rotates it), else `AWS_CONTAINER_AUTHORIZATION_TOKEN`. The token is
///   registered with `SecretScrubber` when it is read.
///
/// A failed fetch names the endpoint's origin and HTTP status and quotes at most 200 characters of an
/// error body, after `SecretScrubber`: an endpoint that echoes the token back cannot reveal it.
package struct ContainerCredentialProvider: CredentialProvider, CustomStringConvertible {
    /// "container".
    package let name = "container"
    private let environment: RedactedEnvironment
    private let transport: any HTTPTransport
    private let readFile: @Sendable (String) throws -> Data
    /// How long one request may take.
    package let timeout: Duration
    /// Attempts per fetch; transport errors and 5xx responses are retried, other statuses are not.
    package let maxAttempts: Int

    /// The ECS credentials host that `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` is relative to.
    package static let ecsHost = "http://169.254.170.2"

    /// Creates a provider.
    /// - Parameters:
    ///   - environment: The environment variables (inject them).
    ///   - transport: The HTTP transport.
    ///   - fileReader: Reads the authorization token file; the default reads the disk.
    ///   - timeout: The time limit of each request, 2 seconds by default (botocore's value).
    ///   - maxAttempts: Attempts per fetch, 3 by default.
    package init(
        environment: [String: String],
        transport: any HTTPTransport,
        fileReader: @escaping @Sendable (String) throws -> Data = { try Data(contentsOf: URL(fileURLWithPath: $0)) },
        timeout: Duration = .seconds(2),
        maxAttempts: Int = 3
    ) {
        self.environment = RedactedEnvironment(environment)
        self.transport = transport
        self.readFile = fileReader
        self.timeout = timeout
        self.maxAttempts = max(1, maxAttempts)
    }

    /// Fetches credentials from the container endpoint.
    /// - Returns: Temporary credentials with their expiration.
    /// - Throws: ``CredentialProviderError``: not configured when neither URI variable is set; failed
    ///   for a refused URI, an unreadable token, a non-2xx response or an unreadable body.
    package func credentials() async throws -> AWSCredentials {
        let url = try endpoint()
        var headers: HTTPHeaders = ["Accept": "application/json"]
        if let token = try authorizationToken() { headers["Authorization"] = token }
        let request = HTTPRequest(method: "GET", url: url, headers: headers, timeout: timeout)
        let origin = Self.origin(of: url)

        var lastFailure = ""
        for _ in 0..<maxAttempts {
            let response: HTTPResponse
            do {
                response = try await transport.send(request)
            } catch let error as TransportError {
                lastFailure = "\(origin) could not be reached: \(error.message) (\(error.kind))"
                continue
            }
            if response.isSuccess {
                let document = try CredentialsDocument.decode(response.body, provider: name, source: "the response of \(origin)")
                return try document.credentials(provider: name, source: "the response of \(origin)")
            }
            let detail = response.body.isEmpty ? "" : ": \(AWSServiceError.excerpt(response.body))"
            lastFailure = "\(origin) returned HTTP \(response.status)\(detail)"
            if response.status < 500 { break }
        }
        throw CredentialProviderError.failed(name, lastFailure)
    }

    /// The endpoint URL the environment configures, after the host check.
    func endpoint() throws -> URL {
        if let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] {
            let path = relative.hasPrefix("/") ? relative : "/" + relative
            guard let url = URL(string: Self.ecsHost + path) else {
                throw CredentialProviderError.failed(name, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is not a valid URI path")
            }
            return url
        }
        guard let full = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] else {
            throw CredentialProviderError.notConfigured(
                name, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set")
        }
        guard let url = URL(string: full), let scheme = url.scheme?.lowercased(), let host = url.host(percentEncoded: false), !host.isEmpty
        else {
            throw CredentialProviderError.failed(name, "AWS_CONTAINER_CREDENTIALS_FULL_URI is not an absolute URL")
        }
        switch scheme {
        case "https":
            return url
        case "http":
            guard Self.isAllowedPlainHTTPHost(host) else {
                throw CredentialProviderError.failed(
                    name,
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI host \(host) is not allowed over plain http; use https, a loopback address, "
                        + "169.254.170.2, 169.254.170.23 or fd00:ec2::23"
                )
            }
            return url
        default:
            throw CredentialProviderError.failed(name, "AWS_CONTAINER_CREDENTIALS_FULL_URI has scheme \(scheme); expected http or https")
        }
    }

    /// The `Authorization` value: the token file's content, else the token variable, else none.
    func authorizationToken() throws -> String? {
        let token: String
        if let path = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] {
            let data: Data
            do {
                data = try readFile(path)
            } catch {
                throw CredentialProviderError.failed(
                    name, "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(path): \(error.localizedDescription)")
            }
            token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        } else if let value = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"] {
            token = value.trimmingCharacters(in: .whitespacesAndNewlines)
        } else {
            return nil
        }
        // A line break in a header value would let the token inject headers into the request.
        guard !token.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
            throw CredentialProviderError.failed(name, "the container authorization token contains a line break")
        }
        SecretScrubber.register(token)
        return token.isEmpty ? nil : token
    }

    /// Whether plain HTTP to this host keeps the token and credentials on the machine or in the task.
    static func isAllowedPlainHTTPHost(_ rawHost: String) -> Bool {
        var host = rawHost
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            let octets = withUnsafeBytes(of: &v4) { Array($0) }
            return octets[0] == 127 || octets == [169, 254, 170, 2] || octets == [169, 254, 170, 23]
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            let bytes = withUnsafeBytes(of: &v6) { Array($0) }
            let loopback: [UInt8] = Array(repeating: 0, count: 15) + [1]
            let eksPodIdentity: [UInt8] = [0xfd, 0x00, 0x0e, 0xc2] + Array(repeating: 0, count: 11) + [0x23]
            return bytes == loopback || bytes == eksPodIdentity
        }
        return false
    }

    /// `scheme://host[:port]`: enough to say which endpoint failed without the path, whose ID the agent
    /// treats as a capability.
    static func origin(of url: URL) -> String {
        "\(url.scheme ?? "http")://\(SigV4Signer.hostHeader(for: url))"
    }

    /// The provider's name; the environment and token are never shown.
    package var description: String { "ContainerCredentialProvider" }
}
