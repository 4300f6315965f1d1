import Foundation
import Testing
import TestSupport
@testable import KMSRotation

/// Row 1 of the review: an endpoint whose error message echoes the request must not get a credential
/// into an error's description, `String(reflecting:)`, `dump`, or any report format.
@Suite(.serialized) struct SecretEchoServerTests {
    static let accessKeyId = "ASIAECHOSERVERTEST01"
    static let secretKey = "echoSecretKey/0123456789+ABCDEFghijklmno"
    static let sessionToken = "FwoGZXIvYXdzEchoSessionToken" + String(repeating: "Zm9vYmFy+/0123", count: 24) + "=="
    static let externalId = "ext-echo-4711-secret"
    static let containerToken = "ctr-echo-token-0xBEEF"
    static let credentials = AWSCredentials(accessKeyId: accessKeyId, secretAccessKey: secretKey, sessionToken: sessionToken)

    static func forbidden(signature: String) -> [String] {
        var values = [secretKey, sessionToken, String(sessionToken.prefix(40)), externalId, containerToken, accessKeyId, "Credential=ASIA"]
        if signature.count >= 32 { values.append(signature) }
        return values
    }

    static func renderings(_ value: Any) -> [String] {
        var dumped = ""
        dump(value, to: &dumped)
        return [String(describing: value), String(reflecting: value), dumped]
    }

    static func expectClean(_ texts: [String], signature: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for text in texts {
            for secret in forbidden(signature: signature) {
                #expect(!text.contains(secret), "leaked \(secret.prefix(12))… in: \(text.prefix(600))", sourceLocation: sourceLocation)
            }
        }
    }

    /// Renders a report in every format and checks none shows a secret.
    static func expectReportsClean(_ report: RotationReport, signature: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        for format in ReportFormat.allCases {
            let text = try ReportRenderer().render(report, as: format, options: RenderOptions(toolVersion: "0.1.0"))
            expectClean([text], signature: signature, sourceLocation: sourceLocation)
        }
    }

    static func withServer(_ body: (SecretEchoServer) async throws -> Void) async throws {
        let server = try SecretEchoServer.start()
        defer { server.stop() }
        try await body(server)
    }

    @Test("KMS: an echoed Authorization header and session token reach no error text and no report format")
    func kmsEcho() async throws {
        try await Self.withServer { server in
            let provider = StaticCredentialProvider(Self.credentials)
            let client = try KMSClient(
                AWSClientConfiguration(region: "eu-west-1", credentialProvider: provider, transport: URLSessionTransport()),
                endpoint: server.baseURL.absoluteString)
            let error = try await #require(throws: AWSServiceError.self) { _ = try await client.listKeys() }
            let signature = try await server.lastSignature()
            #expect(signature.count == 64)
            #expect(error.code == .accessDenied)
            #expect(error.message.contains("TrentService.ListKeys"), "the echo itself is kept: \(error.message.prefix(300))")
            #expect(error.message.contains(SecretScrubber.marker))
            #expect(error.requestId == "0f4c1c7e-5d55-4c1e-9a38-3e3c4a7a1d2b")
            Self.expectClean(Self.renderings(error) + [error.message], signature: signature)

            let options = RotationChecker.ScanOptions(regions: ["us-east-1", "eu-west-1"], now: { AuthFixtures.now })
            let checker = RotationChecker(options: options) { region in
                try KMSClient(
                    AWSClientConfiguration(region: region, credentialProvider: provider, transport: URLSessionTransport()),
                    endpoint: server.baseURL.absoluteString)
            }
            let report = try await checker.report()
            #expect(report.errors.count == 1, "eu-west-1 ListKeys is denied")
            #expect(report.findings.count == 1, "the us-east-1 key's GetKeyRotationStatus is denied")
            #expect(report.findings.first?.reason == .accessDenied)
            #expect(report.findings.first?.keyArn == "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
            Self.expectClean(Self.renderings(report), signature: try await server.lastSignature())
            try Self.expectReportsClean(report, signature: try await server.lastSignature())
        }
    }

