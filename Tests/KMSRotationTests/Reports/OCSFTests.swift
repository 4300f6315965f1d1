import Foundation
import Testing
@testable import KMSRotation

/// OCSF Compliance Finding (class 2003): the required attributes, present and typed, on every event.
@Suite struct OCSFTests {
    func events(_ report: RotationReport = SampleReport.report) throws -> [[String: Any]] {
        let text = try SampleReport.render(.ocsf, report)
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
    }

    @Test func oneEventPerFinding() throws {
        #expect(try events().count == SampleReport.report.findings.count)
        let empty = RotationReport(findings: [], generatedAt: SampleReport.generatedAt)
        #expect(try events(empty).isEmpty)
    }

    @Test func requiredAttributesPresentAndTyped() throws {
        for event in try events() {
            // Base event and finding: class, category, activity, type, severity, time, metadata, finding_info.
            #expect(event["class_uid"] as? Int == 2003)
            #expect(event["category_uid"] as? Int == 2)
            #expect(event["activity_id"] as? Int == 1)
            #expect(event["type_uid"] as? Int == 200301)
            #expect([1, 2, 3].contains(event["severity_id"] as? Int ?? -1))
            #expect(event["time"] as? Int == 1_795_932_000_000)
            let metadata = try #require(event["metadata"] as? [String: Any])
            #expect(metadata["version"] as? String == "1.3.0")
            let product = try #require(metadata["product"] as? [String: Any])
            #expect(product["name"] as? String == "kms-rotation")
            #expect(product["vendor_name"] as? String == "swift-kms-rotation")
            #expect(product["version"] as? String == "0.1.0")
            let info = try #require(event["finding_info"] as? [String: Any])
            #expect((info["uid"] as? String)?.isEmpty == false)
            #expect((info["title"] as? String)?.isEmpty == false)
            #expect(info["desc"] is String)
            #expect(info["types"] is [String])
            // Compliance Finding: compliance (standards required).
            let compliance = try #require(event["compliance"] as? [String: Any])
            #expect(compliance["standards"] as? [String] == ["CIS AWS Foundations Benchmark v3.0.0"])
            #expect(compliance["control"] as? String == "3.6")
            #expect(compliance["status_id"] is Int)
            #expect(compliance["status"] is String)
            #expect(compliance["status_detail"] is String)
            // Cloud profile and the resource.
            let cloud = try #require(event["cloud"] as? [String: Any])
            #expect(cloud["provider"] as? String == "AWS")
            #expect((cloud["account"] as? [String: Any])?["uid"] as? String == "111122223333")
            let resource = try #require((event["resources"] as? [[String: Any]])?.first)
            #expect((resource["uid"] as? String)?.hasPrefix("arn:aws:kms:") == true)
            #expect(resource["type"] as? String == "AWS::KMS::Key")
            #expect(resource["region"] as? String == cloud["region"] as? String)
            #expect(resource["cloud_partition"] as? String == "aws")
        }
    }

    @Test func statusAndSeverityMapping() throws {
        let expected: [Compliance: (status: Int, severity: Int)] = [
            .compliant: (1, 1), .insufficientData: (2, 2), .nonCompliant: (3, 3), .notApplicable: (99, 1),
        ]
        for (event, finding) in zip(try events(), SampleReport.report.findings) {
            let compliance = try #require(event["compliance"] as? [String: Any])
            #expect(compliance["status_id"] as? Int == expected[finding.compliance]?.status)
            #expect(compliance["status_code"] as? String == finding.compliance.rawValue)
            #expect(compliance["status_detail"] as? String == finding.reason.rawValue)
            #expect(event["severity_id"] as? Int == expected[finding.compliance]?.severity)
            #expect(event["status_id"] as? Int == 1)
            if finding.remediation != nil {
                #expect(((event["remediation"] as? [String: Any])?["desc"] as? String)?.contains("aws kms enable-key-rotation") == true)
            } else {
                #expect(event["remediation"] == nil)
            }
        }
    }

    @Test func findingUIDIsStablePerKeyAndUnique() throws {
        let uids = try events().compactMap { ($0["finding_info"] as? [String: Any])?["uid"] as? String }
        #expect(Set(uids).count == SampleReport.report.findings.count)
        // The uid does not depend on the verdict: a later scan updates the same record.
        let key = makeKey(id: "aaaa0000-0000-0000-0000-000000000000")
        let before = RotationChecker.evaluate(key: key, rotation: off, policy: .cis, now: SampleReport.generatedAt)
        let after = RotationChecker.evaluate(key: key, rotation: on365, policy: .cis, now: SampleReport.generatedAt)
        let uid = { (finding: RotationFinding) throws -> String? in
            (try self.events(SampleReport.single(finding)).first?["finding_info"] as? [String: Any])?["uid"] as? String
        }
        #expect(try uid(before) == uid(after))
    }
}
