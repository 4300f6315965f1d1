import Foundation
import KMSRotation
import Testing

/// The agreement table: each profile configuration is resolved by botocore
/// (`botocore.session.Session(profile=…).get_credentials()`) and by this library's default chain, against
/// the same moto STS (Support/moto_server_signin.py: role keys derived from the role ARN) and the same
/// loopback IAM Identity Center (Support/sso_server.py). Both must end with the same access key ID, or
/// both must fail.
@Suite("Sign-in agrees with botocore", .enabled(if: MotoServer.isAvailable, Comment(rawValue: MotoServer.skipMessage)), .serialized)
struct SignInAgreementTests {
    enum Outcome: Equatable, CustomStringConvertible {
        case key(String)
        case failure

        var description: String {
            switch self {
            case .key(let key): key
            case .failure: "failure"
            }
        }
    }

    struct Case: Sendable {
        var name: String
        /// An explicit profile (`Session(profile=)`, `--profile`), or `nil` to use AWS_PROFILE / default.
        var profile: String?
        var config = ""
        var credentials = ""
        var environment: [String: String] = [:]
        var tokens: [String: String] = [:]
        /// What both must give: a key with this prefix, or a failure.
        var expectPrefix: String?
    }

    static let staticKeys = "[dev]\naws_access_key_id = AKIDSTATICDEV0001\naws_secret_access_key = staticDevSecretKey0123456789abcdef\n"
    static let baseKeys = "[base]\naws_access_key_id = AKIDSTATICBASE001\naws_secret_access_key = staticBaseSecretKey0123456789abcdef\n"
    static let environmentKeys = [
        "AWS_ACCESS_KEY_ID": "AKIDENVIRONMENT01", "AWS_SECRET_ACCESS_KEY": "environmentSecretKey0123456789abcdef",
    ]
    static let ssoSession = """
        [sso-session corp]
        sso_start_url = \(SignInHome.startURL)
        sso_region = us-east-1
        sso_registration_scopes = sso:account:access

        """
    static let ssoProfile =
        "[profile sso]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\nregion = us-east-1\n"
    static let legacyProfile = """
        [profile legacy]
        sso_start_url = \(SignInHome.startURL)
        sso_region = us-east-1
        sso_account_id = 111122223333
        sso_role_name = ReadOnly

        """

