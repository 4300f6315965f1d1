import Foundation
import Logging
import Testing
import KMSRotation
import KMSRotationTesting

let clientSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYCLIENTTESTKEY"
let clientToken = "FwoGZXIvYXdzEXAMPLESESSIONTOKENFORCLIENTTESTS"
let clientCredentials = StaticCredentialProvider(
    AWSCredentials(accessKeyId: "AKIDCLIENTTEST", secretAccessKey: clientSecret, sessionToken: clientToken))

/// Records sleeps instead of sleeping.
final class SleepLog: @unchecked Sendable {
    private let lock = NSLock()
    private var sleeps: [Duration] = []
    var all: [Duration] { lock.lock(); defer { lock.unlock() }; return sleeps }
    func record(_ duration: Duration) { lock.lock(); sleeps.append(duration); lock.unlock() }
    var sleeper: RetryingExecutor.Sleeper { { duration in self.record(duration) } }
}

/// Captures every log line, to prove no secret reaches a log.
final class CapturedLogs: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var text: String { lock.lock(); defer { lock.unlock() }; return lines.joined(separator: "\n") }
    func append(_ line: String) { lock.lock(); lines.append(line); lock.unlock() }
    var logger: Logger {
        var logger = Logger(label: "test") { _ in CapturingHandler(sink: self) }
        logger.logLevel = .trace
        return logger
    }
    struct CapturingHandler: LogHandler {
        let sink: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            sink.append("\(event.level) \(event.message) \(event.metadata ?? [:]) \(metadata)")
        }
    }
}

func makeClient(
    _ transport: any HTTPTransport, sleeps: SleepLog = SleepLog(), logs: CapturedLogs? = nil,
    now: @escaping @Sendable () -> Date = { Date(timeIntervalSince1970: 1_795_000_000) }
) throws -> KMSClient {
    try KMSClient(
        AWSClientConfiguration(
            region: "us-east-1", credentialProvider: clientCredentials, transport: transport,
            logger: logs?.logger ?? Logger(label: "quiet", factory: { _ in SwiftLogNoOpLogHandler() }), sleeper: sleeps.sleeper, now: now))
}

