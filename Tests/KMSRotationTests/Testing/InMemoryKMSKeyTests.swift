import Foundation
import Testing
import KMSRotationTesting

@Suite("InMemoryKMS keys, aliases, tags and lifecycle")
struct InMemoryKMSKeyTests {
    @Test func listKeysPagesWithLimitOneOverThreeKeys() async throws {
        let kms = InMemoryKMS()
        let ids = (0..<3).map { _ in kms.addKey(.init(), region: "us-east-1") }
        kms.addKey(.init(), region: "eu-west-1")
        let client = KMSWireClient(kms)
        let first = try await client.call("ListKeys", ["Limit": 1])
        #expect(first.bool("Truncated") == true)
        #expect(first.string("NextMarker") != nil)
        #expect(first.list("Keys").count == 1)
        #expect(first.list("Keys")[0]["KeyArn"] as? String == kms.keyArn(ids[0], region: "us-east-1"))
        let pages = try await client.pages("ListKeys", member: "Keys", limit: 1)
        #expect(pages.count == 3)
        #expect(pages.flatMap { $0 }.compactMap { $0["KeyId"] as? String } == ids)
        let last = try await client.call(
            "ListKeys", ["Limit": 1, "Marker": try #require(try await client.call("ListKeys", ["Limit": 2]).string("NextMarker"))])
        #expect(last.bool("Truncated") == false)
        #expect(last.string("NextMarker") == nil)
        #expect(last["NextMarker"] == nil)
    }

    @Test func listKeysDefaultLimitIs100() async throws {
        let kms = InMemoryKMS()
        for _ in 0..<150 { kms.addKey(.init(), region: "us-east-1") }
        let reply = try await KMSWireClient(kms).call("ListKeys")
        #expect(reply.list("Keys").count == 100)
        #expect(reply.bool("Truncated") == true)
        #expect(try await KMSWireClient(kms).pages("ListKeys", member: "Keys", limit: 1000).flatMap { $0 }.count == 150)
    }

    @Test(arguments: [0, 1001, -5])
    func listKeysLimitOutOfRange(limit: Int) async throws {
        let reply = try await KMSWireClient(InMemoryKMS()).call("ListKeys", ["Limit": limit])
        #expect(reply.status == 400)
        #expect(reply.errorType == "ValidationException")
        #expect(reply.message?.contains("at 'limit' failed to satisfy constraint") == true)
    }

    @Test func invalidMarkers() async throws {
        let kms = InMemoryKMS()
        for _ in 0..<3 { kms.addKey(.init(), region: "us-east-1") }
        for _ in 0..<3 { kms.addKey(.init(), region: "eu-west-1") }
        let client = KMSWireClient(kms)
        #expect(try await client.call("ListKeys", ["Marker": "garbage!"]).errorType == "InvalidMarkerException")
        let eastMarker = try #require(try await client.call("ListKeys", ["Limit": 1]).string("NextMarker"))
        // A marker from another Region, and from another operation.
        #expect(try await client.call("ListKeys", ["Marker": eastMarker], region: "eu-west-1").errorType == "InvalidMarkerException")
        #expect(try await client.call("ListAliases", ["Marker": eastMarker]).errorType == "InvalidMarkerException")
        #expect(try await client.call("ListKeys", ["Marker": ""]).errorType == "ValidationException")
    }

    @Test func describeKeyByIdArnAliasAndAliasArn() async throws {
        let kms = InMemoryKMS()
        let id = kms.addKey(.init(description: "orders", aliases: ["orders"]), region: "us-east-1")
        let client = KMSWireClient(kms)
        for reference in [id, kms.keyArn(id, region: "us-east-1"), "alias/orders", "arn:aws:kms:us-east-1:111122223333:alias/orders"] {
            let reply = try await client.call("DescribeKey", ["KeyId": reference])
            #expect(reply.status == 200)
            #expect(reply.keyMetadata["KeyId"] as? String == id)
        }
        #expect(try await client.call("DescribeKey", ["KeyId": "alias/other"]).errorType == "NotFoundException")
        #expect(try await client.call("DescribeKey", ["KeyId": "1234abcd-12ab-34cd-56ef-1234567890ab"]).errorType == "NotFoundException")
        #expect(try await client.call("DescribeKey").errorType == "ValidationException")
        #expect(try await client.call("DescribeKey", ["KeyId": ""]).errorType == "ValidationException")
    }

    @Test func symmetricKeyMetadataUsesModelMemberNames() async throws {
        let kms = InMemoryKMS(clock: { SampleAccount.referenceDate })
        let id = kms.addKey(.init(description: "d"), region: "eu-west-1")
        let metadata = try await KMSWireClient(kms, region: "eu-west-1").call("DescribeKey", ["KeyId": id]).keyMetadata
        #expect(
            Set(metadata.keys) == [
                "AWSAccountId", "KeyId", "Arn", "CreationDate", "Enabled", "Description", "KeyUsage", "KeyState", "Origin",
                "KeyManager", "CustomerMasterKeySpec", "KeySpec", "EncryptionAlgorithms", "MultiRegion", "CurrentKeyMaterialId",
            ])
        #expect(metadata["AWSAccountId"] as? String == "111122223333")
        #expect(metadata["Arn"] as? String == "arn:aws:kms:eu-west-1:111122223333:key/\(id)")
        #expect(metadata["Enabled"] as? Bool == true)
        #expect(metadata["KeyUsage"] as? String == "ENCRYPT_DECRYPT")
        #expect(metadata["KeyState"] as? String == "Enabled")
        #expect(metadata["Origin"] as? String == "AWS_KMS")
        #expect(metadata["KeyManager"] as? String == "CUSTOMER")
        #expect(metadata["KeySpec"] as? String == "SYMMETRIC_DEFAULT")
        #expect(metadata["CustomerMasterKeySpec"] as? String == "SYMMETRIC_DEFAULT")
        #expect(metadata["EncryptionAlgorithms"] as? [String] == ["SYMMETRIC_DEFAULT"])
        #expect(metadata["MultiRegion"] as? Bool == false)
        #expect((metadata["CurrentKeyMaterialId"] as? String)?.wholeMatch(of: /[0-9a-f]{64}/) != nil)
    }

    @Test func metadataOfEveryKind() async throws {
        let kms = InMemoryKMS()
        let r = "us-east-1"
        let client = KMSWireClient(kms)
        func describe(_ seed: InMemoryKMS.KeySeed) async throws -> [String: Any] {
            try await client.call("DescribeKey", ["KeyId": kms.addKey(seed, region: r)]).keyMetadata
        }
        let future = try await describe(.init(keySpec: "FUTURE_SPEC", keyUsage: "FUTURE_USAGE"))
        #expect(future["KeySpec"] as? String == "FUTURE_SPEC")
        #expect(future["KeyUsage"] as? String == "FUTURE_USAGE")
        #expect(future["CustomerMasterKeySpec"] == nil)
        #expect(future["CurrentKeyMaterialId"] == nil)
        let mlDSA = try await describe(.init(keySpec: .mlDSA65))
        #expect(mlDSA["CustomerMasterKeySpec"] == nil)
        #expect(mlDSA["KeyUsage"] as? String == "SIGN_VERIFY")
        #expect(mlDSA["SigningAlgorithms"] as? [String] == ["ML_DSA_SHAKE_256"])
        let rsa = try await describe(.init(keySpec: .rsa2048, keyUsage: .signVerify))
        #expect((rsa["SigningAlgorithms"] as? [String])?.count == 6)
        #expect(rsa["EncryptionAlgorithms"] == nil)
        let ecdh = try await describe(.init(keySpec: .eccNistP256, keyUsage: .keyAgreement))
        #expect(ecdh["KeyAgreementAlgorithms"] as? [String] == ["ECDH"])
        let hmac = try await describe(.init(keySpec: .hmac256))
        #expect(hmac["KeyUsage"] as? String == "GENERATE_VERIFY_MAC")
        #expect(hmac["MacAlgorithms"] as? [String] == ["HMAC_SHA_256"])
        let external = try await describe(.init(origin: .external))
        #expect(external["ExpirationModel"] as? String == "KEY_MATERIAL_DOES_NOT_EXPIRE")
        #expect(external["CurrentKeyMaterialId"] != nil)
        let pendingImport = try await describe(.init(origin: .external, keyState: .pendingImport))
        #expect(pendingImport["Enabled"] as? Bool == false)
        #expect(pendingImport["CurrentKeyMaterialId"] == nil)
        let hsm = try await describe(.init(origin: .awsCloudHSM))
        #expect((hsm["CustomKeyStoreId"] as? String)?.hasPrefix("cks-") == true)
        #expect((hsm["CloudHsmClusterId"] as? String)?.hasPrefix("cluster-") == true)
        let xks = try await describe(.init(origin: .externalKeyStore, keyState: .unavailable))
        #expect((xks["XksKeyConfiguration"] as? [String: Any])?["Id"] is String)
        #expect(xks["KeyState"] as? String == "Unavailable")
        let pending = try await describe(.init(keyState: .pendingDeletion))
        #expect(pending["DeletionDate"] is NSNumber)
        #expect(pending["PendingDeletionWindowInDays"] == nil)
        let raw = try await describe(.init(keyState: "Quarantined"))
        #expect(raw["KeyState"] as? String == "Quarantined")
        #expect(raw["Enabled"] as? Bool == false)
        let managed = try await describe(.awsManaged(service: "s3"))
        #expect(managed["KeyManager"] as? String == "AWS")
    }

    @Test func multiRegionConfiguration() async throws {
        let kms = InMemoryKMS()
        let primary = kms.addKey(.init(multiRegion: true), region: "us-east-1")
        kms.addReplica(of: primary, region: "eu-west-1")
        kms.addReplica(of: kms.keyArn(primary, region: "us-east-1"), region: "ap-southeast-2", keyState: .creating)
        let client = KMSWireClient(kms)
        let primaryMetadata = try await client.call("DescribeKey", ["KeyId": primary]).keyMetadata
        #expect(primaryMetadata["MultiRegion"] as? Bool == true)
        let configuration = try #require(primaryMetadata["MultiRegionConfiguration"] as? [String: Any])
        #expect(configuration["MultiRegionKeyType"] as? String == "PRIMARY")
        #expect((configuration["PrimaryKey"] as? [String: Any])?["Region"] as? String == "us-east-1")
        #expect(
            (configuration["ReplicaKeys"] as? [[String: Any]])?.compactMap { $0["Region"] as? String } == ["ap-southeast-2", "eu-west-1"])
        let replicaMetadata = try await client.call("DescribeKey", ["KeyId": primary], region: "eu-west-1").keyMetadata
        #expect(replicaMetadata["Arn"] as? String == kms.keyArn(primary, region: "eu-west-1"))
        let replicaConfiguration = try #require(replicaMetadata["MultiRegionConfiguration"] as? [String: Any])
        #expect(replicaConfiguration["MultiRegionKeyType"] as? String == "REPLICA")
        #expect((replicaConfiguration["PrimaryKey"] as? [String: Any])?["Arn"] as? String == kms.keyArn(primary, region: "us-east-1"))
        #expect(replicaMetadata["CurrentKeyMaterialId"] as? String == primaryMetadata["CurrentKeyMaterialId"] as? String)
    }

