import Foundation
import Testing
@testable import KMSRotation
import KMSRotationTesting

/// A clock tests can move.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    init(_ start: Date) { current = start }
    var now: Date { lock.withLock { current } }
    func advance(by seconds: TimeInterval) { lock.withLock { current += seconds } }
}

@Suite("AssumeRoleCredentialProvider")
struct AssumeRoleCredentialProviderTests {
    /// An STS that answers each AssumeRole with credentials numbered by call, valid for one hour from `clock`.
    static func numberedSTS(_ clock: TestClock, calls: AuthCounter, recorder: RequestRecorder? = nil) throws -> STSClient {
        let transport = MockTransport { _ in
            let call = calls.increment()
            let expiration = ISO8601DateFormatter().string(from: clock.now.addingTimeInterval(3600))
            return HTTPResponse(
                status: 200, body: Data(STSFixtures.assumeRoleXML(accessKeyId: "ASIACALL\(call)", expiration: expiration).utf8))
        }
        let recorded: any HTTPTransport = recorder.map { transport.recording(into: $0) } ?? transport
        return try STSClient(
            AWSClientConfiguration(
                region: "us-east-1", credentialProvider: STSFixtures.caller, transport: recorded, sleeper: { _ in }, now: { clock.now }))
    }

    @Test("Credentials are cached, shared by concurrent callers, and refreshed 5 minutes before expiry")
    func cachesAndRefreshes() async throws {
        let clock = TestClock(STSFixtures.now)
        let calls = AuthCounter()
        let recorder = RequestRecorder()
        let provider = AssumeRoleCredentialProvider(
            roleArn: "arn:aws:iam::444455556666:role/Audit",
            sts: try Self.numberedSTS(clock, calls: calls, recorder: recorder), now: { clock.now })
        try await withThrowingTaskGroup(of: AWSCredentials.self) { group in
            for _ in 0..<20 { group.addTask { try await provider.credentials() } }
            for try await credentials in group { #expect(credentials.accessKeyId == "ASIACALL1") }
        }
        #expect(calls.value == 1)
        let body = String(decoding: try #require(await recorder.last).body, as: UTF8.self)
        #expect(body.contains("RoleSessionName=kms-rotation-audit&DurationSeconds=3600"))

        clock.advance(by: 3600 - 301)
        #expect(try await provider.credentials().accessKeyId == "ASIACALL1")
        clock.advance(by: 2)  // now within 300 s of expiry
        let refreshed = try await provider.credentials()
        #expect(refreshed.accessKeyId == "ASIACALL2")
        #expect(refreshed.accountId == "444455556666")
        #expect(calls.value == 2)

        await provider.invalidate()
        #expect(try await provider.credentials().accessKeyId == "ASIACALL3")
    }

    @Test("Without a refresh margin every call assumes the role")
    func uncached() async throws {
        let clock = TestClock(STSFixtures.now)
        let calls = AuthCounter()
        let provider = AssumeRoleCredentialProvider(
            roleArn: "arn:aws:iam::444455556666:role/Audit", roleSessionName: "custom",
            durationSeconds: 900, sts: try Self.numberedSTS(clock, calls: calls), refreshMargin: nil)
        _ = try await provider.credentials()
        _ = try await provider.credentials()
        #expect(calls.value == 2)
        #expect(provider.accountId == "444455556666")
        #expect(provider.name == "assume-role arn:aws:iam::444455556666:role/Audit")
    }

    @Test("STS errors are thrown unchanged, so the caller can tell AccessDenied from a network failure")
    func errors() async throws {
        let denied = try STSFixtures.client(
            MockTransport.always(STSFixtures.xml(status: 403, STSFixtures.errorXML(code: "AccessDenied", message: "no trust"))))
        let provider = AssumeRoleCredentialProvider(roleArn: "arn:aws:iam::444455556666:role/Audit", sts: denied)
        let error = try await #require(throws: AWSServiceError.self) { try await provider.credentials() }
        #expect(error.code == .stsAccessDenied)

        let unreachable = try STSFixtures.client(MockTransport.failing(TransportError(.invalidRequest, "no route")))
        let other = AssumeRoleCredentialProvider(roleArn: "arn:aws:iam::444455556666:role/Audit", sts: unreachable)
        await #expect(throws: TransportError.self) { try await other.credentials() }
    }

    @Test("Neither the provider nor its credentials print a secret or the external ID")
    func redaction() async throws {
        let sts = try STSFixtures.client(MockTransport.always(STSFixtures.xml(STSFixtures.assumeRoleXML())))
        let provider = AssumeRoleCredentialProvider(
            roleArn: "arn:aws:iam::444455556666:role/Audit", externalId: "external-id-value", sts: sts)
        let credentials = try await provider.credentials()
        var texts = [String(describing: provider), String(reflecting: provider), String(describing: credentials)]
        var dumped = ""
        dump(provider, to: &dumped)
        dump(credentials, to: &dumped)
        texts.append(dumped)
        #expect(String(describing: provider).contains("externalId: <redacted>"))
        for text in texts {
            for secret in [STSFixtures.roleSecret, STSFixtures.roleToken, STSFixtures.callerSecret, "external-id-value"] {
                #expect(!text.contains(secret), "leaked \(secret): \(text)")
            }
        }
    }
}
