/// `table`: aligned columns for a terminal. Problems first (non-compliant, insufficient data), then
/// compliant and not applicable keys, each group by Region and ARN; then the fixes, the scan errors and
/// a one-line summary.
///
/// Cells are sanitised (control characters become spaces) so that an alias cannot inject terminal
/// escapes; ANSI colour is added only when ``RenderOptions/color`` is set, and widths are measured
/// without it.
struct TableFormatter: ReportFormatter {
    static let headers = ["REGION", "KEY", "SPEC", "MANAGER", "STATE", "COMPLIANCE", "REASON"]
    private static let keyColumn = 1
    private static let complianceColumn = 5
    private static let reasonColumn = 6
    private static let gap = "  "

    func render(_ report: RotationReport, options: RenderOptions) throws -> String {
        let style = Style(enabled: options.color)
        let findings = report.findings.sorted {
            ($0.compliance.severityRank, $0.region ?? "", $0.keyArn ?? "", $0.keyId)
                < ($1.compliance.severityRank, $1.region ?? "", $1.keyArn ?? "", $1.keyId)
        }
        var lines: [String] = []
        if findings.isEmpty {
            lines.append("No keys found.")
        } else {
            // Several accounts (an organization audit) get an ACCOUNT column first; one account keeps the
            // narrower table.
            let multiAccount = Set(findings.compactMap(\.accountId)).count > 1
            let offset = multiAccount ? 1 : 0
            let headers = (multiAccount ? ["ACCOUNT"] : []) + Self.headers
            let rows = findings.map { (multiAccount ? [TextSanitizer.singleLine($0.accountId ?? "-")] : []) + Self.cells($0) }
            let widths = Self.columnWidths(headers: headers, rows: rows, offset: offset, terminalWidth: options.terminalWidth)
            lines.append(Self.line(headers, widths: widths) { _, text in style.bold(text) })
            for (finding, row) in zip(findings, rows) {
                lines.append(
                    Self.line(row, widths: widths) { column, text in
                        column == Self.complianceColumn + offset ? style.paint(text, for: finding.compliance) : text
                    })
            }
        }

        // One command per key to change: a primary and its non-compliant replicas share one line, listed
        // under the primary, with a shell comment naming the replicas it also fixes.
        let shared = Dictionary(SharedRemediation.groups(findings).map { ($0.lead, $0) }) { first, _ in first }
        let fixes = findings.compactMap { shared[$0] }
        if !fixes.isEmpty {
            lines.append("")
            lines.append(style.bold("Remediation:"))
            let width = fixes.map { TextSanitizer.visibleWidth(TextSanitizer.singleLine($0.lead.displayName)) }.max() ?? 0
            for fix in fixes {
                let name = TextSanitizer.singleLine(fix.lead.displayName)
                let padding = String(repeating: " ", count: width - TextSanitizer.visibleWidth(name))
                let note = fix.alsoFixesNote.map { "  # \($0)" } ?? ""
                lines.append("  \(name)\(padding)\(Self.gap)\(TextSanitizer.singleLine(fix.remediation.command + note))")
            }
        }

        if !report.errors.isEmpty {
            lines.append("")
            lines.append(style.bold("Scan errors:"))
            for error in report.errors {
                var location = error.region
                if let account = error.accountId { location += " (\(account))" }
                let text = "\(location)\(Self.gap)\(error.operation)\(Self.gap)\(error.code): \(error.message)"
                lines.append("  " + style.yellow(TextSanitizer.singleLine(text)))
            }
        }

        lines.append("")
        lines.append(Self.summaryLine(report))
        return lines.joined(separator: "\n") + "\n"
    }

    /// `12 keys: 3 NON_COMPLIANT, 1 INSUFFICIENT_DATA, 5 COMPLIANT, 3 NOT_APPLICABLE; 1 region not scanned`.
    static func summaryLine(_ report: RotationReport) -> String {
        let summary = report.summary
        let counts = Compliance.allCases.sorted().map { "\(summary[$0]) \($0.rawValue)" }.joined(separator: ", ")
        var line = "\(summary.total) \(summary.total == 1 ? "key" : "keys"): \(counts)"
        let unscanned = Set(report.errors.map(\.region)).count
        if unscanned > 0 {
            line += "; \(unscanned) \(unscanned == 1 ? "region" : "regions") not scanned"
        }
        if report.suppressedCount > 0 {
            line += "; \(report.suppressedCount) suppressed"
        }
        return line
    }

    private static func cells(_ finding: RotationFinding) -> [String] {
        [
            finding.region ?? "-",
            finding.displayName,
            finding.key.keySpec?.rawValue ?? "-",
            finding.key.keyManager?.rawValue ?? "-",
            finding.key.keyState?.rawValue ?? "-",
            finding.compliance.rawValue,
            finding.reason.rawValue + (finding.isSuppressed ? " (suppressed)" : "") + (finding.policyRule.map { " [\($0)]" } ?? ""),
        ].map(TextSanitizer.singleLine)
    }

    /// Column widths by visible width; when the table is wider than the terminal, the key and reason
    /// columns give way first (never below their header or a readable minimum).
    private static func columnWidths(headers: [String], rows: [[String]], offset: Int, terminalWidth: Int?) -> [Int] {
        var widths = headers.map(TextSanitizer.visibleWidth)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], TextSanitizer.visibleWidth(cell)) }
        }
        guard let terminalWidth else { return widths }
        var excess = widths.reduce(0, +) + gap.count * (widths.count - 1) - terminalWidth
        for (column, minimum) in [(keyColumn + offset, 12), (reasonColumn + offset, 10)] where excess > 0 {
            let floor = max(minimum, headers[column].count)
            let cut = min(excess, max(widths[column] - floor, 0))
            widths[column] -= cut
            excess -= cut
        }
        return widths
    }

    private static func line(_ cells: [String], widths: [Int], decorate: (Int, String) -> String) -> String {
        var parts: [String] = []
        for (index, cell) in cells.enumerated() {
            let text = TextSanitizer.truncate(cell, to: widths[index])
            let isLast = index == cells.count - 1
            let padding = isLast ? "" : String(repeating: " ", count: max(widths[index] - TextSanitizer.visibleWidth(text), 0))
            parts.append(decorate(index, text) + padding)
        }
        return parts.joined(separator: gap)
    }

    /// ANSI styling that is the identity when colour is off.
    private struct Style {
        let enabled: Bool

        func paint(_ text: String, for compliance: Compliance) -> String {
            switch compliance {
            case .nonCompliant: wrap(text, "31")
            case .insufficientData: wrap(text, "33")
            case .compliant: wrap(text, "32")
            case .notApplicable: wrap(text, "2")
            }
        }

        func bold(_ text: String) -> String { wrap(text, "1") }
        func yellow(_ text: String) -> String { wrap(text, "33") }

        private func wrap(_ text: String, _ code: String) -> String {
            enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
        }
    }
}
