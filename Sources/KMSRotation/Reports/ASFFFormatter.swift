/// `asff`: AWS Security Finding Format, one object `{"Findings": [...]}` that
/// `aws securityhub batch-import-findings --cli-input-json file://findings.json` accepts, with each
/// finding imported under the account's default product
/// (`arn:{partition}:securityhub:{region}:{account}:product/{account}/default`).
///
/// Mappings:
/// - `Compliance.Status`: `COMPLIANT` → PASSED, `NON_COMPLIANT` → FAILED, `INSUFFICIENT_DATA` → WARNING
///   (Security Hub: "some information is missing"), `NOT_APPLICABLE` → NOT_AVAILABLE (what Security Hub
///   itself reports for an AWS Config `NOT_APPLICABLE` evaluation).
/// - `Severity.Label`: `NON_COMPLIANT` → MEDIUM (as Security Hub rates control KMS.4), `INSUFFICIENT_DATA`
///   → LOW, `COMPLIANT` and `NOT_APPLICABLE` → INFORMATIONAL.
/// - `Id` is stable per key and control, so importing a later scan updates the finding (Security Hub
///   matches `Id` and `ProductArn`). `CreatedAt`, `UpdatedAt` and `LastObservedAt` are the report's
///   `generatedAt`; `FirstObservedAt` is left out (one scan cannot know it).
/// - `Title` is cut to 256 characters, `Description` to 1024, `Remediation.Recommendation.Text` to 512
///   (Security Hub's limits), ending with "…" when cut.
///
/// Security Hub is regional: the `ProductArn` Region is the key's Region, or
/// ``RenderOptions/securityHubRegion`` to import everything into one Region. A finding whose key ARN
/// carries no account uses ``RenderOptions/fallbackAccountId``; if there is none, or no Region is known,
/// rendering throws rather than drop the finding. BatchImportFindings takes at most 100 findings per
/// call: split larger files (`Docs/output-formats.md` shows how).
struct ASFFFormatter: ReportFormatter {
    static let schemaVersion = "2018-10-08"
    static let findingType = "Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark"
    static let generatorId = "kms-rotation/cis-3.6"

    func render(_ report: RotationReport, options: RenderOptions) throws -> String {
        let time = ISO8601.string(from: report.generatedAt)
        let findings = try report.findings.map { try Self.finding($0, time: time, options: options) }
        return try JSONValue.prettyPrinted(JSONValue.object(["Findings": .array(findings)]))
    }

    /// The ASFF `Compliance.Status` of a verdict.
    static func complianceStatus(_ compliance: Compliance) -> String {
        switch compliance {
        case .compliant: "PASSED"
        case .nonCompliant: "FAILED"
        case .insufficientData: "WARNING"
        case .notApplicable: "NOT_AVAILABLE"
        }
    }

    /// The ASFF `Severity.Label` of a verdict.
    static func severityLabel(_ compliance: Compliance) -> String {
        switch compliance {
        case .nonCompliant: "MEDIUM"
        case .insufficientData: "LOW"
        case .compliant, .notApplicable: "INFORMATIONAL"
        }
    }

