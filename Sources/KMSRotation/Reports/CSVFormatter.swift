import Foundation

/// `csv`: RFC 4180 (CRLF line ends; a field containing a comma, a double quote, CR or LF is quoted and its
/// quotes doubled), a header row, then one row per finding in the report's order.
///
/// Formula injection: a spreadsheet evaluates a cell that starts with `=`, `+`, `-` or `@` (and some do
/// so after a leading tab or CR). Aliases, descriptions and AWS error messages are controlled by whoever
/// can create keys, so any field starting with one of those characters gets a leading `'`, which
/// spreadsheets display as text. Machine consumers should strip a leading `'` from such fields.
struct CSVFormatter: ReportFormatter {
    static let header = [
        "region", "accountId", "keyId", "keyArn", "aliases", "compliance", "reason", "keySpec", "keyManager", "keyState",
        "origin", "multiRegionKeyType", "rotationEnabled", "rotationPeriodInDays", "nextRotationDate", "remediationCommand",
        "message", "suppression", "policyRule", "onDemandRotationStartDate", "creationDate", "keyMaterialAgeDays", "rotationCount",
        "lastRotationDate", "lastRotationType", "lastKeyMaterialId", "evidenceError",
    ]

    func render(_ report: RotationReport, options: RenderOptions) throws -> String {
        var lines = [Self.header.map(Self.field).joined(separator: ",")]
        for finding in report.findings {
            let row: [String?] = [
                finding.region, finding.accountId, finding.keyId, finding.keyArn, finding.aliases.joined(separator: ";"),
                finding.compliance.rawValue, finding.reason.rawValue, finding.key.keySpec?.rawValue,
                finding.key.keyManager?.rawValue, finding.key.keyState?.rawValue, finding.key.origin?.rawValue,
                finding.key.multiRegionKeyType?.rawValue, finding.rotation?.enabled.map(String.init),
                finding.rotation?.rotationPeriodInDays.map(String.init),
                finding.rotation?.nextRotationDate.map(ISO8601.string(from:)), finding.remediation?.command, finding.message,
                finding.suppression?.justification, finding.policyRule,
                finding.rotation?.onDemandRotationStartDate.map(ISO8601.string(from:)),
                finding.evidence?.creationDate.map(ISO8601.string(from:)), finding.evidence?.keyMaterialAgeDays.map(String.init),
                finding.evidence?.rotationCount.map(String.init), finding.evidence?.lastRotationDate.map(ISO8601.string(from:)),
                finding.evidence?.lastRotationType?.rawValue, finding.evidence?.lastKeyMaterialId,
                finding.evidence?.historyError?.description,
            ]
            lines.append(row.map { Self.field($0 ?? "") }.joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// Characters that make a spreadsheet treat a cell as a formula when they come first.
    static let formulaTriggers: Set<Character> = ["=", "+", "-", "@", "\t", "\r", "\r\n"]

    /// One field: control characters other than tab, CR and LF (ESC, BEL, CSI: terminal escapes from
    /// outside) made spaces, neutralised against formula injection, then quoted when RFC 4180 requires it.
    static func field(_ value: String) -> String {
        var value = value
        if value.unicodeScalars.contains(where: { TextSanitizer.isControl($0) && !["\t", "\r", "\n"].contains($0) }) {
            value = String(
                String.UnicodeScalarView(
                    value.unicodeScalars.map {
                        TextSanitizer.isControl($0) && !["\t", "\r", "\n"].contains($0) ? " " : $0
                    }))
        }
        if let first = value.first, formulaTriggers.contains(first) { value = "'" + value }
        let needsQuotes = value.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
        guard needsQuotes else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
