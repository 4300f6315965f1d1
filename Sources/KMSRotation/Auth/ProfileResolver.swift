import Foundation

/// What resolving a profile needs besides the files: the environment (Region, endpoints, `HOME`, the
/// web identity variables), the transport, the `credential_process` runner, the clock and the MFA prompt.
struct SignInContext: Sendable {
    var files: SharedConfigFiles
    var environment: [String: String]
    var transport: any HTTPTransport
    var processRunner: any CredentialProcessRunner
    var now: @Sendable () -> Date
    var mfaPrompt: MFACodePrompt
    /// Whether `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN` and `AWS_ROLE_SESSION_NAME` are read: not
    /// when the profile was chosen explicitly (`--profile`), as botocore disables them then.
    var webIdentityFromEnvironment: Bool
}

/// Turns a profile into the provider that yields its credentials, in botocore's order
/// (`ProfileProviderBuilder` and `AssumeRoleProvider`):
/// 1. assume role: `role_arn` (without `web_identity_token_file`) with `source_profile` or `credential_source`;
/// 2. web identity: `AWS_WEB_IDENTITY_TOKEN_FILE` (+ `AWS_ROLE_ARN`, `AWS_ROLE_SESSION_NAME`) unless the
///    profile is explicit, else the profile's `web_identity_token_file`, `role_arn`, `role_session_name`;
/// 3. IAM Identity Center: `sso_account_id` or `sso_role_name`;
/// 4. static keys in the credentials file, `login_session` (unsupported, named in the error),
///    `credential_process`, static keys in the config file.
///
/// Building is pure: nothing is read or called until ``CredentialProvider/credentials()``. Every assumed
/// role and every Identity Center role is cached in memory (``CachedCredentialProvider``) and refreshed
/// before it expires; a chain of roles refreshes each link on its own schedule.
struct ProfileResolver {
    let context: SignInContext
    /// The profile selected at the top: its Region and endpoint settings serve every STS and SSO call.
    let topProfile: String

    static let defaultSessionName = AssumeRoleCredentialProvider.defaultSessionName

    /// The provider for the top-level profile.
    /// - Throws: ``CredentialProviderError``: not configured when an implicit `default` profile is absent
    ///   (and no web identity is configured in the environment); failed for everything configured but broken.
    func resolveTop(isExplicit: Bool) throws -> any CredentialProvider {
        let name = "profile \(topProfile)"
        let files = context.files
        guard let section = files.profile(topProfile) else {
            let message =
                "profile \(topProfile) is not defined in \(files.credentialsFilePath ?? "the credentials file") "
                + "or \(files.configFilePath ?? "the config file")"
            if isExplicit { throw CredentialProviderError.failed(name, message) }
            if let provider = try webIdentity(
                profile: topProfile, section: SharedConfigFiles.Section(), fromEnvironment: context.webIdentityFromEnvironment)
            {
                return provider
            }
            throw CredentialProviderError.notConfigured(name, message)
        }
        var visited = [topProfile]
        return try resolve(profile: topProfile, section: section, fromEnvironment: context.webIdentityFromEnvironment, visited: &visited)
    }

    /// Steps 1–4 for one profile.
    private func resolve(
        profile: String, section: SharedConfigFiles.Section, fromEnvironment: Bool,
        visited: inout [String]
    ) throws -> any CredentialProvider {
        if Self.hasAssumeRole(section) {
            return try assumeRole(profile: profile, section: section, visited: &visited)
        }
        return try profileProviders(profile: profile, section: section, fromEnvironment: fromEnvironment)
    }

    /// Steps 2–4: botocore's profile providers (used for the top profile and for source profiles).
    private func profileProviders(
        profile: String, section: SharedConfigFiles.Section, fromEnvironment: Bool
    ) throws -> any CredentialProvider {
        if let provider = try webIdentity(profile: profile, section: section, fromEnvironment: fromEnvironment) { return provider }
        if let provider = try sso(profile: profile, section: section) { return provider }
        return ProfileCredentialProvider(leafProfile: profile, files: context.files, processRunner: context.processRunner)
    }

    static func hasAssumeRole(_ section: SharedConfigFiles.Section) -> Bool {
        section.properties["role_arn"] != nil && section.properties["web_identity_token_file"] == nil
    }

    static func hasStaticKeys(_ section: SharedConfigFiles.Section) -> Bool {
        section.properties["aws_access_key_id"] != nil || section.properties["aws_secret_access_key"] != nil
    }

    // MARK: - Assume role

