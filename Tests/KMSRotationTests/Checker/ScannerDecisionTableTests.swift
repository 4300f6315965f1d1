import Foundation
import Testing
import KMSRotation
import KMSRotationTesting

/// Kinds the demo account lacks, seeded in a fourth Region.
let extraRegion = "us-west-2"

/// The demo account plus, in us-west-2, the decision-table kinds it lacks: unknown manager, origin and
/// state, Updating, SM2, a disconnected CloudHSM key, and a 2560-day rotation period.
func decisionTableAccount() -> InMemoryKMS {
    let kms = SampleAccount.demo()
    kms.addKey(.init(keyManager: "AWS_OWNED", aliases: ["alias/future-manager"]), region: extraRegion)
    kms.addKey(.init(origin: "QUANTUM_VAULT", aliases: ["alias/future-origin"]), region: extraRegion)
    kms.addKey(.init(keyState: "Archived", aliases: ["alias/future-state"]), region: extraRegion)
    kms.addKey(.init(keyState: .updating, aliases: ["alias/updating"]), region: extraRegion)
    kms.addKey(.init(keySpec: .sm2, keyUsage: .signVerify, aliases: ["alias/sm2"]), region: extraRegion)
    kms.addKey(.init(origin: .awsCloudHSM, keyState: .unavailable, aliases: ["alias/hsm-offline"]), region: extraRegion)
    kms.addKey(.init(rotationEnabled: true, rotationPeriodInDays: 2560, aliases: ["alias/slow-rotation"]), region: extraRegion)
    return kms
}

let decisionTableRegions = SampleAccount.enabledRegions + [extraRegion]

/// The expected verdict of every key under `.cis`, by Region and alias (Docs/decision-table.md rows).
let cisVerdicts: [String: [String: String]] = [
    "us-east-1": [
        "alias/orders": "COMPLIANT rotationEnabled",  // row 21
        "alias/payments": "COMPLIANT rotationEnabled",  // row 21
        "alias/archive": "COMPLIANT rotationEnabled",  // row 21 (CIS: any period)
        "alias/legacy-app": "NON_COMPLIANT rotationDisabled",  // row 19
        "alias/retired-batch": "NOT_APPLICABLE keyDisabled",  // row 16
        "alias/paused-reports": "NOT_APPLICABLE keyDisabled",  // row 16
        "alias/old-exports": "NOT_APPLICABLE pendingDeletion",  // row 3
        "alias/aws/s3": "NOT_APPLICABLE awsManagedKey",  // row 1
        "alias/aws/acm": "NOT_APPLICABLE awsManagedKey",  // row 1 (denies GetKeyRotationStatus)
        "alias/code-signing": "NOT_APPLICABLE asymmetricKey",  // row 8
        "alias/device-auth": "NOT_APPLICABLE asymmetricKey",  // row 8
        "alias/pq-signing": "NOT_APPLICABLE asymmetricKey",  // row 8
        "alias/webhook-mac": "NOT_APPLICABLE hmacKey",  // row 7
        "alias/byok-ledger": "NOT_APPLICABLE importedKeyMaterial",  // row 11
        "alias/byok-pending": "NOT_APPLICABLE pendingImport",  // row 5
        "alias/hsm-vault": "NOT_APPLICABLE customKeyStore",  // row 12
        "alias/xks-partner": "NOT_APPLICABLE customKeyStore",  // row 12
        "alias/xks-offline": "NOT_APPLICABLE keyUnavailable",  // row 6 (states before kinds)
        "alias/global-orders": "NON_COMPLIANT rotationDisabled",  // rows 19, 22 (primary)
        "alias/quantum-ready": "NOT_APPLICABLE unsupportedKeySpec",  // row 9
        "(none)": "COMPLIANT rotationEnabled",  // row 21, no alias
    ],
    "eu-west-1": [
        "alias/global-orders": "NON_COMPLIANT rotationDisabled",  // row 22 (replica, fix on primary)
        "alias/eu-customers": "COMPLIANT rotationEnabled",
        "alias/eu-analytics": "NON_COMPLIANT rotationDisabled",
        "alias/aws/ebs": "NOT_APPLICABLE awsManagedKey",
        "alias/sunset-global": "NOT_APPLICABLE pendingReplicaDeletion",  // row 4
    ],
    "ap-southeast-2": [
        "alias/sunset-global": "COMPLIANT rotationEnabled",  // row 22 (replica shares the primary's)
        "alias/global-orders": "INSUFFICIENT_DATA keyStateTransitional",  // row 14 (Creating)
        "alias/au-billing": "COMPLIANT rotationEnabled",
        "alias/aws/rds": "NOT_APPLICABLE awsManagedKey",
    ],
    extraRegion: [
        "alias/future-manager": "INSUFFICIENT_DATA unrecognizedKeyMetadata",  // row 2
        "alias/future-origin": "INSUFFICIENT_DATA unrecognizedKeyMetadata",  // row 13
        "alias/future-state": "INSUFFICIENT_DATA unrecognizedKeyMetadata",  // row 15
        "alias/updating": "INSUFFICIENT_DATA keyStateTransitional",  // row 14
        "alias/sm2": "NOT_APPLICABLE asymmetricKey",  // row 8
        "alias/hsm-offline": "NOT_APPLICABLE keyUnavailable",  // row 6
        "alias/slow-rotation": "COMPLIANT rotationEnabled",  // row 21
    ],
]

