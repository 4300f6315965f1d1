import Foundation
import Testing
@testable import KMSRotation

/// The scrubber on its own: each secret form goes, everything an audit report needs stays.
@Suite struct SecretScrubberTests {
    static let secretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYzEXAMPLE42"
    static let sessionToken =
        "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD" + String(repeating: "AbCdEf0123+/", count: 20) + "=="
    static let signature = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
    static let authorization =
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261129/us-east-1/kms/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, Signature=\(signature)"

    /// (input, what must not survive).
    static let removed: [(String, [String])] = [
        ("Authorization: \(authorization)\r\nX-Amz-Date: 20261129T060000Z", [signature, "AKIAIOSFODNN7EXAMPLE", "Credential=AKIA"]),
        (#"{"Authorization": "\#(authorization)", "Host": "127.0.0.1"}"#, [signature, "AKIAIOSFODNN7EXAMPLE"]),
        (
            "{'authorization': '\(authorization)', 'x-amz-security-token': '\(sessionToken)'}",
            [signature, sessionToken, "AKIAIOSFODNN7EXAMPLE"]
        ),
        ("<Authorization>\(authorization)</Authorization>", [signature, "AKIAIOSFODNN7EXAMPLE"]),
        ("Authorization header requires 'Signature' parameter. Authorization=\(authorization)", [signature, "AKIAIOSFODNN7EXAMPLE"]),
        ("X-Amz-Security-Token: TOKENtokenTOKENtoken\nnext", ["TOKENtokenTOKENtoken"]),
        (
            "https://kms.example/?X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261129%2Fus-east-1%2Fkms%2Faws4_request&X-Amz-Signature=\(signature)&X-Amz-Security-Token=abc%2Fdef",
            [signature, "AKIAIOSFODNN7EXAMPLE", "abc%2Fdef"]
        ),
        (
            "Credential=ASIAQWERTYUIOPASDFGH/20261129/us-east-1/sts/aws4_request, Signature=\(signature)",
            ["ASIAQWERTYUIOPASDFGH", signature]
        ),
        ("access key ASIAQWERTYUIOPASDFGH is not valid", ["ASIAQWERTYUIOPASDFGH"]),
        ("the secret is \(secretKey).", [secretKey]),
        ("token \(sessionToken) expired", [sessionToken]),
        (
            #"{"AccessKeyId":"ASIAQWERTYUIOPASDFGH","SecretAccessKey":"short-but-keyed","SessionToken":"tok/en+123"}"#,
            ["short-but-keyed", "tok/en+123", "ASIAQWERTYUIOPASDFGH"]
        ),
        ("aws_secret_access_key = plainsecret\naws_session_token=othersecret", ["plainsecret", "othersecret"]),
        ("Action=AssumeRole&ExternalId=ext%3Aid%2F42&RoleArn=arn", ["ext%3Aid%2F42"]),
        ("x-aws-ec2-metadata-token: AQAEAimdsToken==", ["AQAEAimdsToken"]),
        (#"{\"Authorization\": \"\#(authorization)\"}"#, [signature, "AKIAIOSFODNN7EXAMPLE"]),
    ]

    @Test("Each secret form is replaced by [REDACTED]", arguments: removed.indices)
    func removesSecretForms(_ index: Int) {
        let (input, secrets) = Self.removed[index]
        let output = SecretScrubber.scrub(input)
        for secret in secrets {
            #expect(!output.contains(secret), "\(secret) survived in: \(output)")
        }
        #expect(output.contains(SecretScrubber.marker))
        #expect(SecretScrubber.scrub(output) == output, "scrubbing is idempotent")
    }

    static let kept: [String] = [
        "User: arn:aws:iam::111122223333:user/x is not authorized to perform: kms:ListKeys",
        "User: arn:aws:sts::111122223333:assumed-role/OrganizationAccountAccessRoleForAudit/kms-rotation-audit is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::444455556666:role/OrganizationAccountAccessRoleForAuditing2",
        "Key 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' does not exist",
        "arn:aws:kms:eu-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab is pending deletion.",
        "Invalid keyId mrk-1234abcd12ab34cd56ef1234567890ab",
        "1234abcd-12ab-34cd-56ef-1234567890ab",
        "Alias alias/MyLongAliasNameForOrdersService123 already exists",
        "alias/aws/s3",
        "request 0f4c1c7e-5d55-4c1e-9a38-3e3c4a7a1d2b",
        "KeyMaterialId 8b432dbc1c0f4dd1a3a1d0cc5c2d1f7a0f3e34d9c8d2e56a6f34a0b7f1a2c3d4e",
        "commit da39a3ee5e6b4b0d3255bfef95601890afd80709",
        "The security token included in the request is invalid.",
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.",
        "Signature expired: 20261129T060000Z is now earlier than 20261129T061500Z (20261129T063000Z - 15 min.)",
        "Authorization header requires 'Credential' parameter.",
        "AccessDeniedException",
        "AWSOrganizationsNotInUseException",
        "ExpiredTokenException: The security token included in the request is expired",
        "Value 'x' at 'externalId' failed to satisfy constraint",
        "1 validation error detected: Value at 'limit' failed to satisfy constraint: Member must have value less than or equal to 1000",
        "NextToken=abc is not valid",
        "<ErrorResponse>\n  <Error>\n    <Code>AccessDenied</Code>\n  </Error>\n</ErrorResponse>",
        "",
        "Ünïcödé message — with dashes – and “quotes”",
    ]

    @Test("ARNs, key IDs, aliases, request IDs and ordinary messages survive unchanged", arguments: kept)
    func keepsOrdinaryText(_ text: String) {
        #expect(SecretScrubber.scrub(text) == text)
    }

    @Test("A registered secret goes wherever it appears, raw, percent-encoded or with escaped slashes")
    func registeredSecrets() {
        let external = "ext-id:scrub/test-\(UUID().uuidString.prefix(8))"
        #expect(!SecretScrubber.isRegistered(external))
        SecretScrubber.register(external)
        #expect(SecretScrubber.isRegistered(external))
        let encoded = SigV4Signer.uriEncode(external)
        let escaped = external.replacingOccurrences(of: "/", with: "\\/")
        for text in ["id \(external) rejected", "body RoleArn=x&Ext=\(encoded)&y", #"{"id":"\#(escaped)"}"#] {
            let output = SecretScrubber.scrub(text)
            #expect(!output.contains(external) && !output.contains(encoded) && !output.contains(escaped), "\(output)")
            #expect(output.contains(SecretScrubber.marker))
        }
    }

    @Test("Values shorter than the minimum are not registered, so ordinary words survive")
    func shortValuesAreIgnored() {
        SecretScrubber.register("abc")
        SecretScrubber.register("   ")
        SecretScrubber.register(String?.none)
        #expect(!SecretScrubber.isRegistered("abc"))
        #expect(SecretScrubber.scrub("abc is fine") == "abc is fine")
        SecretScrubber.register("REDACTED")
        #expect(SecretScrubber.scrub("[REDACTED]") == "[REDACTED]")
    }

    @Test("Creating credentials registers their secret key and session token")
    func credentialsRegister() {
        let secret = "creds" + UUID().uuidString
        let token = "token" + UUID().uuidString
        _ = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: secret, sessionToken: token)
        #expect(SecretScrubber.isRegistered(secret))
        #expect(SecretScrubber.isRegistered(token))
        #expect(SecretScrubber.scrub("x \(secret) y \(token)") == "x [REDACTED] y [REDACTED]")
    }

    @Test("The registry is bounded: the oldest secrets are forgotten past the capacity")
    func registryIsBounded() {
        let first = "bounded-first-\(UUID().uuidString)"
        SecretScrubber.register(first)
        for index in 0...SecretScrubber.registryCapacity { SecretScrubber.register("bounded-\(index)-\(UUID().uuidString)") }
        #expect(!SecretScrubber.isRegistered(first))
    }

    @Test("Concurrent registration and scrubbing are safe")
    func concurrentUse() async {
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<64 {
                group.addTask {
                    let secret = "concurrent-\(index)-\(UUID().uuidString)"
                    SecretScrubber.register(secret)
                    #expect(!SecretScrubber.scrub("a \(secret) b").contains(secret))
                }
            }
        }
    }

