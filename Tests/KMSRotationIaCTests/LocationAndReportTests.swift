import Foundation
import KMSRotation
import Testing
@testable import KMSRotationIaC

@Suite("IaC locations, reports and suppressions")
struct LocationAndReportTests {
    @Test("YAML: the line and column of the resource and of the attribute")
    func yamlLocations() throws {
        let text = """
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              Quiet:
                Type: AWS::KMS::Key
              Loud:
                Type: AWS::KMS::Key
                Properties:
                  Description: "é, then the flag"
                  EnableKeyRotation: false
            """
        let findings = try IaCFixture.findings(text, path: "infra/keys.yaml")
        let quiet = try #require(findings.first { $0.keyId == "Quiet" }?.location)
        #expect(quiet == FindingLocation(file: "infra/keys.yaml", resource: "Quiet", line: 3, column: 3, attribute: "EnableKeyRotation"))
        let loud = try #require(findings.first { $0.keyId == "Loud" }?.location)
        #expect((loud.line, loud.column, loud.attributeLine, loud.attributeColumn) == (5, 3, 9, 7))
        #expect(loud.bestLine == 9)
    }

    @Test("JSON: positions count lines, and columns in characters, also on a minified line")
    func jsonLocations() throws {
        let text = #"{"Resources": {"Ünïcode": {"Type": "AWS::KMS::Key", "Properties": {"EnableKeyRotation": false}}}}"#
        let location = try #require(try IaCFixture.finding(text, path: "t.json").location)
        #expect((location.line, location.column) == (1, 16))
        #expect((location.attributeLine, location.attributeColumn) == (1, 68))
        let pretty = "{\n  \"Resources\": {\n    \"K\": {\n      \"Type\": \"AWS::KMS::Key\"\n    }\n  }\n}\n"
        let other = try #require(try IaCFixture.finding(pretty, path: "t.json").location)
        #expect((other.line, other.column) == (3, 5))
    }