@Suite("KMSClient")
struct KMSClientTests {
    @Test("Requests are JSON 1.1, signed for kms, with {} for empty input")
    func requestShape() async throws {
        let recorder = RequestRecorder()
        let client = try makeClient(
            MockTransport.json(#"{"Keys":[{"KeyId":"k1","KeyArn":"arn:aws:kms:us-east-1:111122223333:key/k1"}],"Truncated":false}"#)
                .recording(into: recorder))
        let page = try await client.listKeys()
        #expect(page.items == [KeyListEntry(keyId: "k1", keyArn: "arn:aws:kms:us-east-1:111122223333:key/k1")])
        #expect(page.truncated == false)
        let request = try #require(await recorder.last)
        #expect(request.method == "POST")
        #expect(request.url.absoluteString == "https://kms.us-east-1.amazonaws.com")
        #expect(request.headers["X-Amz-Target"] == "TrentService.ListKeys")
        #expect(request.headers["Content-Type"] == "application/x-amz-json-1.1")
        #expect(String(decoding: request.body, as: UTF8.self) == "{}")
        #expect(request.headers["X-Amz-Date"] == "20261118T110640Z")
        #expect(request.headers["X-Amz-Security-Token"] == clientToken)
        let authorization = try #require(request.headers["Authorization"])
        #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDCLIENTTEST/20261118/us-east-1/kms/aws4_request, SignedHeaders="))
        #expect(authorization.contains("content-type;host;x-amz-date;x-amz-security-token;x-amz-target"))
    }

    @Test("Inputs use the service model's member names")
    func inputs() async throws {
        let recorder = RequestRecorder()
        let client = try makeClient(MockTransport.json("{}").recording(into: recorder))
        try await client.enableKeyRotation(keyId: "k1", rotationPeriodInDays: 180)
        // `{}` has no Aliases, so the call throws (an answer without its list is never an empty page); the request was sent.
        _ = try? await client.listAliases(keyId: "k1", limit: 10, marker: "m")
        let bodies = await recorder.requests.map { String(decoding: $0.body, as: UTF8.self) }
        #expect(bodies == [#"{"KeyId":"k1","RotationPeriodInDays":180}"#, #"{"KeyId":"k1","Limit":10,"Marker":"m"}"#])
    }

    @Test(
        "Errors are decoded by __type, whatever the HTTP status",
        arguments: [
            (
                400, #"{"__type":"com.amazonaws.kms#NotFoundException","message":"Key 'x' does not exist"}"#, "NotFoundException",
                "Key 'x' does not exist"
            ),
            (404, #"{"__type":"NotFoundException","Message":"capital M"}"#, "NotFoundException", "capital M"),
            (400, #"{"__type":"AccessDeniedException:http://internal.amazon.com/","message":"denied"}"#, "AccessDeniedException", "denied"),
            (409, #"{"code":"DisabledException","MESSAGE":"odd case"}"#, "DisabledException", "odd case"),
        ])
    func errorDecoding(status: Int, body: String, code: String, message: String) async throws {
        let client = try makeClient(MockTransport.json(status: status, body))
        do {
            _ = try await client.describeKey(keyId: "x")
            Issue.record("should throw")
        } catch let error as AWSServiceError {
            #expect(error.code.rawValue == code)
            #expect(error.message == message)
            #expect(error.httpStatus == status)
            #expect(error.operation == "DescribeKey")
        }
    }

    @Test("The X-Amzn-Errortype header wins over the body")
    func errorTypeHeader() {
        let response = HTTPResponse(
            status: 400, headers: ["X-Amzn-Errortype": "ThrottlingException:extra", "x-amzn-RequestId": "req-1"],
            body: Data(#"{"__type":"Other","message":"Rate exceeded"}"#.utf8))
        let error = AWSServiceError.decodeJSON(service: "kms", from: response, operation: "ListKeys")
        #expect(error.code == .throttling)
        #expect(error.requestId == "req-1")
        #expect(error.description == "ListKeys: ThrottlingException: Rate exceeded (HTTP 400, request req-1)")
    }

    @Test(
        "An HTML page from a proxy or a truncated body is a clear error, never a crash",
        arguments: [
            "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
            #"{"__type":"NotFoundExc"#,
            "",
            "\u{0}\u{1}binary\u{7f}",
        ])
    func nonJSONErrors(body: String) async throws {
        let sleeps = SleepLog()
        let client = try makeClient(MockTransport.status(403, body: body), sleeps: sleeps)
        do {
            _ = try await client.listKeys()
            Issue.record("should throw")
        } catch let error as AWSServiceError {
            #expect(error.code == .invalidResponse)
            #expect(error.httpStatus == 403)
            #expect(error.message.contains("HTTP 403"))
            #expect(!error.message.contains("\u{0}"))
        }
        #expect(sleeps.all.isEmpty, "a 403 is not retried")
    }

    @Test("A 2xx answer that does not match the model is a clear error naming the member")
    func badSuccessBody() async throws {
        let client = try makeClient(MockTransport.json(#"{"KeyMetadata":{"Arn":"arn"}}"#))
        do {
            _ = try await client.describeKey(keyId: "x")
            Issue.record("should throw")
        } catch let error as AWSServiceError {
            #expect(error.code == .invalidResponse)
            #expect(error.message.contains("KeyId"), "\(error.message)")
        }
        let missing = try makeClient(MockTransport.json("{}"))
        await #expect(throws: AWSServiceError.self) { try await missing.describeKey(keyId: "x") }
    }

    @Test("Retryable answers are retried with backoff; the last error is thrown unwrapped")
    func retries() async throws {
        let sleeps = SleepLog()
        let recorder = RequestRecorder()
        let transport = MockTransport.sequence([
            .json(status: 500, #"{"__type":"KMSInternalException","message":"boom"}"#),
            .json(status: 400, #"{"__type":"ThrottlingException","message":"Rate exceeded"}"#),
            .json(#"{"KeyRotationEnabled":true,"RotationPeriodInDays":365}"#),
        ]).recording(into: recorder)
        let client = try makeClient(transport, sleeps: sleeps)
        let status = try await client.getKeyRotationStatus(keyId: "k")
        #expect(status.keyRotationEnabled == true)
        #expect(await recorder.count == 3)
        #expect(sleeps.all.count == 2)
        #expect(sleeps.all.allSatisfy { $0 <= .seconds(2) })

        let failing = try makeClient(
            MockTransport.json(status: 503, #"{"__type":"DependencyTimeoutException","message":"slow"}"#), sleeps: SleepLog())
        do {
            _ = try await failing.listKeys()
            Issue.record("should throw")
        } catch let error as AWSServiceError {
            #expect(error.code == .dependencyTimeout)
        }
    }

    @Test("RotateKeyOnDemand's LimitExceededException is never retried")
    func onDemandLimitNotRetried() async throws {
        let recorder = RequestRecorder()
        let client = try makeClient(
            MockTransport.json(status: 400, #"{"__type":"LimitExceededException","message":"25 per key"}"#).recording(into: recorder))
        await #expect(throws: AWSServiceError.self) { try await client.rotateKeyOnDemand(keyId: "k") }
        #expect(await recorder.count == 1)
    }

    @Test("A clock-skew rejection resyncs from the Date header and resends once")
    func clockSkew() async throws {
        let recorder = RequestRecorder()
        let transport = MockTransport.sequence([
            .response(
                HTTPResponse(
                    status: 400, headers: ["Date": "Wed, 18 Nov 2026 13:06:40 GMT"],
                    body: Data(
                        #"{"__type":"InvalidSignatureException","message":"Signature expired: 20261118T110640Z is now earlier than 20261118T130140Z"}"#
                            .utf8))),
            .json(#"{"Keys":[],"Truncated":false}"#),
            .json(#"{"Keys":[],"Truncated":false}"#),
        ]).recording(into: recorder)
        let client = try makeClient(transport)
        _ = try await client.listKeys()
        _ = try await client.listKeys()
        let dates = await recorder.requests.map { $0.headers["X-Amz-Date"] ?? "" }
        #expect(dates == ["20261118T110640Z", "20261118T130640Z", "20261118T130640Z"])
    }

    @Test("Pagination follows NextMarker and refuses endless loops")
    func pagination() async throws {
        let pages = MockTransport.sequence([
            .json(#"{"Keys":[{"KeyId":"a"}],"NextMarker":"m1","Truncated":true}"#),
            .json(#"{"Keys":[{"KeyId":"b"}],"NextMarker":"m2","Truncated":true}"#),
            .json(#"{"Keys":[{"KeyId":"c"}],"Truncated":false}"#),
        ])
        let recorder = RequestRecorder()
        let client = try makeClient(pages.recording(into: recorder))
        #expect(try await client.allKeys(pageSize: 1).collect().map(\.keyId) == ["a", "b", "c"])
        let markers = await recorder.requests.map {
            (try? JSONSerialization.jsonObject(with: $0.body) as? [String: Any])?["Marker"] as? String
        }
        #expect(markers == [nil, "m1", "m2"])

        let noMarker = try makeClient(MockTransport.json(#"{"Keys":[{"KeyId":"a"}],"Truncated":true}"#))
        await #expect(throws: AWSServiceError.self) { try await noMarker.allKeys().collect() }
        let repeating = try makeClient(MockTransport.json(#"{"Keys":[{"KeyId":"a"}],"NextMarker":"same","Truncated":true}"#))
        await #expect(throws: AWSServiceError.self) { try await repeating.allKeys().collect() }
    }

    @Test("Transport failures surface as TransportError after retries")
    func transportFailure() async throws {
        let sleeps = SleepLog()
        let client = try makeClient(MockTransport.failing(TransportError(.connectionFailed, "refused")), sleeps: sleeps)
        await #expect(throws: TransportError.self) { try await client.listKeys() }
        #expect(sleeps.all.count == 2)
    }

    @Test("No secret reaches a log line, an error or a description")
    func noSecretsInLogs() async throws {
        let logs = CapturedLogs()
        let transport = MockTransport.sequence([
            .json(status: 500, #"{"__type":"KMSInternalException","message":"boom"}"#),
            .json(status: 400, #"{"__type":"AccessDeniedException","message":"User is not authorized"}"#),
        ])
        let client = try makeClient(transport, logs: logs)
        var errorText = ""
        do { _ = try await client.listKeys() } catch { errorText = "\(error) \(String(reflecting: error))" }
        #expect(!logs.text.isEmpty)
        for secret in [clientSecret, clientToken] {
            #expect(!logs.text.contains(secret))
            #expect(!errorText.contains(secret))
            #expect(!String(describing: client.configuration.credentialProvider).contains(secret))
        }
        #expect(!logs.text.contains("AWS4-HMAC-SHA256"))
    }

    @Test("Invalid Regions and insecure endpoints are refused at construction")
    func endpointValidation() {
        #expect(throws: EndpointError.self) {
            try KMSClient(AWSClientConfiguration(region: "us-east-1/evil", credentialProvider: clientCredentials))
        }
        #expect(throws: EndpointError.self) {
            try KMSClient(
                AWSClientConfiguration(region: "us-east-1", credentialProvider: clientCredentials), endpoint: "http://kms.example.com")
        }
        #expect(throws: Never.self) {
            try KMSClient(
                AWSClientConfiguration(region: "us-east-1", credentialProvider: clientCredentials), endpoint: "http://127.0.0.1:5000")
        }
    }

    @Test("The Host header carries a non-default port")
    func hostHeader() async throws {
        let recorder = RequestRecorder()
        let client = try KMSClient(
            AWSClientConfiguration(
                region: "us-east-1", credentialProvider: clientCredentials,
                transport: MockTransport.json(#"{"Keys":[],"Truncated":false}"#).recording(into: recorder)),
            endpoint: "http://127.0.0.1:5123")
        _ = try await client.listKeys()
        #expect(await recorder.last?.headers["Host"] == "127.0.0.1:5123")
    }
}