    private func assumeRole(profile: String, section: SharedConfigFiles.Section, visited: inout [String]) throws -> any CredentialProvider {
        let name = "profile \(profile)"
        guard let roleArn = section["role_arn"] else {
            throw CredentialProviderError.failed(name, "profile \(profile) has an empty role_arn")
        }
        let source: any CredentialProvider
        switch (section["source_profile"], section["credential_source"]) {
        case (_?, _?):
            throw CredentialProviderError.failed(name, "The profile \"\(profile)\" contains both source_profile and credential_source.")
        case (nil, nil):
            throw CredentialProviderError.failed(name, "profile \(profile) has role_arn but neither source_profile nor credential_source")
        case (nil, let credentialSource?):
            let base: any CredentialProvider
            switch credentialSource {
            case "Environment": base = EnvironmentCredentialProvider(environment: context.environment)
            case "Ec2InstanceMetadata": base = IMDSCredentialProvider(transport: context.transport, environment: context.environment)
            case "EcsContainer": base = ContainerCredentialProvider(environment: context.environment, transport: context.transport)
            default:
                throw CredentialProviderError.failed(
                    name,
                    "The credential source \"\(credentialSource)\" referenced in profile \"\(profile)\" is not valid "
                        + "(expected Environment, Ec2InstanceMetadata or EcsContainer).")
            }
            source = RequiredSourceProvider(
                base: base, name: name,
                message: "No credentials found in credential_source \(credentialSource) referenced in profile \(profile)")
        case (let sourceProfile?, nil):
            guard let sourceSection = context.files.profile(sourceProfile) else {
                throw CredentialProviderError.failed(
                    name, "The source_profile \"\(sourceProfile)\" referenced in the profile \"\(profile)\" does not exist.")
            }
            if visited.contains(sourceProfile), sourceProfile != profile || !Self.hasStaticKeys(sourceSection) {
                throw CredentialProviderError.failed(
                    name,
                    "Infinite loop in credential configuration detected. Attempting to load from profile \(sourceProfile) "
                        + "which has already been visited. Visited profiles: \(visited.joined(separator: " -> "))")
            }
            visited.append(sourceProfile)
            if Self.hasStaticKeys(sourceSection) || !Self.hasAssumeRole(sourceSection) {
                let base = try profileProviders(profile: sourceProfile, section: sourceSection, fromEnvironment: false)
                source = RequiredSourceProvider(
                    base: base, name: "profile \(sourceProfile)",
                    message: "The source profile \"\(sourceProfile)\" must have credentials.")
            } else {
                source = try assumeRole(profile: sourceProfile, section: sourceSection, visited: &visited)
            }
        }
        let externalId = section["external_id"]
        SecretScrubber.register(externalId)
        let sts = try stsClient(caller: source)
        let fetcher = RoleFetcher(
            name: name, profile: profile, roleArn: roleArn,
            roleSessionName: section["role_session_name"] ?? Self.defaultSessionName,
            externalId: externalId,
            // botocore ignores a duration_seconds that is not an integer; so do we (STS then grants 1 hour).
            durationSeconds: section["duration_seconds"].flatMap { Int($0) },
            serialNumber: section["mfa_serial"], sts: sts, prompt: context.mfaPrompt)
        return CachedCredentialProvider(fetcher, now: context.now)
    }

    // MARK: - Web identity

    private func webIdentity(profile: String, section: SharedConfigFiles.Section, fromEnvironment: Bool) throws -> (any CredentialProvider)?
    {
        func setting(_ key: String, _ variable: String) -> String? {
            if fromEnvironment, let value = context.environment[variable] { return value }
            return section.properties[key]
        }
        guard let tokenFile = setting("web_identity_token_file", "AWS_WEB_IDENTITY_TOKEN_FILE"), !tokenFile.isEmpty else { return nil }
        let name = "profile \(profile) (web identity)"
        guard let roleArn = setting("role_arn", "AWS_ROLE_ARN"), !roleArn.isEmpty else {
            throw CredentialProviderError.failed(
                name,
                "The provided profile or the current environment is configured to assume role with web identity but has no role ARN "
                    + "configured. Ensure that the profile has the role_arn configuration set or the AWS_ROLE_ARN env var is set.")
        }
        let fetcher = WebIdentityFetcher(
            name: name, tokenFile: tokenFile, roleArn: roleArn,
            roleSessionName: setting("role_session_name", "AWS_ROLE_SESSION_NAME") ?? Self.defaultSessionName,
            endpoint: try stsEndpoint(), transport: context.transport)
        return CachedCredentialProvider(fetcher, now: context.now)
    }

    // MARK: - IAM Identity Center

