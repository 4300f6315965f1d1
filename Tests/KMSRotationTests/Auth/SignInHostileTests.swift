import Foundation
import Testing
@testable import KMSRotation

/// What the portal, OIDC and STS say is not trusted: answers are bounded and checked, error text is not
/// quoted, and a token echoed back by a server never reaches an error.
@Suite("Sign-in: untrusted answers")
struct SignInHostileTests {
    static let endpoint = URL(string: "https://fake.test")!

    @Test(arguments: [
        (200, #"{"roleCredentials":{"accessKeyId":"","secretAccessKey":"x"}}"#, "invalidResponse"),
        (200, "<html>not json</html>", "invalidResponse"),
        (
            200, "{\"roleCredentials\":{\"accessKeyId\":\"A\",\"secretAccessKey\":\"" + String(repeating: "x", count: 70_000) + "\"}}",
            "invalidResponse"
        ),
        (403, #"{"__type":"com.amazon#ForbiddenException","message":"secret-looking echo"}"#, "ForbiddenException"),
        (500, "\u{1B}[31m<script>", "HTTP500"),
    ])
    func portalAnswersAreChecked(status: Int, body: String, code: String) async throws {
        let transport = AuthTestTransport { _ in HTTPResponse(status: status, body: Data(body.utf8)) }
        let portal = SSOPortalClient(endpoint: Self.endpoint, transport: transport)
        let error = try await #require(throws: AWSServiceError.self) {
            try await portal.getRoleCredentials(accessToken: "token", accountId: "111122223333", roleName: "R")
        }
        #expect(error.code.rawValue == code)
        #expect(!error.description.contains("echo"))
    }

    @Test func errorTypeHeaderIsReducedToASafeCode() {
        let response = HTTPResponse(status: 401, headers: ["x-amzn-ErrorType": "UnauthorizedException\u{1B}[31m; drop table:http://x"])
        let error = AWSServiceError.decodeSSO(response, service: "sso", operation: "GetRoleCredentials")
        #expect(error.code.rawValue == "UnauthorizedException")
        #expect(error.isSSOUnauthorized)
    }

    @Test func oidcAnswersAreChecked() async throws {
        for body in [#"{"accessToken":"a","expiresIn":-5}"#, #"{"expiresIn":3600}"#, #"{"accessToken":"a","expiresIn":999999999}"#] {
            let transport = AuthTestTransport { _ in HTTPResponse(status: 200, body: Data(body.utf8)) }
            let oidc = SSOOIDCClient(endpoint: Self.endpoint, transport: transport)
            let error = try await #require(throws: AWSServiceError.self) {
                try await oidc.refresh(clientId: "c", clientSecret: "clientSecretValue0123", refreshToken: "refreshTokenValue0123")
            }
            #expect(error.code.rawValue == "invalidResponse")
        }
    }

    @Test func webIdentityTokenEchoedByStsNeverReachesTheError() async throws {
        let token = "eyJechoedWEBidentityTOKEN0123456789abcdef"
        let directory = try AuthTempDirectory()
        let file = try directory.write("token", token + "\n")
        let transport = AuthTestTransport { request in
            let form = SignInFakeAWS.form(request.body)
            let echo = form["WebIdentityToken"] ?? ""
            return HTTPResponse(
                status: 400,
                body: Data(
                    """
                    <ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code>
                    <Message>Token \(echo) is not valid</Message></Error></ErrorResponse>
                    """.utf8))
        }
        let fetcher = WebIdentityFetcher(
            name: "web identity", tokenFile: file, roleArn: "arn:aws:iam::111122223333:role/W",
            roleSessionName: "s", endpoint: Self.endpoint, transport: transport)
        let error = try await #require(throws: CredentialProviderError.self) { try await fetcher.credentials() }
        #expect(error.reason.contains("InvalidIdentityToken"))
        #expect(!error.description.contains(token))
        #expect(transport.requests.count == 1, "InvalidIdentityToken is not retried")
        #expect(String(decoding: transport.requests[0].body, as: UTF8.self).contains("Action=AssumeRoleWithWebIdentity"))
    }

    @Test(
        "Web identity retries what the error-code table calls transient or throttling, and any 5xx",
        arguments: [(400, "IDPCommunicationError"), (400, "Throttling"), (503, "ServiceUnavailable")])
    func webIdentityRetriesServerErrors(status: Int, code: String) async throws {
        let calls = AuthCounter()
        let transport = AuthTestTransport { _ in
            if calls.increment() < 3 {
                return HTTPResponse(
                    status: status,
                    body: Data("<ErrorResponse><Error><Code>\(code)</Code><Message>m</Message></Error></ErrorResponse>".utf8))
            }
            let expiration = ISO8601DateFormatter().string(from: AuthFixtures.expiration)
            return HTTPResponse(
                status: 200,
                body: Data(
                    """
                    <AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>
                    <AccessKeyId>ASIARETRIED</AccessKeyId><SecretAccessKey>secretRETRIED0123456789</SecretAccessKey>
                    <SessionToken>sessionRETRIED0123456789</SessionToken><Expiration>\(expiration)</Expiration></Credentials>
                    </AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>
                    """.utf8))
        }
        let credentials = try await STSClient.assumeRoleWithWebIdentity(
            endpoint: Self.endpoint, transport: transport, roleArn: "arn:aws:iam::111122223333:role/W", roleSessionName: "s",
            webIdentityToken: "eyJretryTOKEN0123456789", sleep: { _ in }
        ).credentials
        #expect(credentials.accessKeyId == "ASIARETRIED")
        #expect(credentials.accountId == "111122223333")
        #expect(calls.value == 3)
    }

    @Test func oversizedOrBrokenTokenCacheIsAClearError() async throws {
        let directory = try AuthTempDirectory()
        let cache = SSOTokenCache(directory: directory.path)
        let key = SSOTokenCache.key(sessionName: "s", startURL: "u")
        try directory.write("\(key).json", "not json")
        let provider = SSOCredentialProvider(
            configuration: .init(profile: "p", sessionName: "s", startURL: "u", ssoRegion: "us-east-1", accountId: "1", roleName: "r"),
            cache: cache, portal: SSOPortalClient(endpoint: Self.endpoint, transport: AuthTestTransport.unreachable),
            oidc: nil, now: { AuthFixtures.now })
        let error = try await #require(throws: CredentialProviderError.self) { try await provider.credentials() }
        #expect(error.reason.hasSuffix("is not a JSON object; run `aws sso login --sso-session s`"))
        try directory.write("\(key).json", String(repeating: " ", count: SSOTokenCache.maximumSize + 1))
        let large = try await #require(throws: CredentialProviderError.self) { try await provider.credentials() }
        #expect(large.reason.contains("is larger than"))
    }
}
