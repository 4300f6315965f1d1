/// Why a ``CredentialProvider`` gave no credentials.
///
/// There are two kinds: the provider is *not configured* (nothing in the environment or files points at
/// it, so a chain moves on to the next provider), or it *failed* (it is configured but broken: a
/// credential process exited nonzero, a profile names a role this library cannot assume, the container
/// endpoint answered 500). The reason is written for people and never contains a secret: no key, no
/// token and no standard output of a process. Text it quotes from outside (an endpoint's error body, a
/// `credential_process` command's standard error) is cut short, and the whole reason passes
/// `SecretScrubber` when the error is created or the reason assigned.
public struct CredentialProviderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    package struct Kind: Sendable, Hashable, CustomStringConvertible {
        fileprivate enum Code: String, Sendable, Hashable { case notConfigured, failed }
        fileprivate let code: Code
        /// Nothing configures this provider; a chain skips it.
        package static let notConfigured = Kind(code: .notConfigured)
        /// The provider is configured but could not produce credentials.
        package static let failed = Kind(code: .failed)
        /// `notConfigured` or `failed`.
        package var description: String { code.rawValue }
    }

    /// The ``CredentialProvider/name`` of the provider that failed ("environment", "profile dev").
    public var provider: String
    /// The kind of failure.
    package var kind: Kind
    /// What went wrong, safe to log: scrubbed of secrets (also when assigned).
    public var reason: String { didSet { reason = SecretScrubber.scrub(reason) } }

    /// Creates an error.
    /// - Parameters:
    ///   - provider: The provider's name.
    ///   - kind: `.notConfigured` or `.failed`.
    ///   - reason: A message for people; it passes `SecretScrubber/scrub(_:)`.
    package init(provider: String, kind: Kind, reason: String) {
        self.provider = provider
        self.kind = kind
        self.reason = SecretScrubber.scrub(reason)
    }

    /// An error saying the provider has nothing configured.
    /// - Parameters:
    ///   - provider: The provider's name.
    ///   - reason: What was looked for and not found.
    /// - Returns: An error whose ``isNotConfigured`` is `true`: a chain moves on to its next provider.
    public static func notConfigured(_ provider: String, _ reason: String) -> CredentialProviderError {
        CredentialProviderError(provider: provider, kind: .notConfigured, reason: reason)
    }

    /// An error saying the provider is configured but failed.
    /// - Parameters:
    ///   - provider: The provider's name.
    ///   - reason: What failed.
    /// - Returns: An error whose ``isNotConfigured`` is `false`: a chain stops there.
    public static func failed(_ provider: String, _ reason: String) -> CredentialProviderError {
        CredentialProviderError(provider: provider, kind: .failed, reason: reason)
    }

    /// Whether the provider simply had nothing configured.
    public var isNotConfigured: Bool { kind == .notConfigured }

    /// `provider: reason`, with "(not configured)" for that kind.
    public var description: String {
        isNotConfigured ? "\(provider) (not configured): \(reason)" : "\(provider): \(reason)"
    }
}
