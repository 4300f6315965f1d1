import Foundation
import Testing
@testable import KMSRotation

/// A `credential_process` runner that returns a canned output and records the commands it was given.
final class AuthFakeProcessRunner: CredentialProcessRunner, @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [String] = []
    let output: CredentialProcessOutput

    init(exitCode: Int32 = 0, stdout: String, stderr: String = "") {
        output = CredentialProcessOutput(exitCode: exitCode, standardOutput: Data(stdout.utf8), standardError: Data(stderr.utf8))
    }

    var commands: [String] { lock.withLock { recorded } }

    func run(_ command: String) async throws -> CredentialProcessOutput {
        lock.withLock { recorded.append(command) }
        return output
    }
}

@Suite struct ProfileCredentialProviderTests {
    static let processJSON = """
        {"Version": 1, "AccessKeyId": "ASIAPROCESS", "SecretAccessKey": "\(AuthFixtures.secret)",
         "SessionToken": "\(AuthFixtures.token)", "Expiration": "\(AuthFixtures.expirationText)", "AccountId": "111122223333"}
        """
    static let expiration = AuthFixtures.expiration

    private func files(credentials: String = "", config: String = "") throws -> SharedConfigFiles {
        try SharedConfigFiles(
            credentials: credentials, config: config, credentialsFilePath: "/h/.aws/credentials", configFilePath: "/h/.aws/config")
    }

    private func failure(_ provider: ProfileCredentialProvider) async throws -> CredentialProviderError {
        try await #require(throws: CredentialProviderError.self) { try await provider.credentials() }
    }