    @Test func listAliasesIncludesAWSAndPredefinedAliases() async throws {
        let kms = InMemoryKMS()
        let orders = kms.addKey(.init(aliases: ["alias/orders", "alias/orders-v2"]), region: "us-east-1")
        let s3 = kms.addKey(.awsManaged(service: "s3"), region: "us-east-1")
        kms.addKey(.init(aliases: ["alias/elsewhere"]), region: "eu-west-1")
        let client = KMSWireClient(kms)
        let aliases = try await client.pages("ListAliases", member: "Aliases", limit: 100).flatMap { $0 }
        let byName = Dictionary(uniqueKeysWithValues: aliases.map { ($0["AliasName"] as! String, $0) })
        #expect(byName["alias/orders"]?["TargetKeyId"] as? String == orders)
        #expect(byName["alias/orders"]?["AliasArn"] as? String == "arn:aws:kms:us-east-1:111122223333:alias/orders")
        #expect(byName["alias/orders"]?["CreationDate"] is NSNumber)
        #expect(byName["alias/aws/s3"]?["TargetKeyId"] as? String == s3)
        #expect(byName["alias/aws/ebs"] != nil)
        #expect(byName["alias/aws/ebs"]?["TargetKeyId"] == nil)
        #expect(byName["alias/elsewhere"] == nil)
        #expect(aliases.count == 2 + 13)
        #expect(aliases.compactMap { $0["AliasName"] as? String } == aliases.compactMap { $0["AliasName"] as? String }.sorted())
        let filtered = try await client.call("ListAliases", ["KeyId": kms.keyArn(orders, region: "us-east-1")])
        #expect(filtered.list("Aliases").compactMap { $0["AliasName"] as? String } == ["alias/orders", "alias/orders-v2"])
        #expect(try await client.call("ListAliases", ["KeyId": "nope"]).errorType == "NotFoundException")
        #expect(try await client.call("ListAliases", ["Limit": 101]).errorType == "ValidationException")
        let pages = try await client.pages("ListAliases", member: "Aliases", limit: 1)
        #expect(pages.count == 15)
        #expect(try await client.call("ListAliases").list("Aliases").count == 15)
    }

