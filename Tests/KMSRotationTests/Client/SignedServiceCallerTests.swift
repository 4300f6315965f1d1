import Foundation
import Testing
@testable import KMSRotation
import KMSRotationTesting

@Suite("Signed request pipeline shared by KMS, STS and Organizations")
struct SignedServiceCallerTests {
    @Test("An STS RequestExpired answer resyncs the clock from the Date header and resends once")
    func stsClockSkew() async throws {
        let recorder = RequestRecorder()
        let expired = HTTPResponse(
            status: 400, headers: ["Date": "Wed, 18 Nov 2026 13:06:40 GMT"],
            body: Data(
                "<ErrorResponse><Error><Type>Sender</Type><Code>RequestExpired</Code><Message>Request has expired.</Message></Error></ErrorResponse>"
                    .utf8))
        let transport = MockTransport.sequence([.response(expired), .status(200, body: "<ok/>"), .status(200, body: "<ok/>")]).recording(
            into: recorder)
        let caller = SignedServiceCaller(
            service: "sts", signingRegion: "us-east-1", endpoint: URL(string: "https://sts.us-east-1.amazonaws.com")!,
            configuration: AWSClientConfiguration(
                region: "us-east-1", credentialProvider: clientCredentials, transport: transport,
                requestTimeout: nil, sleeper: { _ in }, now: { Date(timeIntervalSince1970: 1_795_000_000) }))
        for _ in 0..<2 {
            _ = try await caller.send(operation: "AssumeRole", headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Data())
            {
                AWSServiceError.decodeQuery(service: "sts", from: $0, operation: "AssumeRole")
            }
        }
        let dates = await recorder.requests.map { $0.headers["X-Amz-Date"] ?? "" }
        #expect(dates == ["20261118T110640Z", "20261118T130640Z", "20261118T130640Z"])
    }

    @Test("A signature mismatch that is not about time is not resent")
    func notSkew() async throws {
        let recorder = RequestRecorder()
        let mismatch = HTTPResponse(
            status: 403, headers: ["Date": "Wed, 18 Nov 2026 13:06:40 GMT"],
            body: Data(#"{"__type":"InvalidSignatureException","message":"The request signature we calculated does not match"}"#.utf8))
        let caller = SignedServiceCaller(
            service: "kms", signingRegion: "us-east-1", endpoint: URL(string: "https://kms.us-east-1.amazonaws.com")!,
            configuration: AWSClientConfiguration(
                region: "us-east-1", credentialProvider: clientCredentials,
                transport: MockTransport.always(.response(mismatch)).recording(into: recorder),
                requestTimeout: nil, sleeper: { _ in }, now: { Date() }))
        await #expect(throws: AWSServiceError.self) {
            try await caller.send(operation: "ListKeys", headers: [:], body: Data("{}".utf8)) {
                AWSServiceError.decodeJSON(service: "kms", from: $0, operation: "ListKeys")
            }
        }
        #expect(await recorder.count == 1)
    }
}
