import Foundation
import Testing
@testable import KMSRotation

/// One fix per key (issue #10, item 8): a non-compliant multi-Region primary and its non-compliant replica
/// get one command, for the primary, in the plan, the table and the Markdown report.
@Suite struct SharedRemediationTests {
    static let primary = SampleReport.single(judge(makeKey(multiRegion: .primary, id: "mrk-primary", region: "us-west-2"))).findings[0]
    static let replica = judge(makeKey(multiRegion: .replica, id: "mrk-primary", region: "eu-west-1"), aliases: ["alias/payments-eu"])
    static let plain = judge(makeKey(id: "1111aaaa-11aa-11aa-11aa-111111111111"), aliases: ["alias/orders"])

    static func judge(_ key: KMSKey, aliases: [String] = []) -> RotationFinding {
        RotationChecker.evaluate(key: key, rotation: off, aliases: aliases, policy: SampleReport.policy, now: SampleReport.generatedAt)
    }

    static let report = RotationReport(
        findings: [replica, plain, primary], errors: [], policy: SampleReport.policy,
        regions: ["eu-west-1", "us-east-1", "us-west-2"], generatedAt: SampleReport.generatedAt)

    static let primaryArn = "arn:aws:kms:us-west-2:111122223333:key/mrk-primary"

    @Test("The replica's fix targets its primary, so the two share one group led by the primary")
    func groups() throws {
        #expect(Self.replica.compliance == .nonCompliant && Self.primary.compliance == .nonCompliant)
        #expect(Self.replica.remediation?.keyArn == Self.primaryArn)
        let groups = SharedRemediation.groups(Self.report.findings)
        #expect(groups.count == 2)
        let shared = try #require(groups.first { $0.remediation.keyArn == Self.primaryArn })
        #expect(shared.lead == Self.primary)
        #expect(shared.others == [Self.replica])
        #expect(shared.alsoFixesNote == "also fixes the replica in eu-west-1")
        #expect(groups.first { $0.lead == Self.plain }?.alsoFixesNote == nil)
    }

    @Test("The note names every Region once")
    func notes() {
        #expect(SharedRemediation.alsoFixesNote(regions: []) == nil)
        #expect(
            SharedRemediation.alsoFixesNote(regions: ["eu-west-1", "ap-south-1"])
                == "also fixes the replicas in eu-west-1 and ap-south-1")
        #expect(SharedRemediation.alsoFixesNote(regions: ["a", "b", "c"]) == "also fixes the replicas in a, b and c")
    }

    @Test("A lone replica (its primary not in the report) keeps its own command and no note")
    func loneReplica() throws {
        let groups = SharedRemediation.groups([Self.replica])
        #expect(groups.count == 1)
        #expect(groups.first?.lead == Self.replica)
        #expect(groups.first?.alsoFixesNote == nil)
    }

    @Test("The remediation plan has one action for the primary that fixes both")
    func plan() throws {
        let plan = RemediationPlan(report: Self.report)
        #expect(plan.actions.count == 2)
        let action = try #require(plan.actions.first { $0.keyArn == Self.primaryArn })
        #expect(action.region == "us-west-2")
        #expect(Set(action.fixes) == [Self.primaryArn, "arn:aws:kms:eu-west-1:111122223333:key/mrk-primary"])
    }

    @Test("The table lists one command for the primary, with a shell comment naming the replica")
    func table() throws {
        let text = try SampleReport.render(.table, Self.report)
        let commands = text.split(separator: "\n").filter { $0.contains("aws kms enable-key-rotation") }
        #expect(commands.count == 2, "\(text)")
        let shared = try #require(commands.first { $0.contains(Self.primaryArn) })
        #expect(shared.hasSuffix("--region us-west-2  # also fixes the replica in eu-west-1"))
        #expect(!commands.contains { $0.contains("alias/payments-eu") })
    }

    @Test("Markdown shows the command once, under the primary; the replica's section points at it")
    func markdown() throws {
        let text = try SampleReport.render(.markdown, Self.report)
        #expect(text.components(separatedBy: "aws kms enable-key-rotation --key-id \(Self.primaryArn)").count == 2, "\(text)")
        #expect(text.contains("- **Also:** also fixes the replica in eu-west-1"))
        #expect(
            text.contains(
                "- **Fix:** the same EnableKeyRotation on `\(Self.primaryArn)` as `mrk-primary` (us-west-2): "
                    + "one command fixes both"))
        let plainArn = "arn:aws:kms:us-east-1:111122223333:key/1111aaaa-11aa-11aa-11aa-111111111111"
        #expect(text.contains("aws kms enable-key-rotation --key-id \(plainArn)"))
    }
}
