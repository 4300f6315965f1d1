/// A region, endpoint or retry setting that is present but unusable (`AWS_MAX_ATTEMPTS=abc`).
///
/// The message names where the value came from (the environment variable or the profile and setting),
/// so the fix is obvious. Configuration values are not secrets, so the offending value is shown.
public struct AWSConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where the value came from: "environment variable AWS_MAX_ATTEMPTS", "profile dev setting max_attempts".
    public var source: String
    /// The value as written.
    public var value: String
    /// What would have been accepted: "a positive integer".
    public var expected: String

    /// Creates an error.
    /// - Parameters:
    ///   - source: Where the value came from.
    ///   - value: The value as written.
    ///   - expected: What would have been accepted.
    public init(source: String, value: String, expected: String) {
        self.source = source
        self.value = value
        self.expected = expected
    }

    /// An invalid-value error.
    /// - Parameters:
    ///   - source: Where the value came from.
    ///   - value: The value as written.
    ///   - expected: What would have been accepted.
    /// - Returns: The error.
    public static func invalidValue(source: String, value: String, expected: String) -> AWSConfigurationError {
        AWSConfigurationError(source: source, value: value, expected: expected)
    }

    /// "Invalid value 'abc' for environment variable AWS_MAX_ATTEMPTS: expected a positive integer".
    public var description: String {
        "Invalid value '\(value)' for \(source): expected \(expected)"
    }
}
