import Foundation
import Logging
import Testing
@testable import KMSRotation
import KMSRotationTesting

/// Secrets an STS answer carries in these tests, chosen to be unmistakable in any output.
enum STSFixtures {
    static let roleSecret = "ROLEsecretROLEsecretROLEsecret0123456789"
    static let roleToken = "ROLEtokenROLEtokenSESSION0123456789abcdef"
    static let roleAccessKeyId = "ASIAROLETESTKEY12345"
    static let callerSecret = "CALLERsecretCALLERsecret0123456789abcdef"
    static let caller = StaticCredentialProvider(AWSCredentials(accessKeyId: "AKIDCALLERTEST", secretAccessKey: callerSecret))
    /// 2026-11-18T11:06:40Z.
    static let now = Date(timeIntervalSince1970: 1_795_000_000)

    static func assumeRoleXML(
        account: String = "444455556666", role: String = "Audit", accessKeyId: String = roleAccessKeyId,
        secret: String = roleSecret, token: String = roleToken, expiration: String = "2026-11-18T12:06:40.123456Z"
    ) -> String {
        """
        <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <AssumeRoleResult>
            <SourceIdentity>audit</SourceIdentity>
            <AssumedRoleUser>
              <Arn>arn:aws:sts::\(account):assumed-role/\(role)/kms-rotation-audit</Arn>
              <AssumedRoleId>AROA3XFRBF535PLBIFPI4:kms-rotation-audit</AssumedRoleId>
            </AssumedRoleUser>
            <Credentials>
              <AccessKeyId>\(accessKeyId)</AccessKeyId>
              <SecretAccessKey>\(secret)</SecretAccessKey>
              <SessionToken>\(token)</SessionToken>
              <Expiration>\(expiration)</Expiration>
            </Credentials>
            <PackedPolicySize>6</PackedPolicySize>
          </AssumeRoleResult>
          <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
        </AssumeRoleResponse>
        """
    }

    static func errorXML(code: String, message: String, type: String = "Sender") -> String {
        """
        <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <Error><Type>\(type)</Type><Code>\(code)</Code><Message>\(message)</Message></Error>
          <RequestId>0f1e2d3c-request</RequestId>
        </ErrorResponse>
        """
    }

    static func xml(status: Int = 200, _ body: String) -> MockTransport.Reply {
        .response(HTTPResponse(status: status, headers: ["Content-Type": "text/xml"], body: Data(body.utf8)))
    }

    static func client(
        _ transport: any HTTPTransport, region: String = "us-east-1", endpoint: String? = nil, sleeps: SleepLog = SleepLog(),
        logs: CapturedLogs? = nil
    ) throws -> STSClient {
        try STSClient(
            AWSClientConfiguration(
                region: region, credentialProvider: caller, transport: transport,
                logger: logs?.logger ?? Logger(label: "quiet", factory: { _ in SwiftLogNoOpLogHandler() }), sleeper: sleeps.sleeper,
                now: { now }), endpoint: endpoint)
    }
}