    @Test("Errors store scrubbed text however they are made, and keep their codes")
    func errorsScrubOnConstruction() {
        let message = "echo Authorization: \(Self.authorization)"
        let kms = AWSServiceError(service: "kms", code: .accessDenied, message: message, requestId: "0f4c1c7e-5d55-4c1e-9a38-3e3c4a7a1d2b")
        var sts = AWSServiceError(service: "sts", code: .accessDenied, message: message)
        let organizations = AWSServiceError(service: "organizations", code: .accessDenied, message: message)
        let provider = CredentialProviderError.failed("container", message)
        sts.message = "assigned Signature=\(Self.signature)"
        for text in [
            kms.message, kms.description, sts.message, sts.description, organizations.message, organizations.description, provider.reason,
            provider.description,
        ] {
            #expect(!text.contains(Self.signature) && !text.contains("AKIAIOSFODNN7EXAMPLE"), "\(text)")
        }
        #expect(kms.code == .accessDenied && sts.code == .accessDenied && organizations.code == .accessDenied)
        #expect(kms.requestId == "0f4c1c7e-5d55-4c1e-9a38-3e3c4a7a1d2b")
        #expect(AWSErrorCodes.sanitized("aws.protocoltests#AccessDeniedException:http://internal") == "AccessDeniedException")
        let evidence = EvidenceError(CredentialProviderError.failed("x", "Signature=\(Self.signature)"), operation: "DescribeKey")
        #expect(!evidence.message.contains(Self.signature))
    }

    @Test("A non-JSON body excerpt is scrubbed before it is cut")
    func excerptIsScrubbed() {
        let body = "<html>" + String(repeating: "x", count: 150) + " X-Amz-Security-Token: \(Self.sessionToken)</html>"
        let error = AWSServiceError.decodeJSON(
            service: "kms", from: HTTPResponse(status: 502, headers: ["Content-Type": "text/html"], body: Data(body.utf8)))
        #expect(error.code == .invalidResponse)
        #expect(!error.message.contains(String(Self.sessionToken.prefix(24))), "\(error.message)")
    }
}
