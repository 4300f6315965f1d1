/// How ``ReportRenderer`` renders a report: terminal settings, the tool identity written into
/// machine-readable formats, and the few per-format choices a consumer needs.
///
/// The defaults render every finding, without colour, for any width. The output depends only on the
/// report and these options: no clock, no environment, no locale.
///
/// ```swift
/// let options = RenderOptions(color: isatty(1) == 1, terminalWidth: 120)
/// print(try ReportRenderer().render(report, as: .table, options: options))
/// ```
public struct RenderOptions: Sendable, Hashable {
    /// Whether `table` output uses ANSI colours. Decide it at the edge (a TTY, `NO_COLOR` unset);
    /// every other format ignores it.
    public var color: Bool
    /// The terminal's width in columns; when set, `table` shortens its widest text columns to fit.
    public var terminalWidth: Int?
    /// The version written as the tool version (SARIF driver, OCSF product, JUnit properties).
    public var toolVersion: String
    /// An absolute URI describing the tool (SARIF `tool.driver.informationUri`); omitted when `nil`.
    public var toolInformationURI: String?
    /// Whether SARIF lists only problems (`NON_COMPLIANT`, `INSUFFICIENT_DATA`). GitHub code scanning
    /// shows every result as an alert whatever its `kind`, so set this when uploading there.
    public var sarifProblemsOnly: Bool
    /// A repository-relative file that SARIF results also point at (`physicalLocation`), e.g. the
    /// infrastructure-as-code file that defines the keys. GitHub code scanning rejects results that have
    /// only a logical location; other SARIF viewers do not need it.
    public var sarifArtifactURI: String?
    /// The Region of the Security Hub that imports ASFF findings (its `ProductArn` Region). `nil` uses each
    /// finding's own Region; set it to import every Region's findings into one (aggregation) Region.
    public var securityHubRegion: String?
    /// The account ASFF uses for findings whose key ARN carries none (a key listed without an ARN).
    public var fallbackAccountId: String?
    /// The exit status of the command that produced the report, which markdown's outcome line names (a
    /// pull-request comment shows why the gate failed); `nil`, for a library caller, leaves it out.
    public var exitStatus: Int32?

    /// Creates render options.
    /// - Parameters:
    ///   - color: Whether `table` uses ANSI colours.
    ///   - terminalWidth: The terminal's width in columns, if known.
    ///   - toolVersion: The tool version written into reports; this library's version by default.
    ///   - toolInformationURI: An absolute URI describing the tool, for SARIF.
    ///   - sarifProblemsOnly: Whether SARIF lists only `NON_COMPLIANT` and `INSUFFICIENT_DATA` findings.
    ///   - sarifArtifactURI: A repository-relative file SARIF results also point at.
    ///   - securityHubRegion: The Region of the Security Hub that imports ASFF findings.
    ///   - fallbackAccountId: The account ASFF uses for findings without one.
    ///   - exitStatus: The exit status of the command that produced the report, for markdown.
    public init(
        color: Bool = false, terminalWidth: Int? = nil, toolVersion: String = LibraryVersion.current,
        toolInformationURI: String? = nil, sarifProblemsOnly: Bool = false, sarifArtifactURI: String? = nil,
        securityHubRegion: String? = nil, fallbackAccountId: String? = nil, exitStatus: Int32? = nil
    ) {
        self.color = color
        self.terminalWidth = terminalWidth
        self.toolVersion = toolVersion
        self.toolInformationURI = toolInformationURI
        self.sarifProblemsOnly = sarifProblemsOnly
        self.sarifArtifactURI = sarifArtifactURI
        self.securityHubRegion = securityHubRegion
        self.fallbackAccountId = fallbackAccountId
        self.exitStatus = exitStatus
    }
}
