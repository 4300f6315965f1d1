import Foundation
import Testing
@testable import KMSRotation

/// The AWS SigV4 test-suite vectors (KMS-FACTS.md section 8), reproduced to the character: canonical
/// request, string to sign and the whole `Authorization` header.
@Suite struct SigV4SignerTests {
    let signer = SigV4Signer(service: "service", region: "us-east-1")
    let date = AuthFixtures.suiteDate
    let credentials = AuthFixtures.suiteCredentials

    private func request(_ method: String, _ url: String, headers: HTTPHeaders = [:], body: String = "") -> HTTPRequest {
        HTTPRequest(method: method, url: URL(string: url)!, headers: headers, body: Data(body.utf8))
    }

    private func check(
        _ signer: SigV4Signer, _ unsigned: HTTPRequest, credentials: AWSCredentials,
        canonical: String, stringToSign: String, authorization: String
    ) {
        let signed = signer.sign(unsigned, credentials: credentials, date: date)
        let canonicalRequest = signer.canonicalRequest(signed)
        #expect(canonicalRequest == canonical)
        #expect(signer.stringToSign(canonicalRequest: canonicalRequest, date: date) == stringToSign)
        #expect(signed.headers["Authorization"] == authorization)
        #expect(signed.headers["X-Amz-Date"] == "20150830T123600Z")
    }

    @Test func getVanilla() {
        check(
            signer, request("GET", "https://example.amazonaws.com/"), credentials: credentials,
            canonical: """
                GET
                /

                host:example.amazonaws.com
                x-amz-date:20150830T123600Z

                host;x-amz-date
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                """,
            stringToSign: """
                AWS4-HMAC-SHA256
                20150830T123600Z
                20150830/us-east-1/service/aws4_request
                bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63
                """,
            authorization:
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        )
    }

    @Test func postVanilla() {
        check(
            signer, request("POST", "https://example.amazonaws.com/"), credentials: credentials,
            canonical: """
                POST
                /

                host:example.amazonaws.com
                x-amz-date:20150830T123600Z

                host;x-amz-date
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                """,
            stringToSign: """
                AWS4-HMAC-SHA256
                20150830T123600Z
                20150830/us-east-1/service/aws4_request
                553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87
                """,
            authorization:
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"
        )
    }

    /// botocore's copy of the case: only `Content-Type` is given, so `content-length` is not signed.
    @Test func postXWWWFormURLEncoded() {
        check(
            signer,
            request(
                "POST", "https://example.amazonaws.com/", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                body: "Param1=value1"),
            credentials: credentials,
            canonical: """
                POST
                /

                content-type:application/x-www-form-urlencoded
                host:example.amazonaws.com
                x-amz-date:20150830T123600Z

                content-type;host;x-amz-date
                9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e
                """,
            stringToSign: """
                AWS4-HMAC-SHA256
                20150830T123600Z
                20150830/us-east-1/service/aws4_request
                42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281
                """,
            authorization:
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"
        )
    }

    /// aws-c-auth `get-vanilla-with-session-token`: the token is added and signed.
    @Test func getVanillaWithSessionToken() {
        let token = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"
        var withToken = credentials
        withToken.sessionToken = token
        check(
            signer, request("GET", "https://example.amazonaws.com/"), credentials: withToken,
            canonical: """
                GET
                /

                host:example.amazonaws.com
                x-amz-date:20150830T123600Z
                x-amz-security-token:\(token)

                host;x-amz-date;x-amz-security-token
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                """,
            stringToSign: """
                AWS4-HMAC-SHA256
                20150830T123600Z
                20150830/us-east-1/service/aws4_request
                067b36aa60031588cea4a4cde1f21215227a047690c72247f1d70b32fbbfad2b
                """,
            authorization:
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8"
        )
        let signed = signer.sign(request("GET", "https://example.amazonaws.com/"), credentials: withToken, date: date)
        #expect(signed.headers["X-Amz-Security-Token"] == token)
    }

