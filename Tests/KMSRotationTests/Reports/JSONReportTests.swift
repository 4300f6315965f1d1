import Foundation
import Testing
@testable import KMSRotation

/// `--format json` is DESIGN.md's contract: checked field by field against its sample, and read back.
@Suite struct JSONReportTests {
    func object() throws -> [String: Any] {
        let data = Data(try SampleReport.render(.json).utf8)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func topLevelFieldsFollowDesign() throws {
        let json = try object()
        #expect(Set(json.keys) == ["schemaVersion", "generatedAt", "summary", "findings", "errors", "policy", "regions"])
        #expect(json["schemaVersion"] as? String == "1.0")
        #expect(json["generatedAt"] as? String == "2026-11-29T06:00:00Z")
        #expect(json["regions"] as? [String] == ["ap-east-1", "eu-west-1", "us-east-1"])
        let policy = try #require(json["policy"] as? [String: Any])
        #expect(policy["maximumRotationPeriodDays"] as? Int == 365)
        #expect(policy["evaluateDisabledKeys"] as? Bool == false)
    }

    @Test func summaryCountsEveryVerdict() throws {
        let summary = try #require(try object()["summary"] as? [String: Int])
        #expect(summary == ["COMPLIANT": 2, "NON_COMPLIANT": 3, "NOT_APPLICABLE": 3, "INSUFFICIENT_DATA": 2])
    }

    @Test func findingsHaveEveryDesignFieldWithExplicitNulls() throws {
        let findings = try #require(try object()["findings"] as? [[String: Any]])
        #expect(findings.count == 10)
        for finding in findings {
            #expect(
                Set(finding.keys) == [
                    "keyArn", "keyId", "accountId", "region", "aliases", "compliance", "reason", "message",
                    "key", "rotation", "error", "remediation",
                ])
            #expect(finding["keyId"] is String)
            #expect(finding["aliases"] is [String])
            #expect(finding["message"] is String)
            let compliance = try #require((finding["compliance"] as? String).flatMap(Compliance.init(rawValue:)))
            let reason = try #require((finding["reason"] as? String).flatMap(FindingReason.init(rawValue:)))
            #expect(reason.compliance == compliance)
            let key = try #require(finding["key"] as? [String: Any])
            #expect(Set(key.keys) == ["keySpec", "keyManager", "keyState", "origin", "multiRegionKeyType", "primaryKeyArn"])
            if let rotation = finding["rotation"] as? [String: Any] {
                #expect(Set(rotation.keys) == ["enabled", "rotationPeriodInDays", "nextRotationDate"])
            } else {
                #expect(finding["rotation"] is NSNull)
            }
            if let remediation = finding["remediation"] as? [String: Any] {
                #expect(compliance == .nonCompliant)
                #expect(remediation["action"] as? String == "EnableKeyRotation")
                #expect((remediation["command"] as? String)?.hasPrefix("aws kms enable-key-rotation --key-id arn:aws:kms:") == true)
                #expect(remediation["keyArn"] is String)
                #expect(remediation["region"] is String)
            } else {
                #expect(finding["remediation"] is NSNull)
            }
        }
    }

    @Test func sampleValuesMatchDesign() throws {
        let findings = try #require(try object()["findings"] as? [[String: Any]])
        let orders = try #require(findings.first { ($0["aliases"] as? [String]) == ["alias/orders"] })
        #expect(orders["keyArn"] as? String == "arn:aws:kms:us-east-1:111122223333:key/1111aaaa-11aa-11aa-11aa-111111111111")
        #expect(orders["accountId"] as? String == "111122223333")
        #expect(orders["region"] as? String == "us-east-1")
        #expect(orders["compliance"] as? String == "NON_COMPLIANT")
        #expect(orders["reason"] as? String == "rotationDisabled")
        let key = try #require(orders["key"] as? [String: Any])
        #expect(key["keySpec"] as? String == "SYMMETRIC_DEFAULT")
        #expect(key["keyManager"] as? String == "CUSTOMER")
        #expect(key["keyState"] as? String == "Enabled")
        #expect(key["origin"] as? String == "AWS_KMS")
        #expect(key["multiRegionKeyType"] is NSNull)
        #expect(key["primaryKeyArn"] is NSNull)
        let rotation = try #require(orders["rotation"] as? [String: Any])
        #expect(rotation["enabled"] as? Bool == false)
        #expect(rotation["rotationPeriodInDays"] is NSNull)
        #expect(rotation["nextRotationDate"] is NSNull)
        let remediation = try #require(orders["remediation"] as? [String: Any])
        #expect(remediation["region"] as? String == "us-east-1")
        #expect(
            remediation["command"] as? String
                == "aws kms enable-key-rotation --key-id arn:aws:kms:us-east-1:111122223333:key/1111aaaa-11aa-11aa-11aa-111111111111 --region us-east-1"
        )

        let replica = try #require(findings.first { ($0["aliases"] as? [String]) == ["alias/payments"] })
        let replicaFix = try #require(replica["remediation"] as? [String: Any])
        #expect(replicaFix["keyArn"] as? String == "arn:aws:kms:us-west-2:111122223333:key/mrk-primary")
        #expect(replicaFix["region"] as? String == "us-west-2")

        let compliant = try #require(findings.first { ($0["keyId"] as? String)?.hasPrefix("5555") == true })
        // fixed-clock-begin: SampleReport's date
        #expect((compliant["rotation"] as? [String: Any])?["nextRotationDate"] as? String == "2027-03-25T00:00:00Z")
        // fixed-clock-end

        let errors = try #require(try object()["errors"] as? [[String: Any]])
        #expect(errors.count == 1)
        #expect(errors[0]["region"] as? String == "ap-east-1")
        #expect(errors[0]["operation"] as? String == "ListKeys")
        #expect(errors[0]["code"] as? String == "UnrecognizedClientException")
        #expect(errors[0]["message"] is String)
    }

    @Test func decodesBackToAnEqualReport() throws {
        let data = Data(try SampleReport.render(.json).utf8)
        let decoded = try JSONDecoder().decode(RotationReport.self, from: data)
        #expect(decoded == SampleReport.report)
    }

    @Test("Rendered one finding at a time, the document is byte for byte the whole-document encoder's")
    func renderedByFindingEqualsWholeDocument() throws {
        var unusual = SampleReport.report.findings[0]
        unusual.message = "line\nbreak, \"quotes\", tab\t, slash / and unicode é 🔑 \u{1}"
        unusual.aliases = ["alias/a", "alias/b/c"]
        unusual.tags = ["team": "ops\n{ }", "cost/centre": "[1]"]
        let reports = [
            SampleReport.report,
            SampleReport.single(SampleReport.report.findings[3]),
            SampleReport.single(unusual, errors: SampleReport.report.errors),
            RotationReport(findings: [], errors: SampleReport.report.errors, generatedAt: SampleReport.generatedAt),
        ]
        for report in reports {
            let whole = try JSONValue.prettyPrinted(report)
            #expect(try SampleReport.render(.json, report) == whole)
            if !report.findings.isEmpty { #expect(try JSONReportFormatter.renderByFinding(report) == whole) }
        }
    }

    @Test func keysAreSortedAndSlashesUnescaped() throws {
        let text = try SampleReport.render(.json)
        #expect(!text.contains("\\/"))
        let topLevelKeys = text.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map { $0.split(separator: "\"")[1] }
        #expect(topLevelKeys == topLevelKeys.sorted())
    }
}
