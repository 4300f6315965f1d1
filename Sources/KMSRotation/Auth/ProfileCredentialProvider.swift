import Foundation

/// Reads credentials for a profile of the shared files: static keys or a `credential_process` command.
///
/// For the selected profile it looks, in botocore's order, at:
/// 1. static keys (`aws_access_key_id`, `aws_secret_access_key`, `aws_session_token`) in the credentials file;
/// 2. `credential_process` (from either file, taken verbatim: a `#` or `;` in it is not a comment, as in
///    botocore): the command runs through the injected ``CredentialProcessRunner`` (by default a
///    ``SubprocessCredentialProcessRunner``: no shell, a time limit and an output cap) and must print `{"Version": 1, "AccessKeyId", "SecretAccessKey",
///    "SessionToken"?, "Expiration"?, "AccountId"?}`;
/// 3. static keys in the config file.
///
/// Profiles that assume a role (`role_arn`, `source_profile`, `credential_source`), use web identity
/// (`web_identity_token_file`) or IAM Identity Center (`sso_session`, `sso_start_url`) fail with a clear
/// "not supported" error rather than being skipped: silently falling back to another identity would
/// audit the wrong account.
public struct ProfileCredentialProvider: CredentialProvider, CustomStringConvertible {
    /// "profile NAME".
    public let name: String
    /// The profile read.
    public let profile: String
    /// Whether the profile was chosen explicitly; a missing explicit profile is a failure, a missing
    /// `default` profile only means "not configured".
    public let isExplicitProfile: Bool
    private let files: SharedConfigFiles
    private let runner: any CredentialProcessRunner

    /// Creates a provider for a profile.
    /// - Parameters:
    ///   - profile: The profile name; `nil` means `default`, which may be absent without error.
    ///     Pass `AWS_PROFILE` or the CLI's `--profile` here: a named profile that does not exist fails.
    ///   - files: The parsed shared files.
    ///   - processRunner: Runs `credential_process` commands; `nil`, the default, runs them as botocore does (split like `shlex.split`, no
    ///     shell), with a 60-second time limit and a 1 MiB cap on standard output.
    public init(profile: String? = nil, files: SharedConfigFiles, processRunner: (any CredentialProcessRunner)? = nil) {
        self.profile = profile ?? "default"
        self.isExplicitProfile = profile != nil
        self.name = "profile \(self.profile)"
        self.files = files
        self.runner = processRunner ?? SubprocessCredentialProcessRunner()
    }

    /// Returns the profile's credentials.
    /// - Returns: The credentials the profile defines.
    /// - Throws: ``CredentialProviderError``: not configured when the profile (default, not explicit)
    ///   is absent or defines no credentials; failed for a missing explicit profile, half a key pair, an
    ///   unsupported profile type, or a failing `credential_process`.
    public func credentials() async throws -> AWSCredentials {
        guard let merged = files.profile(profile) else {
            let message = "profile \(profile) is not defined in \(files.credentialsFilePath ?? "the credentials file") or \(files.configFilePath ?? "the config file")"
            throw isExplicitProfile ? CredentialProviderError.failed(name, message) : CredentialProviderError.notConfigured(name, message)
        }
        try rejectUnsupported(merged)
        if let section = files.credentialsProfiles[profile], let credentials = try staticKeys(section, file: "credentials file") {
            return credentials
        }
        if let command = merged["credential_process"] {
            return try await runProcess(command)
        }
        if let section = files.configProfiles[profile], let credentials = try staticKeys(section, file: "config file") {
            return credentials
        }
        throw CredentialProviderError.notConfigured(name, "profile \(profile) has no aws_access_key_id/aws_secret_access_key and no credential_process")
    }

    private func rejectUnsupported(_ section: SharedConfigFiles.Section) throws {
        if section["web_identity_token_file"] != nil {
            throw CredentialProviderError.failed(name, "profile \(profile) uses web identity (web_identity_token_file), which this library does not support; export credentials into the environment or use credential_process")
        }
        if section["role_arn"] != nil {
            throw CredentialProviderError.failed(name, "profile \(profile) assumes a role (role_arn), which this library does not support; export the role's credentials into the environment or use credential_process")
        }
        if section["sso_session"] != nil || section["sso_start_url"] != nil || section["sso_account_id"] != nil {
            throw CredentialProviderError.failed(name, "profile \(profile) uses IAM Identity Center (SSO), which this library does not support; run `aws configure export-credentials --format env` or use credential_process")
        }
    }

    private func staticKeys(_ section: SharedConfigFiles.Section, file: String) throws -> AWSCredentials? {
        switch (section["aws_access_key_id"], section["aws_secret_access_key"]) {
        case (nil, nil):
            return nil
        case (_?, nil):
            throw CredentialProviderError.failed(name, "profile \(profile) in the \(file) has aws_access_key_id but no aws_secret_access_key")
        case (nil, _?):
            throw CredentialProviderError.failed(name, "profile \(profile) in the \(file) has aws_secret_access_key but no aws_access_key_id")
        case let (accessKeyId?, secretAccessKey?):
            return AWSCredentials(
                accessKeyId: accessKeyId,
                secretAccessKey: secretAccessKey,
                sessionToken: section["aws_session_token"] ?? section["aws_security_token"],
                accountId: section["aws_account_id"]
            )
        }
    }

    private func runProcess(_ command: String) async throws -> AWSCredentials {
        let output: CredentialProcessOutput
        do {
            output = try await runner.run(command)
        } catch let error as CancellationError {
            throw error
        } catch let error as CredentialProviderError {
            throw CredentialProviderError.failed(name, "credential_process: \(error.reason)")
        } catch {
            throw CredentialProviderError.failed(name, "credential_process could not be run: \(error.localizedDescription)")
        }
        guard output.exitCode == 0 else {
            // Standard error is the command's own diagnostics and is shown (scrubbed of secrets, then
            // trimmed and bounded); standard output is never shown, because a failing command may still
            // have printed the secret.
            var detail = SecretScrubber.scrub(String(decoding: output.standardError, as: UTF8.self)).trimmingCharacters(in: .whitespacesAndNewlines)
            if detail.count > 1_000 { detail = String(detail.prefix(1_000)) + "…" }
            throw CredentialProviderError.failed(
                name, "credential_process exited with status \(output.exitCode)" + (detail.isEmpty ? "" : ": \(detail)"))
        }
        let source = "credential_process output"
        let document = try CredentialsDocument.decode(output.standardOutput, provider: name, source: source)
        guard document.version == 1 else {
            throw CredentialProviderError.failed(
                name, document.version.map { "\(source) has unsupported Version \($0); expected 1" } ?? "\(source) has no Version; expected 1")
        }
        return try document.credentials(provider: name, source: source)
    }

    /// The provider's profile; the files' contents are never shown.
    public var description: String { "ProfileCredentialProvider(profile: \(profile))" }
}