    static func cases(tokenFile: String) -> [Case] {
        let role = "arn:aws:iam::123456789012:role/"
        return [
            Case(name: "static keys, explicit profile", profile: "dev", credentials: staticKeys, expectPrefix: "AKIDSTATICDEV"),
            Case(
                name: "an explicit profile wins over environment keys", profile: "dev", credentials: staticKeys,
                environment: environmentKeys, expectPrefix: "AKIDSTATICDEV"),
            Case(
                name: "AWS_PROFILE does not win over environment keys", profile: nil, credentials: staticKeys,
                environment: environmentKeys.merging(["AWS_PROFILE": "dev"]) { $1 }, expectPrefix: "AKIDENVIRONMENT"),
            Case(
                name: "assume role from a static source profile", profile: "r",
                config: "[profile r]\nrole_arn = \(role)One\nsource_profile = base\n", credentials: baseKeys, expectPrefix: "ASIA"),
            Case(
                name: "a chain of three profiles", profile: "top",
                config:
                    "[profile top]\nrole_arn = \(role)Top\nsource_profile = mid\n"
                    + "[profile mid]\nrole_arn = \(role)Mid\nsource_profile = base\n",
                credentials: baseKeys, expectPrefix: "ASIA"),
            Case(
                name: "a cycle", profile: "a",
                config: "[profile a]\nrole_arn = \(role)A\nsource_profile = b\n[profile b]\nrole_arn = \(role)B\nsource_profile = a\n"),
            Case(
                name: "a profile that is its own source", profile: "self",
                config: "[profile self]\nrole_arn = \(role)Self\nsource_profile = self\n",
                credentials: "[self]\naws_access_key_id = AKIDSELF000000001\naws_secret_access_key = selfSecretKey0123456789abcdef\n",
                expectPrefix: "ASIA"),
            Case(
                name: "credential_source = Environment", profile: "env",
                config: "[profile env]\nrole_arn = \(role)FromEnv\ncredential_source = Environment\n", environment: environmentKeys,
                expectPrefix: "ASIA"),
            Case(
                name: "credential_source that is not valid", profile: "bad",
                config: "[profile bad]\nrole_arn = \(role)Bad\ncredential_source = Ec2Metadata\n", environment: environmentKeys),
            Case(
                name: "source_profile and credential_source together", profile: "both",
                config: "[profile both]\nrole_arn = \(role)Both\nsource_profile = base\ncredential_source = Environment\n",
                credentials: baseKeys, environment: environmentKeys),
            Case(
                name: "a source profile that does not exist", profile: "r",
                config: "[profile r]\nrole_arn = \(role)R\nsource_profile = gone\n"),
            Case(name: "role_arn with no source", profile: "r", config: "[profile r]\nrole_arn = \(role)R\n", credentials: baseKeys),
            Case(
                name: "web identity from the environment (IRSA)", profile: nil,
                environment: ["AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile, "AWS_ROLE_ARN": "\(role)Irsa", "AWS_ROLE_SESSION_NAME": "pod"],
                expectPrefix: "ASIA"),
            Case(
                name: "environment web identity before the default profile's keys", profile: nil,
                credentials: "[default]\naws_access_key_id = AKIDDEFAULT000001\naws_secret_access_key = defaultSecretKey0123456789abcdef\n",
                environment: ["AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile, "AWS_ROLE_ARN": "\(role)Irsa"], expectPrefix: "ASIA"),
            Case(
                name: "an explicit profile ignores environment web identity", profile: "dev", credentials: staticKeys,
                environment: ["AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile, "AWS_ROLE_ARN": "\(role)Irsa"], expectPrefix: "AKIDSTATICDEV"),
            Case(
                name: "web identity in a profile", profile: "web",
                config: "[profile web]\nrole_arn = \(role)Web\nweb_identity_token_file = \(tokenFile)\n", expectPrefix: "ASIA"),
            Case(
                name: "web identity in a profile without role_arn", profile: "web",
                config: "[profile web]\nweb_identity_token_file = \(tokenFile)\n"),
            Case(
                name: "sso-session with a valid cached token", profile: "sso", config: ssoSession + ssoProfile,
                tokens: [SignInHome.corpKey: SignInHome.token(startURL: SignInHome.startURL, expiresIn: 3600, refreshable: true)],
                expectPrefix: "ASIASSO"),
            Case(
                name: "sso-session with an expired token that is refreshed", profile: "sso", config: ssoSession + ssoProfile,
                tokens: [
                    SignInHome.corpKey: SignInHome.token(
                        startURL: SignInHome.startURL, accessToken: "expiredAccessToken0123456789",
                        expiresIn: -600, refreshable: true)
                ],
                expectPrefix: "ASIASSO"),
            Case(
                name: "sso-session with an expired token and no refresh token", profile: "sso", config: ssoSession + ssoProfile,
                tokens: [
                    SignInHome.corpKey: SignInHome.token(
                        startURL: SignInHome.startURL, accessToken: "expiredAccessToken0123456789",
                        expiresIn: -600, refreshable: false)
                ]),
            Case(name: "sso-session with no cached token", profile: "sso", config: ssoSession + ssoProfile),
            Case(name: "sso-session section missing", profile: "sso", config: ssoProfile),
            Case(
                name: "legacy SSO profile with a valid token", profile: "legacy", config: legacyProfile,
                tokens: [SignInHome.legacyKey: SignInHome.token(startURL: SignInHome.startURL, expiresIn: 3600, refreshable: false)],
                expectPrefix: "ASIASSO"),
            Case(
                name: "legacy SSO profile with an expired token", profile: "legacy", config: legacyProfile,
                tokens: [SignInHome.legacyKey: SignInHome.token(startURL: SignInHome.startURL, expiresIn: -600, refreshable: false)]),
            Case(
                name: "a role whose source is an sso-session profile", profile: "admin",
                config: ssoSession + ssoProfile + "[profile admin]\nrole_arn = \(role)Admin\nsource_profile = sso\n",
                tokens: [SignInHome.corpKey: SignInHome.token(startURL: SignInHome.startURL, expiresIn: 3600, refreshable: true)],
                expectPrefix: "ASIA"),
            Case(name: "an explicit profile that does not exist", profile: "nowhere", credentials: staticKeys),
            Case(
                name: "login_session (not supported)", profile: "login",
                config: "[profile login]\nlogin_session = arn:aws:iam::123456789012:user/me\n"),
        ]
    }

    /// botocore's answer for one case, from a fresh copy of its files.
    static func botocore(_ testCase: Case, environment: [String: String], python: String) throws -> Outcome {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Support/botocore_credentials.py")
            .path
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AWS_") }
        env.merge(environment) { _, new in new }
        let result = try runProcess(python, [script] + (testCase.profile.map { [$0] } ?? []), environment: env)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: String]
        if let key = object?["accessKeyId"] { return .key(key) }
        return .failure
    }

    /// This library's answer: the default chain, as the CLI builds it.
    static func library(_ testCase: Case, environment: [String: String]) async -> (Outcome, String) {
        do {
            let files = try SharedConfigFiles.load(environment: environment)
            let chain = CredentialProviderChain.default(
                environment: environment, files: files, transport: URLSessionTransport(),
                profile: testCase.profile)
            return (.key(try await chain.credentials().accessKeyId), "")
        } catch {
            return (.failure, "\(error)")
        }
    }

    @Test("At least 12 profile configurations resolve to the same access key ID as botocore, or fail in both")
    func agreementTable() async throws {
        let python = try #require(MotoServer.python)
        let moto = try await MotoServer(
            launcher: URL(fileURLWithPath: MotoServer.launcher).deletingLastPathComponent()
                .appendingPathComponent("moto_server_signin.py").path)
        defer { moto.stop() }
        let sso = try SSOServer()
        let tokenDirectory = NSTemporaryDirectory() + "kms-rotation-irsa-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: tokenDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: tokenDirectory) }
        let tokenFile = tokenDirectory + "/token"
        try "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6YXVkaXQifQ.signature".write(
            toFile: tokenFile, atomically: true, encoding: .utf8)

        let cases = Self.cases(tokenFile: tokenFile)
        #expect(cases.count >= 12)
        var agreed = 0
        for testCase in cases {
            func environment(_ home: SignInHome) -> [String: String] {
                var env = home.environment
                env["AWS_ENDPOINT_URL_STS"] = moto.endpoint
                env["AWS_ENDPOINT_URL_SSO"] = sso.endpoint
                env["AWS_ENDPOINT_URL_SSO_OIDC"] = sso.endpoint
                env["AWS_EC2_METADATA_DISABLED"] = "true"
                env["AWS_REGION"] = "us-east-1"
                env["AWS_DEFAULT_REGION"] = "us-east-1"  // botocore reads only this one
                env.merge(testCase.environment) { _, new in new }
                return env
            }
            let botoHome = try SignInHome(config: testCase.config, credentials: testCase.credentials, tokens: testCase.tokens)
            let ourHome = try SignInHome(config: testCase.config, credentials: testCase.credentials, tokens: testCase.tokens)
            defer {
                botoHome.remove()
                ourHome.remove()
            }
            let theirs = try Self.botocore(testCase, environment: environment(botoHome), python: python)
            let (ours, why) = await Self.library(testCase, environment: environment(ourHome))
            #expect(ours == theirs, "\(testCase.name): botocore \(theirs), kms-rotation \(ours) \(why)")
            switch (testCase.expectPrefix, ours) {
            case (let prefix?, .key(let key)):
                #expect(key.hasPrefix(prefix), "\(testCase.name): \(key) should start with \(prefix)")
            case (nil, .failure):
                break
            default:
                Issue.record("\(testCase.name): expected \(testCase.expectPrefix ?? "a failure"), got \(ours) \(why)")
            }
            if ours == theirs { agreed += 1 }
        }
        #expect(agreed == cases.count)
        print("sign-in agreement with botocore: \(agreed) of \(cases.count) configurations")
    }
}