    /// The KMS-shaped vector: ListKeys, as KMSClient sends it.
    @Test func kmsListKeys() {
        let kms = SigV4Signer(service: "kms", region: "us-east-1")
        let unsigned = request(
            "POST", "https://kms.us-east-1.amazonaws.com/",
            headers: ["Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService.ListKeys"], body: "{}")
        check(
            kms, unsigned, credentials: credentials,
            canonical: """
                POST
                /

                content-type:application/x-amz-json-1.1
                host:kms.us-east-1.amazonaws.com
                x-amz-date:20150830T123600Z
                x-amz-target:TrentService.ListKeys

                content-type;host;x-amz-date;x-amz-target
                44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a
                """,
            stringToSign: """
                AWS4-HMAC-SHA256
                20150830T123600Z
                20150830/us-east-1/kms/aws4_request
                fac0768db6416b2c921a90d480fc05bc039b5cf91c330ea10e7eb7f1f242910b
                """,
            authorization:
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/kms/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=07499af8ab2ef3d35030bf049520b6c0de4a040bfc6c24cd89fc4dab8a531f56"
        )
    }

    /// botocore's `get-space` and `get-utf8` (2011 suite, `Date` header instead of `X-Amz-Date`): the
    /// wire path is encoded a second time. Built from the internal steps since `sign` adds `X-Amz-Date`.
    @Test(arguments: [
        (
            "http://host.foo.com/%20/foo", "/%2520/foo",
            "35975885599128f8963ce9be7219598b2b5a344321bae304529556c891e9e6ba",
            "2be9e587d1ee1f0fd02128724b86b4358ba3630d39f493b6e06610a19a50779e"
        ),
        (
            "http://host.foo.com/%E1%88%B4", "/%25E1%2588%25B4",
            "47f4456c465167f4db3490a68903fe057412e6e030de38f71d9006467eb4922a",
            "57b1eb3df3b16a8479c0097b66c0b261cfd65b829419a3f2c3d05319722490b8"
        ),
    ])
    func legacySuitePathEncoding(url: String, canonicalPath: String, stringToSignHash: String, signature: String) {
        let host = SigV4Signer(service: "host", region: "us-east-1")
        let legacyDate = Date(timeIntervalSince1970: 1_315_611_360)  // 2011-09-09T23:36:00Z
        let unsigned = request("GET", url, headers: ["Date": "Mon, 09 Sep 2011 23:36:00 GMT", "Host": "host.foo.com"])
        let canonical = host.canonicalRequest(unsigned)
        #expect(
            canonical == """
                GET
                \(canonicalPath)

                date:Mon, 09 Sep 2011 23:36:00 GMT
                host:host.foo.com

                date;host
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                """)
        let toSign = host.stringToSign(canonicalRequest: canonical, date: legacyDate)
        #expect(toSign == "AWS4-HMAC-SHA256\n20110909T233600Z\n20110909/us-east-1/host/aws4_request\n\(stringToSignHash)")
        #expect(host.signature(stringToSign: toSign, secretAccessKey: AuthFixtures.secretAccessKey, date: legacyDate) == signature)
    }

    @Test(arguments: [
        ("https://h.example", "/"),
        ("https://h.example/", "/"),
        ("https://h.example/a/./b/../c//d/", "/a/c/d/"),
        ("https://h.example/a/b/../../..", "/"),
        ("https://h.example/a~b_c-d.e", "/a~b_c-d.e"),
        ("https://h.example/key/arn%3Aaws%3Akms", "/key/arn%253Aaws%253Akms"),
    ])
    func canonicalURI(url: String, expected: String) {
        #expect(SigV4Signer.canonicalURI(URL(string: url)!) == expected)
    }

    @Test(arguments: [
        ("https://h.example/", ""),
        ("https://h.example/?b=2&a=1&a=0&c", "a=0&a=1&b=2&c="),
        ("https://h.example/?x=a%20b&y=%7e&z=a/b", "x=a%20b&y=~&z=a%2Fb"),
        ("https://h.example/?Action=ListUsers&Version=2010-05-08", "Action=ListUsers&Version=2010-05-08"),
        ("https://h.example/?%E1%88%B4=1", "%E1%88%B4=1"),
    ])
    func canonicalQuery(url: String, expected: String) {
        #expect(SigV4Signer.canonicalQuery(URL(string: url)!) == expected)
    }

    @Test(arguments: [
        ("https://kms.us-east-1.amazonaws.com/", "kms.us-east-1.amazonaws.com"),
        ("https://kms.us-east-1.amazonaws.com:443/", "kms.us-east-1.amazonaws.com"),
        ("http://127.0.0.1:80/", "127.0.0.1"),
        ("http://127.0.0.1:4566/", "127.0.0.1:4566"),
        ("https://localhost:8443/", "localhost:8443"),
        ("http://[::1]:5000/", "[::1]:5000"),
    ])
    func hostHeaderFromURL(url: String, expected: String) {
        let signed = signer.sign(request("POST", url), credentials: credentials, date: date)
        #expect(signed.headers["Host"] == expected)
    }

    @Test func headerValuesAreTrimmedAndCollapsedAndUnsignedHeadersSkipped() {
        let unsigned = request(
            "GET", "https://example.amazonaws.com/",
            headers: [
                "My-Header1": "  a   b \t c  ",
                "User-Agent": "kms-rotation/0.1",
                "X-Amzn-Trace-Id": "Root=1-abc",
                "Content-Length": "0",
            ])
        let signed = signer.sign(unsigned, credentials: credentials, date: date)
        let canonical = signer.canonicalRequest(signed)
        #expect(canonical.contains("\nmy-header1:a b c\n"))
        #expect(signed.headers["Authorization"]?.contains("SignedHeaders=host;my-header1;x-amz-date,") == true)
    }

    @Test func explicitHostHeaderIsKept() {
        let unsigned = request("GET", "http://127.0.0.1:4566/", headers: ["Host": "kms.us-east-1.amazonaws.com"])
        let signed = signer.sign(unsigned, credentials: credentials, date: date)
        #expect(signed.headers["Host"] == "kms.us-east-1.amazonaws.com")
        #expect(signer.canonicalRequest(signed).contains("\nhost:kms.us-east-1.amazonaws.com\n"))
    }

    @Test func resigningReplacesEarlierSignature() {
        var withToken = credentials
        withToken.sessionToken = "old-token"
        let first = signer.sign(
            request("GET", "https://example.amazonaws.com/"), credentials: withToken,
            date: date.addingTimeInterval(-3_600))
        let again = signer.sign(first, credentials: credentials, date: date)
        let fresh = signer.sign(request("GET", "https://example.amazonaws.com/"), credentials: credentials, date: date)
        #expect(again == fresh)
        #expect(again.headers["X-Amz-Security-Token"] == nil)
        #expect(again.headers.fields.filter { $0.name.lowercased() == "authorization" }.count == 1)
    }

    @Test func contentSHA256HeaderOnlyWhenAsked() {
        let unsigned = request("POST", "https://example.amazonaws.com/", body: "{}")
        #expect(signer.sign(unsigned, credentials: credentials, date: date).headers["X-Amz-Content-Sha256"] == nil)

        let s3Style = SigV4Signer(service: "service", region: "us-east-1", addsContentSHA256Header: true)
        let signed = s3Style.sign(unsigned, credentials: credentials, date: date)
        let hash = "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        #expect(signed.headers["X-Amz-Content-Sha256"] == hash)
        #expect(signed.headers["Authorization"]?.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date,") == true)
        #expect(s3Style.canonicalRequest(signed).hasSuffix("\n" + hash))
    }

    @Test func timestampIsUTC() {
        #expect(SigV4Signer.timestamp(Date(timeIntervalSince1970: 0)) == "19700101T000000Z")
        // fixed-clock: formatting only, no clock is read.
        #expect(SigV4Signer.timestamp(Date(timeIntervalSince1970: 1_798_761_599)) == "20261231T235959Z")
        #expect(signer.credentialScope(date: date) == "20150830/us-east-1/service/aws4_request")
    }
}
