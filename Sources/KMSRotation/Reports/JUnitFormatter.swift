/// `junit`: JUnit XML for CI systems (Jenkins, GitLab, CircleCI, Azure Pipelines).
///
/// `<testsuites>` holds one `<testsuite>` per Region (sorted), with one `<testcase>` per key, named by its
/// first alias or key ID, classname `kms-rotation.<region>`:
/// `NON_COMPLIANT` → `<failure message type="reason">`, `INSUFFICIENT_DATA` → `<error …>`,
/// `NOT_APPLICABLE` → `<skipped message>`, `COMPLIANT` → a passing test case. Each scan error is one
/// more test case (`scan <operation>`) with an `<error>` in its Region's suite. Counts on every suite
/// and on `<testsuites>` match. Text and attributes are escaped (`& < > " '`), characters XML 1.0 does
/// not allow are removed, and line breaks inside attributes are written as character references.
struct JUnitFormatter: ReportFormatter {
    static let noRegion = "unknown-region"

    func render(_ report: RotationReport, options: RenderOptions) throws -> String {
        var cases: [String: [TestCase]] = [:]
        for finding in report.findings {
            cases[finding.region ?? Self.noRegion, default: []].append(TestCase(finding))
        }
        for error in report.errors {
            cases[error.region, default: []].append(TestCase(error))
        }
        let suites = cases.keys.sorted().map { region in Suite(region: region, cases: cases[region] ?? []) }

        var out: [String] = [#"<?xml version="1.0" encoding="UTF-8"?>"#]
        let total = suites.reduce(into: Counts()) { $0.add($1.counts) }
        out.append("<testsuites name=\"\(Benchmark.toolName)\" \(total.attributes)>")
        let properties = [
            ("generatedAt", ISO8601.string(from: report.generatedAt)),
            ("toolVersion", options.toolVersion),
            ("control", "\(Benchmark.standard), control \(Benchmark.control)"),
            ("policy", report.policy.summaryText),
        ]
        for suite in suites {
            out.append("  <testsuite name=\(Self.attribute("\(Benchmark.toolName).\(suite.region)")) \(suite.counts.attributes)>")
            out.append("    <properties>")
            for (name, value) in properties {
                out.append("      <property name=\(Self.attribute(name)) value=\(Self.attribute(value))/>")
            }
            out.append("    </properties>")
            for testCase in suite.cases {
                out.append(contentsOf: testCase.xml(classname: "\(Benchmark.toolName).\(suite.region)").map { "    " + $0 })
            }
            out.append("  </testsuite>")
        }
        out.append("</testsuites>")
        return out.joined(separator: "\n") + "\n"
    }

    private struct Counts {
        var tests = 0, failures = 0, errors = 0, skipped = 0

        mutating func add(_ other: Counts) {
            tests += other.tests
            failures += other.failures
            errors += other.errors
            skipped += other.skipped
        }

        var attributes: String { "tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"\(skipped)\" time=\"0\"" }
    }

    private struct Suite {
        let region: String
        let cases: [TestCase]

        var counts: Counts {
            var counts = Counts()
            for testCase in cases {
                counts.tests += 1
                switch testCase.outcome {
                case .passed: break
                case .failure: counts.failures += 1
                case .error: counts.errors += 1
                case .skipped: counts.skipped += 1
                }
            }
            return counts
        }
    }

    private struct TestCase {
        enum Outcome { case passed, failure, error, skipped }
        let name: String
        let outcome: Outcome
        let message: String
        let type: String
        let details: String

        init(_ finding: RotationFinding) {
            name = finding.displayName
            message = finding.suppression.map { "Suppressed (\(finding.compliance.rawValue)): \($0.justification)" } ?? finding.message
            type = finding.reason.rawValue
            switch finding.compliance {
            case _ where finding.isSuppressed: outcome = .skipped
            case .compliant: outcome = .passed
            case .nonCompliant: outcome = .failure
            case .insufficientData: outcome = .error
            case .notApplicable: outcome = .skipped
            }
            var lines = ["Key: \(finding.resourceIdentifier)", "Reason: \(finding.reason.rawValue) (\(finding.reason.title))"]
            if !finding.aliases.isEmpty { lines.append("Aliases: \(finding.aliases.joined(separator: ", "))") }
            if let rule = finding.policyRule { lines.append("Policy rule: \(rule)") }
            if let error = finding.error { lines.append("Evidence error: \(error.description)") }
            for field in finding.evidence?.fields ?? [] { lines.append("\(field.name): \(field.value)") }
            if let remediation = finding.remediation {
                lines.append("Fix: \(remediation.command)")
                if let note = remediation.note { lines.append("Note: \(note)") }
            }
            details = lines.joined(separator: "\n")
        }

        init(_ error: ScanError) {
            name = "scan \(error.operation)"
            outcome = .error
            message = "\(error.code): \(error.message)"
            type = error.code
            var lines = ["Region: \(error.region)", "Operation: \(error.operation)"]
            if let account = error.accountId { lines.append("Account: \(account)") }
            lines.append("\(error.code): \(error.message)")
            details = lines.joined(separator: "\n")
        }

        func xml(classname: String) -> [String] {
            let open = "<testcase name=\(JUnitFormatter.attribute(name)) classname=\(JUnitFormatter.attribute(classname)) time=\"0\""
            switch outcome {
            case .passed:
                return [open + "/>"]
            case .skipped:
                return [open + ">", "  <skipped message=\(JUnitFormatter.attribute(message))/>", "</testcase>"]
            case .failure, .error:
                let element = outcome == .failure ? "failure" : "error"
                return [
                    open + ">",
                    "  <\(element) message=\(JUnitFormatter.attribute(message)) "
                        + "type=\(JUnitFormatter.attribute(type))>\(JUnitFormatter.text(details))</\(element)>",
                    "</testcase>",
                ]
            }
        }
    }

    /// A quoted attribute value: markup escaped, line breaks and tabs as character references (attribute
    /// normalisation would otherwise turn them into spaces), characters XML 1.0 forbids removed.
    static func attribute(_ value: String) -> String {
        "\"" + escape(value, inAttribute: true) + "\""
    }

    /// Character data: markup escaped, CR kept as a reference, characters XML 1.0 forbids removed.
    static func text(_ value: String) -> String {
        escape(value, inAttribute: false)
    }

    private static func escape(_ value: String, inAttribute: Bool) -> String {
        var out = ""
        for scalar in value.unicodeScalars where isAllowed(scalar) {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\r": out += "&#13;"
            case "\n" where inAttribute: out += "&#10;"
            case "\t" where inAttribute: out += "&#9;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// XML 1.0 `Char`: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }
}