    @Test("Terraform: the line of the resource_changes entry and of the attribute in change.after")
    func planLocations() throws {
        let finding = try IaCFixture.finding(IaCFixture.tfKey(["enable_key_rotation": false]), path: "plan.json")
        let location = try #require(finding.location)
        #expect(location.resource == "aws_kms_key.k")
        #expect(location.attribute == "enable_key_rotation")
        let line = try #require(location.attributeLine)
        let lines = IaCFixture.tfKey(["enable_key_rotation": false]).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[line - 1].contains("\"enable_key_rotation\""))
    }

    @Test("The JSON report carries the location; live findings still have none")
    func jsonReport() throws {
        let findings = try IaCFixture.findings(IaCFixture.key(["EnableKeyRotation: false"]), path: "k.yaml")
        let report = RotationReport(findings: findings, generatedAt: Date(timeIntervalSince1970: 0))
        let text = try ReportRenderer().render(report, as: .json, options: RenderOptions())
        #expect(text.contains("\"location\""))
        #expect(text.contains("\"attribute\" : \"EnableKeyRotation\""))
        let decoded = try JSONDecoder().decode(RotationReport.self, from: Data(text.utf8))
        #expect(decoded.findings == report.findings)
        let live = RotationFinding(
            keyArn: nil, keyId: "k", accountId: nil, region: nil, reason: .rotationEnabled, message: "m",
            key: .init())
        let liveText = try ReportRenderer().render(
            RotationReport(findings: [live], generatedAt: Date(timeIntervalSince1970: 0)), as: .json,
            options: RenderOptions())
        #expect(!liveText.contains("\"location\""))
    }

    @Test("SARIF: physicalLocation with the file and region.startLine of each result")
    func sarifLocations() throws {
        let scan = try IaCScan.read(paths: [IaCFixture.examples.path])
        let report = scan.report(generatedAt: Date(timeIntervalSince1970: 0))
        let text = try ReportRenderer().render(report, as: .sarif, options: RenderOptions(sarifProblemsOnly: true))
        let log = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let results = try #require(((log["runs"] as? [[String: Any]])?.first?["results"]) as? [[String: Any]])
        #expect(!results.isEmpty)
        for result in results {
            let physical = try #require(((result["locations"] as? [[String: Any]])?.first?["physicalLocation"]) as? [String: Any])
            let uri = try #require((physical["artifactLocation"] as? [String: Any])?["uri"] as? String)
            #expect(uri.contains("Examples/iac/"))
            let startLine = try #require((physical["region"] as? [String: Any])?["startLine"] as? Int)
            #expect(startLine >= 1)
        }
        let fingerprints = results.compactMap { ($0["partialFingerprints"] as? [String: String])?["kmsRotation/v1"] }
        #expect(Set(fingerprints).count == fingerprints.count)
    }

    @Test(
        .enabled(
            if: ExternalTool.isCI || ExternalTool.hasJSONSchema,
            "python3 with jsonschema is not installed: skipped (set CI=1 to fail instead)"))
    func sarifValidatesAgainstTheSchema() throws {
        guard ExternalTool.hasJSONSchema else {
            Issue.record("python3 with jsonschema is required when CI is set (pip install jsonschema)")
            return
        }
        let scan = try IaCScan.read(paths: [IaCFixture.examples.path])
        for problemsOnly in [false, true] {
            let text = try ReportRenderer().render(
                scan.report(generatedAt: Date(timeIntervalSince1970: 0)), as: .sarif,
                options: RenderOptions(sarifProblemsOnly: problemsOnly))
            let file = FileManager.default.temporaryDirectory.appending(path: "iac-\(UUID().uuidString).sarif")
            try Data(text.utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let script = """
                import json, sys, jsonschema
                schema = json.load(open(sys.argv[2])); instance = json.load(open(sys.argv[1]))
                errors = list(jsonschema.validators.validator_for(schema)(schema).iter_errors(instance))
                [print("/".join(map(str, e.path)), e.message) for e in errors[:20]]
                sys.exit(1 if errors else 0)
                """
            let result = try ExternalTool.run(["python3", "-c", script, file.path, IaCFixture.sarifSchema.path])
            #expect(result.status == 0, "SARIF does not validate:\n\(result.output)")
        }
    }

    @Test("Every format renders IaC findings; ASFF asks for an account and Region")
    func everyFormat() throws {
        let scan = try IaCScan.read(paths: [IaCFixture.examples.path])
        let report = scan.report(generatedAt: Date(timeIntervalSince1970: 0))
        for format in ReportFormat.allCases {
            // ASFF needs an account and a Region, which nothing undeployed has: the CLI's --account-id and --region.
            let options = RenderOptions(securityHubRegion: "us-east-1", fallbackAccountId: "111122223333")
            let text = try ReportRenderer().render(report, as: format, options: options)
            #expect(!text.isEmpty, "\(format)")
        }
        #expect(throws: ReportRenderingError.self) { try ReportRenderer().render(report, as: .asff, options: RenderOptions()) }
    }

    @Test("Suppressions match a logical ID or a resource address, and change the outcome")
    func suppressions() throws {
        let plan = IaCFixture.plan([
            ("aws_kms_key.a", "aws_kms_key", ["enable_key_rotation": false], [], nil),
            ("module.m.aws_kms_key.b[0]", "aws_kms_key", ["enable_key_rotation": false], [], nil),
        ])
        let template = IaCFixture.key(["EnableKeyRotation: false"])
        let findings = try IaCFixture.findings(plan, path: "plan.json") + IaCFixture.findings(template, path: "t.yaml")
        let report = RotationReport(findings: findings, generatedAt: Date(timeIntervalSince1970: 0))
        #expect(report.outcome == .nonCompliant)
        let list = try SuppressionList.decode(
            Data(
                """
                {"suppressions": [
                  {"keyId": "aws_kms_key.a", "justification": "legacy"},
                  {"keyId": "module.m.aws_kms_key.b[0]", "reason": "rotationDisabled", "justification": "moving"},
                  {"keyId": "Key", "justification": "template"}
                ]}
                """.utf8))
        let outcome = try list.apply(to: report, now: Date(timeIntervalSince1970: 0))
        #expect(outcome.report.suppressedCount == 3)
        #expect(outcome.unused.isEmpty)
        #expect(outcome.report.outcome == .passed)
    }

    @Test("A file that failed is a scan error: the outcome is incomplete when nothing is non-compliant")
    func failuresInReport() throws {
        var scan = IaCScan()
        scan.documents = [try IaCDocument(data: Data(IaCFixture.key(["EnableKeyRotation: true"]).utf8), path: "ok.yaml")]
        scan.failures = [IaCError(kind: .malformed, file: "bad.yaml", line: 3, column: 1, message: "invalid YAML: x")]
        let report = scan.report(generatedAt: Date(timeIntervalSince1970: 0))
        #expect(report.errors.count == 1)
        #expect(report.errors.first?.message.contains("line 3") == true)
        #expect(report.outcome == .incomplete)
    }
}
