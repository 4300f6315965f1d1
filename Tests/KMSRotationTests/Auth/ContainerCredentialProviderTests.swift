import Foundation
import Testing
@testable import KMSRotation

@Suite struct ContainerCredentialProviderTests {
    static let body = """
        {"AccessKeyId": "ASIACONTAINER", "SecretAccessKey": "\(AuthFixtures.secret)", "Token": "\(AuthFixtures.token)",
         "Expiration": "\(AuthFixtures.expirationText)", "AccountId": "111122223333", "RoleArn": "arn:aws:iam::111122223333:role/task"}
        """
    static let expected = AWSCredentials(
        accessKeyId: "ASIACONTAINER", secretAccessKey: AuthFixtures.secret, sessionToken: AuthFixtures.token,
        expiration: AuthFixtures.expiration, accountId: "111122223333")

    private static func ok() -> AuthTestTransport {
        AuthTestTransport { _ in AuthFixtures.response(200, body) }
    }

    private static let noFiles: @Sendable (String) throws -> Data = { path in
        Issue.record("unexpected read of \(path)")
        throw CocoaError(.fileNoSuchFile)
    }

    private func failure(_ provider: ContainerCredentialProvider) async throws -> CredentialProviderError {
        try await #require(throws: CredentialProviderError.self) { try await provider.credentials() }
    }

