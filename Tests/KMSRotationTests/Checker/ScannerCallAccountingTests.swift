import Foundation
import Testing
import KMSRotation
import KMSRotationTesting

extension ScannerTests {
    @Suite("Scanner: call accounting")
    struct ScannerCallAccountingTests {
        @Test(
            "DescribeKey once per key; GetKeyRotationStatus exactly where the policy needs it; one listing walk per Region",
            arguments: policyCases)
        func callsPerKey(_ policyCase: PolicyCase) async throws {
            let kms = decisionTableAccount()
            let report = try await makeScanner(kms, regions: decisionTableRegions, policy: policyCase.policy).report()
            let log = kms.callLog  // before any direct call below adds to it
            func count(_ operation: String, keyId: String, region: String) -> Int {
                log.count { $0.operation == operation && $0.keyId == keyId && $0.region == region }
            }
            func count(_ operation: String, region: String) -> Int {
                log.count { $0.operation == operation && $0.region == region }
            }
            #expect(Set(log.map(\.operation)) == ["ListKeys", "ListAliases", "DescribeKey", "GetKeyRotationStatus"])
            #expect(log.allSatisfy { $0.status == 200 }, "no call of a clean scan fails (acm's denial is never provoked)")

            var statusCalls = 0
            for region in decisionTableRegions {
                let client = try directClient(kms, region: region)
                #expect(count("ListKeys", region: region) == 1)
                #expect(count("ListAliases", region: region) == 1)  // < 100 aliases per Region
                #expect(count("DescribeKey", region: region) == kms.keyIds(region: region).count)
                for keyId in kms.keyIds(region: region) {
                    let key = try await client.describeKey(keyId: kms.keyArn(keyId, region: region))
                    #expect(count("DescribeKey", keyId: keyId, region: region) == 1, "\(region) \(keyId)")
                    let needed = policyCase.policy.needsRotationStatus(for: key)
                    let kind = [key.keyManager?.rawValue, key.effectiveKeySpec?.rawValue, key.origin?.rawValue, key.keyState?.rawValue]
                    #expect(
                        count("GetKeyRotationStatus", keyId: keyId, region: region) == (needed ? 1 : 0),
                        "\(region) \(kind.map { $0 ?? "-" }.joined(separator: " "))")
                    if needed { statusCalls += 1 }
                }
            }
            // us-east-1: orders, payments, archive, legacy-app, retired-batch, paused-reports, global-orders, unnamed;
            // eu-west-1: global-orders replica, eu-customers, eu-analytics; ap-southeast-2: sunset-global replica,
            // au-billing; us-west-2: slow-rotation. Disabled keys are asked under every policy (evidence kept).
            #expect(statusCalls == 14)
            #expect(log.count { $0.operation == "GetKeyRotationStatus" } == 14)
            #expect(log.count { $0.operation == "DescribeKey" } == 37)

            // Never for AWS managed keys: aws/acm denies it and is still NOT_APPLICABLE awsManagedKey.
            let acm = try #require(finding("alias/aws/acm", in: report.findings))
            #expect(acm.compliance == .notApplicable)
            #expect(acm.reason == .awsManagedKey)
            #expect(acm.error == nil)
            #expect(count("GetKeyRotationStatus", keyId: acm.keyId, region: "us-east-1") == 0)
            // Nor for the kinds that cannot rotate, nor for keys being deleted.
            for alias in [
                "alias/aws/s3", "alias/code-signing", "alias/device-auth", "alias/pq-signing", "alias/webhook-mac", "alias/byok-ledger",
                "alias/byok-pending", "alias/hsm-vault", "alias/xks-partner", "alias/xks-offline", "alias/old-exports",
                "alias/quantum-ready",
            ] {
                let keyId = try #require(finding(alias, in: report.findings)?.keyId, "\(alias)")
                #expect(count("GetKeyRotationStatus", keyId: keyId, region: "us-east-1") == 0, "\(alias)")
            }
        }

