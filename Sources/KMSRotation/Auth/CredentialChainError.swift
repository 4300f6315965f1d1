/// No provider of a ``CredentialProviderChain`` gave credentials.
///
/// Lists every provider the chain tried, in order, with why each gave nothing, so one message explains
/// where credentials were looked for. Like ``CredentialProviderError`` it never contains a secret.
public struct CredentialChainError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One entry per provider tried, in chain order.
    public var attempts: [CredentialProviderError]

    /// Creates a chain error.
    /// - Parameter attempts: The failure of each provider tried, in order.
    package init(attempts: [CredentialProviderError]) {
        self.attempts = attempts
    }

    /// Whether every provider tried was merely not configured (no credentials anywhere), as opposed to
    /// one of them being configured and broken.
    public var isNotConfigured: Bool { attempts.allSatisfy(\.isNotConfigured) }

    /// A multi-line message: a summary, then one line per provider tried.
    public var description: String {
        let head =
            isNotConfigured
            ? "No AWS credentials found. Providers tried, in order:"
            : "Could not load AWS credentials. Providers tried, in order:"
        return ([head] + attempts.map { "  - \($0)" }).joined(separator: "\n")
    }
}
