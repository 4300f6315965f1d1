import Foundation

/// `sarif`: SARIF 2.1.0 (OASIS), one run of the `kms-rotation` driver.
///
/// - Rules: one per ``FindingReason`` (all of them, in declaration order, so rule indexes are stable),
///   `id` = the reason code.
/// - Results: one per finding (only problems when ``RenderOptions/sarifProblemsOnly``), located by a
///   logical location whose fully qualified name is the key ARN (`kind` "resource"), and by
///   ``RenderOptions/sarifArtifactURI`` when set.
/// - Verdicts map to `kind` and `level` as SARIF §3.27.9–10 require (a level other than "none" only for
///   `kind` "fail"): `NON_COMPLIANT` → fail/error; `INSUFFICIENT_DATA` → fail/warning (the rule that
///   failed is the evidence rule, e.g. `accessDenied`: something to fix before the audit can be
///   trusted); `COMPLIANT` → pass/none; `NOT_APPLICABLE` → notApplicable/none.
/// - `partialFingerprints["kmsRotation/v1"]` = key ARN + "|" + reason: stable across scans.
/// - Scan errors are `invocations[0].toolExecutionNotifications` (level error), and
///   `executionSuccessful` is false when there are any.
struct SARIFFormatter: ReportFormatter {
    static let schemaURI = "https://json.schemastore.org/sarif-2.1.0.json"
    static let fingerprintKey = "kmsRotation/v1"

    func render(_ report: RotationReport, options: RenderOptions) throws -> String {
        let rules = FindingReason.allCases
        let findings =
            options.sarifProblemsOnly
            ? report.findings.filter { $0.compliance == .nonCompliant || $0.compliance == .insufficientData }
            : report.findings
        let driver = JSONValue.object([
            "name": .string(Benchmark.toolName),
            "version": .string(options.toolVersion),
            "informationUri": .optional(options.toolInformationURI),
            "rules": .array(rules.map(Self.rule)),
        ])
        let invocation = JSONValue.object([
            "executionSuccessful": .bool(report.errors.isEmpty),
            "endTimeUtc": .string(ISO8601.string(from: report.generatedAt)),
            "toolExecutionNotifications": .array(report.errors.map(Self.notification)),
        ])
        let run = JSONValue.object([
            "tool": .object(["driver": driver]),
            "invocations": .array([invocation]),
            "results": .array(findings.map { Self.result($0, ruleIndex: rules.firstIndex(of: $0.reason) ?? 0, options: options) }),
            "properties": .object([
                "reportSchemaVersion": .string(report.schemaVersion),
                "policy": .string(report.policy.summaryText),
                "regions": .strings(report.regions),
                "summary": .dictionary(
                    Dictionary(uniqueKeysWithValues: Compliance.allCases.map { ($0.rawValue, JSONValue.int(report.summary[$0])) })),
            ]),
        ])
        return try JSONValue.prettyPrinted(
            JSONValue.object([
                "$schema": .string(Self.schemaURI),
                "version": .string("2.1.0"),
                "runs": .array([run]),
            ]))
    }

    /// SARIF `kind` for a verdict.
    static func kind(_ compliance: Compliance) -> String {
        switch compliance {
        case .nonCompliant, .insufficientData: "fail"
        case .compliant: "pass"
        case .notApplicable: "notApplicable"
        }
    }

    /// SARIF `level` for a verdict.
    static func level(_ compliance: Compliance) -> String {
        switch compliance {
        case .nonCompliant: "error"
        case .insufficientData: "warning"
        case .compliant, .notApplicable: "none"
        }
    }

    /// GitHub's `security-severity` (CVSS-like, 0–10) for the rules that report problems: medium for a
    /// non-compliant key (as Security Hub rates control KMS.4), low for a key without a verdict.
    static func securitySeverity(_ compliance: Compliance) -> String? {
        switch compliance {
        case .nonCompliant: "5.5"
        case .insufficientData: "3.0"
        case .compliant, .notApplicable: nil
        }
    }

