/// `json`: the report model itself (DESIGN.md's contract, `schemaVersion` "1.0"), pretty-printed with
/// sorted keys so that two reports of the same scan diff cleanly.
struct JSONReportFormatter: ReportFormatter {
    func render(_ report: RotationReport, options: RenderOptions) throws -> String {
        try JSONValue.prettyPrinted(report)
    }
}
