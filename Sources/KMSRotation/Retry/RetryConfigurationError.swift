/// A retry setting out of range, such as `maxAttempts: 0` (for example from `AWS_MAX_ATTEMPTS`).
public struct RetryConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The name of the setting, for example `maxAttempts`.
    public let setting: String
    /// What is wrong with its value.
    public let message: String

    /// Creates a configuration error.
    /// - Parameters:
    ///   - setting: The name of the setting.
    ///   - message: What is wrong with its value.
    package init(setting: String, message: String) {
        self.setting = setting
        self.message = message
    }

    /// `RetryConfigurationError.<setting>: <message>`.
    public var description: String { "RetryConfigurationError.\(setting): \(message)" }
}
