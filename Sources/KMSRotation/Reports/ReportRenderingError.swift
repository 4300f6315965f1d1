/// A report that cannot be expressed in the requested format, e.g. an ASFF finding without an account.
///
/// The message names the finding and the option that fixes it.
public struct ReportRenderingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The format being rendered.
    public var format: ReportFormat
    /// What is missing or wrong, and how to fix it.
    public var message: String

    /// Creates a rendering error.
    /// - Parameters:
    ///   - format: The format being rendered.
    ///   - message: What is missing or wrong, and how to fix it.
    package init(format: ReportFormat, message: String) {
        self.format = format
        self.message = message
    }

    /// The format and the message, for logs and the CLI.
    public var description: String { "Cannot render the report as \(format): \(message)" }
}
