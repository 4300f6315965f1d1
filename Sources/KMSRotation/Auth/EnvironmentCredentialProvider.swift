import Foundation

/// Reads credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.
///
/// The first provider of the default chain: CI systems and `aws-vault` style tools export these.
/// Neither key set means "not configured"; only one of the two set is a failure, because a half-set
/// pair is a mistake that should not silently fall through to another identity.
package struct EnvironmentCredentialProvider: CredentialProvider, CustomStringConvertible {
    /// "environment".
    package let name = "environment"
    private let environment: RedactedEnvironment

    /// Creates a provider reading the given variables.
    /// - Parameter environment: The environment variables (inject them; see ``live``).
    package init(environment: [String: String]) {
        self.environment = RedactedEnvironment(environment)
    }

    /// A provider reading this process's environment.
    package static var live: EnvironmentCredentialProvider {
        EnvironmentCredentialProvider(environment: ProcessInfo.processInfo.environment)
    }

    /// Returns the credentials in the environment.
    /// - Returns: Credentials with a session token when `AWS_SESSION_TOKEN` is set.
    /// - Throws: ``CredentialProviderError``: not configured when neither key is set; failed when only one is.
    package func credentials() async throws -> AWSCredentials {
        switch (environment["AWS_ACCESS_KEY_ID"], environment["AWS_SECRET_ACCESS_KEY"]) {
        case (nil, nil):
            throw CredentialProviderError.notConfigured(name, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")
        case (_?, nil):
            throw CredentialProviderError.failed(name, "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not")
        case (nil, _?):
            throw CredentialProviderError.failed(name, "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not")
        case let (accessKeyId?, secretAccessKey?):
            return AWSCredentials(
                accessKeyId: accessKeyId,
                secretAccessKey: secretAccessKey,
                sessionToken: environment["AWS_SESSION_TOKEN"],
                accountId: environment["AWS_ACCOUNT_ID"]
            )
        }
    }

    /// The provider's name; the environment is never shown.
    package var description: String { "EnvironmentCredentialProvider" }
}
