import Foundation
import Testing

@testable import KMSRotation

/// IAM Identity Center profiles against a fake portal and OIDC, with a real token cache directory.
@Suite("Sign-in: IAM Identity Center")
struct SignInSSOTests {
    let aws = SignInFakeAWS(clock: TestClock(AuthFixtures.now))
    static let startURL = "https://my-sso-portal.awsapps.com/start"
    /// `aws configure sso` output for an sso-session profile.
    static let config = """
        [profile my-dev-profile]
        sso_session = my-sso
        sso_account_id = 111122223333
        sso_role_name = readOnly
        region = us-west-2
        output = json

        [sso-session my-sso]
        sso_region = us-east-1
        sso_start_url = \(startURL)
        sso_registration_scopes = sso:account:access
        """
    static let legacyConfig = """
        [profile legacy]
        sso_start_url = \(startURL)
        sso_region = us-east-1
        sso_account_id = 111122223333
        sso_role_name = readOnly
        """

    struct Home {
        let directory: AuthTempDirectory
        var cacheDirectory: String { directory.path + "/.aws/sso/cache" }
        func cachePath(_ key: String) -> String { cacheDirectory + "/" + key + ".json" }
    }

    private func home() throws -> Home { Home(directory: try AuthTempDirectory()) }

    private func provider(_ profile: String, config: String = SignInSSOTests.config, home: Home) throws -> ProfileCredentialProvider {
        SignInFixtures.provider(
            profile, files: try SignInFixtures.files(config: config), aws: aws, environment: ["HOME": home.directory.path])
    }

    private func writeToken(_ home: Home, key: String, accessToken: String, expiresIn: TimeInterval, refreshable: Bool = true) throws {
        let text = SignInFixtures.ssoToken(
            startURL: Self.startURL, region: "us-east-1", accessToken: accessToken,
            expiresAt: aws.clock.now.addingTimeInterval(expiresIn), refreshable: refreshable,
            registrationExpiresAt: aws.clock.now.addingTimeInterval(90 * 86_400))
        try home.directory.write(".aws/sso/cache/\(key).json", text)
    }

    /// SHA-1 of "my-sso" and of the start URL, as botocore's `SSOTokenLoader` computes them (hashlib).
    static let sessionKey = "0ad374308c5a4e22f723adf10145eafad7c4031c"
    static let legacyKey = "c7aaaf71fcc8777ae2475525ed049d39fe16c484"

    @Test func cacheDatesAreReadInEveryFormTheCLIWrites() {
        let expected = AuthFixtures.now
        // fixed-clock: compared with AuthFixtures.now only
        for text in ["2026-11-29T06:00:00Z", "2026-11-29T06:00:00UTC", "2026-11-29T06:00:00.000Z", "2026-11-29T07:00:00+01:00"] {
            #expect(SSOCredentialProvider.parseCacheDate(text) == expected, "\(text)")
        }
        #expect(SSOCredentialProvider.parseCacheDate("tomorrow") == nil)
    }

    @Test func cacheKeyIsTheCLIs() {
        #expect(SSOTokenCache.key(sessionName: "my-sso", startURL: Self.startURL) == Self.sessionKey)
        #expect(SSOTokenCache.key(sessionName: nil, startURL: Self.startURL) == Self.legacyKey)
    }

    @Test func ssoSessionProfileGetsRoleCredentials() async throws {
        let home = try home()
        try writeToken(home, key: Self.sessionKey, accessToken: aws.validAccessToken, expiresIn: 3600)
        let credentials = try await provider("my-dev-profile", home: home).credentials()
        #expect(credentials.accessKeyId == "ASIASSOREADONLY1")
        #expect(credentials.accountId == "111122223333")
        let call = try #require(aws.calls.first)
        #expect(call.action == "GetRoleCredentials")
        #expect(call.form == ["role_name": "readOnly", "account_id": "111122223333"])
        #expect(call.headers["x-amz-sso_bearer_token"] == aws.validAccessToken)
        #expect(call.headers["Authorization"] == nil)
    }

