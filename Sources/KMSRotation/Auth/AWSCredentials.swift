import Foundation

/// AWS access credentials: an access key pair, and a session token for temporary credentials.
///
/// Every textual representation (`description`, `debugDescription`, `dump`-style mirrors) redacts the
/// secret key and the session token and shows only the last four characters of the access key ID.
///
/// Creating credentials (or assigning a secret key or session token) registers both secrets with
/// `SecretScrubber`, whichever provider they came from: from then on no error message, report or log
/// line that passes the scrubber can show them, even when an endpoint echoes them back.
public struct AWSCredentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The access key ID (`AKIA…` for long-term, `ASIA…` for temporary credentials).
    public var accessKeyId: String
    /// The secret access key. Never log it. Registered with `SecretScrubber`.
    public var secretAccessKey: String { didSet { SecretScrubber.register(secretAccessKey) } }
    /// The session token of temporary credentials. Never log it. Registered with `SecretScrubber`.
    public var sessionToken: String? { didSet { SecretScrubber.register(sessionToken) } }
    /// When temporary credentials expire; `nil` for credentials that do not.
    public var expiration: Date?
    /// The account the credentials belong to, when the provider reports it.
    public var accountId: String?

    /// Creates credentials.
    /// - Parameters:
    ///   - accessKeyId: The access key ID.
    ///   - secretAccessKey: The secret access key.
    ///   - sessionToken: The session token of temporary credentials.
    ///   - expiration: When temporary credentials expire.
    ///   - accountId: The account the credentials belong to.
    public init(
        accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil, accountId: String? = nil
    ) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
        self.accountId = accountId
        SecretScrubber.register(secretAccessKey)
        SecretScrubber.register(sessionToken)
    }

    /// The access key ID with all but its last four characters masked.
    package var redactedAccessKeyId: String {
        accessKeyId.count <= 4 ? "****" : String(repeating: "*", count: 4) + accessKeyId.suffix(4)
    }

    /// The credentials with the secret key and session token redacted and the access key ID masked.
    public var description: String {
        var parts = ["accessKeyId: \(redactedAccessKeyId)", "secretAccessKey: <redacted>"]
        if sessionToken != nil { parts.append("sessionToken: <redacted>") }
        if let expiration { parts.append("expiration: \(expiration)") }
        if let accountId { parts.append("accountId: \(accountId)") }
        return "AWSCredentials(\(parts.joined(separator: ", ")))"
    }

    /// Same as ``description``: debug output must not reveal secrets either.
    public var debugDescription: String { description }

    /// A redacted mirror, so `dump` and debuggers show no secret.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "accessKeyId": redactedAccessKeyId,
                "secretAccessKey": "<redacted>",
                "sessionToken": sessionToken == nil ? "nil" : "<redacted>",
                "expiration": expiration as Any,
                "accountId": accountId as Any,
            ], displayStyle: .struct)
    }

    /// Whether the credentials expire within `margin` of `now` (or already have).
    /// - Parameters:
    ///   - margin: Seconds before the expiration that already count as expired.
    ///   - now: The current time.
    /// - Returns: `false` for credentials without an expiration.
    package func expires(within margin: TimeInterval, of now: Date) -> Bool {
        guard let expiration else { return false }
        return expiration.timeIntervalSince(now) <= margin
    }
}

/// Something that supplies ``AWSCredentials``: the environment, a profile, a container or instance
/// metadata endpoint, or a chain of these.
public protocol CredentialProvider: Sendable {
    /// A short name for error messages ("environment", "profile default", "imds").
    var name: String { get }
    /// Returns credentials, fetching or refreshing them if needed.
    /// - Returns: Credentials to sign requests with.
    /// - Throws: ``CredentialProviderError`` when this provider has no credentials to give
    ///   (``CredentialProviderChain`` throws ``CredentialChainError``, listing each provider tried).
    func credentials() async throws -> AWSCredentials
}