/// A policy and how its verdicts differ from `.cis`.
struct PolicyCase: CustomTestStringConvertible, Sendable {
    let name: String
    let policy: RotationPolicy
    let changes: [String: [String: String]]
    let outcome: RotationReport.Outcome
    var testDescription: String { name }

    var verdicts: [String: [String: String]] {
        cisVerdicts.merging(changes) { base, change in base.merging(change) { $1 } }
    }
}

let policyCases = [
    PolicyCase(name: "CIS", policy: .cis, changes: [:], outcome: .nonCompliant),
    PolicyCase(
        name: "maximum period 365 days (row 20)", policy: RotationPolicy(maximumRotationPeriodDays: 365),
        changes: [
            "us-east-1": ["alias/archive": "NON_COMPLIANT rotationPeriodTooLong"],
            extraRegion: ["alias/slow-rotation": "NON_COMPLIANT rotationPeriodTooLong"],
        ], outcome: .nonCompliant),
    PolicyCase(
        name: "disabled keys evaluated (row 17)", policy: RotationPolicy(evaluateDisabledKeys: true),
        changes: [
            "us-east-1": ["alias/retired-batch": "NON_COMPLIANT rotationDisabled", "alias/paused-reports": "COMPLIANT rotationEnabled"]
        ], outcome: .nonCompliant),
]

extension ScannerTests {
    @Suite("Scanner: decision table end to end")
    struct ScannerDecisionTableTests {
        @Test("Every key's finding is RotationPolicy.evaluate of its own metadata, and the table's verdict", arguments: policyCases)
        func wholeTable(_ policyCase: PolicyCase) async throws {
            let kms = decisionTableAccount()
            let report = try await makeScanner(kms, regions: decisionTableRegions, policy: policyCase.policy).report()

            // Exactly one finding per key, nothing else.
            #expect(report.findings.count == 37)
            #expect(report.errors.isEmpty)
            let found = byArn(report.findings)
            #expect(Set(found.keys) == allArns(kms, regions: decisionTableRegions))

            // The table's verdicts, Region by Region.
            for region in decisionTableRegions {
                #expect(verdicts(report.findings, region: region) == policyCase.verdicts[region], "\(region)")
            }

            // Each finding equals the pure policy applied to what DescribeKey / GetKeyRotationStatus / ListAliases say.
            let expected = try await expectedFindings(kms, regions: decisionTableRegions, policy: policyCase.policy)
            #expect(expected.count == 37)
            for (arn, finding) in found {
                #expect(finding == expected[arn], "\(arn)")
            }

            // Sorted by Region, then ARN.
            let order = report.findings.map { [$0.region ?? "", $0.keyArn ?? ""] }
            #expect(order == order.sorted { $0.lexicographicallyPrecedes($1) })
            #expect(report.findings.map(\.region) == report.findings.map(\.region).sorted { ($0 ?? "") < ($1 ?? "") })
            #expect(report.regions == decisionTableRegions.sorted())
            #expect(report.policy == policyCase.policy)
            #expect(report.outcome == policyCase.outcome)
        }

        @Test("The CIS summary counts every verdict of the demo account plus the extra kinds")
        func summary() async throws {
            let report = try await makeScanner(decisionTableAccount(), regions: decisionTableRegions).report()
            #expect(report.summary.compliant == 8)
            #expect(report.summary.nonCompliant == 4)
            #expect(report.summary.notApplicable == 20)
            #expect(report.summary.insufficientData == 5)
        }

        @Test("A replica's remediation targets its primary; a primary's targets itself")
        func multiRegionRemediation() async throws {
            let kms = SampleAccount.demo()
            let report = try await makeScanner(kms, regions: SampleAccount.enabledRegions).report()
            let primaryId = try #require(kms.keyIds(region: "us-east-1").first { $0.hasPrefix("mrk-") })
            let primaryArn = kms.keyArn(primaryId, region: "us-east-1")

            let replica = try #require(finding("alias/global-orders", region: "eu-west-1", in: report.findings))
            #expect(replica.keyArn == kms.keyArn(primaryId, region: "eu-west-1"))
            #expect(replica.key.multiRegionKeyType == .replica)
            #expect(replica.key.primaryKeyArn == primaryArn)
            #expect(replica.remediation?.keyArn == primaryArn)
            #expect(replica.remediation?.region == "us-east-1")

            let primary = try #require(finding("alias/global-orders", region: "us-east-1", in: report.findings))
            #expect(primary.remediation?.keyArn == primaryArn)
            #expect(primary.remediation?.region == "us-east-1")
        }
    }
}