    @Test func expiringTokenIsRefreshedAndWrittenBackWithMode0600() async throws {
        let home = try home()
        try writeToken(home, key: Self.sessionKey, accessToken: "SSOoldACCESStoken0123456789", expiresIn: 60)
        let credentials = try await provider("my-dev-profile", home: home).credentials()
        #expect(credentials.accessKeyId == "ASIASSOREADONLY2")
        #expect(aws.calls.map(\.action) == ["CreateToken", "GetRoleCredentials"])
        let refresh = try #require(aws.calls.first)
        #expect(refresh.url.path == "/token")
        #expect(refresh.form["grantType"] == "refresh_token")
        #expect(refresh.form["refreshToken"] == SignInFixtures.refreshToken)
        let path = home.cachePath(Self.sessionKey)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let written = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        #expect(written["accessToken"] as? String == aws.refreshedAccessToken)
        #expect(written["refreshToken"] as? String == "NEWrefreshTOKEN0123456789abc")
        #expect(written["clientSecret"] as? String == SignInFixtures.clientSecret)
        #expect(written["expiresAt"] as? String == SSOCredentialProvider.timestamp(aws.clock.now.addingTimeInterval(28_800)))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: home.cacheDirectory).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test func missingTokenSaysHowToSignIn() async throws {
        let error = try await #require(throws: CredentialProviderError.self) {
            try await provider("my-dev-profile", home: try home()).credentials()
        }
        #expect(error.kind == .failed)
        #expect(error.reason.hasSuffix("run `aws sso login --sso-session my-sso`"))
        #expect(aws.calls.isEmpty)
    }

    @Test func expiredTokenThatCannotBeRefreshedSaysHowToSignIn() async throws {
        let home = try home()
        try writeToken(home, key: Self.sessionKey, accessToken: "SSOoldACCESStoken0123456789", expiresIn: -60)
        aws.oidcStatus = 400
        let error = try await #require(throws: CredentialProviderError.self) {
            try await provider("my-dev-profile", home: home).credentials()
        }
        #expect(
            error.reason == "the IAM Identity Center token for sso-session my-sso has expired and could not be refreshed; "
                + "run `aws sso login --sso-session my-sso`")
        #expect(aws.calls.map(\.action) == ["CreateToken"])
    }

    @Test func tokenRefusedByThePortalSaysHowToSignIn() async throws {
        let home = try home()
        try writeToken(home, key: Self.sessionKey, accessToken: "SSOrevokedACCESStoken0123456789", expiresIn: 3600)
        let error = try await #require(throws: CredentialProviderError.self) {
            try await provider("my-dev-profile", home: home).credentials()
        }
        #expect(
            error.reason == "IAM Identity Center refused the token for sso-session my-sso (UnauthorizedException); "
                + "run `aws sso login --sso-session my-sso`")
    }

    @Test func legacyProfileUsesTheStartURLKeyWithoutRefresh() async throws {
        let home = try home()
        try writeToken(home, key: Self.legacyKey, accessToken: aws.validAccessToken, expiresIn: 3600, refreshable: false)
        #expect(try await provider("legacy", config: Self.legacyConfig, home: home).credentials().accessKeyId == "ASIASSOREADONLY1")
        try writeToken(home, key: Self.legacyKey, accessToken: aws.validAccessToken, expiresIn: 60, refreshable: true)
        aws.clock.advance(by: 120)
        let error = try await #require(throws: CredentialProviderError.self) {
            try await provider("legacy", config: Self.legacyConfig, home: home).credentials()
        }
        #expect(error.reason.hasSuffix("has expired; run `aws sso login --profile legacy`"))
        #expect(!aws.calls.map(\.action).contains("CreateToken"))
    }

    @Test func incompleteConfigurationNamesWhatIsMissing() async throws {
        let config = "[profile p]\nsso_session = s\nsso_account_id = 1\n[sso-session s]\nsso_region = us-east-1\n"
        let error = try await #require(throws: CredentialProviderError.self) {
            try await provider("p", config: config, home: try home()).credentials()
        }
        #expect(
            error.reason == "The profile \"p\" is configured to use SSO but is missing required configuration: sso_role_name, sso_start_url"
        )
        let noSession = "[profile p]\nsso_session = nope\nsso_account_id = 1\nsso_role_name = r\n"
        let missing = try await #require(throws: CredentialProviderError.self) {
            try await provider("p", config: noSession, home: try home()).credentials()
        }
        #expect(missing.reason == "The specified sso-session does not exist: \"nope\"")
    }

    @Test func tokensNeverReachErrorsOrDescriptions() async throws {
        let home = try home()
        try writeToken(home, key: Self.sessionKey, accessToken: "SSOleakyACCESStoken0123456789", expiresIn: 3600)
        let provider = try provider("my-dev-profile", home: home)
        let error = try await #require(throws: CredentialProviderError.self) { try await provider.credentials() }
        for secret in ["SSOleakyACCESStoken0123456789", SignInFixtures.refreshToken, SignInFixtures.clientSecret] {
            #expect(!String(describing: error).contains(secret))
            #expect(!String(describing: provider).contains(secret))
            #expect(!String(reflecting: provider).contains(secret))
        }
    }

    @Test func ssoEndpointsComeFromTheServicesSection() async throws {
        let home = try home()
        try writeToken(home, key: Self.sessionKey, accessToken: aws.validAccessToken, expiresIn: 3600)
        let config = Self.config.replacingOccurrences(
            of: "output = json", with: "services = local\n[services local]\nsso =\n  endpoint_url = https://portal.local.test")
        let provider = ProfileCredentialProvider(
            profile: "my-dev-profile", files: try SignInFixtures.files(config: config),
            environment: ["HOME": home.directory.path], transport: aws.transport, now: { aws.clock.now })
        _ = try await provider.credentials()
        #expect(aws.calls.first?.url.host == "portal.local.test")
        let byDefault = ProfileCredentialProvider(
            profile: "my-dev-profile", files: try SignInFixtures.files(config: Self.config),
            environment: ["HOME": home.directory.path], transport: aws.transport, now: { aws.clock.now })
        _ = try await byDefault.credentials()
        #expect(aws.calls.last?.url.host == "portal.sso.us-east-1.amazonaws.com")
    }
}
