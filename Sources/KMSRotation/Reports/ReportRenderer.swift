/// Renders a ``RotationReport`` in any ``ReportFormat``: the one entry point of every output.
///
/// Rendering is pure and deterministic: the same report and options give byte-identical output (sorted
/// JSON keys, a fixed order of findings, times taken from ``RotationReport/generatedAt``). Every format
/// ends with a newline.
///
/// ```swift
/// let sarif = try ReportRenderer().render(report, as: .sarif, options: RenderOptions())
/// ```
public struct ReportRenderer: Sendable {
    /// Creates a renderer.
    public init() {}

    /// Renders a report.
    /// - Parameters:
    ///   - report: The report to render.
    ///   - format: The output format.
    ///   - options: Terminal settings, the tool identity and per-format choices.
    /// - Returns: The rendered document, ending with a newline.
    /// - Throws: ``ReportRenderingError`` when the report cannot be expressed in the format (an ASFF finding
    ///   without an account or Region); `EncodingError` if JSON encoding fails.
    public func render(_ report: RotationReport, as format: ReportFormat, options: RenderOptions = RenderOptions()) throws -> String {
        try format.formatter.render(report, options: options)
    }
}

/// One output format. Internal: the set of formats is closed and reached through ``ReportRenderer``.
protocol ReportFormatter: Sendable {
    func render(_ report: RotationReport, options: RenderOptions) throws -> String
}
