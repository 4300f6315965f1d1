import Foundation

/// `markdown`: a report a person pastes into a ticket (GitHub-flavoured Markdown).
///
/// The header states when, by what and against which policy; a summary table gives the counts; then
/// the keys that need action (non-compliant, with the fix as a code block), the keys without a verdict
/// (with the error), the scan errors, and the compliant and not applicable keys folded in `<details>`.
///
/// Every user-controlled string (aliases, messages quoting AWS errors) is escaped: in text, Markdown
/// punctuation (including `|` and backticks) gets a backslash; in code spans and blocks the fence is
/// longer than any backtick run inside; in table cells `|` is escaped and line breaks become spaces.
struct MarkdownFormatter: ReportFormatter {
    func render(_ report: RotationReport, options: RenderOptions) throws -> String {
        var out: [String] = []
        out.append("# KMS key rotation report")
        out.append("")
        out.append(
            "- **Generated:** \(ISO8601.string(from: report.generatedAt)) by \(Benchmark.toolName) \(Self.text(options.toolVersion))")
        out.append("- **Control:** \(Benchmark.standard), control \(Benchmark.control): \(Benchmark.controlTitle)")
        out.append("- **Policy:** \(report.policy.summaryText)")
        let regions = report.regions.map { Self.code($0) }.joined(separator: ", ")
        out.append("- **Regions:** \(regions.isEmpty ? "none" : regions)")
        out.append("")
        out.append("| Verdict | Keys |")
        out.append("|---|---:|")
        for compliance in Compliance.allCases.sorted() {
            out.append("| \(compliance.rawValue) | \(report.summary[compliance]) |")
        }
        out.append("| **Total** | **\(report.summary.total)** |")
        out.append("")
        out.append("**Outcome:** \(Self.outcome(report, exitStatus: options.exitStatus))")

        let groups = Dictionary(grouping: report.findings.filter { !$0.isSuppressed }, by: \.compliance)
        let suppressed = report.findings.filter(\.isSuppressed)

        let nonCompliant = groups[.nonCompliant] ?? []
        out.append("")
        out.append("## Non-compliant (\(nonCompliant.count))")
        out.append("")
        if nonCompliant.isEmpty {
            out.append("None.")
        }
        // A primary and its non-compliant replicas share one fix: the command is shown once, under the lead.
        var sharedBy: [RotationFinding: SharedRemediation] = [:]
        for shared in SharedRemediation.groups(nonCompliant) {
            for member in [shared.lead] + shared.others { sharedBy[member] = shared }
        }
        for (index, finding) in nonCompliant.enumerated() {
            if index > 0 { out.append("") }
            out.append(contentsOf: Self.nonCompliantSection(finding, shared: sharedBy[finding]))
        }

        let insufficient = groups[.insufficientData] ?? []
        out.append("")
        out.append("## Insufficient data (\(insufficient.count))")
        out.append("")
        if insufficient.isEmpty {
            out.append("None.")
        } else {
            out.append("| Key | Region | Reason | Error |")
            out.append("|---|---|---|---|")
            for finding in insufficient {
                let error = finding.error.map(Self.describe) ?? finding.message
                out.append(
                    "| \(Self.code(finding.displayName, inTable: true)) | \(Self.text(finding.region ?? "-")) | "
                        + "\(Self.code(finding.reason.rawValue, inTable: true)) | \(Self.text(error)) |"
                )
            }
        }

        if !suppressed.isEmpty {
            out.append("")
            out.append("## Suppressed (\(suppressed.count))")
            out.append("")
            out.append("| Key | Region | Verdict | Reason | Justification | Expires |")
            out.append("|---|---|---|---|---|---|")
            for finding in suppressed {
                let justification = finding.suppression?.justification ?? ""
                let expires = finding.suppression?.expires.map(ISO8601.string(from:)) ?? "never"
                out.append(
                    "| \(Self.code(finding.displayName, inTable: true)) | \(Self.text(finding.region ?? "-")) | "
                        + "\(finding.compliance.rawValue) | \(Self.code(finding.reason.rawValue, inTable: true)) | "
                        + "\(Self.text(justification)) | \(expires) |"
                )
            }
        }

        out.append("")
        out.append("## Scan errors (\(report.errors.count))")
        out.append("")
        if report.errors.isEmpty {
            out.append("None.")
        } else {
            out.append("| Region | Account | Operation | Error |")
            out.append("|---|---|---|---|")
            for error in report.errors {
                out.append(
                    "| \(Self.text(error.region)) | \(Self.text(error.accountId ?? "-")) | \(Self.text(error.operation)) | "
                        + "\(Self.text("\(error.code): \(error.message)")) |"
                )
            }
        }

        for (compliance, title) in [(Compliance.compliant, "Compliant"), (.notApplicable, "Not applicable")] {
            let findings = groups[compliance] ?? []
            guard !findings.isEmpty else { continue }
            out.append("")
            out.append("<details>")
            out.append("<summary>\(title) (\(findings.count))</summary>")
            out.append("")
            out.append("| Key | Region | Reason | Detail |")
            out.append("|---|---|---|---|")
            for finding in findings {
                out.append(
                    "| \(Self.code(finding.displayName, inTable: true)) | \(Self.text(finding.region ?? "-")) | "
                        + "\(Self.code(finding.reason.rawValue, inTable: true)) | \(Self.text(finding.message)) |"
                )
            }
            out.append("")
            out.append("</details>")
        }
        return out.joined(separator: "\n") + "\n"
    }