    @Test func staticKeysFromCredentialsFile() async throws {
        let files = try files(
            credentials:
                "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = \(AuthFixtures.secret)\naws_session_token = \(AuthFixtures.token)\n"
        )
        let provider = ProfileCredentialProvider(profile: "dev", files: files)
        #expect(provider.name == "profile dev")
        #expect(
            try await provider.credentials()
                == AWSCredentials(accessKeyId: "AKIDDEV", secretAccessKey: AuthFixtures.secret, sessionToken: AuthFixtures.token))
    }

    @Test func credentialsFileBeatsProcessAndConfigKeys() async throws {
        let runner = AuthFakeProcessRunner(stdout: Self.processJSON)
        let files = try files(
            credentials: "[default]\naws_access_key_id = AKIDCREDS\naws_secret_access_key = a\n",
            config: "[default]\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = b\ncredential_process = /bin/creds\n")
        let credentials = try await ProfileCredentialProvider(files: files, processRunner: runner).credentials()
        #expect(credentials.accessKeyId == "AKIDCREDS")
        #expect(runner.commands.isEmpty)
    }

    @Test func configFileKeysWhenCredentialsFileHasNone() async throws {
        let files = try files(
            credentials: "[other]\naws_access_key_id = X\naws_secret_access_key = Y\n",
            config: "[profile dev]\nregion = eu-west-1\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = b\n")
        let credentials = try await ProfileCredentialProvider(profile: "dev", files: files).credentials()
        #expect(credentials == AWSCredentials(accessKeyId: "AKIDCONFIG", secretAccessKey: "b"))
    }

    @Test func credentialProcessWithFakeRunner() async throws {
        let runner = AuthFakeProcessRunner(stdout: Self.processJSON)
        let files = try files(config: "[profile sso]\ncredential_process = /usr/local/bin/get-creds --profile \"my role\"\n")
        let credentials = try await ProfileCredentialProvider(profile: "sso", files: files, processRunner: runner).credentials()
        #expect(runner.commands == [#"/usr/local/bin/get-creds --profile "my role""#])
        #expect(
            credentials
                == AWSCredentials(
                    accessKeyId: "ASIAPROCESS", secretAccessKey: AuthFixtures.secret, sessionToken: AuthFixtures.token,
                    expiration: Self.expiration, accountId: "111122223333"))
    }

    @Test func credentialProcessBeatsConfigFileKeys() async throws {
        let runner = AuthFakeProcessRunner(stdout: Self.processJSON)
        let files = try files(
            config: "[default]\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = b\ncredential_process = get-creds\n")
        #expect(try await ProfileCredentialProvider(files: files, processRunner: runner).credentials().accessKeyId == "ASIAPROCESS")
    }

    @Test func credentialProcessRunsARealScript() async throws {
        let dir = try AuthTempDirectory()
        let script = try dir.write(
            "creds.sh",
            """
            #!/bin/sh
            # Prints its first argument as the access key ID, to prove arguments reach the command.
            printf '{"Version":1,"AccessKeyId":"%s","SecretAccessKey":"%s","Expiration":"\(AuthFixtures.expirationTextWithMilliseconds)"}' "$1" "\(AuthFixtures.secret)"
            """, executable: true)
        let files = try files(config: "[default]\ncredential_process = '\(script)' AKIDSCRIPT\n")
        let credentials = try await ProfileCredentialProvider(files: files).credentials()
        #expect(credentials == AWSCredentials(accessKeyId: "AKIDSCRIPT", secretAccessKey: AuthFixtures.secret, expiration: Self.expiration))
    }

    @Test func failingRealScriptReportsStderrButNeverStdout() async throws {
        let dir = try AuthTempDirectory()
        let script = try dir.write(
            "fail.sh",
            """
            #!/bin/sh
            echo '{"Version":1,"AccessKeyId":"AKIDLEAK","SecretAccessKey":"\(AuthFixtures.secret)"}'
            echo '  token expired: run login again  ' >&2
            exit 3
            """, executable: true)
        let files = try files(config: "[default]\ncredential_process = \(script)\n")
        let error = try await failure(ProfileCredentialProvider(files: files))
        #expect(error == .failed("profile default", "credential_process exited with status 3: token expired: run login again"))
        #expect(!error.description.contains(AuthFixtures.secret))
        #expect(!error.description.contains("AKIDLEAK"))
    }

    @Test func shellRunnerCollectsLargeOutputOnBothStreams() async throws {
        // More than a pipe buffer (64 KiB) on each stream: both must be drained concurrently.
        let output = try await SubprocessCredentialProcessRunner(maximumErrorBytes: 1 << 20).run(
            "sh -c 'head -c 200000 /dev/zero; head -c 150000 /dev/zero >&2; exit 5'")
        #expect(output.exitCode == 5)
        #expect(output.standardOutput.count == 200_000)
        #expect(output.standardError.count == 150_000)
    }

    @Test(arguments: [
        (#"{"AccessKeyId":"A","SecretAccessKey":"B"}"#, "credential_process output has no Version; expected 1"),
        (#"{"Version":2,"AccessKeyId":"A","SecretAccessKey":"B"}"#, "credential_process output has unsupported Version 2; expected 1"),
        (#"{"Version":1,"SecretAccessKey":"B"}"#, "credential_process output has no AccessKeyId"),
        (#"{"Version":1,"AccessKeyId":"A"}"#, "credential_process output has no SecretAccessKey"),
        (
            #"{"Version":1,"AccessKeyId":"A","SecretAccessKey":"B","Expiration":"tomorrow"}"#,
            "credential_process output has an Expiration that is not an ISO 8601 date-time"
        ),
        ("Enter MFA code: SECRETsecret", "credential_process output is not a valid credentials JSON object"),
    ])
    func invalidProcessOutput(stdout: String, reason: String) async throws {
        let files = try files(config: "[default]\ncredential_process = get-creds\n")
        let error = try await failure(ProfileCredentialProvider(files: files, processRunner: AuthFakeProcessRunner(stdout: stdout)))
        #expect(error == .failed("profile default", reason))
    }

    @Test func missingDefaultProfileIsNotConfigured() async throws {
        let error = try await failure(ProfileCredentialProvider(files: try files()))
        #expect(error == .notConfigured("profile default", "profile default is not defined in /h/.aws/credentials or /h/.aws/config"))
    }

    @Test func missingExplicitProfileFails() async throws {
        let error = try await failure(
            ProfileCredentialProvider(profile: "prod", files: try files(config: "[default]\nregion = us-east-1\n")))
        #expect(error == .failed("profile prod", "profile prod is not defined in /h/.aws/credentials or /h/.aws/config"))
    }

    @Test func profileWithoutCredentialsIsNotConfigured() async throws {
        let error = try await failure(ProfileCredentialProvider(files: try files(config: "[default]\nregion = us-east-1\n")))
        #expect(
            error
                == .notConfigured(
                    "profile default", "profile default has no aws_access_key_id/aws_secret_access_key and no credential_process"))
    }

    @Test func halfAKeyPairFails() async throws {
        let error = try await failure(ProfileCredentialProvider(files: try files(credentials: "[default]\naws_access_key_id = AKID\n")))
        #expect(
            error
                == .failed("profile default", "profile default in the credentials file has aws_access_key_id but no aws_secret_access_key"))
    }

    /// Roles, web identity and IAM Identity Center are resolved now (SignInProfileTests); `login_session`
    /// (`aws login`) is still unsupported and names itself.
    @Test func loginSessionProfileNamesItself() async throws {
        let files = try files(config: "[profile audit]\nlogin_session = arn:aws:iam::111122223333:user/me\n")
        let error = try await failure(ProfileCredentialProvider(profile: "audit", files: files))
        #expect(error.kind == .failed)
        #expect(error.reason.hasPrefix("profile audit uses login_session (`aws login`), which this library does not support"))
    }
}
