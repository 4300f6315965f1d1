import Foundation
import Testing
@testable import KMSRotation

/// SARIF 2.1.0: validated against the OASIS schema shipped in Fixtures, and checked for the mapping.
@Suite struct SARIFTests {
    static let schemaPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "Fixtures/sarif-schema-2.1.0.json").path

    static let validator = """
        import json, sys
        import jsonschema
        schema = json.load(open(sys.argv[2]))
        instance = json.load(open(sys.argv[1]))
        validator = jsonschema.validators.validator_for(schema)(schema)
        errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.path))
        for error in errors[:20]:
            print("/".join(str(p) for p in error.path), ":", error.message)
        sys.exit(1 if errors else 0)
        """

    func validate(_ sarif: String) throws {
        guard PythonTool.require("jsonschema") else { return }
        let result = try PythonTool.run(script: Self.validator, document: sarif, extraArguments: [Self.schemaPath])
        #expect(result.status == 0, "SARIF does not validate against the 2.1.0 schema:\n\(result.output)")
    }

    func log(_ report: RotationReport = SampleReport.report, options: RenderOptions = SampleReport.options) throws -> [String: Any] {
        let text = try SampleReport.render(.sarif, report, options: options)
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    func run(_ log: [String: Any]) throws -> [String: Any] {
        try #require((log["runs"] as? [[String: Any]])?.first)
    }

    @Test(.enabled(if: PythonTool.runJSONSchemaTests, "python3 with jsonschema is not installed: skipped (set CI=1 to fail instead)"))
    func sampleValidatesAgainstSchema() throws {
        try validate(SampleReport.render(.sarif))
    }

    @Test(.enabled(if: PythonTool.runJSONSchemaTests, "python3 with jsonschema is not installed: skipped (set CI=1 to fail instead)"))
    func githubVariantValidatesAgainstSchema() throws {
        let options = RenderOptions(
            toolVersion: "0.1.0", toolInformationURI: "https://example.com/kms-rotation",
            sarifProblemsOnly: true, sarifArtifactURI: "infra/kms.tf")
        try validate(SampleReport.render(.sarif, options: options))
        let empty = RotationReport(findings: [], generatedAt: SampleReport.generatedAt)
        try validate(SampleReport.render(.sarif, empty))
    }

    @Test func headerAndDriver() throws {
        let log = try log()
        #expect(log["$schema"] as? String == "https://json.schemastore.org/sarif-2.1.0.json")
        #expect(log["version"] as? String == "2.1.0")
        #expect((log["runs"] as? [Any])?.count == 1)
        let driver = try #require(((try run(log))["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "kms-rotation")
        #expect(driver["version"] as? String == "0.1.0")
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.compactMap { $0["id"] as? String } == FindingReason.allCases.map(\.rawValue))
        for (rule, reason) in zip(rules, FindingReason.allCases) {
            #expect((rule["shortDescription"] as? [String: Any])?["text"] as? String == reason.title)
            #expect((rule["fullDescription"] as? [String: Any])?["text"] is String)
            #expect((rule["help"] as? [String: Any])?["text"] is String)
            #expect((rule["properties"] as? [String: Any])?["tags"] as? [String] == ["security", "CIS-3.6", "aws-kms"])
            #expect((rule["defaultConfiguration"] as? [String: Any])?["level"] as? String == SARIFFormatter.level(reason.compliance))
        }
    }

    @Test func oneResultPerFindingWithMappedKindAndLevel() throws {
        let run = try run(try log())
        let rules = try #require(((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == SampleReport.report.findings.count)
        let expected: [Compliance: (kind: String, level: String)] = [
            .nonCompliant: ("fail", "error"), .insufficientData: ("fail", "warning"),
            .compliant: ("pass", "none"), .notApplicable: ("notApplicable", "none"),
        ]
        for (result, finding) in zip(results, SampleReport.report.findings) {
            #expect(result["ruleId"] as? String == finding.reason.rawValue)
            let index = try #require(result["ruleIndex"] as? Int)
            #expect(rules[index]["id"] as? String == finding.reason.rawValue)
            #expect(result["kind"] as? String == expected[finding.compliance]?.kind)
            #expect(result["level"] as? String == expected[finding.compliance]?.level)
            let location = try #require((result["locations"] as? [[String: Any]])?.first)
            let logical = try #require((location["logicalLocations"] as? [[String: Any]])?.first)
            #expect(logical["fullyQualifiedName"] as? String == finding.keyArn)
            #expect(logical["kind"] as? String == "resource")
            #expect(location["physicalLocation"] == nil)
            let properties = try #require(result["properties"] as? [String: Any])
            #expect(properties["compliance"] as? String == finding.compliance.rawValue)
            #expect(properties["region"] as? String == finding.region)
            #expect(properties["accountId"] as? String == "111122223333")
        }
    }

    @Test func fingerprintsAreStableAndUnique() throws {
        let results = try #require(try run(try log())["results"] as? [[String: Any]])
        let fingerprints = results.compactMap { ($0["partialFingerprints"] as? [String: String])?["kmsRotation/v1"] }
        #expect(fingerprints.count == results.count)
        #expect(Set(fingerprints).count == fingerprints.count)
        #expect(fingerprints.contains("arn:aws:kms:us-east-1:111122223333:key/1111aaaa-11aa-11aa-11aa-111111111111|rotationDisabled"))
    }

    @Test func scanErrorsAreToolExecutionNotifications() throws {
        let invocation = try #require((try run(try log())["invocations"] as? [[String: Any]])?.first)
        #expect(invocation["executionSuccessful"] as? Bool == false)
        let notifications = try #require(invocation["toolExecutionNotifications"] as? [[String: Any]])
        #expect(notifications.count == 1)
        #expect(notifications[0]["level"] as? String == "error")
        #expect((notifications[0]["descriptor"] as? [String: Any])?["id"] as? String == "UnrecognizedClientException")
        #expect((notifications[0]["properties"] as? [String: Any])?["region"] as? String == "ap-east-1")

        let clean = RotationReport(findings: SampleReport.report.findings, generatedAt: SampleReport.generatedAt)
        let cleanInvocation = try #require((try run(try log(clean))["invocations"] as? [[String: Any]])?.first)
        #expect(cleanInvocation["executionSuccessful"] as? Bool == true)
    }

    @Test func problemsOnlyAndArtifactForGitHub() throws {
        let options = RenderOptions(toolVersion: "0.1.0", sarifProblemsOnly: true, sarifArtifactURI: "infra/kms.tf")
        let results = try #require(try run(try log(options: options))["results"] as? [[String: Any]])
        #expect(results.count == 5)
        #expect(results.allSatisfy { $0["kind"] as? String == "fail" })
        for result in results {
            let location = try #require((result["locations"] as? [[String: Any]])?.first)
            let physical = try #require(location["physicalLocation"] as? [String: Any])
            #expect((physical["artifactLocation"] as? [String: Any])?["uri"] as? String == "infra/kms.tf")
        }
    }
}
