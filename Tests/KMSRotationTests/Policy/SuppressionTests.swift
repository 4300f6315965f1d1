import Foundation
#if canImport(FoundationXML)
    import FoundationXML
#endif
import Testing
@testable import KMSRotation

@Suite("Suppressions")
struct SuppressionTests {
    static let now = Date(timeIntervalSince1970: 1_795_932_000)  // 2026-11-29

    // fixed-clock-begin: compared only with the injected `now` above.
    /// The sample report with alias/orders (NON_COMPLIANT) accepted until 2027-03-31.
    static let suppressedReport: RotationReport = {
        let list = try! SuppressionList.decode(
            Data(
                #"""
                {"suppressions": [{"alias": "alias/orders", "region": "us-east-1", "reason": "rotationDisabled", "justification": "Retired in Q1, SEC-1234", "expires": "2027-03-31"}]}
                """#.utf8))
        return try! list.apply(to: SampleReport.report, now: now).report
    }()
    // fixed-clock-end

    @Test("A valid file decodes; dates may be days or ISO 8601 times")
    func decodeValid() throws {
        // fixed-clock-begin: parsing only; no clock is read.
        let list = try SuppressionList.decode(
            Data(
                #"""
                {"suppressions": [
                  {"keyArn": "arn:aws:kms:us-east-1:111122223333:key/k", "justification": "a", "expires": "2027-01-31"},
                  {"keyId": "k", "reason": "accessDenied", "justification": "b", "expires": "2027-01-31T12:00:00Z"},
                  {"alias": "alias/x", "justification": "c"}
                ]}
                """#.utf8))
        #expect(list.suppressions.count == 3)
        #expect(list.suppressions[0].expires == Date(timeIntervalSince1970: 1_801_353_600))
        #expect(list.suppressions[1].reason == .accessDenied)
        #expect(list.suppressions[1].expires == Date(timeIntervalSince1970: 1_801_396_800))
        #expect(list.suppressions[2].expires == nil)
        // fixed-clock-end
        #expect(try SuppressionList.decode(try JSONEncoder().encode(list)) == list)
    }

    @Test(
        "Invalid files name the entry and the problem",
        arguments: [
            (#"{"suppressions": [{"justification": "no selector"}]}"#, "keyArn, keyId or alias"),
            (#"{"suppressions": [{"alias": "alias/x"}]}"#, "missing justification"),
            (#"{"suppressions": [{"alias": "alias/x", "justification": "  "}]}"#, "needs a justification"),
            (
                #"{"suppressions": [{"alias": "alias/x", "justification": "j", "reason": "rotationOff"}]}"#,
                "'rotationOff' is not a reason code"
            ),
            (#"{"suppressions": [{"alias": "alias/x", "justification": "j", "expires": "2027-02-30"}]}"#, "is not a date"),
            (#"{"suppressions": [{"alias": "alias/x", "justification": "j", "expires": "soon"}]}"#, "is not a date"),
            (#"{"suppressions": {}}"#, "expected"),
            (#"not json"#, "not valid JSON"),
        ])
    func decodeInvalid(_ json: String, _ expected: String) {
        do {
            _ = try SuppressionList.decode(Data(json.utf8))
            Issue.record("should fail: \(json)")
        } catch let error as SuppressionListError {
            #expect(error.description.contains(expected), "\(error)")
            #expect(error.description.hasPrefix("invalid suppression file"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("Selectors, reasons, expiry; compliant and not-applicable findings are never suppressed")
    func apply() throws {
        let report = SampleReport.report
        let orders = report.findings.first { $0.aliases == ["alias/orders"] }!
        let list = SuppressionList(suppressions: [
            Suppression(keyArn: orders.keyArn, reason: .rotationPeriodTooLong, justification: "wrong reason"),
            Suppression(keyId: orders.keyId, region: "us-east-1", justification: "by id"),
            Suppression(alias: "alias/orders", region: "us-east-1", justification: "second match never used"),
            Suppression(alias: "alias/analytics", region: "eu-west-1", justification: "compliant: nothing to suppress"),
            Suppression(alias: "alias/aws/s3", region: "us-east-1", justification: "not applicable: nothing to suppress"),
            Suppression(alias: "alias/ledger", region: "us-east-1", justification: "expired", expires: Self.now.addingTimeInterval(-1)),
        ])
        let outcome = try list.apply(to: report, now: Self.now)
        #expect(outcome.report.findings.filter(\.isSuppressed).map(\.aliases) == [["alias/orders"]])
        #expect(outcome.report.findings.first { $0.aliases == ["alias/orders"] }?.suppression?.justification == "by id")
        #expect(outcome.expired.map(\.justification) == ["expired"])
        #expect(
            outcome.unused.map(\.justification) == [
                "wrong reason", "second match never used", "compliant: nothing to suppress", "not applicable: nothing to suppress",
            ])
        #expect(outcome.report.summary == report.summary, "verdicts and counts are unchanged")
        #expect(outcome.report.suppressedCount == 1)
    }

    @Test("Exit status ignores suppressed findings")
    func exitStatus() throws {
        let finding = SampleReport.report.findings.first { $0.compliance == .nonCompliant }!
        let single = SampleReport.single(finding)
        #expect(single.outcome == .nonCompliant)
        let suppressed = try SuppressionList(suppressions: [Suppression(keyId: finding.keyId, justification: "ok")]).apply(
            to: single, now: Self.now
        ).report
        #expect(suppressed.outcome == .passed)
        let withError = try SuppressionList(suppressions: [Suppression(keyId: finding.keyId, justification: "ok")])
            .apply(to: SampleReport.single(finding, errors: SampleReport.report.errors), now: Self.now).report
        #expect(withError.outcome == .incomplete, "a Region that could not be scanned still counts")
    }

    @Test("JSON: the suppression member appears only on suppressed findings and round-trips")
    func json() throws {
        let plain = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(SampleReport.report.findings[0])) as! [String: Any]
        #expect(plain["suppression"] == nil)
        let data = try JSONEncoder().encode(Self.suppressedReport)
        let decoded = try JSONDecoder().decode(RotationReport.self, from: data)
        #expect(decoded == Self.suppressedReport)
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let findings = object["findings"] as! [[String: Any]]
        let suppressed = findings.compactMap { $0["suppression"] as? [String: Any] }
        #expect(suppressed.count == 1)
        #expect(suppressed.first?["justification"] as? String == "Retired in Q1, SEC-1234")
        #expect(suppressed.first?["expires"] as? String == "2027-03-31T00:00:00Z")  // fixed-clock: rendering
    }

    @Test("Every format marks the suppressed finding")
    func formats() throws {
        let report = Self.suppressedReport
        let sarif = try JSONSerialization.jsonObject(with: Data(try SampleReport.render(.sarif, report).utf8)) as! [String: Any]
        let results = ((sarif["runs"] as! [[String: Any]])[0]["results"] as! [[String: Any]])
        let withSuppressions = results.filter { $0["suppressions"] != nil }
        #expect(withSuppressions.count == 1)
        let sarifSuppression = (withSuppressions[0]["suppressions"] as! [[String: Any]])[0]
        #expect(sarifSuppression["kind"] as? String == "external")
        #expect(sarifSuppression["justification"] as? String == "Retired in Q1, SEC-1234")

        let asff = try JSONSerialization.jsonObject(with: Data(try SampleReport.render(.asff, report).utf8)) as! [String: Any]
        let workflows = (asff["Findings"] as! [[String: Any]]).map { ($0["Workflow"] as! [String: Any])["Status"] as! String }
        #expect(workflows.filter { $0 == "SUPPRESSED" }.count == 1)

        let ocsf = try JSONSerialization.jsonObject(with: Data(try SampleReport.render(.ocsf, report).utf8)) as! [[String: Any]]
        #expect(ocsf.filter { $0["status_id"] as? Int == 3 && $0["status"] as? String == "Suppressed" }.count == 1)

        let csv = try SampleReport.render(.csv, report)
        #expect(csv.hasPrefix("region,"))
        #expect(csv.components(separatedBy: "\r\n")[0].contains(",message,suppression,policyRule,"))
        #expect(csv.contains(",\"Retired in Q1, SEC-1234\","))

        let table = try SampleReport.render(.table, report)
        #expect(table.contains("rotationDisabled (suppressed)"))
        #expect(table.contains("; 1 suppressed"))

        let markdown = try SampleReport.render(.markdown, report)
        #expect(markdown.contains("## Suppressed (1)"))
        #expect(markdown.contains("## Non-compliant (2)"))

        let junit = try SampleReport.render(.junit, report)
        #expect(junit.contains("Suppressed (NON_COMPLIANT): Retired in Q1, SEC-1234"))
        #expect(junit.contains("failures=\"2\"") || junit.contains("failures='2'"))
    }

    @Test(
        "SARIF with a suppression still validates against the SARIF 2.1.0 schema",
        .enabled(if: PythonTool.runJSONSchemaTests, "python3 with jsonschema is not installed: skipped (set CI=1 to fail instead)"))
    func sarifSchema() throws {
        try SARIFTests().validate(try SampleReport.render(.sarif, Self.suppressedReport))
    }

    @Test(
        "ASFF with Workflow SUPPRESSED still validates with botocore",
        .enabled(if: PythonTool.runBotocoreTests, "python3 with botocore is not installed: skipped (set CI=1 to fail instead)"))
    func asffSchema() throws {
        try ASFFTests().validate(try SampleReport.render(.asff, Self.suppressedReport))
    }

    @Test("A suppression by alias or key ID applies only in the account and Region it names")
    func scopeByAccountAndRegion() throws {
        let report = SampleReport.report  // one account, three Regions
        let orders = try #require(report.findings.first { $0.aliases == ["alias/orders"] })
        let inOtherRegion = SuppressionList(suppressions: [Suppression(alias: "alias/orders", region: "eu-west-1", justification: "j")])
        #expect(try inOtherRegion.apply(to: report, now: Self.now).report.suppressedCount == 0)
        let inOtherAccount = SuppressionList(suppressions: [
            Suppression(keyId: orders.keyId, accountId: "444455556666", region: "us-east-1", justification: "j")
        ])
        #expect(try inOtherAccount.apply(to: report, now: Self.now).report.suppressedCount == 0)
        let exact = SuppressionList(suppressions: [
            Suppression(keyId: orders.keyId, accountId: "111122223333", region: "us-east-1", justification: "j")
        ])
        #expect(try exact.apply(to: report, now: Self.now).report.suppressedCount == 1)
    }

    @Test("An alias or key ID without a Region is refused when the report spans Regions, and without an account when it spans accounts")
    func ambiguousScopeIsRejected() throws {
        let byAlias = SuppressionList(suppressions: [Suppression(alias: "alias/orders", justification: "j")])
        let error = try #require(throws: SuppressionListError.self) { try byAlias.apply(to: SampleReport.report, now: Self.now) }
        #expect(
            error.description
                == "invalid suppression file: suppressions[0]: the suppression for alias/orders needs region: a key ID or alias names a different key in each account and Region, and this audit spans more than one"
        )
        // Checked before a scan: an organization's accounts are not known yet, so an account is required.
        #expect(throws: SuppressionListError.self) { try byAlias.validateScope(accountCount: nil, regions: ["us-east-1"]) }
        #expect(throws: Never.self) { try byAlias.validateScope(accountCount: 1, regions: ["us-east-1"]) }
        let scoped = SuppressionList(suppressions: [
            Suppression(alias: "alias/orders", accountId: "111122223333", region: "us-east-1", justification: "j")
        ])
        #expect(throws: Never.self) { try scoped.validateScope(accountCount: nil, regions: ["us-east-1", "eu-west-1"]) }
        // A key ARN names its own account and Region.
        let byARN = SuppressionList(suppressions: [Suppression(keyArn: "arn:aws:kms:us-east-1:111122223333:key/k", justification: "j")])
        #expect(throws: Never.self) { try byARN.validateScope(accountCount: nil, regions: ["us-east-1", "eu-west-1"]) }
    }

    @Test(
        "accountId and region are checked when decoded, and may not contradict keyArn",
        arguments: [
            (#"{"suppressions": [{"alias": "alias/x", "accountId": "1234", "justification": "j"}]}"#, "is not an account ID"),
            (#"{"suppressions": [{"alias": "alias/x", "region": "US East", "justification": "j"}]}"#, "is not a Region name"),
            (
                #"{"suppressions": [{"keyArn": "arn:aws:kms:us-east-1:111122223333:key/k", "accountId": "444455556666", "justification": "j"}]}"#,
                "contradicts keyArn"
            ),
            (
                #"{"suppressions": [{"keyArn": "arn:aws:kms:us-east-1:111122223333:key/k", "region": "eu-west-1", "justification": "j"}]}"#,
                "contradicts keyArn"
            ),
        ])
    func scopeFieldsAreValidated(json: String, expected: String) throws {
        let error = try #require(throws: SuppressionListError.self) { try SuppressionList.decode(Data(json.utf8)) }
        #expect(error.description.contains(expected), "\(error)")
    }
}
