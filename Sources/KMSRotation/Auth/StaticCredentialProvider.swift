/// Gives the same credentials every time.
///
/// Use it when the credentials come from somewhere this library does not know (a secrets manager, a
/// test), or to pin credentials in a ``CredentialProviderChain``.
public struct StaticCredentialProvider: CredentialProvider, CustomStringConvertible {
    /// "static".
    public let name = "static"
    /// The credentials handed out.
    package let staticCredentials: AWSCredentials

    /// Creates a provider for fixed credentials.
    /// - Parameter credentials: The credentials to return.
    public init(_ credentials: AWSCredentials) {
        self.staticCredentials = credentials
    }

    /// Returns the fixed credentials.
    /// - Returns: The credentials given at initialization.
    public func credentials() async throws -> AWSCredentials { staticCredentials }

    /// The provider with its credentials redacted.
    public var description: String { "StaticCredentialProvider(\(staticCredentials))" }
}
