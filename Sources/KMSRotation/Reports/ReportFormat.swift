/// An output format of a ``RotationReport``: the values of the CLI's `--format` option.
///
/// Render any of them with ``ReportRenderer/render(_:as:options:)``. `Docs/output-formats.md` describes
/// each format, the tool that consumes it and how verdicts map onto its vocabulary.
public enum ReportFormat: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Aligned columns for a terminal, optionally coloured, with scan errors and a summary line.
    case table
    /// The versioned report model (`schemaVersion` "1.0"), pretty-printed with sorted keys.
    case json
    /// RFC 4180 CSV, one row per finding, guarded against formula injection.
    case csv
    /// A Markdown report a person pastes into a ticket.
    case markdown
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    case sarif
    /// A JSON array of OCSF Compliance Finding events (class 2003), for OCSF-based security lakes.
    case ocsf
    /// AWS Security Finding Format, ready for `aws securityhub batch-import-findings --cli-input-json`.
    case asff
    /// JUnit XML, one test suite per Region, for CI systems (Jenkins, GitLab).
    case junit
    /// One self-contained HTML page (inline CSS, JS and SVG; no network): a summary by Region and account
    /// with a chart, and a sortable, filterable findings table with each key's evidence and fix.
    case html

    /// The conventional file name extension for the format, without the dot (`sarif`, `xml`, `md`).
    public var fileExtension: String {
        switch self {
        case .table: "txt"
        case .json, .ocsf, .asff: "json"
        case .csv: "csv"
        case .markdown: "md"
        case .sarif: "sarif"
        case .junit: "xml"
        case .html: "html"
        }
    }

    /// The media type of the format (`application/sarif+json`, `text/csv`), for uploads and HTTP responses.
    public var mediaType: String {
        switch self {
        case .table: "text/plain; charset=utf-8"
        case .json, .ocsf, .asff: "application/json"
        case .csv: "text/csv; charset=utf-8; header=present"
        case .markdown: "text/markdown; charset=utf-8"
        case .sarif: "application/sarif+json"
        case .junit: "application/xml"
        case .html: "text/html; charset=utf-8"
        }
    }

    /// The raw value, as the CLI spells it.
    public var description: String { rawValue }
}

extension ReportFormat {
    /// The formatter of this format: adding a format is its case, its file extension and media type above,
    /// this line, and its formatter file.
    var formatter: any ReportFormatter {
        switch self {
        case .table: TableFormatter()
        case .json: JSONReportFormatter()
        case .csv: CSVFormatter()
        case .markdown: MarkdownFormatter()
        case .sarif: SARIFFormatter()
        case .ocsf: OCSFFormatter()
        case .asff: ASFFFormatter()
        case .junit: JUnitFormatter()
        case .html: HTMLFormatter()
        }
    }
}