    @Test func listResourceTagsSortedAndPaged() async throws {
        let kms = InMemoryKMS()
        let id = kms.addKey(.init(tags: ["b": "2", "a": "1", "c": "3"]), region: "us-east-1")
        let client = KMSWireClient(kms)
        let reply = try await client.call("ListResourceTags", ["KeyId": id])
        #expect(reply.list("Tags").compactMap { $0["TagKey"] as? String } == ["a", "b", "c"])
        #expect(reply.list("Tags").first?["TagValue"] as? String == "1")
        #expect(reply.bool("Truncated") == false)
        #expect(try await client.pages("ListResourceTags", member: "Tags", limit: 1, input: ["KeyId": id]).count == 3)
        #expect(try await client.call("ListResourceTags", ["KeyId": id, "Limit": 51]).errorType == "ValidationException")
        #expect(try await client.call("ListResourceTags").errorType == "ValidationException")
    }

    @Test func createKeyAliasAndLifecycleOverTheWire() async throws {
        let kms = InMemoryKMS(clock: { SampleAccount.referenceDate })
        let client = KMSWireClient(kms)
        let created = try await client.call(
            "CreateKey", ["Description": "made over the wire", "Tags": [["TagKey": "team", "TagValue": "x"]]])
        #expect(created.status == 200)
        let id = try #require(created.keyMetadata["KeyId"] as? String)
        #expect(created.keyMetadata["KeyState"] as? String == "Enabled")
        #expect(try await client.call("CreateAlias", ["AliasName": "alias/wire", "TargetKeyId": id]).status == 200)
        #expect(try await client.call("DescribeKey", ["KeyId": "alias/wire"]).keyMetadata["Description"] as? String == "made over the wire")
        #expect(try await client.call("ListResourceTags", ["KeyId": id]).list("Tags").count == 1)
        #expect(try await client.call("CreateAlias", ["AliasName": "alias/wire", "TargetKeyId": id]).errorType == "AlreadyExistsException")
        #expect(
            try await client.call("CreateAlias", ["AliasName": "alias/aws/mine", "TargetKeyId": id]).errorType
                == "InvalidAliasNameException")
        #expect(try await client.call("CreateAlias", ["AliasName": "wire2", "TargetKeyId": id]).errorType == "InvalidAliasNameException")
        #expect(try await client.call("CreateAlias", ["AliasName": "alias/x", "TargetKeyId": "missing"]).errorType == "NotFoundException")