    private func sso(profile: String, section: SharedConfigFiles.Section) throws -> (any CredentialProvider)? {
        guard section.properties["sso_account_id"] != nil || section.properties["sso_role_name"] != nil else { return nil }
        let name = "profile \(profile)"
        var merged = section.properties
        var required = ["sso_role_name", "sso_account_id", "sso_start_url", "sso_region"]
        if let sessionName = section.properties["sso_session"] {
            guard let session = context.files.ssoSessions[sessionName] else {
                throw CredentialProviderError.failed(name, "The specified sso-session does not exist: \"\(sessionName)\"")
            }
            for (key, value) in session.properties {
                if let existing = merged[key], existing != value {
                    throw CredentialProviderError.failed(
                        name, "The value for \(key) is inconsistent between profile (\(existing)) and sso-session (\(value)).")
                }
                merged[key] = value
            }
            required.append("sso_session")
        }
        let missing = required.filter { (merged[$0] ?? "").isEmpty }
        guard missing.isEmpty else {
            throw CredentialProviderError.failed(
                name,
                "The profile \"\(profile)\" is configured to use SSO but is missing required configuration: "
                    + missing.joined(separator: ", ")
            )
        }
        let region = merged["sso_region"] ?? ""
        let configuration = SSOCredentialProvider.Configuration(
            profile: profile, sessionName: merged["sso_session"], startURL: merged["sso_start_url"] ?? "", ssoRegion: region,
            accountId: merged["sso_account_id"] ?? "", roleName: merged["sso_role_name"] ?? "")
        let portal = SSOPortalClient(
            endpoint: try serviceEndpoint("SSO", defaultHost: "portal.sso", region: region, name: name),
            transport: context.transport)
        let oidc = SSOOIDCClient(
            endpoint: try serviceEndpoint("SSO OIDC", defaultHost: "oidc", region: region, name: name),
            transport: context.transport)
        let provider = SSOCredentialProvider(
            configuration: configuration, cache: SSOTokenCache(environment: context.environment),
            portal: portal, oidc: oidc, now: context.now)
        return CachedCredentialProvider(provider, now: context.now)
    }

    // MARK: - Endpoints

    /// The STS client for a role's source credentials, through the one factory.
    private func stsClient(caller: any CredentialProvider) throws -> STSClient {
        let settings = try stsSettings()
        do {
            return try STSClient.makeSignInSTSClient(
                region: settings.region, endpoint: settings.endpoint, useFIPS: settings.useFIPS,
                useDualStack: settings.useDualStack, credentialProvider: caller,
                transport: context.transport, now: context.now)
        } catch {
            throw CredentialProviderError.failed("profile \(topProfile)", "STS endpoint: \(error)")
        }
    }

    /// The STS endpoint for unsigned calls: the same resolution as ``stsClient(caller:)``.
    private func stsEndpoint() throws -> URL {
        let settings = try stsSettings()
        do {
            return try EndpointResolver().resolveSTS(
                region: settings.region, useFIPS: settings.useFIPS,
                useDualStack: settings.useDualStack, customEndpoint: settings.endpoint)
        } catch {
            throw CredentialProviderError.failed("profile \(topProfile)", "STS endpoint: \(error)")
        }
    }

    /// STS is called in the caller's Region (`AWS_REGION`, `AWS_DEFAULT_REGION`, the top profile's
    /// `region`), at its Regional endpoint; `us-east-1` when no Region is configured. A configured STS
    /// endpoint (`AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, a `services` section) wins.
    private func stsSettings() throws -> (region: String, endpoint: String?, useFIPS: Bool, useDualStack: Bool) {
        do {
            let configuration = try AWSConfiguration.resolve(environment: context.environment, files: context.files, profile: topProfile)
            let endpoint = try AWSConfiguration.endpointURL(
                forService: "STS", environment: context.environment, files: context.files,
                profile: topProfile)
            return (configuration.region ?? "us-east-1", endpoint?.url, configuration.useFIPSEndpoint, configuration.useDualStackEndpoint)
        } catch {
            throw CredentialProviderError.failed("profile \(topProfile)", "\(error)")
        }
    }

    /// The portal or OIDC endpoint: configured (`AWS_ENDPOINT_URL_SSO`, `AWS_ENDPOINT_URL_SSO_OIDC`,
    /// `AWS_ENDPOINT_URL`, a `services` section), else `https://{host}.{region}.{dnsSuffix}`.
    private func serviceEndpoint(_ serviceId: String, defaultHost: String, region: String, name: String) throws -> URL {
        do {
            if let configured = try AWSConfiguration.endpointURL(
                forService: serviceId, environment: context.environment,
                files: context.files, profile: topProfile)
            {
                return try EndpointResolver.validateCustomEndpoint(configured.url)
            }
            try EndpointResolver.validateRegion(region)
            let suffix = EndpointResolver().partition(for: region).dnsSuffix
            guard let url = URL(string: "https://\(defaultHost).\(region).\(suffix)") else {
                throw CredentialProviderError.failed(name, "no \(serviceId) endpoint for Region \(region)")
            }
            return url
        } catch let error as CredentialProviderError {
            throw error
        } catch {
            throw CredentialProviderError.failed(name, "\(serviceId) endpoint: \(error)")
        }
    }
}

