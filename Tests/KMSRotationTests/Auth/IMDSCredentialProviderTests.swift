import Foundation
import Testing
@testable import KMSRotation

@Suite struct IMDSCredentialProviderTests {
    static let document = """
        {"Code": "Success", "LastUpdated": "\(ISO8601DateFormatter().string(from: AuthFixtures.now))", "Type": "AWS-HMAC", "AccessKeyId": "ASIAIMDS",
         "SecretAccessKey": "\(AuthFixtures.secret)", "Token": "\(AuthFixtures.token)", "Expiration": "\(AuthFixtures.expirationText)"}
        """
    static let expected = AWSCredentials(
        accessKeyId: "ASIAIMDS", secretAccessKey: AuthFixtures.secret, sessionToken: AuthFixtures.token,
        expiration: AuthFixtures.expiration)

    /// An IMDS that hands out numbered tokens and answers metadata requests through `metadata`.
    private static func imds(
        token: @escaping @Sendable (Int) -> HTTPResponse = { AuthFixtures.response(200, "token-\($0)") },
        metadata: @escaping @Sendable (HTTPRequest) -> HTTPResponse = { request in
            request.url.absoluteString.hasSuffix("/security-credentials/")
                ? AuthFixtures.response(200, "AuditRole\n") : AuthFixtures.response(200, document)
        }
    ) -> AuthTestTransport {
        let tokens = AuthCounter()
        return AuthTestTransport { request in
            request.method == "PUT" ? token(tokens.increment()) : metadata(request)
        }
    }

    private func summary(_ transport: AuthTestTransport) -> [String] {
        transport.requests.map { "\($0.method) \($0.url.absoluteString) \($0.headers["x-aws-ec2-metadata-token"] ?? "-")" }
    }

    private func failure(_ provider: IMDSCredentialProvider) async throws -> CredentialProviderError {
        try await #require(throws: CredentialProviderError.self) { try await provider.credentials() }
    }

