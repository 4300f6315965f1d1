/// A region, endpoint or retry setting that is present but unusable (`AWS_MAX_ATTEMPTS=abc`).
///
/// The message names where the value came from (the environment variable or the profile and setting),
/// so the fix is obvious. Configuration values are not secrets, so the offending value is shown.
package struct AWSConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where the value came from: "environment variable AWS_MAX_ATTEMPTS", "profile dev setting max_attempts".
    package var source: String
    /// The value as written.
    package var value: String
    /// What would have been accepted: "a positive integer".
    package var expected: String

    /// Creates an error.
    /// - Parameters:
    ///   - source: Where the value came from.
    ///   - value: The value as written.
    ///   - expected: What would have been accepted.
    package init(source: String, value: String, expected: String) {
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
    package static func invalidValue(source: String, value: String, expected: String) -> AWSConfigurationError {
        AWSConfigurationError(source: source, value: value, expected: expected)
    }

    /// "Invalid value 'abc' for environment variable AWS_MAX_ATTEMPTS: expected a positive integer".
    package var description: String {
        "Invalid value '\(value)' for \(source): expected \(expected)"
    }
}