        #expect(try await client.call("DisableKey", ["KeyId": id]).status == 200)
        #expect(try await client.call("DescribeKey", ["KeyId": id]).keyMetadata["KeyState"] as? String == "Disabled")
        #expect(try await client.call("EnableKey", ["KeyId": id]).status == 200)
        #expect(try await client.call("ScheduleKeyDeletion", ["KeyId": id, "PendingWindowInDays": 6]).errorType == "ValidationException")
        let scheduled = try await client.call("ScheduleKeyDeletion", ["KeyId": id, "PendingWindowInDays": 7])
        #expect(scheduled.string("KeyState") == "PendingDeletion")
        #expect((scheduled["DeletionDate"] as? NSNumber)?.doubleValue == SampleAccount.referenceDate.timeIntervalSince1970 + 7 * 86_400)
        #expect(try await client.call("EnableKey", ["KeyId": id]).errorType == "KMSInvalidStateException")
        #expect(try await client.call("CancelKeyDeletion", ["KeyId": id]).status == 200)
        #expect(try await client.call("DescribeKey", ["KeyId": id]).keyMetadata["KeyState"] as? String == "Disabled")
        #expect(try await client.call("CancelKeyDeletion", ["KeyId": id]).errorType == "KMSInvalidStateException")

        // Deletion happens when the waiting period is over, and takes the aliases with it.
        _ = try await client.call("ScheduleKeyDeletion", ["KeyId": id, "PendingWindowInDays": 7])
        kms.advanceClock(by: 7 * 86_400)
        #expect(try await client.call("DescribeKey", ["KeyId": id]).errorType == "NotFoundException")
        #expect(try await client.call("DescribeKey", ["KeyId": "alias/wire"]).errorType == "NotFoundException")
        #expect(kms.keyIds(region: "us-east-1").isEmpty)
    }

    @Test func createKeyValidation() async throws {
        let client = KMSWireClient(InMemoryKMS())
        #expect(try await client.call("CreateKey", ["KeySpec": "HMAC_256"]).errorType == "ValidationException")
        #expect(try await client.call("CreateKey", ["KeySpec": "NOPE"]).errorType == "ValidationException")
        #expect(
            try await client.call("CreateKey", ["KeySpec": "RSA_2048", "CustomerMasterKeySpec": "RSA_2048"]).errorType
                == "ValidationException")
        #expect(try await client.call("CreateKey", ["Origin": "AWS_CLOUDHSM"]).errorType == "ValidationException")
        #expect(
            try await client.call("CreateKey", ["Origin": "AWS_CLOUDHSM", "CustomKeyStoreId": "cks-1", "KeySpec": "RSA_2048"]).errorType
                == "UnsupportedOperationException")
        let hmac = try await client.call("CreateKey", ["KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC"])
        #expect(hmac.keyMetadata["MacAlgorithms"] as? [String] == ["HMAC_SHA_256"])
        let imported = try await client.call("CreateKey", ["Origin": "EXTERNAL"])
        #expect(imported.keyMetadata["KeyState"] as? String == "PendingImport")
        let mrk = try await client.call("CreateKey", ["MultiRegion": true])
        #expect((mrk.keyMetadata["KeyId"] as? String)?.hasPrefix("mrk-") == true)
        let xks = try await client.call("CreateKey", ["Origin": "EXTERNAL_KEY_STORE", "CustomKeyStoreId": "cks-2", "XksKeyId": "ext-1"])
        #expect((xks.keyMetadata["XksKeyConfiguration"] as? [String: Any])?["Id"] as? String == "ext-1")
    }

    @Test func awsManagedKeysCannotBeChanged() async throws {
        let kms = InMemoryKMS()
        let s3 = kms.addKey(.awsManaged(service: "s3"), region: "us-east-1")
        let client = KMSWireClient(kms)
        for operation in ["DisableKey", "ScheduleKeyDeletion"] {
            #expect(try await client.call(operation, ["KeyId": s3]).errorType == "AccessDeniedException")
        }
        #expect(try await client.call("CreateAlias", ["AliasName": "alias/mine", "TargetKeyId": s3]).errorType == "AccessDeniedException")
    }

    @Test func replicateKeyAndPendingReplicaDeletion() async throws {
        let kms = InMemoryKMS(clock: { SampleAccount.referenceDate })
        let client = KMSWireClient(kms)
        let primary = try #require(try await client.call("CreateKey", ["MultiRegion": true]).keyMetadata["KeyId"] as? String)
        let replicated = try await client.call(
            "ReplicateKey", ["KeyId": primary, "ReplicaRegion": "eu-west-1", "Tags": [["TagKey": "r", "TagValue": "eu"]]])
        #expect(replicated.status == 200)
        #expect((replicated["ReplicaKeyMetadata"] as? [String: Any])?["Arn"] as? String == kms.keyArn(primary, region: "eu-west-1"))
        #expect(replicated.list("ReplicaTags").count == 1)
        #expect(
            try await client.call("ReplicateKey", ["KeyId": primary, "ReplicaRegion": "eu-west-1"]).errorType == "AlreadyExistsException")
        #expect(
            try await client.call("ReplicateKey", ["KeyId": primary, "ReplicaRegion": "eu-west-1"], region: "eu-west-1").errorType
                == "UnsupportedOperationException")
        let single = kms.addKey(.init(), region: "us-east-1")
        #expect(
            try await client.call("ReplicateKey", ["KeyId": single, "ReplicaRegion": "eu-west-1"]).errorType
                == "UnsupportedOperationException")

        // A primary with replicas waits in PendingReplicaDeletion, then starts its own window.
        let scheduled = try await client.call("ScheduleKeyDeletion", ["KeyId": primary, "PendingWindowInDays": 10])
        #expect(scheduled.string("KeyState") == "PendingReplicaDeletion")
        #expect(scheduled["DeletionDate"] == nil)
        let waiting = try await client.call("DescribeKey", ["KeyId": primary]).keyMetadata
        #expect(waiting["PendingDeletionWindowInDays"] as? Int == 10)
        #expect(waiting["DeletionDate"] == nil)
        _ = try await client.call("ScheduleKeyDeletion", ["KeyId": primary, "PendingWindowInDays": 7], region: "eu-west-1")
        kms.advanceClock(by: 7 * 86_400)
        let now = try await client.call("DescribeKey", ["KeyId": primary]).keyMetadata
        #expect(now["KeyState"] as? String == "PendingDeletion")
        #expect((now["DeletionDate"] as? NSNumber)?.doubleValue == SampleAccount.referenceDate.timeIntervalSince1970 + 17 * 86_400)
        #expect(try await client.call("DescribeKey", ["KeyId": primary], region: "eu-west-1").errorType == "NotFoundException")
    }

    @Test func getKeyPolicy() async throws {
        let kms = InMemoryKMS()
        let id = kms.addKey(.init(), region: "us-east-1")
        let client = KMSWireClient(kms)
        let reply = try await client.call("GetKeyPolicy", ["KeyId": id])
        #expect(reply.string("PolicyName") == "default")
        #expect(reply.string("Policy")?.contains("arn:aws:iam::111122223333:root") == true)
        #expect(try await client.call("GetKeyPolicy", ["KeyId": id, "PolicyName": "other"]).errorType == "NotFoundException")
    }
}