    private static func finding(_ finding: RotationFinding, time: String, options: RenderOptions) throws -> JSONValue {
        guard let account = finding.accountId ?? options.fallbackAccountId else {
            throw ReportRenderingError(
                format: .asff, message: "key \(finding.keyId) has no account ID (no key ARN); set RenderOptions.fallbackAccountId")
        }
        guard let hubRegion = options.securityHubRegion ?? finding.region else {
            throw ReportRenderingError(
                format: .asff, message: "key \(finding.keyId) has no Region (no key ARN); set RenderOptions.securityHubRegion")
        }
        let partition = finding.partition ?? "aws"
        var description = finding.message
        if let error = finding.error { description += " Evidence error: \(error.description)." }
        let evidenceFields: [(String, String?)] = (finding.evidence?.fields ?? []).map { ("kms-rotation/\($0.name)", $0.value) }
        let tagFields: [(String, String?)] = (finding.tags ?? [:]).sorted { $0.key < $1.key }.prefix(20)
            .map { ("kms-rotation/tag/\($0.key)", $0.value) }
        var productFields: [(String, String?)] = [
            ("kms-rotation/reason", finding.reason.rawValue),
            ("kms-rotation/compliance", finding.compliance.rawValue),
            ("kms-rotation/aliases", finding.aliases.isEmpty ? nil : finding.aliases.joined(separator: ";")),
            ("kms-rotation/keySpec", finding.key.keySpec?.rawValue),
            ("kms-rotation/multiRegionKeyType", finding.key.multiRegionKeyType?.rawValue),
            ("kms-rotation/primaryKeyArn", finding.key.primaryKeyArn),
            ("kms-rotation/rotationPeriodInDays", finding.rotation?.rotationPeriodInDays.map(String.init)),
            ("kms-rotation/remediationCommand", finding.remediation?.command),
            ("kms-rotation/policyRule", finding.policyRule),
        ]
        productFields += evidenceFields
        productFields += tagFields
        let kmsDetails = JSONValue.object([
            "AWSAccountId": .optional(finding.accountId),
            "KeyId": .string(finding.keyId),
            "KeyManager": .optional(finding.key.keyManager?.rawValue),
            "KeyState": .optional(finding.key.keyState?.rawValue),
            "Origin": .optional(finding.key.origin?.rawValue),
            "KeyRotationStatus": finding.rotation?.enabled.map(JSONValue.bool),
        ])
        let resource = JSONValue.object([
            "Type": .string("AwsKmsKey"),
            "Id": .string(finding.resourceIdentifier),
            "Partition": .string(partition),
            "Region": .optional(finding.region),
            "Details": .object(["AwsKmsKey": kmsDetails]),
        ])
        let remediation = finding.remediationText.map { text in
            JSONValue.object([
                "Recommendation": .object([
                    "Text": .string(truncate(text, to: 512)),
                    "Url": .string(Benchmark.rotationDocumentation),
                ])
            ])
        }
        return .object([
            "SchemaVersion": .string(schemaVersion),
            "Id": .string(finding.stableFindingID),
            "ProductArn": .string("arn:\(partition):securityhub:\(hubRegion):\(account):product/\(account)/default"),
            "ProductName": .string(Benchmark.toolName),
            "CompanyName": .string(Benchmark.vendorName),
            "GeneratorId": .string(generatorId),
            "AwsAccountId": .string(account),
            "Types": .strings([findingType]),
            "CreatedAt": .string(time),
            "UpdatedAt": .string(time),
            "LastObservedAt": .string(time),
            "Severity": .object(["Label": .string(severityLabel(finding.compliance))]),
            "Title": .string(truncate("KMS key rotation (CIS 3.6): \(finding.title)", to: 256)),
            "Description": .string(truncate(description, to: 1024)),
            "Resources": .array([resource]),
            "Compliance": .object([
                "Status": .string(complianceStatus(finding.compliance)),
                "RelatedRequirements": .strings([Benchmark.requirement]),
                "StatusReasons": .array([
                    .object([
                        "ReasonCode": .string(finding.reason.rawValue),
                        "Description": .string(finding.reason.title),
                    ])
                ]),
            ]),
            "Remediation": remediation,
            "ProductFields": .dictionary(
                Dictionary(
                    uniqueKeysWithValues: productFields.compactMap { key, value in
                        value.map { (key, JSONValue.string(truncate($0, to: 2048))) }
                    })),
            "RecordState": .string("ACTIVE"),
            "Workflow": .object(["Status": .string(finding.isSuppressed ? "SUPPRESSED" : "NEW")]),
        ])
    }

    /// At most `limit` characters, ending with "…" when cut.
    static func truncate(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }
}
