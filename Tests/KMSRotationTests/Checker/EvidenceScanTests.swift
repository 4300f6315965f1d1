import Foundation
import Testing
@testable import KMSRotation
import KMSRotationTesting

/// `--evidence rotations` and the maximum key-material age, end to end over the in-memory KMS.
extension ScannerTests {
    @Suite("Scanner: rotation evidence")
    struct EvidenceScanTests {
        static func scan(
            _ kms: InMemoryKMS, policy: RotationPolicy = .cis, evidence: RotationChecker.EvidenceKinds = .rotations
        ) async throws -> [RotationFinding] {
            var options = RotationChecker.ScanOptions(
                regions: ["us-east-1"], policy: PolicyResolver(policy), now: { SampleAccount.referenceDate })
            options.evidence = evidence
            return try await RotationChecker(options: options) { region in try directClient(kms, region: region) }.report().findings
        }

        static func days(_ count: Double) -> Date { SampleAccount.referenceDate.addingTimeInterval(-count * 86_400) }

        @Test("A refused ListKeyRotations downgrades that key's evidence alone; the verdict changes only where the age decides")
        func refusedHistory() async throws {
            let kms = InMemoryKMS(accountId: "111122223333", clock: { SampleAccount.referenceDate })
            kms.addKey(
                .init(
                    rotationEnabled: true, aliases: ["alias/on-denied"], creationDate: Self.days(100),
                    deniedOperations: ["ListKeyRotations"]),
                region: "us-east-1")
            kms.addKey(
                .init(aliases: ["alias/off-denied"], creationDate: Self.days(900), deniedOperations: ["ListKeyRotations"]),
                region: "us-east-1")
            kms.addKey(.init(rotationEnabled: true, aliases: ["alias/fine"], creationDate: Self.days(100)), region: "us-east-1")
            let cis = Dictionary(uniqueKeysWithValues: try await Self.scan(kms).map { ($0.aliases[0], $0) })
            #expect(cis["alias/on-denied"]?.reason == .rotationEnabled)
            #expect(cis["alias/on-denied"]?.evidence?.historyError?.code == "AccessDeniedException")
            #expect(cis["alias/on-denied"]?.evidence?.keyMaterialAgeDays == nil)
            #expect(cis["alias/on-denied"]?.error == nil)
            #expect(cis["alias/fine"]?.evidence?.historyError == nil && cis["alias/fine"]?.evidence?.keyMaterialAgeDays == 100)

            let strict = Dictionary(
                uniqueKeysWithValues: try await Self.scan(kms, policy: RotationPolicy(maximumKeyMaterialAgeDays: 365), evidence: [])
                    .map { ($0.aliases[0], $0) })
            #expect(strict["alias/on-denied"]?.reason == .accessDenied)
            #expect(strict["alias/on-denied"]?.error?.operation == "ListKeyRotations")
            #expect(strict["alias/off-denied"]?.reason == .rotationDisabled, "NON_COMPLIANT whatever the age")
            #expect(strict["alias/off-denied"]?.evidence?.historyError != nil)
            #expect(strict["alias/fine"]?.reason == .rotationEnabled)
        }

        @Test("--evidence last-use: when each key was last used; advice for long-unused non-compliant keys; verdicts unchanged")
        func lastUse() async throws {
            let kms = InMemoryKMS(accountId: "111122223333", clock: { SampleAccount.referenceDate })
            kms.addKey(.init(aliases: ["alias/unused"], creationDate: Self.days(400)), region: "us-east-1")
            kms.addKey(.init(aliases: ["alias/busy"], creationDate: Self.days(400), lastUsedDate: Self.days(1)), region: "us-east-1")
            kms.addKey(
                .init(aliases: ["alias/denied"], creationDate: Self.days(400), deniedOperations: ["GetKeyLastUsage"]), region: "us-east-1")
            kms.addKey(.init(rotationEnabled: true, aliases: ["alias/fine"], creationDate: Self.days(400)), region: "us-east-1")
            var options = RotationChecker.ScanOptions(regions: ["us-east-1"], now: { SampleAccount.referenceDate })
            options.evidence = .lastUse
            options.lastUsageRequestsPerSecond = 1000
            let findings = try await RotationChecker(options: options) { region in try directClient(kms, region: region) }.report().findings
            let byAlias = Dictionary(uniqueKeysWithValues: findings.map { ($0.aliases[0], $0) })
            #expect(byAlias["alias/unused"]?.reason == .rotationDisabled)
            #expect(byAlias["alias/unused"]?.evidence?.daysSinceLastUse == 400)
            #expect(byAlias["alias/unused"]?.evidence?.rotationCount == nil, "last-use alone reads no history")
            #expect(byAlias["alias/unused"]?.message.contains("scheduling its deletion may serve better") == true)
            #expect(byAlias["alias/busy"]?.evidence?.daysSinceLastUse == 1)
            #expect(byAlias["alias/busy"]?.message.contains("deletion") == false)
            #expect(byAlias["alias/denied"]?.reason == .rotationDisabled)
            #expect(byAlias["alias/denied"]?.evidence?.lastUsageError?.code == "AccessDeniedException")
            #expect(byAlias["alias/fine"]?.reason == .rotationEnabled)
            #expect(byAlias["alias/fine"]?.message.contains("deletion") == false, "advice only for non-compliant keys")
        }

