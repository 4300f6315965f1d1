import Foundation

/// Tries providers in order and returns the first credentials found.
///
/// A provider that is *not configured* is skipped. A provider that is configured but *fails* stops the
/// chain: a broken profile or credential process must be fixed, not silently replaced by whatever
/// identity comes next (the instance role, say), which could audit a different account. Either way,
/// when no credentials result the error is a ``CredentialChainError`` listing every provider tried and
/// why each gave nothing.
public struct CredentialProviderChain: CredentialProvider, CustomStringConvertible {
    /// "chain".
    public let name = "chain"
    /// The providers, in the order they are tried.
    public let providers: [any CredentialProvider]

    /// Creates a chain.
    /// - Parameter providers: The providers, in the order to try them.
    public init(providers: [any CredentialProvider]) {
        self.providers = providers
    }

    /// Returns the first provider's credentials that succeeds.
    /// - Returns: The credentials.
    /// - Throws: ``CredentialChainError`` when no provider gave credentials; `CancellationError`.
    public func credentials() async throws -> AWSCredentials {
        var attempts: [CredentialProviderError] = []
        for provider in providers {
            do {
                return try await provider.credentials()
            } catch let error as CredentialProviderError {
                attempts.append(error)
                if !error.isNotConfigured { break }
            } catch let error as CredentialChainError {
                attempts.append(contentsOf: error.attempts)
                if !error.isNotConfigured { break }
            } catch let error as CancellationError {
                throw error
            } catch {
                // A provider written outside this library threw its own error type. Only its type name
                // is kept: its description might quote what it read.
                attempts.append(.failed(provider.name, "failed with an error of type \(type(of: error))"))
                break
            }
        }
        throw CredentialChainError(attempts: attempts)
    }

    /// The default chain, in botocore's order, cached and refreshed five minutes before expiry:
    /// 1. the environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), skipped when
    ///    `profile` is given, as the AWS CLI skips it for `--profile`: an explicit profile must win over
    ///    exported keys;
    /// 2. the shared config files' profile `profile`, else `AWS_PROFILE`, else `default`: assume-role
    ///    profiles, web identity (`AWS_WEB_IDENTITY_TOKEN_FILE`, read only when `profile` is `nil`, or the
    ///    profile's `web_identity_token_file`), IAM Identity Center, static keys, `credential_process`;
    /// 3. the ECS/EKS container credentials endpoint;
    /// 4. EC2 instance metadata (IMDSv2).
    ///
    /// The shared files are `AWS_SHARED_CREDENTIALS_FILE` and `AWS_CONFIG_FILE` (else `~/.aws/credentials`
    /// and `~/.aws/config`), read once, now.
    /// ```swift
    /// let credentials = try CredentialProviderChain.default(transport: URLSessionTransport())
    /// ```
    /// - Parameters:
    ///   - environment: The environment variables; this process's by default, a dictionary in tests.
    ///   - transport: The transport for STS, IAM Identity Center, and the container and IMDS endpoints.
    ///   - profile: A profile chosen explicitly (the CLI's `--profile`), or `nil`.
    /// - Returns: The cached chain.
    /// - Throws: An error naming the file (and line) when a shared config file exists but cannot be read
    ///   or parsed.
    public static func `default`(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        transport: any HTTPTransport,
        profile: String? = nil
    ) throws -> any CredentialProvider {
        try `default`(environment: environment, files: .load(environment: environment), transport: transport, profile: profile)
    }

    /// The default chain over files already read, with the `credential_process` runner and the cache's
    /// clock injectable: what the CLI and the tests use.
    /// - Parameters:
    ///   - environment: The environment variables.
    ///   - files: The shared config files.
    ///   - transport: The transport for STS, IAM Identity Center, and the container and IMDS endpoints.
    ///   - profile: A profile chosen explicitly (the CLI's `--profile`), or `nil`.
    ///   - processRunner: Runs `credential_process` commands; `nil` runs them as botocore does.
    ///   - now: The clock of the cache.
    /// - Returns: The cached chain.
    package static func `default`(
        environment: [String: String],
        files: SharedConfigFiles,
        transport: any HTTPTransport,
        profile: String? = nil,
        processRunner: (any CredentialProcessRunner)? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) -> CachedCredentialProvider {
        let env = RedactedEnvironment(environment)
        var providers: [any CredentialProvider] = []
        if profile == nil {
            providers.append(EnvironmentCredentialProvider(environment: environment))
        }
        // The web identity variables are ignored for an explicit profile, as botocore ignores them.
        providers.append(
            ProfileCredentialProvider(
                profile: profile ?? env["AWS_PROFILE"], files: files, processRunner: processRunner ?? SubprocessCredentialProcessRunner(),
                environment: environment, transport: transport, now: now,
                webIdentityFromEnvironment: profile == nil, mfaPrompt: .terminal))
        providers.append(ContainerCredentialProvider(environment: environment, transport: transport))
        providers.append(IMDSCredentialProvider(transport: transport, environment: environment))
        return CachedCredentialProvider(CredentialProviderChain(providers: providers), now: now)
    }

    /// The providers' descriptions, in order.
    public var description: String {
        "CredentialProviderChain(\(providers.map { String(describing: $0) }.joined(separator: ", ")))"
    }
}
