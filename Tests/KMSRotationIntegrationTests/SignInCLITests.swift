import Foundation
import KMSRotation
import Testing

/// The real `kms-rotation` binary signing in as organizations do, against moto (STS, KMS) and the loopback
/// IAM Identity Center: a profile written by `aws configure sso` with a token cached by `aws sso login`,
/// an assume-role chain of three profiles, an IRSA-style environment, and MFA on a pseudo-terminal.
@Suite(
    "kms-rotation audit signs in with SSO, roles and web identity",
    .enabled(if: MotoServer.isAvailable && CLIBinary.path != nil, Comment(rawValue: MotoServer.skipMessage)), .serialized)
struct SignInCLITests {
    /// `aws configure sso` writes exactly this (profile name, sso-session and scopes as the prompts give them).
    static let configureSSOConfig = """
        [profile my-dev-profile]
        sso_session = corp
        sso_account_id = 123456789012
        sso_role_name = ReadOnly
        region = us-east-1
        output = json
        [sso-session corp]
        sso_start_url = \(SignInHome.startURL)
        sso_region = us-east-1
        sso_registration_scopes = sso:account:access

        """

    /// A key in moto's default account (where every identity used here acts), not rotating: exit 3.
    static func seedKey(_ moto: MotoServer) async throws -> String {
        let kms = try KMSClient(
            AWSClientConfiguration(
                region: "us-east-1", credentialProvider: AuditMotoEndToEndTests.credentials, transport: URLSessionTransport()),
            endpoint: moto.endpoint)
        return try #require(try await kms.createKey(description: "sign-in").arn)
    }

    static func environment(_ moto: MotoServer, _ home: SignInHome, sso: SSOServer? = nil) -> [String: String] {
        var env = home.environment
        env["AWS_ENDPOINT_URL_KMS"] = moto.endpoint
        env["AWS_ENDPOINT_URL_STS"] = moto.endpoint
        if let sso {
            env["AWS_ENDPOINT_URL_SSO"] = sso.endpoint
            env["AWS_ENDPOINT_URL_SSO_OIDC"] = sso.endpoint
        }
        return env
    }

