import Foundation

/// Credentials of an IAM role, obtained with STS `AssumeRole` using another provider's credentials
/// (the *source*: the caller's identity, held by the ``STSClient``).
///
/// Use it to audit an account other than your own: the target account has a role (for example
/// `OrganizationAccountAccessRole`, or a dedicated read-only audit role) whose trust policy allows your
/// identity; you give its ARN, and every KMS request is signed with the role's temporary credentials.
///
/// ```swift
/// let caller = CredentialProviderChain.default(environment: env, files: files, transport: transport)
/// let configuration = AWSClientConfiguration(region: "eu-west-1", credentialProvider: caller)
/// let sts = try STSClient(configuration)
/// let role = AssumeRoleCredentialProvider(roleArn: "arn:aws:iam::444455556666:role/KMSAudit", sts: sts)
/// let kms = try KMSClient(configuration.with(credentialProvider: role))
/// ```
///
/// By default the credentials are cached: `AssumeRole` is called on
/// first use and again when the session is within `refreshMargin` of expiring, so a long scan never
/// signs with expired credentials, and concurrent requests share one call. Pass `refreshMargin: nil`
/// for a provider that calls `AssumeRole` every time.
///
/// Errors are thrown unchanged so that callers can tell why: ``AWSServiceError`` (`AccessDenied` when the
/// role does not exist or does not trust the caller, or the external ID is wrong), ``TransportError``,
/// or the source provider's error. Nothing this provider prints or throws contains a credential or the
/// external ID: the external ID is registered with `SecretScrubber` when the provider is created, so
/// an STS endpoint that echoes the request's form body in its error message cannot reveal it.
public struct AssumeRoleCredentialProvider: CredentialProvider, CustomStringConvertible, CustomReflectable {
    /// The session name used when none is given: `kms-rotation-audit`. It appears in the target
    /// account's CloudTrail, so the audit's calls are easy to find.
    public static let defaultSessionName = "kms-rotation-audit"
    /// The session length requested when none is given: 3600 seconds, which every role allows (the
    /// minimum `MaxSessionDuration`, and the maximum for role chaining).
    public static let defaultDurationSeconds = 3600

    /// "assume-role ROLE_ARN".
    public let name: String
    /// The role assumed.
    public let roleArn: String
    /// The session name.
    package let roleSessionName: String
    /// The session length requested, in seconds.
    package let durationSeconds: Int
    /// How long before expiry the credentials are refreshed; `nil` when they are not cached.
    package let refreshMargin: TimeInterval?
    /// The STS client, with the source credentials.
    package let sts: STSClient
    private let fetcher: Fetcher
    private let cache: CachedCredentialProvider?

    /// Creates a provider for a role.
    /// - Parameters:
    ///   - roleArn: The role to assume, `arn:aws:iam::111122223333:role/Name`.
    ///   - roleSessionName: The session name; ``defaultSessionName`` by default.
    ///   - externalId: The external ID the role's trust policy requires, if any.
    ///   - durationSeconds: The session length, 900–43200; ``defaultDurationSeconds`` by default.
    ///   - sts: The STS client: its Region, endpoint and credential provider (the source identity).
    ///   - refreshMargin: Refresh the credentials this many seconds before they expire (300 by default,
    ///     as the AWS SDKs do); `nil` to call `AssumeRole` on every ``credentials()``.
    ///   - now: The cache's clock; inject one in tests.
    public init(
        roleArn: String, roleSessionName: String = AssumeRoleCredentialProvider.defaultSessionName, externalId: String? = nil,
        durationSeconds: Int = AssumeRoleCredentialProvider.defaultDurationSeconds, sts: STSClient,
        refreshMargin: TimeInterval? = 300, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.name = "assume-role \(roleArn)"
        self.roleArn = roleArn
        self.roleSessionName = roleSessionName
        self.durationSeconds = durationSeconds
        self.refreshMargin = refreshMargin
        self.sts = sts
        SecretScrubber.register(externalId)
        let fetcher = Fetcher(
            name: name, roleArn: roleArn, roleSessionName: roleSessionName, externalId: externalId, durationSeconds: durationSeconds,
            sts: sts)
        self.fetcher = fetcher
        self.cache = refreshMargin.map { CachedCredentialProvider(fetcher, refreshMargin: $0, now: now) }
    }

    /// The ID of the account that owns the role, when ``roleArn`` is a valid role ARN.
    public var accountId: String? { (try? ARN(iamRole: roleArn))?.accountId }

    /// Returns the role's credentials: the cached ones while they are fresh, else new ones from `AssumeRole`.
    /// - Returns: Temporary credentials, with their expiration and the role's account.
    /// - Throws: ``AWSServiceError``, ``TransportError``, or the source provider's error.
    public func credentials() async throws -> AWSCredentials {
        if let cache { return try await cache.credentials() }
        return try await fetcher.credentials()
    }

    /// Drops cached credentials, so the next call assumes the role again (after an `ExpiredToken` error).
    public func invalidate() async {
        await cache?.invalidate()
    }

    /// The role and session; never credentials, never the external ID.
    public var description: String {
        "AssumeRoleCredentialProvider(roleArn: \(roleArn), session: "
            + "\(roleSessionName)\(fetcher.externalId == nil ? "" : ", externalId: <redacted>"))"
    }

    /// A mirror without the external ID or the cache, so `dump` and debuggers show neither.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "roleArn": roleArn, "roleSessionName": roleSessionName, "durationSeconds": durationSeconds,
                "externalId": fetcher.externalId == nil ? "nil" : "<redacted>", "refreshMargin": refreshMargin as Any,
            ], displayStyle: .struct)
    }

    /// One `AssumeRole` call per ``credentials()``.
    struct Fetcher: CredentialProvider, CustomStringConvertible {
        let name: String
        let roleArn: String
        let roleSessionName: String
        let externalId: String?
        let durationSeconds: Int
        let sts: STSClient

        func credentials() async throws -> AWSCredentials {
            try await sts.assumeRole(
                roleArn: roleArn, roleSessionName: roleSessionName, durationSeconds: durationSeconds, externalId: externalId
            ).credentials
        }

        var description: String { "assume-role(\(roleArn))" }
    }
}
