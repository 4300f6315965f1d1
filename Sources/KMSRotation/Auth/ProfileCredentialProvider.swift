import Foundation

/// Reads credentials for a profile of the shared files, resolving it as botocore does.
///
/// For the selected profile it looks, in botocore's order, at:
/// 1. an assumed role: `role_arn` with `source_profile` (chains of any length; a profile may name itself to
///    use its own static keys) or `credential_source` (`Environment`, `Ec2InstanceMetadata`,
///    `EcsContainer`), with `external_id`, `role_session_name`, `duration_seconds` and `mfa_serial` (the
///    code is asked for on the terminal, once per process);
/// 2. web identity: `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN` (+ `AWS_ROLE_SESSION_NAME`) from the
///    environment given (not read for an explicit `--profile`, as in botocore), else the profile's
///    `web_identity_token_file`, `role_arn`, `role_session_name`; `AssumeRoleWithWebIdentity` is sent unsigned;
/// 3. IAM Identity Center: `sso_session` (an `[sso-session NAME]` section) or a legacy `sso_start_url`,
///    with `sso_account_id` and `sso_role_name`, using the token `aws sso login` cached;
/// 4. static keys (`aws_access_key_id`, `aws_secret_access_key`, `aws_session_token`) in the credentials file;
/// 5. `credential_process` (from either file, taken verbatim: a `#` or `;` in it is not a comment, as in
///    botocore): the command runs through the injected ``CredentialProcessRunner`` (by default a
/// `SubprocessCredentialProcessRunner`: no shell, a time limit and an output cap) and must print `{"Version": 1, "AccessKeyId",
/// "SecretAccessKey",
///    "SessionToken"?, "Expiration"?, "AccountId"?}`;
/// 6. static keys in the config file.
///
/// Roles and Identity Center credentials are cached in memory and refreshed before they expire. A
/// profile that is configured but broken fails; it is never skipped, because silently falling back to
/// another identity would audit the wrong account. A profile type this library does not support
/// (`login_session`) names itself in the error.
package struct ProfileCredentialProvider: CredentialProvider, CustomStringConvertible, CustomReflectable {
    /// "profile NAME".
    package let name: String
    /// The profile read.
    package let profile: String
    /// Whether the profile was chosen explicitly; a missing explicit profile is a failure, a missing
    /// `default` profile only means "not configured".
    package let isExplicitProfile: Bool
    private let files: SharedConfigFiles
    private let runner: any CredentialProcessRunner
    /// `nil` for a leaf (static keys and `credential_process` only, used for source profiles).
    private let context: SignInContext?
    private let resolution = LockedValue<Result<any CredentialProvider, CredentialProviderError>?>(nil)

    /// Creates a provider for a profile.
    /// - Parameters:
    ///   - profile: The profile name; `nil` means `default`, which may be absent without error.
    ///     Pass `AWS_PROFILE` or the CLI's `--profile` here: a named profile that does not exist fails.
    ///   - files: The parsed shared files.
    ///   - processRunner: Runs `credential_process` commands; `nil`, the default, runs them as botocore does (split like `shlex.split`, no
    ///     shell), with a 60-second time limit and a 1 MiB cap on standard output.
    ///   - environment: The environment variables: the Region and endpoints of STS and IAM Identity Center,
    ///     `HOME` (the SSO token cache), and the web identity variables.
    ///   - transport: The transport for STS, the Identity Center portal and SSO OIDC.
    ///   - now: The clock of the role caches.
    package init(
        profile: String? = nil, files: SharedConfigFiles,
        processRunner: (any CredentialProcessRunner)? = nil,
        environment: [String: String] = [:], transport: any HTTPTransport = URLSessionTransport(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.init(
            profile: profile, files: files, processRunner: processRunner ?? SubprocessCredentialProcessRunner(), environment: environment,
            transport: transport, now: now,
            webIdentityFromEnvironment: true, mfaPrompt: .terminal)
    }

    /// The full resolution, with what the default chain decides: whether the environment's web identity
    /// variables count (not for `--profile`) and how MFA codes are asked for.
    init(
        profile: String?, files: SharedConfigFiles, processRunner: any CredentialProcessRunner, environment: [String: String],
        transport: any HTTPTransport, now: @escaping @Sendable () -> Date, webIdentityFromEnvironment: Bool, mfaPrompt: MFACodePrompt
    ) {
        self.profile = profile ?? "default"
        self.isExplicitProfile = profile != nil
        self.name = "profile \(self.profile)"
        self.files = files
        self.runner = processRunner
        self.context = SignInContext(
            files: files, environment: environment, transport: transport, processRunner: processRunner, now: now,
            mfaPrompt: mfaPrompt, webIdentityFromEnvironment: webIdentityFromEnvironment)
    }

    /// Static keys, `login_session` (refused by name) and `credential_process` only: a source profile's
    /// last steps, once roles, web identity and Identity Center have been ruled out.
    init(leafProfile: String, files: SharedConfigFiles, processRunner: any CredentialProcessRunner) {
        self.profile = leafProfile
        self.isExplicitProfile = true
        self.name = "profile \(leafProfile)"
        self.files = files
        self.runner = processRunner
        self.context = nil
    }

    /// Returns the profile's credentials.
    /// - Returns: The credentials the profile defines.
    /// - Throws: ``CredentialProviderError``: not configured when the profile (default, not explicit)
    ///   is absent or defines no credentials; failed for a missing explicit profile, half a key pair, an
    ///   unsupported profile type (`login_session`), a broken role, web identity or Identity Center configuration, or a
    ///   failing `credential_process`.
    package func credentials() async throws -> AWSCredentials {
        guard let context else { return try await leafCredentials() }
        let resolved = resolution.withLock { cached -> Result<any CredentialProvider, CredentialProviderError> in
            if let cached { return cached }
            let result: Result<any CredentialProvider, CredentialProviderError>
            do {
                result = .success(try ProfileResolver(context: context, topProfile: profile).resolveTop(isExplicit: isExplicitProfile))
            } catch let error as CredentialProviderError {
                result = .failure(error)
            } catch {
                result = .failure(CredentialProviderError.failed(name, "\(error)"))
            }
            cached = result
            return result
        }
        return try await resolved.get().credentials()
    }

    /// Steps 4–6: static keys in the credentials file, `login_session`, `credential_process`, static keys
    /// in the config file.
    private func leafCredentials() async throws -> AWSCredentials {
        guard let merged = files.profile(profile) else {
            throw CredentialProviderError.failed(name, "profile \(profile) is not defined")
        }
        if let section = files.credentialsProfiles[profile], let credentials = try staticKeys(section, file: "credentials file") {
            return credentials
        }
        if merged["login_session"] != nil {
            throw CredentialProviderError.failed(
                name,
                "profile \(profile) uses login_session (`aws login`), which this library does not support; "
                    + "run `aws configure export-credentials --profile \(profile) --format env` or use credential_process")
        }
        if let command = merged["credential_process"] {
            return try await runProcess(command)
        }
        if let section = files.configProfiles[profile], let credentials = try staticKeys(section, file: "config file") {
            return credentials
        }
        throw CredentialProviderError.notConfigured(
            name, "profile \(profile) has no aws_access_key_id/aws_secret_access_key and no credential_process")
    }

    private func staticKeys(_ section: SharedConfigFiles.Section, file: String) throws -> AWSCredentials? {
        switch (section["aws_access_key_id"], section["aws_secret_access_key"]) {
        case (nil, nil):
            return nil
        case (_?, nil):
            throw CredentialProviderError.failed(
                name, "profile \(profile) in the \(file) has aws_access_key_id but no aws_secret_access_key")
        case (nil, _?):
            throw CredentialProviderError.failed(
                name, "profile \(profile) in the \(file) has aws_secret_access_key but no aws_access_key_id")
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
            var detail = SecretScrubber.scrub(String(decoding: output.standardError, as: UTF8.self)).trimmingCharacters(
                in: .whitespacesAndNewlines)
            if detail.count > 1_000 { detail = String(detail.prefix(1_000)) + "…" }
            throw CredentialProviderError.failed(
                name, "credential_process exited with status \(output.exitCode)" + (detail.isEmpty ? "" : ": \(detail)"))
        }
        let source = "credential_process output"
        let document = try CredentialsDocument.decode(output.standardOutput, provider: name, source: source)
        guard document.version == 1 else {
            throw CredentialProviderError.failed(
                name,
                document.version.map { "\(source) has unsupported Version \($0); expected 1" } ?? "\(source) has no Version; expected 1")
        }
        return try document.credentials(provider: name, source: source)
    }

    /// The provider's profile; the files' contents are never shown.
    package var description: String { "ProfileCredentialProvider(profile: \(profile))" }

    /// The profile only, so `dump` and debuggers never show the environment or the files.
    package var customMirror: Mirror {
        Mirror(self, children: ["profile": profile, "isExplicitProfile": isExplicitProfile], displayStyle: .struct)
    }
}
