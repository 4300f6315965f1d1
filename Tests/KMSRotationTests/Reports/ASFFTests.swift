import Foundation
import Testing
@testable import KMSRotation

/// ASFF: validated offline by botocore against Security Hub's BatchImportFindings input shape.
@Suite struct ASFFTests {
    static let validator = """
        import json, sys
        import botocore.session
        from botocore.validate import validate_parameters
        from botocore.exceptions import ParamValidationError
        model = botocore.session.get_session().get_service_model("securityhub")
        shape = model.operation_model("BatchImportFindings").input_shape
        try:
            validate_parameters(json.load(open(sys.argv[1])), shape)
        except ParamValidationError as error:
            print(error)
            sys.exit(1)
        """

    func validate(_ asff: String) throws {
        guard PythonTool.require("botocore") else { return }
        let result = try PythonTool.run(script: Self.validator, document: asff)
        #expect(result.status == 0, "ASFF does not validate against BatchImportFindings:\n\(result.output)")
    }

    func findings(_ report: RotationReport = SampleReport.report, options: RenderOptions = SampleReport.options) throws -> [[String: Any]] {
        let text = try SampleReport.render(.asff, report, options: options)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["Findings"])
        return try #require(object["Findings"] as? [[String: Any]])
    }

    @Test(.enabled(if: PythonTool.runBotocoreTests, "python3 with botocore is not installed: skipped (set CI=1 to fail instead)"))
    func sampleValidatesWithBotocore() throws {
        try validate(SampleReport.render(.asff))
    }

    static func longTextReport() -> RotationReport {
        let error = EvidenceError(
            operation: "GetKeyRotationStatus", code: "KMSInternalException",
            message: String(repeating: "é", count: 3000), httpStatus: 500)
        let finding = RotationChecker.evaluate(
            key: makeKey(), rotation: .failed(error), aliases: [String(repeating: "a", count: 300)],
            policy: .cis, now: SampleReport.generatedAt)
        return SampleReport.single(finding)
    }

    @Test func longTextIsTruncatedToSecurityHubLimits() throws {
        let asff = try findings(Self.longTextReport())[0]
        #expect((asff["Description"] as? String)?.count == 1024)
        #expect((asff["Description"] as? String)?.hasSuffix("…") == true)
        #expect(((asff["Title"] as? String)?.count ?? 0) <= 256)
    }

    @Test(.enabled(if: PythonTool.runBotocoreTests, "python3 with botocore is not installed: skipped (set CI=1 to fail instead)"))
    func truncatedFindingValidatesWithBotocore() throws {
        try validate(SampleReport.render(.asff, Self.longTextReport()))
    }

    @Test func mapping() throws {
        let status: [Compliance: String] = [
            .compliant: "PASSED", .nonCompliant: "FAILED", .insufficientData: "WARNING", .notApplicable: "NOT_AVAILABLE",
        ]
        let severity: [Compliance: String] = [
            .compliant: "INFORMATIONAL", .nonCompliant: "MEDIUM", .insufficientData: "LOW", .notApplicable: "INFORMATIONAL",
        ]
        let all = try findings()
        #expect(all.count == SampleReport.report.findings.count)
        #expect(Set(all.compactMap { $0["Id"] as? String }).count == all.count)
        for (asff, finding) in zip(all, SampleReport.report.findings) {
            #expect(asff["SchemaVersion"] as? String == "2018-10-08")
            #expect(asff["Id"] as? String == "kms-rotation/cis-3.6/\(finding.keyArn ?? "")")
            #expect(
                asff["ProductArn"] as? String == "arn:aws:securityhub:\(finding.region ?? ""):111122223333:product/111122223333/default")
            #expect(asff["GeneratorId"] as? String == "kms-rotation/cis-3.6")
            #expect(asff["AwsAccountId"] as? String == "111122223333")
            #expect(
                asff["Types"] as? [String] == [
                    "Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark"
                ])
            #expect(asff["CreatedAt"] as? String == "2026-11-29T06:00:00Z")
            #expect(asff["UpdatedAt"] as? String == "2026-11-29T06:00:00Z")
            #expect((asff["Severity"] as? [String: Any])?["Label"] as? String == severity[finding.compliance])
            let compliance = try #require(asff["Compliance"] as? [String: Any])
            #expect(compliance["Status"] as? String == status[finding.compliance])
            #expect(compliance["RelatedRequirements"] as? [String] == ["CIS AWS Foundations Benchmark v3.0.0/3.6"])
            let resource = try #require((asff["Resources"] as? [[String: Any]])?.first)
            #expect(resource["Type"] as? String == "AwsKmsKey")
            #expect(resource["Id"] as? String == finding.keyArn)
            #expect(resource["Region"] as? String == finding.region)
            #expect(resource["Partition"] as? String == "aws")
            #expect(asff["RecordState"] as? String == "ACTIVE")
            #expect((asff["Workflow"] as? [String: Any])?["Status"] as? String == "NEW")
            let recommendation = (asff["Remediation"] as? [String: Any])?["Recommendation"] as? [String: Any]
            #expect((recommendation != nil) == (finding.remediation != nil))
            if let text = recommendation?["Text"] as? String { #expect(text.contains("aws kms enable-key-rotation")) }
        }
    }

    @Test func securityHubRegionAndFallbackAccount() throws {
        var options = SampleReport.options
        options.securityHubRegion = "us-east-1"
        #expect(
            try findings(options: options).allSatisfy {
                $0["ProductArn"] as? String == "arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default"
            })

        // A key listed without an ARN: no account, no Region.
        let bare = RotationPolicy.cis.evaluateUndescribedKey(
            keyId: "bbbb0000-0000-0000-0000-000000000000", keyArn: nil,
            error: EvidenceError(operation: "DescribeKey", code: "AccessDeniedException", message: "denied"))
        let report = SampleReport.single(bare)
        #expect(throws: ReportRenderingError.self) { try SampleReport.render(.asff, report) }
        options.fallbackAccountId = "444455556666"
        let asff = try #require(try findings(report, options: options).first)
        #expect(asff["AwsAccountId"] as? String == "444455556666")
        #expect(asff["ProductArn"] as? String == "arn:aws:securityhub:us-east-1:444455556666:product/444455556666/default")
    }
}
