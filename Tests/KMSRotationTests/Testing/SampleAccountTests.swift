import Foundation
import Testing
import KMSRotationTesting

@Suite("SampleAccount")
struct SampleAccountTests {
    /// DescribeKey of every key in every enabled Region of the demo account.
    private func describeAll(_ kms: InMemoryKMS) async throws -> [[String: Any]] {
        var all: [[String: Any]] = []
        for region in SampleAccount.enabledRegions {
            let client = KMSWireClient(kms, region: region)
            let keys = try await client.pages("ListKeys", member: "Keys", limit: 7).flatMap { $0 }
            for key in keys {
                let reply = try await client.call("DescribeKey", ["KeyId": try #require(key["KeyArn"] as? String)])
                #expect(reply.status == 200)
                all.append(reply.keyMetadata)
            }
        }
        return all
    }

    @Test func demoHasEveryKindOfKey() async throws {
        let kms = SampleAccount.demo()
        #expect(kms.keyIds(region: "us-east-1").count == 21)
        #expect(kms.keyIds(region: "eu-west-1").count == 5)
        #expect(kms.keyIds(region: "ap-southeast-2").count == 4)
        let all = try await describeAll(kms)
        func values(_ member: String) -> Set<String> { Set(all.compactMap { $0[member] as? String }) }
        #expect(values("KeySpec") == ["SYMMETRIC_DEFAULT", "RSA_2048", "ECC_NIST_P256", "ML_DSA_65", "HMAC_256", "FUTURE_SPEC_2027"])
        #expect(values("Origin") == ["AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"])
        #expect(values("KeyManager") == ["AWS", "CUSTOMER"])
        #expect(
            values("KeyState") == [
                "Enabled", "Disabled", "PendingDeletion", "PendingImport", "PendingReplicaDeletion", "Unavailable", "Creating",
            ])
        let types = Set(all.compactMap { ($0["MultiRegionConfiguration"] as? [String: Any])?["MultiRegionKeyType"] as? String })
        #expect(types == ["PRIMARY", "REPLICA"])
        #expect(all.allSatisfy { ($0["Description"] as? String)?.isEmpty == false })
        #expect(all.allSatisfy { $0["AWSAccountId"] as? String == "111122223333" })
    }

    @Test func demoRotationAnswers() async throws {
        let kms = SampleAccount.demo()
        let east = KMSWireClient(kms)
        func status(_ alias: String, region: String = "us-east-1") async throws -> KMSWireClient.Reply {
            let client = KMSWireClient(kms, region: region)
            let keyId = try #require(try await client.call("DescribeKey", ["KeyId": alias]).keyMetadata["KeyId"] as? String)
            return try await client.call("GetKeyRotationStatus", ["KeyId": keyId])
        }
        #expect(try await status("alias/orders").int("RotationPeriodInDays") == 365)
        #expect(try await status("alias/payments").int("RotationPeriodInDays") == 90)
        #expect(try await status("alias/archive").int("RotationPeriodInDays") == 730)
        #expect(try await status("alias/legacy-app").bool("KeyRotationEnabled") == false)
        #expect(try await status("alias/retired-batch").bool("KeyRotationEnabled") == false)
        #expect(try await status("alias/paused-reports").bool("KeyRotationEnabled") == true)
        #expect(try await status("alias/old-exports").bool("KeyRotationEnabled") == false)
        #expect(try await status("alias/aws/s3").bool("KeyRotationEnabled") == true)
        #expect(try await status("alias/aws/acm").errorType == "AccessDeniedException")
        for alias in [
            "alias/code-signing", "alias/device-auth", "alias/pq-signing", "alias/webhook-mac", "alias/byok-ledger", "alias/byok-pending",
            "alias/hsm-vault", "alias/xks-partner", "alias/xks-offline", "alias/quantum-ready",
        ] {
            #expect(try await status(alias).errorType == "UnsupportedOperationException", "\(alias)")
        }
        #expect(try await status("alias/global-orders").bool("KeyRotationEnabled") == false)
        #expect(try await status("alias/global-orders", region: "eu-west-1").bool("KeyRotationEnabled") == false)
        #expect(try await status("alias/global-orders", region: "ap-southeast-2").errorType == "KMSInvalidStateException")
        #expect(try await status("alias/sunset-global", region: "eu-west-1").bool("KeyRotationEnabled") == false)
        #expect(try await status("alias/sunset-global", region: "ap-southeast-2").bool("KeyRotationEnabled") == true)
        #expect(try await status("alias/au-billing", region: "ap-southeast-2").int("RotationPeriodInDays") == 180)
        // The yearly key created 400 days ago has rotated once.
        let orders = try #require(try await east.call("DescribeKey", ["KeyId": "alias/orders"]).keyMetadata["KeyId"] as? String)
        #expect(try await east.call("ListKeyRotations", ["KeyId": orders]).list("Rotations").count == 1)
        // Fixing the global key on its primary fixes its replica.
        let global = try #require(try await east.call("DescribeKey", ["KeyId": "alias/global-orders"]).keyMetadata["KeyId"] as? String)
        #expect(try await east.call("EnableKeyRotation", ["KeyId": global]).status == 200)
        #expect(try await status("alias/global-orders", region: "eu-west-1").bool("KeyRotationEnabled") == true)
    }

    @Test func demoRegionNotEnabled() async throws {
        let kms = SampleAccount.demo()
        #expect(!kms.isRegionEnabled(SampleAccount.notEnabledRegion))
        let reply = try await KMSWireClient(kms, region: "ap-east-1").call("ListKeys")
        #expect(reply.errorType == "UnrecognizedClientException")
        #expect(SampleAccount.enabledRegions.allSatisfy(kms.isRegionEnabled))
    }

    @Test func demoIsDeterministic() async throws {
        let first = SampleAccount.demo()
        let second = SampleAccount.demo()
        for region in SampleAccount.enabledRegions {
            #expect(first.keyIds(region: region) == second.keyIds(region: region))
        }
        let a = try await describeAll(first).map { try JSONSerialization.data(withJSONObject: $0, options: .sortedKeys) }
        let b = try await describeAll(second).map { try JSONSerialization.data(withJSONObject: $0, options: .sortedKeys) }
        #expect(a == b)
        #expect(first.now == SampleAccount.referenceDate)
    }

    @Test func largeAccount() async throws {
        let kms = SampleAccount.large(keysPerRegion: 250, regions: ["us-east-1", "us-west-2"])
        #expect(kms.regionsWithKeys == ["us-east-1", "us-west-2"])
        let client = KMSWireClient(kms, region: "us-west-2")
        let keys = try await client.pages("ListKeys", member: "Keys", limit: 100).flatMap { $0 }
        #expect(keys.count == 250)
        let aliases = try await client.pages("ListAliases", member: "Aliases", limit: 100).flatMap { $0 }
        #expect(aliases.filter { $0["TargetKeyId"] != nil }.count == 250)
        var enabled = 0
        for key in keys.prefix(20) {
            let reply = try await client.call("GetKeyRotationStatus", ["KeyId": try #require(key["KeyId"] as? String)])
            if reply.bool("KeyRotationEnabled") == true { enabled += 1 }
        }
        // Per ten keys: six customer keys on, one AWS managed (always on).
        #expect(enabled == 14)
        #expect(SampleAccount.large(keysPerRegion: 0).keyIds(region: "us-east-1").isEmpty)
    }
}