    private static func nonCompliantSection(_ finding: RotationFinding, shared: SharedRemediation?) -> [String] {
        var out: [String] = []
        out.append("### \(code(finding.displayName)) (\(text(finding.region ?? "unknown Region")))")
        out.append("")
        out.append("- **Key:** \(code(finding.resourceIdentifier))")
        if finding.aliases.count > 1 {
            out.append("- **Aliases:** \(finding.aliases.map { code($0) }.joined(separator: ", "))")
        }
        out.append("- **Reason:** \(code(finding.reason.rawValue)): \(text(finding.reason.title))")
        out.append("- **Finding:** \(text(finding.message))")
        if let rule = finding.policyRule { out.append("- **Policy rule:** \(code(rule))") }
        if let evidence = finding.evidence, !evidence.fields.isEmpty {
            out.append("- **Evidence:** " + evidence.fields.map { "\($0.name) \(code($0.value))" }.joined(separator: ", "))
        }
        if let shared, shared.lead != finding {
            out.append(
                "- **Fix:** the same \(text(shared.remediation.action.rawValue)) on \(code(shared.remediation.keyArn)) as "
                    + "\(code(shared.lead.displayName)) (\(text(shared.lead.region ?? "unknown Region"))): one command fixes both")
        } else if let remediation = shared?.remediation ?? finding.remediation {
            out.append("- **Fix:** \(text(remediation.action.rawValue)) on \(code(remediation.keyArn))")
            if let note = remediation.note { out.append("- **Note:** \(text(note))") }
            if let also = shared?.alsoFixesNote { out.append("- **Also:** \(text(also))") }
            out.append("")
            out.append(contentsOf: codeBlock(remediation.command, language: "sh"))
        }
        return out
    }

    private static func outcome(_ report: RotationReport, exitStatus: Int32?) -> String {
        var parts: [String] = []
        let open = report.findings.filter { !$0.isSuppressed }
        let nonCompliant = open.count { $0.compliance == .nonCompliant }
        let insufficient = open.count { $0.compliance == .insufficientData }
        if nonCompliant > 0 { parts.append("\(nonCompliant) non-compliant") }
        if insufficient > 0 { parts.append("\(insufficient) without a verdict") }
        if report.suppressedCount > 0 { parts.append("\(report.suppressedCount) suppressed") }
        let unscanned = Set(report.errors.map(\.region)).count
        if unscanned > 0 { parts.append("\(unscanned) \(unscanned == 1 ? "Region" : "Regions") not scanned") }
        let verdict = parts.isEmpty ? "every key passes or is out of scope" : parts.joined(separator: ", ")
        return verdict + (exitStatus.map { " (exit status \($0))." } ?? ".")
    }

    private static func describe(_ error: EvidenceError) -> String {
        var text = "\(error.operation): \(error.code): \(error.message)"
        var extra: [String] = []
        if let status = error.httpStatus { extra.append("HTTP \(status)") }
        if let requestId = error.requestId { extra.append("request ID \(requestId)") }
        if !extra.isEmpty { text += " (\(extra.joined(separator: ", ")))" }
        return text
    }

    /// Characters that carry meaning in Markdown text or inline HTML.
    private static let special: Set<Character> = ["\\", "`", "*", "_", "[", "]", "<", ">", "|", "~", "#"]

    /// Text on one line with Markdown punctuation backslash-escaped (`|` included, so it is safe in a
    /// table cell too).
    static func text(_ value: String) -> String {
        var out = ""
        for character in TextSanitizer.singleLine(value) {
            if special.contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }

    /// A code span whose fence is longer than any backtick run inside; in a table `|` is escaped
    /// (GitHub splits cells before parsing code spans).
    static func code(_ value: String, inTable: Bool = false) -> String {
        var content = TextSanitizer.singleLine(value)
        if content.isEmpty { return "-" }
        let fence = String(repeating: "`", count: longestRun(of: "`", in: content) + 1)
        if content.first == "`" || content.last == "`" { content = " \(content) " }
        if inTable { content = content.replacingOccurrences(of: "|", with: "\\|") }
        return fence + content + fence
    }

    /// A fenced code block whose fence is longer than any backtick run inside.
    static func codeBlock(_ value: String, language: String) -> [String] {
        let content = TextSanitizer.singleLine(value)
        let fence = String(repeating: "`", count: max(3, longestRun(of: "`", in: content) + 1))
        return [fence + language, content, fence]
    }

    private static func longestRun(of character: Character, in text: String) -> Int {
        var longest = 0
        var current = 0
        for c in text {
            current = c == character ? current + 1 : 0
            longest = max(longest, current)
        }
        return longest
    }
}