    private static func rule(_ reason: FindingReason) -> JSONValue {
        let name = reason.rawValue.prefix(1).uppercased() + reason.rawValue.dropFirst()
        return .object([
            "id": .string(reason.rawValue),
            "name": .string(name),
            "shortDescription": .object(["text": .string(reason.title)]),
            "fullDescription": .object(["text": .string(reason.explanation)]),
            "help": .object([
                "text": .string("\(reason.explanation) \(reason.advice)"),
                "markdown": .string("**\(reason.title)** (`\(reason.compliance.rawValue)`)\n\n\(reason.explanation)\n\n\(reason.advice)"),
            ]),
            "helpUri": .string(Benchmark.rotationDocumentation),
            "defaultConfiguration": .object(["level": .string(level(reason.compliance))]),
            "properties": .object([
                "tags": .strings(["security", "CIS-3.6", "aws-kms"]),
                "compliance": .string(reason.compliance.rawValue),
                "security-severity": .optional(securitySeverity(reason.compliance)),
            ]),
        ])
    }

    private static func result(_ finding: RotationFinding, ruleIndex: Int, options: RenderOptions) -> JSONValue {
        var text = finding.message
        if let remediation = finding.remediation { text += " Fix: \(remediation.command)" }
        let logical = JSONValue.object([
            "fullyQualifiedName": .string(finding.resourceIdentifier),
            "name": .string(finding.displayName),
            "kind": .string("resource"),
        ])
        // A finding judged from a template or plan points at its own file and line; otherwise at the
        // artifact the options name, if any.
        let physical =
            finding.location.map(Self.physicalLocation)
            ?? options.sarifArtifactURI.map { uri in
                JSONValue.object(["artifactLocation": .object(["uri": .string(uri)]), "region": .object(["startLine": .int(1)])])
            }
        return .object([
            "ruleId": .string(finding.reason.rawValue),
            "ruleIndex": .int(ruleIndex),
            "kind": .string(kind(finding.compliance)),
            "level": .string(level(finding.compliance)),
            "message": .object(["text": .string(text)]),
            "locations": .array([.object(["logicalLocations": .array([logical]), "physicalLocation": physical])]),
            "partialFingerprints": .object([fingerprintKey: .string("\(finding.fingerprintIdentifier)|\(finding.reason.rawValue)")]),
            "suppressions": finding.suppression.map { suppression in
                JSONValue.array([
                    .object([
                        "kind": .string("external"),
                        "status": .string("accepted"),
                        "justification": .string(suppression.justification),
                    ])
                ])
            },
            "properties": .object([
                "compliance": .string(finding.compliance.rawValue),
                "region": .optional(finding.region),
                "accountId": .optional(finding.accountId),
                "keyId": .string(finding.keyId),
                "aliases": .strings(finding.aliases),
                "remediationCommand": .optional(finding.remediation?.command),
                "evidenceError": .optional(finding.error?.description),
                "policyRule": .optional(finding.policyRule),
                "tags": finding.tags.map { JSONValue.dictionary($0.mapValues(JSONValue.string)) },
                // Rotation history and key-material age, only when gathered (--evidence, or a maximum age).
                "evidence": finding.evidence.map { evidence in
                    JSONValue.dictionary(Dictionary(uniqueKeysWithValues: evidence.fields.map { ($0.name, JSONValue.string($0.value)) }))
                },
            ]),
        ])
    }

    /// A `physicalLocation` for a finding's source location: the file as a relative (or file:) URI, and the
    /// attribute's line and column when the file sets it, else the resource's.
    private static func physicalLocation(_ location: FindingLocation) -> JSONValue {
        .object([
            "artifactLocation": .object(["uri": .string(artifactURI(location.file))]),
            "region": .object([
                "startLine": .int(max(1, location.bestLine ?? 1)),
                "startColumn": location.bestColumn.map { JSONValue.int(max(1, $0)) },
            ]),
        ])
    }

    /// A file path as a SARIF URI reference: relative paths stay relative (`./` dropped, as GitHub expects
    /// paths from the repository root); absolute ones become `file://` URIs. Characters a URI cannot hold
    /// are percent-encoded.
    static func artifactURI(_ path: String) -> String {
        var path = path
        while path.hasPrefix("./") { path.removeFirst(2) }
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#[]@!$&'()*+,;=")
        let encoded = path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
        return path.hasPrefix("/") ? "file://" + encoded : encoded
    }

    private static func notification(_ error: ScanError) -> JSONValue {
        .object([
            "level": .string("error"),
            "message": .object(["text": .string(error.description)]),
            "descriptor": .object(["id": .string(error.code)]),
            "properties": .object([
                "region": .string(error.region),
                "operation": .string(error.operation),
                "code": .string(error.code),
                "accountId": .optional(error.accountId),
            ]),
        ])
    }
}