/// A source that must give credentials: "not configured" becomes a failure with botocore's message,
/// because a role whose source has nothing must not let the chain fall through to another identity.
struct RequiredSourceProvider: CredentialProvider {
    let base: any CredentialProvider
    let name: String
    let message: String

    func credentials() async throws -> AWSCredentials {
        do {
            return try await base.credentials()
        } catch let error as CredentialProviderError where error.isNotConfigured {
            throw CredentialProviderError.failed(name, "\(message) (\(error.reason))")
        }
    }
}

/// One `AssumeRole` per call, for a profile's `role_arn`. With `mfa_serial` it asks for a code once per
/// process, as botocore does: the session cannot be renewed without a new code, so a refresh fails with
/// a message instead of prompting again in the middle of a scan.
struct RoleFetcher: CredentialProvider, CustomStringConvertible {
    let name: String
    let profile: String
    let roleArn: String
    let roleSessionName: String
    let externalId: String?
    let durationSeconds: Int?
    let serialNumber: String?
    let sts: STSClient
    let prompt: MFACodePrompt
    let prompted = LockedValue(false)

    func credentials() async throws -> AWSCredentials {
        var tokenCode: String?
        if let serialNumber {
            let first = prompted.withLock { value -> Bool in
                defer { value = true }
                return !value
            }
            guard first else {
                throw CredentialProviderError.failed(
                    name, "the MFA session of role \(roleArn) expired; it cannot be renewed without a new code: run the command again")
            }
            tokenCode = try await prompt.ask(serialNumber, profile)
            SecretScrubber.register(tokenCode)
        }
        do {
            return try await sts.assumeRole(
                roleArn: roleArn, roleSessionName: roleSessionName, durationSeconds: durationSeconds,
                externalId: externalId, serialNumber: serialNumber, tokenCode: tokenCode
            ).credentials
        } catch let error as CredentialProviderError {
            throw error
        } catch let error as CredentialChainError {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch {
            throw CredentialProviderError.failed(name, "AssumeRole \(roleArn): \(error)")
        }
    }

    var description: String { "RoleFetcher(profile: \(profile), roleArn: \(roleArn))" }
}

/// One `AssumeRoleWithWebIdentity` per call. The token file is read at every call, because EKS and other
/// platforms rotate it; the token is registered with ``SecretScrubber`` before it is sent.
struct WebIdentityFetcher: CredentialProvider, CustomStringConvertible {
    let name: String
    let tokenFile: String
    let roleArn: String
    let roleSessionName: String
    let endpoint: URL
    let transport: any HTTPTransport

    /// The largest token file read (a JWT is a few kilobytes).
    static let maximumTokenSize = 64 * 1024

    func credentials() async throws -> AWSCredentials {
        let token: String
        do {
            guard let handle = FileHandle(forReadingAtPath: tokenFile) else { throw CocoaError(.fileReadNoSuchFile) }
            defer { try? handle.close() }
            let data = try handle.read(upToCount: Self.maximumTokenSize + 1) ?? Data()
            guard data.count <= Self.maximumTokenSize else {
                throw CredentialProviderError.failed(
                    name, "the web identity token file \(tokenFile) is larger than \(Self.maximumTokenSize) bytes")
            }
            token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        } catch let error as CredentialProviderError {
            throw error
        } catch {
            throw CredentialProviderError.failed(name, "the web identity token file \(tokenFile) cannot be read")
        }
        guard !token.isEmpty else {
            throw CredentialProviderError.failed(name, "the web identity token file \(tokenFile) is empty")
        }
        SecretScrubber.register(token)
        do {
            return try await STSClient.assumeRoleWithWebIdentity(
                endpoint: endpoint, transport: transport, roleArn: roleArn,
                roleSessionName: roleSessionName, webIdentityToken: token
            ).credentials
        } catch let error as CancellationError {
            throw error
        } catch {
            throw CredentialProviderError.failed(name, "AssumeRoleWithWebIdentity \(roleArn): \(error)")
        }
    }

    var description: String { "WebIdentityFetcher(roleArn: \(roleArn), tokenFile: \(tokenFile))" }
}

// Mirrors without the environment, the external ID or the STS client, so `dump` shows no secret.
extension SignInContext: CustomReflectable, CustomStringConvertible {
    var customMirror: Mirror {
        Mirror(
            self, children: ["environment": RedactedEnvironment(environment), "webIdentityFromEnvironment": webIdentityFromEnvironment],
            displayStyle: .struct)
    }

    var description: String { "SignInContext(\(RedactedEnvironment(environment)))" }
}

extension RoleFetcher: CustomReflectable {
    var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "profile": profile, "roleArn": roleArn, "roleSessionName": roleSessionName,
                "externalId": externalId == nil ? "nil" : "<redacted>", "serialNumber": serialNumber as Any,
            ],
            displayStyle: .struct)
    }
}
