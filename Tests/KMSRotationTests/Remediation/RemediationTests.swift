import Foundation
import Testing
import KMSRotation
import KMSRotationTesting

@Suite("Remediation")
struct RemediationTests {
    static let credentials = StaticCredentialProvider(
        AWSCredentials(accessKeyId: "AKIDREMEDIATE", secretAccessKey: "remediation-test-secret"))

    static func factory(_ kms: InMemoryKMS) -> @Sendable (String) async throws -> KMSClient {
        { region in
            try KMSClient(
                AWSClientConfiguration(
                    region: region, credentialProvider: credentials, transport: kms, sleeper: { _ in }, now: { SampleAccount.referenceDate }
                ))
        }
    }

    static func audit(
        _ kms: InMemoryKMS, policy: RotationPolicy = .cis, regions: [String] = SampleAccount.enabledRegions
    ) async throws -> RotationReport {
        try await RotationChecker(
            options: .init(regions: regions, policy: PolicyResolver(policy), now: { SampleAccount.referenceDate }),
            clientFactory: factory(kms)
        ).report()
    }

    @Test("The demo's plan: one action per key to fix, a replica fixed through its primary")
    func plan() async throws {
        let report = try await Self.audit(SampleAccount.demo())
        let plan = RemediationPlan(report: report)
        #expect(plan.actions.count == 3)
        #expect(plan.skipped.isEmpty)
        let primary = try #require(plan.actions.first { $0.keyArn.contains("mrk-") })
        #expect(primary.region == "us-east-1")
        #expect(primary.fixes.count == 2, "the primary and its eu-west-1 replica")
        #expect(primary.fixes.contains { $0.contains(":eu-west-1:") })
        #expect(plan.actions.allSatisfy { $0.reason == .rotationDisabled && $0.rotationPeriodInDays == nil && $0.before?.enabled == false })
        #expect(plan.actions.map(\.region) == plan.actions.map(\.region).sorted())
        #expect(RemediationPlan(report: report) == plan, "deterministic")
        #expect(try JSONDecoder().decode(RemediationPlan.self, from: try JSONEncoder().encode(plan)) == plan)
    }

    @Test("Period override, policy maximum, disabled and suppressed keys")
    func planOptions() async throws {
        let kms = SampleAccount.demo()
        let strict = try await Self.audit(kms, policy: RotationPolicy(maximumRotationPeriodDays: 180, evaluateDisabledKeys: true))
        let plan = RemediationPlan(report: strict)
        // 730- and 365-day keys now fail too, and get the policy's 180 days.
        #expect(plan.actions.contains { $0.reason == .rotationPeriodTooLong && $0.rotationPeriodInDays == 180 })
        #expect(plan.actions.filter { $0.reason == .rotationDisabled }.allSatisfy { $0.rotationPeriodInDays == 180 })
        #expect(plan.skipped.contains { $0.why.contains("disabled") }, "a disabled key is never changed behind a person's back")
        #expect(RemediationPlan(report: strict, rotationPeriodInDays: 90).actions.allSatisfy { $0.rotationPeriodInDays == 90 })

        let report = try await Self.audit(kms)
        let legacy = try #require(report.findings.first { $0.aliases == ["alias/legacy-app"] })
        let suppressed = try SuppressionList(suppressions: [Suppression(keyArn: legacy.keyArn, justification: "retiring")]).apply(
            to: report, now: SampleAccount.referenceDate
        ).report
        let suppressedPlan = RemediationPlan(report: suppressed)
        #expect(!suppressedPlan.actions.contains { $0.keyArn == legacy.keyArn })
        #expect(suppressedPlan.skipped.map(\.why) == ["suppressed: retiring"])
    }

    @Test("Applying the plan fixes every key, replicas included, and a re-audit agrees")
    func apply() async throws {
        let kms = SampleAccount.demo()
        let plan = RemediationPlan(report: try await Self.audit(kms))
        let results = try await RemediationExecutor(clientFactory: Self.factory(kms)).apply(plan)
        #expect(results.map(\.outcome) == [.applied, .applied, .applied])
        #expect(results.allSatisfy { $0.after?.enabled == true })
        #expect(kms.callCount("EnableKeyRotation") == 3)
        let after = try await Self.audit(kms)
        #expect(after.summary.nonCompliant == 0)
        #expect(
            after.findings.filter { $0.aliases == ["alias/global-orders"] && $0.key.keyState == .enabled }.allSatisfy {
                $0.compliance == .compliant
            })
    }

    @Test("A refused change is reported, the others go on")
    func failures() async throws {
        let kms = SampleAccount.demo()
        let plan = RemediationPlan(report: try await Self.audit(kms))
        let legacy = try #require(plan.actions.first { $0.region == "us-east-1" && !$0.keyArn.contains("mrk-") })
        kms.denyOperation("EnableKeyRotation", keyId: String(legacy.keyArn.split(separator: "/").last!))
        let results = try await RemediationExecutor(concurrency: 1, clientFactory: Self.factory(kms)).apply(plan)
        let denied = try #require(results.first { $0.action == legacy })
        #expect(denied.outcome == .failed)
        #expect(denied.error?.reason == .accessDenied)
        #expect(results.filter { $0.outcome == .applied }.count == 2)
    }

    @Test("A replica's action sent to the replica itself would be refused: the plan never does that")
    func replicaRefusal() async throws {
        let kms = SampleAccount.demo()
        let report = try await Self.audit(kms)
        let replica = try #require(report.findings.first { $0.key.multiRegionKeyType == .replica && $0.compliance == .nonCompliant })
        let client = try await Self.factory(kms)("eu-west-1")
        await #expect(throws: AWSServiceError.self) { try await client.enableKeyRotation(keyId: replica.keyArn!) }
        #expect(!RemediationPlan(report: report).actions.contains { $0.keyArn == replica.keyArn })
    }
}
