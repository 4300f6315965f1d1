/// `ocsf`: a JSON array of OCSF 1.3.0 Compliance Finding events (category 2 Findings, class 2003,
/// activity 1 Create, type 200301), one per finding, with the `cloud` profile. For OCSF-based security
/// lakes (Amazon Security Lake custom sources, Splunk, any OCSF pipeline).
///
/// Mappings:
/// - `compliance.status_id`: `COMPLIANT` → 1 Pass, `INSUFFICIENT_DATA` → 2 Warning ("did not yield a
///   result due to missing information"), `NON_COMPLIANT` → 3 Fail, `NOT_APPLICABLE` → 99 Other with
///   `status` "Not Applicable"; `status_code` is the verdict and `status_detail` the reason code.
/// - `severity_id`: `NON_COMPLIANT` → 3 Medium (Security Hub rates control KMS.4 medium),
///   `INSUFFICIENT_DATA` → 2 Low, `COMPLIANT` and `NOT_APPLICABLE` → 1 Informational.
/// - `status_id` (the finding's workflow status): 1 New for every finding, as a fresh scan reports them.
/// - `finding_info.uid` is stable per key and control (``RotationFinding/stableFindingID``), so a lake
///   keeps one current record per key; `time` and `finding_info.created_time` are the report's
///   `generatedAt` in epoch milliseconds.
/// - Everything OCSF has no attribute for (reason, rotation evidence, the evidence error, aliases) is in
///   `unmapped.kms_rotation`.
struct OCSFFormatter: ReportFormatter {
    static let schemaVersion = "1.3.0"
    static let classUID = 2003
    static let categoryUID = 2
    static let activityID = 1
    static let typeUID = classUID * 100 + activityID

    func render(_ report: RotationReport, options: RenderOptions) throws -> String {
        let time = Int((report.generatedAt.timeIntervalSince1970 * 1000).rounded())
        return try JSONValue.prettyPrinted(JSONValue.array(report.findings.map { Self.event($0, time: time, options: options) }))
    }

    /// The OCSF compliance status (`status_id`, `status`) of a verdict.
    static func complianceStatus(_ compliance: Compliance) -> (id: Int, caption: String) {
        switch compliance {
        case .compliant: (1, "Pass")
        case .insufficientData: (2, "Warning")
        case .nonCompliant: (3, "Fail")
        case .notApplicable: (99, "Not Applicable")
        }
    }

    /// The OCSF severity (`severity_id`, `severity`) of a verdict.
    static func severity(_ compliance: Compliance) -> (id: Int, caption: String) {
        switch compliance {
        case .nonCompliant: (3, "Medium")
        case .insufficientData: (2, "Low")
        case .compliant, .notApplicable: (1, "Informational")
        }
    }

    private static func event(_ finding: RotationFinding, time: Int, options: RenderOptions) -> JSONValue {
        let status = complianceStatus(finding.compliance)
        let severity = severity(finding.compliance)
        let resource = JSONValue.object([
            "uid": .string(finding.resourceIdentifier),
            "name": .string(finding.displayName),
            "type": .string("AWS::KMS::Key"),
            "region": .optional(finding.region),
            "cloud_partition": .optional(finding.partition),
            "data": .object([
                "key_id": .string(finding.keyId),
                "aliases": .strings(finding.aliases),
                "key_spec": .optional(finding.key.keySpec?.rawValue),
                "key_manager": .optional(finding.key.keyManager?.rawValue),
                "key_state": .optional(finding.key.keyState?.rawValue),
                "origin": .optional(finding.key.origin?.rawValue),
                "multi_region_key_type": .optional(finding.key.multiRegionKeyType?.rawValue),
                "primary_key_arn": .optional(finding.key.primaryKeyArn),
            ]),
        ])
        let remediation = finding.remediation.map { remediation in
            JSONValue.object([
                "desc": .string(finding.remediationText ?? remediation.command),
                "references": .strings([Benchmark.rotationDocumentation]),
            ])
        }
        var details: [String: JSONValue] = [
            "reason": .string(finding.reason.rawValue),
            "compliance": .string(finding.compliance.rawValue),
        ]
        if let rotation = finding.rotation {
            details["rotation"] = .object([
                "enabled": rotation.enabled.map(JSONValue.bool),
                "rotation_period_in_days": rotation.rotationPeriodInDays.map(JSONValue.int),
                "next_rotation_date": .optional(rotation.nextRotationDate.map(ISO8601.string(from:))),
            ])
        }
        if let error = finding.error {
            details["evidence_error"] = .object([
                "operation": .string(error.operation),
                "code": .string(error.code),
                "message": .string(error.message),
                "http_status": error.httpStatus.map(JSONValue.int),
                "request_id": .optional(error.requestId),
            ])
        }
        if let policyRule = finding.policyRule { details["policy_rule"] = .string(policyRule) }
        if let tags = finding.tags { details["tags"] = .dictionary(tags.mapValues(JSONValue.string)) }
        if let evidence = finding.evidence {
            // OCSF has no key-material objects: snake_case members beside the rotation details.
            details["key_material"] = .dictionary(
                Dictionary(
                    uniqueKeysWithValues: evidence.fields.map { field in
                        (field.name.replacing(#/[A-Z]/#) { "_" + $0.output.lowercased() }, JSONValue.string(field.value))
                    }))
        }
        if let remediationCommand = finding.remediation?.command {
            details["remediation_command"] = .string(remediationCommand)
        }
        return .object([
            "activity_id": .int(activityID),
            "activity_name": .string("Create"),
            "category_uid": .int(categoryUID),
            "category_name": .string("Findings"),
            "class_uid": .int(classUID),
            "class_name": .string("Compliance Finding"),
            "type_uid": .int(typeUID),
            "type_name": .string("Compliance Finding: Create"),
            "severity_id": .int(severity.id),
            "severity": .string(severity.caption),
            "status_id": .int(finding.isSuppressed ? 3 : 1),
            "status": .string(finding.isSuppressed ? "Suppressed" : "New"),
            "time": .int(time),
            "message": .string(finding.message),
            "metadata": .object([
                "version": .string(schemaVersion),
                "profiles": .strings(["cloud"]),
                "product": .object([
                    "name": .string(Benchmark.toolName),
                    "vendor_name": .string(Benchmark.vendorName),
                    "version": .string(options.toolVersion),
                ]),
            ]),
            "finding_info": .object([
                "uid": .string(finding.stableFindingID),
                "title": .string(finding.title),
                "desc": .string(finding.reason.explanation),
                "types": .strings(["Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark"]),
                "created_time": .int(time),
            ]),
            "compliance": .object([
                "control": .string(Benchmark.control),
                "standards": .strings([Benchmark.standard]),
                "requirements": .strings([Benchmark.requirement]),
                "status_id": .int(status.id),
                "status": .string(status.caption),
                "status_code": .string(finding.compliance.rawValue),
                "status_detail": .string(finding.reason.rawValue),
            ]),
            "resources": .array([resource]),
            "cloud": .object([
                "provider": .string("AWS"),
                "region": .optional(finding.region),
                "account": finding.accountId.map {
                    JSONValue.object(["uid": .string($0), "type_id": .int(10), "type": .string("AWS Account")])
                },
            ]),
            "remediation": remediation,
            "unmapped": .object(["kms_rotation": .dictionary(details)]),
        ])
    }
}