@Suite("STSClient")
struct STSClientTests {
    @Test("AssumeRole is a form-encoded Query request, signed for sts in the client's Region")
    func requestShape() async throws {
        let recorder = RequestRecorder()
        let sts = try STSFixtures.client(
            MockTransport.always(STSFixtures.xml(STSFixtures.assumeRoleXML())).recording(into: recorder), region: "eu-west-1")
        _ = try await sts.assumeRole(
            roleArn: "arn:aws:iam::444455556666:role/team/Audit", roleSessionName: "kms-rotation-audit",
            durationSeconds: 3600, externalId: "ext:id/1+2=3")
        let request = try #require(await recorder.last)
        #expect(request.method == "POST")
        #expect(request.url.absoluteString == "https://sts.eu-west-1.amazonaws.com")
        #expect(request.headers["Content-Type"] == "application/x-www-form-urlencoded; charset=utf-8")
        #expect(request.headers["X-Amz-Target"] == nil)
        #expect(
            String(decoding: request.body, as: UTF8.self) == "Action=AssumeRole&Version=2011-06-15"
                + "&RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666%3Arole%2Fteam%2FAudit&RoleSessionName=kms-rotation-audit"
                + "&DurationSeconds=3600&ExternalId=ext%3Aid%2F1%2B2%3D3")
        #expect(request.headers["X-Amz-Date"] == "20261118T110640Z")
        let authorization = try #require(request.headers["Authorization"])
        #expect(
            authorization.hasPrefix(
                "AWS4-HMAC-SHA256 Credential=AKIDCALLERTEST/20261118/eu-west-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature="
            ))
        // The signature is the one SigV4Signer computes for exactly this request.
        var unsigned = request
        unsigned.headers["Authorization"] = nil
        let expected = SigV4Signer(service: "sts", region: "eu-west-1").sign(
            unsigned, credentials: STSFixtures.caller.staticCredentials, date: STSFixtures.now)
        #expect(expected.headers["Authorization"] == authorization)
    }

    @Test("Optional parameters are left out when not given")
    func optionalParameters() async throws {
        let recorder = RequestRecorder()
        let sts = try STSFixtures.client(MockTransport.always(STSFixtures.xml(STSFixtures.assumeRoleXML())).recording(into: recorder))
        _ = try await sts.assumeRole(roleArn: "arn:aws:iam::444455556666:role/Audit", roleSessionName: "s1")
        #expect(
            String(decoding: try #require(await recorder.last).body, as: UTF8.self)
                == "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666%3Arole%2FAudit&RoleSessionName=s1")
    }

    @Test("The AssumeRole answer becomes credentials with their expiration and the role's account")
    func parsesSuccess() async throws {
        let sts = try STSFixtures.client(MockTransport.always(STSFixtures.xml(STSFixtures.assumeRoleXML())))
        let result = try await sts.assumeRole(roleArn: "arn:aws:iam::444455556666:role/Audit", roleSessionName: "kms-rotation-audit")
        #expect(result.credentials.accessKeyId == STSFixtures.roleAccessKeyId)
        #expect(result.credentials.secretAccessKey == STSFixtures.roleSecret)
        #expect(result.credentials.sessionToken == STSFixtures.roleToken)
        let expiration = try #require(result.credentials.expiration)
        #expect(abs(expiration.timeIntervalSince1970 - 1_795_003_600.123456) < 0.001)
        #expect(result.credentials.accountId == "444455556666")
        #expect(result.assumedRoleArn == "arn:aws:sts::444455556666:assumed-role/Audit/kms-rotation-audit")
        #expect(result.assumedRoleId == "AROA3XFRBF535PLBIFPI4:kms-rotation-audit")
        // Without fractional seconds too (AWS's own examples have them, moto's have six digits).
        let plain = try STSFixtures.client(
            MockTransport.always(STSFixtures.xml(STSFixtures.assumeRoleXML(expiration: "2026-11-18T12:06:40Z"))))
        let other = try await plain.assumeRole(roleArn: "arn:aws:iam::444455556666:role/Audit", roleSessionName: "s1")
        #expect(other.credentials.expiration == Date(timeIntervalSince1970: 1_795_003_600))
    }

    @Test("GetCallerIdentity is parsed")
    func callerIdentity() async throws {
        let recorder = RequestRecorder()
        let body = """
            <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <GetCallerIdentityResult>
                <Arn>arn:aws-us-gov:iam::123456789012:user/auditor</Arn><UserId>AIDACKCEVSQ6C2EXAMPLE</UserId><Account>123456789012</Account>
              </GetCallerIdentityResult>
              <ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>
            </GetCallerIdentityResponse>
            """
        let sts = try STSFixtures.client(MockTransport.always(STSFixtures.xml(body)).recording(into: recorder))
        let identity = try await sts.getCallerIdentity()
        #expect(
            identity
                == CallerIdentity(
                    account: "123456789012", arn: "arn:aws-us-gov:iam::123456789012:user/auditor", userId: "AIDACKCEVSQ6C2EXAMPLE"))
        #expect(identity.partition == "aws-us-gov")
        #expect(String(decoding: try #require(await recorder.last).body, as: UTF8.self) == "Action=GetCallerIdentity&Version=2011-06-15")
    }

    @Test("An error answer becomes an AWSServiceError with service, code, message and request ID; AccessDenied is not retried")
    func errorXML() async throws {
        let sleeps = SleepLog()
        let recorder = RequestRecorder()
        let message =
            "User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::444455556666:role/Audit"
        let sts = try STSFixtures.client(
            MockTransport.always(STSFixtures.xml(status: 403, STSFixtures.errorXML(code: "AccessDenied", message: message)))
                .recording(into: recorder), sleeps: sleeps)
        do {
            _ = try await sts.assumeRole(roleArn: "arn:aws:iam::444455556666:role/Audit", roleSessionName: "s1")
            Issue.record("should throw")
        } catch let error as AWSServiceError {
            #expect(error.code == .stsAccessDenied)
            #expect(error.message == message)
            #expect(error.service == "sts")
            #expect(error.httpStatus == 403)
            #expect(error.requestId == "0f1e2d3c-request")
            #expect(error.operation == "AssumeRole")
            #expect(error.description == "AssumeRole: AccessDenied: \(message) (HTTP 403, request 0f1e2d3c-request)")
        }
        #expect(await recorder.count == 1)
        #expect(sleeps.all.isEmpty)
    }

    @Test("Throttling and IDPCommunicationError are retried; the header request ID wins")
    func retries() async throws {
        let sleeps = SleepLog()
        let recorder = RequestRecorder()
        let transport = MockTransport.sequence([
            STSFixtures.xml(status: 400, STSFixtures.errorXML(code: "Throttling", message: "Rate exceeded")),
            STSFixtures.xml(status: 400, STSFixtures.errorXML(code: "IDPCommunicationError", message: "try again")),
            STSFixtures.xml(STSFixtures.assumeRoleXML()),
        ]).recording(into: recorder)
        let sts = try STSFixtures.client(transport, sleeps: sleeps)
        let result = try await sts.assumeRole(roleArn: "arn:aws:iam::444455556666:role/Audit", roleSessionName: "s1")
        #expect(result.credentials.accountId == "444455556666")
        #expect(await recorder.count == 3)
        #expect(sleeps.all.count == 2)

        let response = HTTPResponse(
            status: 400, headers: ["x-amzn-RequestId": "from-header"],
            body: Data(STSFixtures.errorXML(code: "ExpiredTokenException", message: "expired").utf8))
        let error = AWSServiceError.decodeQuery(service: "sts", from: response, operation: "AssumeRole")
        #expect(error.code == .expiredToken)
        #expect(error.requestId == "from-header")
    }

    @Test(
        "A body that is not STS XML is a clear error, never a crash",
        arguments: [
            (502, "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"),
            (403, "<ErrorResponse><Error><Code>AccessDenied</Code><Message>trunc"),
            (403, ""),
            (400, "\u{0}\u{1}binary\u{7f}"),
            (403, #"{"__type":"AccessDeniedException","message":"JSON from a proxy"}"#),
            (400, "<Response><Nothing/></Response>"),
        ])
    func notSTSXML(status: Int, body: String) async throws {
        let sts = try STSFixtures.client(
            MockTransport.always(.response(HTTPResponse(status: status, headers: ["Content-Type": "text/html"], body: Data(body.utf8)))))
        do {
            _ = try await sts.assumeRole(roleArn: "arn:aws:iam::444455556666:role/Audit", roleSessionName: "s1")
            Issue.record("should throw")
        } catch let error as AWSServiceError {
            #expect(error.code == .invalidResponse)
            #expect(error.httpStatus == status)
            #expect(error.message.contains("HTTP \(status)"), "\(error.message)")
            #expect(!error.message.contains("\u{0}"))
        }
    }

    @Test(
        "A 2xx answer that cannot be read is an error that never quotes the body",
        arguments: [
            // Truncated inside the secret: not well-formed XML.
            "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIA</AccessKeyId><SecretAccessKey>\(STSFixtures.roleSecret)",
            // Well-formed, but a required element is missing.
            "<AssumeRoleResponse><AssumeRoleResult><Credentials><SecretAccessKey>\(STSFixtures.roleSecret)</SecretAccessKey></Credentials></AssumeRoleResult></AssumeRoleResponse>",
            // Well-formed, but the expiration is not a date.
            STSFixtures.assumeRoleXML(expiration: "tomorrow"),
            "<html><body>\(STSFixtures.roleSecret)</body></html>",
            "",
        ])
    func unreadableSuccess(body: String) async throws {
        let sts = try STSFixtures.client(MockTransport.always(STSFixtures.xml(body)))
        do {
            _ = try await sts.assumeRole(roleArn: "arn:aws:iam::444455556666:role/Audit", roleSessionName: "s1")
            Issue.record("should throw")
        } catch let error as AWSServiceError {
            #expect(error.code == .invalidResponse)
            #expect(error.message.hasPrefix("Could not read the AssumeRole answer"), "\(error.message)")
            for text in [error.message, error.description, String(reflecting: error)] {
                #expect(!text.contains(STSFixtures.roleSecret))
                #expect(!text.contains(STSFixtures.roleToken))
            }
        }
    }

    @Test(
        "Input is checked before any request",
        arguments: [
            ("arn:aws:iam::44445555666:role/Audit", "s1", nil as Int?, nil as String?, "account ID"),
            ("arn:aws:iam::444455556666:user/Audit", "s1", nil, nil, "not an IAM role ARN"),
            ("arn:aws:iam::444455556666:role/Audit", "s", nil, nil, "session name"),
            ("arn:aws:iam::444455556666:role/Audit", "has space", nil, nil, "session name"),
            ("arn:aws:iam::444455556666:role/Audit", String(repeating: "a", count: 65), nil, nil, "session name"),
            ("arn:aws:iam::444455556666:role/Audit", "s1", 899, nil, "between 900 and 43200"),
            ("arn:aws:iam::444455556666:role/Audit", "s1", 43_201, nil, "between 900 and 43200"),
            ("arn:aws:iam::444455556666:role/Audit", "s1", nil, "q", "external ID"),
            ("arn:aws:iam::444455556666:role/Audit", "s1", nil, "secret external id", "external ID"),
        ])
    func validation(roleArn: String, session: String, duration: Int?, externalId: String?, expected: String) async throws {
        let recorder = RequestRecorder()
        let sts = try STSFixtures.client(MockTransport.always(STSFixtures.xml(STSFixtures.assumeRoleXML())).recording(into: recorder))
        do {
            _ = try await sts.assumeRole(roleArn: roleArn, roleSessionName: session, durationSeconds: duration, externalId: externalId)
            Issue.record("should throw")
        } catch let error as AWSServiceError {
            #expect(error.code == .validationError)
            #expect(error.message.contains(expected), "\(error.message)")
            if let externalId { #expect(!error.message.contains(externalId)) }
        }
        #expect(await recorder.count == 0)
    }

    @Test("Endpoints: regional per partition, FIPS, dual-stack, custom (loopback http only)")
    func endpoints() throws {
        let resolver = EndpointResolver()
        #expect(try resolver.resolveSTS(region: "us-east-1").absoluteString == "https://sts.us-east-1.amazonaws.com")
        #expect(try resolver.resolveSTS(region: "cn-north-1").absoluteString == "https://sts.cn-north-1.amazonaws.com.cn")
        #expect(try resolver.resolveSTS(region: "eu-west-1", useFIPS: true).absoluteString == "https://sts-fips.eu-west-1.amazonaws.com")
        #expect(try resolver.resolveSTS(region: "us-gov-west-1", useFIPS: true).absoluteString == "https://sts.us-gov-west-1.amazonaws.com")
        #expect(try resolver.resolveSTS(region: "eu-west-1", useDualStack: true).absoluteString == "https://sts.eu-west-1.api.aws")
        #expect(
            try resolver.resolveSTS(region: "eu-west-1", useFIPS: true, useDualStack: true).absoluteString
                == "https://sts-fips.eu-west-1.api.aws")
        #expect(
            try resolver.resolveSTS(region: "us-east-1", customEndpoint: "http://127.0.0.1:5000").absoluteString == "http://127.0.0.1:5000")
        let insecure = try #require(throws: EndpointError.self) {
            try resolver.resolveSTS(region: "us-east-1", customEndpoint: "http://sts.example.com")
        }
        #expect(insecure.kind == .insecureEndpoint)
        let conflicting = try #require(throws: EndpointError.self) {
            try resolver.resolveSTS(region: "us-east-1", useFIPS: true, customEndpoint: "https://sts.example.com")
        }
        #expect(conflicting.kind == .conflictingOptions)
        let global = try #require(throws: EndpointError.self) { try resolver.resolveSTS(region: "aws-global") }
        #expect(global.kind == .invalidRegion)
        #expect(throws: EndpointError.self) {
            try STSClient(AWSClientConfiguration(region: "us-east-1", credentialProvider: STSFixtures.caller), endpoint: "http://10.0.0.1")
        }
    }

    @Test("Nothing the client logs, throws or prints contains a credential")
    func noSecrets() async throws {
        let logs = CapturedLogs()
        let transport = MockTransport.sequence([
            STSFixtures.xml(status: 500, STSFixtures.errorXML(code: "InternalFailure", message: "boom", type: "Receiver")),
            STSFixtures.xml(STSFixtures.assumeRoleXML()),
            STSFixtures.xml(status: 403, STSFixtures.errorXML(code: "AccessDenied", message: "denied")),
        ])
        let sts = try STSFixtures.client(transport, logs: logs)
        let result = try await sts.assumeRole(
            roleArn: "arn:aws:iam::444455556666:role/Audit", roleSessionName: "s1", externalId: "external-id-value")
        var rendered = [String(describing: result), String(reflecting: result), String(describing: sts)]
        var dumped = ""
        dump(result, to: &dumped)
        dump(sts, to: &dumped)
        rendered.append(dumped)
        do {
            _ = try await sts.assumeRole(
                roleArn: "arn:aws:iam::444455556666:role/Audit", roleSessionName: "s1", externalId: "external-id-value")
        } catch {
            rendered += [String(describing: error), String(reflecting: error)]
        }
        rendered.append(logs.text)
        #expect(logs.text.contains("AssumeRole"))
        for text in rendered {
            for secret in [STSFixtures.roleSecret, STSFixtures.roleToken, STSFixtures.callerSecret, "Signature=", "external-id-value"] {
                #expect(!text.contains(secret), "leaked \(secret) in: \(text)")
            }
        }
    }
}