    @Test func fetchesTokenRoleAndCredentials() async throws {
        let transport = Self.imds()
        let provider = IMDSCredentialProvider(transport: transport, environment: [:])
        #expect(try await provider.credentials() == Self.expected)
        #expect(
            summary(transport) == [
                "PUT http://169.254.169.254/latest/api/token -",
                "GET http://169.254.169.254/latest/meta-data/iam/security-credentials/ token-1",
                "GET http://169.254.169.254/latest/meta-data/iam/security-credentials/AuditRole token-1",
            ])
        let put = try #require(transport.requests.first)
        #expect(put.headers["x-aws-ec2-metadata-token-ttl-seconds"] == "21600")
        #expect(transport.requests.allSatisfy { $0.timeout == .seconds(1) })
    }

    @Test func configuredProfileNameSkipsRoleLookup() async throws {
        let transport = Self.imds()
        let provider = IMDSCredentialProvider(transport: transport, environment: ["AWS_EC2_INSTANCE_PROFILE_NAME": "Fixed Role"])
        #expect(try await provider.credentials() == Self.expected)
        #expect(
            summary(transport) == [
                "PUT http://169.254.169.254/latest/api/token -",
                "GET http://169.254.169.254/latest/meta-data/iam/security-credentials/Fixed%20Role token-1",
            ])
    }

    @Test func endpointOverrideAndIPv6Mode() async throws {
        let overridden = Self.imds()
        _ = try await IMDSCredentialProvider(
            transport: overridden,
            environment: [
                "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1338/", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv6",
            ]
        ).credentials()
        #expect(overridden.requests.first?.url.absoluteString == "http://127.0.0.1:1338/latest/api/token")

        let ipv6 = Self.imds()
        _ = try await IMDSCredentialProvider(transport: ipv6, environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv6"]).credentials()
        #expect(ipv6.requests.first?.url.absoluteString == "http://[fd00:ec2::254]/latest/api/token")
    }

    @Test func disabledBySettingMakesNoRequest() async throws {
        let transport = Self.imds()
        let error = try await failure(IMDSCredentialProvider(transport: transport, environment: ["AWS_EC2_METADATA_DISABLED": "TRUE"]))
        #expect(error == .notConfigured("imds", "AWS_EC2_METADATA_DISABLED is true"))
        #expect(transport.requests.isEmpty)
    }

    @Test func invalidSettingsFail() async throws {
        let transport = Self.imds()
        let disabled = try await failure(IMDSCredentialProvider(transport: transport, environment: ["AWS_EC2_METADATA_DISABLED": "1"]))
        #expect(disabled == .failed("imds", "Invalid value '1' for environment variable AWS_EC2_METADATA_DISABLED: expected true or false"))
        let mode = try await failure(
            IMDSCredentialProvider(transport: transport, environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv5"]))
        #expect(
            mode
                == .failed(
                    "imds", "Invalid value 'IPv5' for environment variable AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: expected IPv4 or IPv6"))
        #expect(transport.requests.isEmpty)
    }

    @Test func forbiddenTokenMeansDisabledAndIsNotRetried() async throws {
        let transport = Self.imds(token: { _ in AuthFixtures.response(403) })
        let error = try await failure(IMDSCredentialProvider(transport: transport, environment: [:]))
        #expect(error == .notConfigured("imds", "IMDS is disabled: the IMDSv2 token request to http://169.254.169.254 returned 403"))
        #expect(transport.requests.count == 1)
    }

    @Test func unreachableIsNotConfigured() async throws {
        let error = try await failure(
            IMDSCredentialProvider(
                transport: AuthTestTransport { _ in throw TransportError(.timedOut, "no response within 1 s") }, environment: [:]))
        #expect(
            error
                == .notConfigured(
                    "imds", "the instance metadata service at http://169.254.169.254 is not reachable: no response within 1 s (timedOut)"))
    }

    @Test func unauthorizedRefetchesTokenOnce() async throws {
        let rejected = AuthCounter()
        let transport = Self.imds(metadata: { request in
            if request.headers["x-aws-ec2-metadata-token"] == "token-1" {
                rejected.increment()
                return AuthFixtures.response(401)
            }
            return request.url.absoluteString.hasSuffix("/security-credentials/")
                ? AuthFixtures.response(200, "AuditRole") : AuthFixtures.response(200, Self.document)
        })
        #expect(try await IMDSCredentialProvider(transport: transport, environment: [:]).credentials() == Self.expected)
        #expect(
            summary(transport) == [
                "PUT http://169.254.169.254/latest/api/token -",
                "GET http://169.254.169.254/latest/meta-data/iam/security-credentials/ token-1",
                "PUT http://169.254.169.254/latest/api/token -",
                "GET http://169.254.169.254/latest/meta-data/iam/security-credentials/ token-2",
                "GET http://169.254.169.254/latest/meta-data/iam/security-credentials/AuditRole token-2",
            ])
        #expect(rejected.value == 1)
    }

    @Test func secondUnauthorizedFails() async throws {
        let transport = Self.imds(metadata: { _ in AuthFixtures.response(401) })
        let error = try await failure(IMDSCredentialProvider(transport: transport, environment: [:]))
        #expect(error == .failed("imds", "GET /latest/meta-data/iam/security-credentials/ on http://169.254.169.254 returned HTTP 401"))
        #expect(transport.requests.map(\.method) == ["PUT", "GET", "PUT", "GET"])
    }

    @Test func noInstanceProfileIsNotConfigured() async throws {
        let transport = Self.imds(metadata: { _ in AuthFixtures.response(404) })
        let error = try await failure(IMDSCredentialProvider(transport: transport, environment: [:]))
        #expect(error == .notConfigured("imds", "the instance has no IAM instance profile (404 from http://169.254.169.254)"))
    }

    @Test func unsuccessfulCodeFails() async throws {
        let transport = Self.imds(metadata: { request in
            request.url.absoluteString.hasSuffix("/security-credentials/")
                ? AuthFixtures.response(200, "AuditRole") : AuthFixtures.response(200, #"{"Code": "AssumeRoleUnauthorizedAccess"}"#)
        })
        let error = try await failure(IMDSCredentialProvider(transport: transport, environment: [:]))
        #expect(error == .failed("imds", "the credentials document of instance profile AuditRole has Code AssumeRoleUnauthorizedAccess"))
    }
}