        @Test("GetKeyLastUsage's pacing spaces calls one interval apart, with no burst (a fake clock; nothing is timed)")
        func pacer() async throws {
            let clock = LockedValue<Double>(0)
            let pacer = AdaptiveRateLimiter(
                configuration: .init(maximumRequestsPerSecond: 5, adaptive: false), clock: { clock.current },
                sleeper: { seconds in clock.withLock { $0 += seconds } })
            var starts: [Double] = []
            for _ in 0..<6 {
                try await pacer.acquire()
                starts.append(clock.current)
            }
            // The first call goes at once; each next one 1.05 / 5 s later: 5% above the exact spacing, so the
            // server never counts 6 arrivals in one second.
            for (index, start) in starts.enumerated() { #expect(abs(start - 0.21 * Double(index)) < 1e-9, "\(starts)") }
        }

        @Test("Without evidence or an age policy, no ListKeyRotations call and no evidence member")
        func notRequested() async throws {
            let kms = InMemoryKMS(accountId: "111122223333", clock: { SampleAccount.referenceDate })
            kms.addKey(
                .init(rotationEnabled: true, aliases: ["alias/a"], creationDate: Self.days(10), deniedOperations: ["ListKeyRotations"]),
                region: "us-east-1")
            let findings = try await Self.scan(kms, evidence: [])
            #expect(findings.allSatisfy { $0.evidence == nil })
            #expect(findings.first?.reason == .rotationEnabled)
        }

        @Test("Rotation histories: automatic, on demand, and an on-demand rotation in progress")
        func histories() async throws {
            var clock = SampleAccount.referenceDate
            let now = LockedValue(clock)
            let kms = InMemoryKMS(accountId: "111122223333", clock: { now.current })
            kms.options.onDemandRotationDuration = 3600
            let id = kms.addKey(
                .init(
                    rotationEnabled: true, rotationPeriodInDays: 90, aliases: ["alias/a"], creationDate: Self.days(200),
                    rotationHistory: [.init(date: Self.days(150), type: .onDemand)]), region: "us-east-1")
            let client = try directClient(kms, region: "us-east-1")
            try await client.rotateKeyOnDemand(keyId: id)
            var options = RotationChecker.ScanOptions(regions: ["us-east-1"], now: { now.current })
            options.evidence = .rotations
            let scanner = RotationChecker(options: options) { region in try directClient(kms, region: region) }
            let during = try #require(try await scanner.report().findings.first)
            #expect(during.rotation?.onDemandRotationStartDate == clock)
            #expect(during.evidence?.rotationCount == 3)  // one on demand, two automatic (day 110 and day 20)
            #expect(during.evidence?.lastRotationType == .automatic)
            clock = clock.addingTimeInterval(7200)
            now.withLock { $0 = clock }
            let after = try #require(try await scanner.report().findings.first)
            #expect(after.rotation?.onDemandRotationStartDate == nil)
            #expect(after.evidence?.rotationCount == 4)
            #expect(after.evidence?.lastRotationType == .onDemand)
            #expect(after.evidence?.keyMaterialAgeDays == 0)
        }

        @Test("remediate --rotate-now: one RotateKeyOnDemand per stalled key, verified; LimitExceeded is a result, never retried")
        func rotateNow() async throws {
            let kms = InMemoryKMS(accountId: "111122223333", clock: { SampleAccount.referenceDate })
            kms.addKey(
                .init(
                    rotationEnabled: true, aliases: ["alias/stalled"], creationDate: Self.days(800), rotationScheduleStart: Self.days(30)),
                region: "us-east-1")
            kms.addKey(.init(aliases: ["alias/never"], creationDate: Self.days(900)), region: "us-east-1")
            let policy = RotationPolicy(maximumKeyMaterialAgeDays: 365)
            let findings = try await Self.scan(kms, policy: policy, evidence: [])
            let report = RotationReport(findings: findings, policy: policy, generatedAt: SampleAccount.referenceDate)
            let plan = OnDemandRotationPlan(report: report)
            #expect(plan.actions.count == 1)
            #expect(plan.skipped.map(\.why).first?.contains("rotation is off") == true)
            let rotator = OnDemandRotator(now: { SampleAccount.referenceDate }) { region in try directClient(kms, region: region) }
            let results = try await rotator.apply(plan)
            #expect(results.map(\.outcome) == [.applied])
            let again = try await Self.scan(kms, policy: policy, evidence: [])
            #expect(again.first { $0.aliases == ["alias/stalled"] }?.reason == .rotationEnabled)

            kms.options.onDemandRotationLimit = 1
            let refused = try await rotator.apply(plan)
            #expect(refused.map(\.outcome) == [.failed])
            #expect(refused.first?.error?.code == "LimitExceededException")
        }
    }
}