    @Test func notConfiguredWithoutURIs() async throws {
        let transport = Self.ok()
        let error = try await failure(ContainerCredentialProvider(environment: [:], transport: transport, fileReader: Self.noFiles))
        #expect(
            error
                == .notConfigured("container", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set"))
        #expect(transport.requests.isEmpty)
    }

    @Test func relativeURIUsesTheECSHost() async throws {
        let transport = Self.ok()
        let provider = ContainerCredentialProvider(
            environment: [
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/4f1b",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": "https://ignored.example/",
            ],
            transport: transport, fileReader: Self.noFiles)
        #expect(try await provider.credentials() == Self.expected)
        let request = try #require(transport.requests.first)
        #expect(transport.requests.count == 1)
        #expect(request.method == "GET")
        #expect(request.url.absoluteString == "http://169.254.170.2/v2/credentials/4f1b")
        #expect(request.headers["Authorization"] == nil)
        #expect(request.timeout == .seconds(2))
    }

    @Test(arguments: [
        "https://creds.example/get", "http://127.0.0.1:8080/creds", "http://127.1.2.3/creds", "http://169.254.170.2/v1",
        "http://169.254.170.23/v1/credentials", "http://[fd00:ec2::23]/v1/credentials", "http://[::1]:9000/", "http://[0:0:0:0:0:0:0:1]/",
    ])
    func allowedFullURIs(uri: String) async throws {
        let transport = Self.ok()
        let provider = ContainerCredentialProvider(
            environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": uri], transport: transport, fileReader: Self.noFiles)
        #expect(try await provider.credentials() == Self.expected)
        #expect(transport.requests.map(\.url.absoluteString) == [uri])
    }

    @Test(arguments: [
        (
            "http://10.0.0.1/creds",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI host 10.0.0.1 is not allowed over plain http; use https, a loopback address, 169.254.170.2, 169.254.170.23 or fd00:ec2::23"
        ),
        (
            "http://localhost:8080/creds",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI host localhost is not allowed over plain http; use https, a loopback address, 169.254.170.2, 169.254.170.23 or fd00:ec2::23"
        ),
        (
            "http://169.254.169.254/latest",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI host 169.254.169.254 is not allowed over plain http; use https, a loopback address, 169.254.170.2, 169.254.170.23 or fd00:ec2::23"
        ),
        (
            "http://[fd00:ec2::24]/",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI host fd00:ec2::24 is not allowed over plain http; use https, a loopback address, 169.254.170.2, 169.254.170.23 or fd00:ec2::23"
        ),
        ("ftp://127.0.0.1/creds", "AWS_CONTAINER_CREDENTIALS_FULL_URI has scheme ftp; expected http or https"),
        ("/relative/only", "AWS_CONTAINER_CREDENTIALS_FULL_URI is not an absolute URL"),
    ])
    func refusedFullURIs(uri: String, reason: String) async throws {
        let transport = Self.ok()
        let error = try await failure(
            ContainerCredentialProvider(
                environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": uri], transport: transport, fileReader: Self.noFiles))
        #expect(error.kind == .failed)
        // IPv6 hosts may come back bracketed or not depending on the Foundation version.
        #expect(error.reason.replacingOccurrences(of: "[fd00:ec2::24]", with: "fd00:ec2::24") == reason)
        #expect(transport.requests.isEmpty)
    }

    @Test func tokenFileBeatsTokenVariableAndIsReadEachTime() async throws {
        let dir = try AuthTempDirectory()
        let tokenFile = try dir.write("token", "eks-pod-identity-token-1\n")
        let transport = Self.ok()
        let provider = ContainerCredentialProvider(
            environment: [
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile,
                "AWS_CONTAINER_AUTHORIZATION_TOKEN": "env-token",
            ], transport: transport)
        _ = try await provider.credentials()
        try dir.write("token", "eks-pod-identity-token-2")
        _ = try await provider.credentials()
        #expect(transport.requests.map { $0.headers["Authorization"] } == ["eks-pod-identity-token-1", "eks-pod-identity-token-2"])
    }

    @Test func tokenVariableIsSentAsAuthorization() async throws {
        let transport = Self.ok()
        let provider = ContainerCredentialProvider(
            environment: [
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:51679/creds", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Basic abc",
            ],
            transport: transport, fileReader: Self.noFiles)
        _ = try await provider.credentials()
        #expect(transport.requests.first?.headers["Authorization"] == "Basic abc")
    }

    @Test func tokenWithLineBreakIsRefused() async throws {
        let transport = Self.ok()
        let provider = ContainerCredentialProvider(
            environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/x", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/var/run/token"],
            transport: transport, fileReader: { _ in Data("abc\r\nX-Injected: 1".utf8) })
        let error = try await failure(provider)
        #expect(error == .failed("container", "the container authorization token contains a line break"))
        #expect(transport.requests.isEmpty)
    }

    @Test func unreadableTokenFileFails() async throws {
        struct Denied: Error, LocalizedError { var errorDescription: String? { "permission denied" } }
        let provider = ContainerCredentialProvider(
            environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/x", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/var/run/token"],
            transport: Self.ok(), fileReader: { _ in throw Denied() })
        let error = try await failure(provider)
        #expect(error == .failed("container", "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE /var/run/token: permission denied"))
    }

    @Test func serverErrorsAndTransportErrorsAreRetried() async throws {
        let calls = AuthCounter()
        let transport = AuthTestTransport { _ in
            switch calls.increment() {
            case 1: throw TransportError(.timedOut, "no answer in 2 s")
            case 2: return AuthFixtures.response(503)
            default: return AuthFixtures.response(200, Self.body)
            }
        }
        let provider = ContainerCredentialProvider(
            environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/x"], transport: transport, fileReader: Self.noFiles)
        #expect(try await provider.credentials() == Self.expected)
        #expect(transport.requests.count == 3)
    }

    @Test func persistentServerErrorFailsAfterMaxAttempts() async throws {
        let transport = AuthTestTransport { _ in AuthFixtures.response(500, "{\"message\":\"internal\"}") }
        let error = try await failure(
            ContainerCredentialProvider(
                environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/x"], transport: transport, fileReader: Self.noFiles))
        #expect(error == .failed("container", #"http://169.254.170.2 returned HTTP 500: {"message":"internal"}"#))
        #expect(transport.requests.count == 3)
    }

    @Test func clientErrorIsNotRetried() async throws {
        let transport = AuthTestTransport { _ in AuthFixtures.response(403) }
        let error = try await failure(
            ContainerCredentialProvider(
                environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:8080/creds"], transport: transport,
                fileReader: Self.noFiles))
        #expect(error == .failed("container", "http://127.0.0.1:8080 returned HTTP 403"))
        #expect(transport.requests.count == 1)
    }

    @Test func unreadableBodyFailsWithoutQuotingIt() async throws {
        let transport = AuthTestTransport { _ in AuthFixtures.response(200, "AccessKeyId=A SecretAccessKey=\(AuthFixtures.secret)") }
        let error = try await failure(
            ContainerCredentialProvider(
                environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/x"], transport: transport, fileReader: Self.noFiles))
        #expect(error == .failed("container", "the response of http://169.254.170.2 is not a valid credentials JSON object"))
    }
}