        @Test("2,345 keys in one Region: 3 ListKeys at the default page size, 24 ListAliases, one DescribeKey each")
        func largeRegionDefaultPageSize() async throws {
            let kms = SampleAccount.large(keysPerRegion: 2_345, regions: ["us-east-1"])
            let report = try await makeScanner(kms, regions: ["us-east-1"]).report()
            #expect(report.findings.count == 2_345)
            #expect(Set(report.findings.compactMap(\.keyArn)) == allArns(kms, regions: ["us-east-1"]))
            #expect(report.errors.isEmpty)
            #expect(kms.callCount("ListKeys", region: "us-east-1") == 3)  // ceil(2345 / 1000)
            #expect(kms.callCount("DescribeKey", region: "us-east-1") == 2_345)
            // Patterns 0–6 and 9 (rotatable, or disabled) are asked; 7 (AWS managed) and 8 (RSA) are not.
            #expect(kms.callCount("GetKeyRotationStatus", region: "us-east-1") == 1_877)
            // 2,111 alias/key-n + 234 alias/aws/service-n + 13 predefined alias/aws/* = 2,358 → ceil(2358 / 100) = 24.
            #expect(kms.callCount("ListAliases", region: "us-east-1") == 24)
            let aliasCount = try await directClient(kms, region: "us-east-1").allAliases().collect().count
            #expect(aliasCount == 2_358)
            // Patterns 0–4 occur 235 times, 5–9 234 times: 0–5 rotate (COMPLIANT), 6 does not (NON_COMPLIANT),
            // 7 AWS managed, 8 RSA, 9 disabled (NOT_APPLICABLE).
            let compliant: Int = 5 * 235 + 234, notApplicable: Int = 3 * 234
            #expect(report.summary.compliant == compliant)
            #expect(report.summary.nonCompliant == 234)
            #expect(report.summary.notApplicable == notApplicable)
            #expect(report.summary.insufficientData == 0)
            // Every customer key carries its alias.
            #expect(
                report.findings.filter { $0.key.keyManager == .customer }.allSatisfy {
                    $0.aliases.count == 1 && $0.aliases[0].hasPrefix("alias/key-")
                })
        }

        @Test("With listKeysPageSize 100, 2,345 keys take 24 ListKeys calls and nothing else changes")
        func largeRegionSmallPages() async throws {
            let kms = SampleAccount.large(keysPerRegion: 2_345, regions: ["us-east-1"])
            let report = try await makeScanner(kms, regions: ["us-east-1"], listKeysPageSize: 100).report()
            #expect(report.findings.count == 2_345)
            #expect(kms.callCount("ListKeys", region: "us-east-1") == 24)  // ceil(2345 / 100)
            #expect(kms.callCount("DescribeKey", region: "us-east-1") == 2_345)
            #expect(kms.callCount("GetKeyRotationStatus", region: "us-east-1") == 1_877)
            #expect(kms.callCount("ListAliases", region: "us-east-1") == 24)
        }

        @Test("Several Regions: the counts add up Region by Region (101 keys, pages of 100)")
        func perRegion() async throws {
            let regions = ["us-east-1", "eu-west-1", "ap-southeast-2"]
            let kms = SampleAccount.large(keysPerRegion: 101, regions: regions)
            let report = try await makeScanner(kms, regions: regions, listKeysPageSize: 100).report()
            #expect(report.findings.count == 303)
            for region in regions {
                #expect(kms.callCount("ListKeys", region: region) == 2)  // ceil(101 / 100)
                #expect(kms.callCount("DescribeKey", region: region) == 101)
                // 101 keys: 10 of pattern 7 (AWS managed) and 10 of pattern 8 (RSA) are not asked.
                #expect(kms.callCount("GetKeyRotationStatus", region: region) == 81)
                // 91 alias/key-n + 10 alias/aws/service-n + 13 predefined = 114 → 2 pages.
                #expect(kms.callCount("ListAliases", region: region) == 2)
            }
        }
    }
}