    static func expectNoSecrets(_ text: String, _ secrets: [String], _ what: String) {
        for secret in secrets { #expect(!text.contains(secret), "\(what) shows a secret") }
    }

    @Test("A profile from `aws configure sso` with a token from `aws sso login` audits; an expired one says how to sign in (exit 1)")
    func ssoProfile() async throws {
        let moto = try await MotoServer()
        defer { moto.stop() }
        let sso = try SSOServer()
        let arn = try await Self.seedKey(moto)
        let home = try SignInHome(
            config: Self.configureSSOConfig, credentials: "",
            tokens: [SignInHome.corpKey: SignInHome.token(startURL: SignInHome.startURL, expiresIn: 3600, refreshable: true)])
        defer { home.remove() }
        let result = try CLIBinary.run(
            ["audit", "--profile", "my-dev-profile", "--format", "json", "--verbose"], environment: Self.environment(moto, home, sso: sso))
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stdout.contains(arn))
        Self.expectNoSecrets(
            result.stdout + result.stderr, [SSOServer.accessToken, SSOServer.refreshToken, SSOServer.clientSecret], "the audit")

        let expired = try SignInHome(
            config: Self.configureSSOConfig, credentials: "",
            tokens: [
                SignInHome.corpKey: SignInHome.token(
                    startURL: SignInHome.startURL, accessToken: "revokedToken0123456789",
                    expiresIn: -60, refreshable: false)
            ])
        defer { expired.remove() }
        let failed = try CLIBinary.run(["audit", "--profile", "my-dev-profile"], environment: Self.environment(moto, expired, sso: sso))
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("run `aws sso login --sso-session corp`"), "\(failed.stderr)")
        #expect(!failed.stderr.contains("revokedToken0123456789"))
    }

    @Test("An expiring SSO token is refreshed through SSO OIDC and the cache is written back with mode 0600")
    func ssoRefresh() async throws {
        let moto = try await MotoServer()
        defer { moto.stop() }
        let sso = try SSOServer()
        let home = try SignInHome(
            config: Self.configureSSOConfig, credentials: "",
            tokens: [
                SignInHome.corpKey: SignInHome.token(
                    startURL: SignInHome.startURL, accessToken: "expiringToken0123456789",
                    expiresIn: 120, refreshable: true)
            ])
        defer { home.remove() }
        let result = try CLIBinary.run(["audit", "--profile", "my-dev-profile"], environment: Self.environment(moto, home, sso: sso))
        #expect(result.status == 0, "\(result.stderr)")
        let path = home.path + "/.aws/sso/cache/\(SignInHome.corpKey).json"
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let cached = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        #expect((cached["accessToken"] as? String)?.hasPrefix("refreshedAccessToken") == true)
        #expect((cached["refreshToken"] as? String)?.hasPrefix("rotatedRefreshToken") == true)
        #expect(cached["clientSecret"] as? String == SSOServer.clientSecret)
        #expect(cached["startUrl"] as? String == SignInHome.startURL)
    }

    @Test("An assume-role chain of three profiles audits as the last role")
    func threeProfileChain() async throws {
        let moto = try await MotoServer()
        defer { moto.stop() }
        let arn = try await Self.seedKey(moto)
        let home = try SignInHome(
            config: """
                [profile top]
                role_arn = arn:aws:iam::123456789012:role/Top
                source_profile = middle
                role_session_name = alice
                region = us-east-1
                [profile middle]
                role_arn = arn:aws:iam::123456789012:role/Middle
                source_profile = base
                external_id = middle-external-id-0001
                """, credentials: "[base]\naws_access_key_id = AKIDMOTOTEST\naws_secret_access_key = moto-secret-key-for-tests\n",
            tokens: [:])
        defer { home.remove() }
        let result = try CLIBinary.run(["audit", "--profile", "top", "--format", "json"], environment: Self.environment(moto, home))
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stdout.contains(arn))
        Self.expectNoSecrets(result.stdout + result.stderr, ["moto-secret-key-for-tests", "middle-external-id-0001"], "the audit")

        let cycle = try SignInHome(
            config: "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/A\nsource_profile = b\n"
                + "[profile b]\nrole_arn = arn:aws:iam::123456789012:role/B\nsource_profile = a\n", credentials: "", tokens: [:])
        defer { cycle.remove() }
        let failed = try CLIBinary.run(["audit", "--profile", "a", "--region", "us-east-1"], environment: Self.environment(moto, cycle))
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("Infinite loop in credential configuration detected"), "\(failed.stderr)")
    }

    @Test("An IRSA-style environment (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE) audits as the role")
    func irsa() async throws {
        let moto = try await MotoServer()
        defer { moto.stop() }
        let arn = try await Self.seedKey(moto)
        let home = try SignInHome(config: "", credentials: "", tokens: [:])
        defer { home.remove() }
        let tokenFile = home.path + "/token"
        let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6a21zOmF1ZGl0In0.irsaSignature0123"
        try jwt.write(toFile: tokenFile, atomically: true, encoding: .utf8)
        var env = Self.environment(moto, home)
        env["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/eks-audit"
        env["AWS_WEB_IDENTITY_TOKEN_FILE"] = tokenFile
        env["AWS_ROLE_SESSION_NAME"] = "kms-audit-pod"
        env["AWS_REGION"] = "us-east-1"
        let result = try CLIBinary.run(["audit", "--format", "json", "--verbose"], environment: env)
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stdout.contains(arn))
        Self.expectNoSecrets(result.stdout + result.stderr, [jwt], "the audit")
    }

    /// A profile whose role needs an MFA code (moto does not check it).
    static let mfaConfig = """
        [profile mfa]
        role_arn = arn:aws:iam::123456789012:role/NeedsMFA
        source_profile = base
        mfa_serial = arn:aws:iam::123456789012:mfa/alice
        region = us-east-1
        """
    static let baseKeys = "[base]\naws_access_key_id = AKIDMOTOTEST\naws_secret_access_key = moto-secret-key-for-tests\n"

    @Test(
        "mfa_serial asks for the code on the terminal, once",
        .enabled(if: DemoAuditTests.script != nil, "util-linux script is not installed"))
    func mfaOnAPseudoTerminal() async throws {
        let moto = try await MotoServer()
        defer { moto.stop() }
        let home = try SignInHome(config: Self.mfaConfig, credentials: Self.baseKeys, tokens: [:])
        defer { home.remove() }
        let binary = try #require(CLIBinary.path)
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AWS_") }
        env.merge(Self.environment(moto, home)) { _, new in new }
        env["AWS_EC2_METADATA_DISABLED"] = "true"
        env["TERM"] = "xterm"
        let output = home.path + "/report.json"
        let command = "\(binary) audit --profile mfa --format json --output \(output)"
        let result = try runProcess(
            try #require(DemoAuditTests.script), ["-qec", command, "/dev/null"], environment: env, input: "246810\n")
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        #expect(result.stdout.components(separatedBy: "Enter MFA code for arn:aws:iam::123456789012:mfa/alice").count == 2, "asked once")
        let report = try String(contentsOfFile: output, encoding: .utf8)
        #expect(!report.contains("246810"))
    }

    @Test(
        "mfa_serial without a terminal is a clear error (exit 1)",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/setsid")))
    func mfaWithoutATerminal() async throws {
        let moto = try await MotoServer()
        defer { moto.stop() }
        let home = try SignInHome(config: Self.mfaConfig, credentials: Self.baseKeys, tokens: [:])
        defer { home.remove() }
        let binary = try #require(CLIBinary.path)
        // setsid: no controlling terminal, even when the tests run from one.
        let result = try CLIBinary.runCommand(
            "/usr/bin/setsid", ["-w", binary, "audit", "--profile", "mfa"], environment: Self.environment(moto, home))
        #expect(result.status == 1)
        #expect(
            result.stderr.contains(
                "needs an MFA code from device arn:aws:iam::123456789012:mfa/alice (mfa_serial), but there is no terminal"),
            "\(result.stderr)")
    }

    @Test("--role-arn works from an IAM Identity Center identity")
    func roleArnFromSSO() async throws {
        let moto = try await MotoServer()
        defer { moto.stop() }
        let sso = try SSOServer()
        let arn = try await Self.seedKey(moto)
        let home = try SignInHome(
            config: Self.configureSSOConfig, credentials: "",
            tokens: [SignInHome.corpKey: SignInHome.token(startURL: SignInHome.startURL, expiresIn: 3600, refreshable: true)])
        defer { home.remove() }
        let result = try CLIBinary.run(
            [
                "audit", "--profile", "my-dev-profile", "--role-arn", "arn:aws:iam::123456789012:role/Auditor",
                "--format", "json",
            ], environment: Self.environment(moto, home, sso: sso))
        #expect(result.status == 3 || result.status == 4, "\(result.stderr)")
        #expect(result.stdout.contains("123456789012"), "\(result.stderr)")
        _ = arn
    }
}