    @Test("STS: an echoed form body (the external ID) and headers reach no error text and no report format")
    func stsEcho() async throws {
        try await Self.withServer { server in
            let sts = try STSClient(
                AWSClientConfiguration(
                    region: "us-east-1", credentialProvider: StaticCredentialProvider(Self.credentials), transport: URLSessionTransport()),
                endpoint: server.baseURL.absoluteString)
            let role = AssumeRoleCredentialProvider(
                roleArn: "arn:aws:iam::444455556666:role/Audit", externalId: Self.externalId, sts: sts, refreshMargin: nil)
            let error = try await #require(throws: AWSServiceError.self) { _ = try await role.credentials() }
            let signature = try await server.lastSignature()
            #expect(error.code == .stsAccessDenied)
            #expect(error.message.contains("RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666%3Arole%2FAudit"), "\(error.message.prefix(400))")
            Self.expectClean(Self.renderings(error) + [error.message], signature: signature)
            let scanError = ScanError(
                region: "us-east-1", operation: "AssumeRole", code: error.code.rawValue, message: error.message, accountId: "444455556666")
            try Self.expectReportsClean(
                RotationReport(findings: [], errors: [scanError], policy: .cis, regions: ["us-east-1"], generatedAt: AuthFixtures.now),
                signature: signature)
        }
    }

    @Test("Organizations: an echoed request reaches no error text and no report format")
    func organizationsEcho() async throws {
        try await Self.withServer { server in
            let client = try OrganizationsClient(
                AWSClientConfiguration(
                    region: "us-east-1", credentialProvider: StaticCredentialProvider(Self.credentials), transport: URLSessionTransport()),
                endpoint: server.baseURL.absoluteString)
            let error = try await #require(throws: AWSServiceError.self) { _ = try await client.listAccounts() }
            let signature = try await server.lastSignature()
            #expect(error.code == .accessDenied)
            #expect(error.message.contains(SecretScrubber.marker))
            Self.expectClean(Self.renderings(error) + [error.message], signature: signature)
            let scanError = ScanError(region: "us-east-1", operation: "ListAccounts", code: error.code.rawValue, message: error.message)
            try Self.expectReportsClean(
                RotationReport(findings: [], errors: [scanError], policy: .cis, regions: ["us-east-1"], generatedAt: AuthFixtures.now),
                signature: signature)
        }
    }

    @Test("Container credentials: an error body that echoes the authorization token does not reveal it")
    func containerEcho() async throws {
        try await Self.withServer { server in
            let environment = [
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": server.baseURL.absoluteString + "/container/v1",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN": Self.containerToken,
            ]
            let provider = ContainerCredentialProvider(environment: environment, transport: URLSessionTransport(), maxAttempts: 1)
            let error = try await #require(throws: CredentialProviderError.self) { _ = try await provider.credentials() }
            #expect(error.reason.contains("HTTP 403"), "\(error.reason)")
            #expect(error.reason.contains("refused"), "the body excerpt is quoted: \(error.reason)")
            Self.expectClean(Self.renderings(error) + [error.reason], signature: "")
            let chain = CredentialProviderChain(providers: [provider])
            let chainError = try await #require(throws: (any Error).self) { _ = try await chain.credentials() }
            Self.expectClean(Self.renderings(chainError), signature: "")
            let evidence = EvidenceError(chainError, operation: "DescribeKey")
            Self.expectClean([evidence.message, evidence.description], signature: "")
        }
    }
}

extension SecretEchoServer {
    /// The signature of the last signed request the server saw.
    func lastSignature() async throws -> String {
        let response = try await URLSessionTransport().send(HTTPRequest(method: "GET", url: baseURL.appendingPathComponent("last")))
        let object = try JSONSerialization.jsonObject(with: response.body) as? [String: String]
        let authorization = object?["authorization"] ?? ""
        return authorization.components(separatedBy: "Signature=").last ?? ""
    }
}
