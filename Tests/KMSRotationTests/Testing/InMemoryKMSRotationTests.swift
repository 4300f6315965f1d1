import Foundation
import Testing
import KMSRotationTesting

@Suite("InMemoryKMS rotation semantics")
struct InMemoryKMSRotationTests {
    private static let day: TimeInterval = 86_400
    private static let reference = SampleAccount.referenceDate.timeIntervalSince1970

    private func makeKMS(_ options: InMemoryKMS.Options = .init()) -> InMemoryKMS {
        InMemoryKMS(options: options, clock: { SampleAccount.referenceDate })
    }

    @Test func enabledRotationStatus() async throws {
        let kms = makeKMS()
        let id = kms.addKey(
            .init(
                rotationEnabled: true, rotationPeriodInDays: 90,
                creationDate: SampleAccount.referenceDate.addingTimeInterval(-10 * Self.day)), region: "us-east-1")
        let reply = try await KMSWireClient(kms).call("GetKeyRotationStatus", ["KeyId": id])
        #expect(reply.status == 200)
        #expect(reply.bool("KeyRotationEnabled") == true)
        #expect(reply.string("KeyId") == kms.keyArn(id, region: "us-east-1"))
        #expect(reply.int("RotationPeriodInDays") == 90)
        #expect((reply["NextRotationDate"] as? NSNumber)?.doubleValue == Self.reference + 80 * Self.day)
        #expect(reply["OnDemandRotationStartDate"] == nil)
    }

    @Test func disabledRotationStatusOmitsPeriodAndDate() async throws {
        let kms = makeKMS()
        let id = kms.addKey(.init(), region: "us-east-1")
        let reply = try await KMSWireClient(kms).call("GetKeyRotationStatus", ["KeyId": kms.keyArn(id, region: "us-east-1")])
        #expect(reply.object.keys.sorted() == ["KeyId", "KeyRotationEnabled"])
        #expect(reply.bool("KeyRotationEnabled") == false)
    }

    @Test func awsManagedKeysAlwaysRotateYearly() async throws {
        let kms = makeKMS()
        let id = kms.addKey(
            .awsManaged(service: "s3", creationDate: SampleAccount.referenceDate.addingTimeInterval(-400 * Self.day)), region: "us-east-1")
        let client = KMSWireClient(kms)
        let reply = try await client.call("GetKeyRotationStatus", ["KeyId": id])
        #expect(reply.bool("KeyRotationEnabled") == true)
        #expect(reply.int("RotationPeriodInDays") == 365)
        // Created 400 days ago: rotated at day 365, next at day 730.
        #expect((reply["NextRotationDate"] as? NSNumber)?.doubleValue == Self.reference + 330 * Self.day)
        #expect(try await client.call("ListKeyRotations", ["KeyId": id]).list("Rotations").first?["RotationType"] as? String == "AUTOMATIC")
    }

    @Test func seededDenialOnAnAWSManagedKey() async throws {
        let kms = makeKMS()
        let acm = kms.addKey(.awsManaged(service: "acm", deniedOperations: ["GetKeyRotationStatus"]), region: "us-east-1")
        let client = KMSWireClient(kms)
        let reply = try await client.call("GetKeyRotationStatus", ["KeyId": acm])
        #expect(reply.errorType == "AccessDeniedException")
        #expect(try await client.call("DescribeKey", ["KeyId": "alias/aws/acm"]).status == 200)
    }

    @Test func stateDependentStatus() async throws {
        let kms = makeKMS()
        let client = KMSWireClient(kms)
        func status(_ seed: InMemoryKMS.KeySeed) async throws -> KMSWireClient.Reply {
            try await client.call("GetKeyRotationStatus", ["KeyId": kms.addKey(seed, region: "us-east-1")])
        }
        // Disabled: the stored flag, but no next date since a disabled key does not rotate.
        let disabledOn = try await status(.init(keyState: .disabled, rotationEnabled: true))
        #expect(disabledOn.bool("KeyRotationEnabled") == true)
        #expect(disabledOn.int("RotationPeriodInDays") == 365)
        #expect(disabledOn["NextRotationDate"] == nil)
        #expect(try await status(.init(keyState: .disabled)).bool("KeyRotationEnabled") == false)
        // Pending deletion: false whatever the stored flag.
        #expect(
            try await status(.init(keyState: .pendingDeletion, rotationEnabled: true)).object.keys.sorted() == [
                "KeyId", "KeyRotationEnabled",
            ])
        #expect(try await status(.init(keyState: .pendingDeletion, rotationEnabled: true)).bool("KeyRotationEnabled") == false)
        #expect(
            try await status(.init(keyState: .pendingReplicaDeletion, rotationEnabled: true, multiRegion: true)).bool("KeyRotationEnabled")
                == false)
        for state: InMemoryKMS.KeyState in [.creating, .updating, .unavailable, "Quarantined"] {
            #expect(try await status(.init(keyState: state, rotationEnabled: true)).errorType == "KMSInvalidStateException")
        }
    }

    static let ineligible: [InMemoryKMS.KeySeed] = [
        .init(keySpec: .rsa2048, keyUsage: .signVerify),
        .init(keySpec: .eccNistP256),
        .init(keySpec: .mlDSA65),
        .init(keySpec: .hmac256),
        .init(keySpec: "FUTURE_SPEC"),
        .init(origin: .external),
        .init(origin: .external, keyState: .pendingImport),
        .init(origin: .awsCloudHSM),
        .init(origin: .externalKeyStore),
        .init(origin: .externalKeyStore, keyState: .unavailable),
    ]

    @Test(arguments: ineligible)
    func ineligibleKeysRefuseRotation(seed: InMemoryKMS.KeySeed) async throws {
        let kms = makeKMS()
        let id = kms.addKey(seed, region: "us-east-1")
        let client = KMSWireClient(kms)
        // Imported material with its material in place rotates on demand (since 2025), so it has a history to list.
        let listsHistory = seed.origin == .external && seed.keyState == .enabled
        for operation in ["GetKeyRotationStatus", "EnableKeyRotation", "DisableKeyRotation", "RotateKeyOnDemand", "ListKeyRotations"]
        where !(listsHistory && operation == "ListKeyRotations") {
            let reply = try await client.call(operation, ["KeyId": id])
            #expect(reply.status == 400, "\(operation)")
            #expect(reply.errorType == "UnsupportedOperationException", "\(operation)")
        }
        // The configurable alternative AWS is observed to give for GetKeyRotationStatus.
        kms.options.ineligibleRotationStatus = .reportDisabled
        let reply = try await client.call("GetKeyRotationStatus", ["KeyId": id])
        #expect(reply.status == 200)
        #expect(reply.bool("KeyRotationEnabled") == false)
        #expect(reply["RotationPeriodInDays"] == nil)
        #expect(try await client.call("EnableKeyRotation", ["KeyId": id]).errorType == "UnsupportedOperationException")
    }

    @Test func enableAndDisableRotation() async throws {
        let kms = makeKMS()
        let id = kms.addKey(.init(), region: "us-east-1")
        let client = KMSWireClient(kms)
        let enabled = try await client.call("EnableKeyRotation", ["KeyId": id])
        #expect(enabled.status == 200)
        #expect(enabled.text == "{}")
        var status = try await client.call("GetKeyRotationStatus", ["KeyId": id])
        #expect(status.bool("KeyRotationEnabled") == true)
        #expect(status.int("RotationPeriodInDays") == 365)
        #expect((status["NextRotationDate"] as? NSNumber)?.doubleValue == Self.reference + 365 * Self.day)
        // Calling again with a period changes the period.
        #expect(try await client.call("EnableKeyRotation", ["KeyId": id, "RotationPeriodInDays": 2560]).status == 200)
        status = try await client.call("GetKeyRotationStatus", ["KeyId": id])
        #expect(status.int("RotationPeriodInDays") == 2560)
        #expect(try await client.call("DisableKeyRotation", ["KeyId": kms.keyArn(id, region: "us-east-1")]).status == 200)
        #expect(try await client.call("GetKeyRotationStatus", ["KeyId": id]).bool("KeyRotationEnabled") == false)
        // Aliases are not accepted where the API asks for a key ID or ARN.
        _ = kms.addKey(.init(aliases: ["alias/a"]), region: "us-east-1")
        #expect(try await client.call("EnableKeyRotation", ["KeyId": "alias/a"]).errorType == "NotFoundException")
    }

    @Test(arguments: [89, 2561, 0, -1])
    func rotationPeriodOutOfRange(period: Int) async throws {
        let kms = makeKMS()
        let id = kms.addKey(.init(), region: "us-east-1")
        let reply = try await KMSWireClient(kms).call("EnableKeyRotation", ["KeyId": id, "RotationPeriodInDays": period])
        #expect(reply.errorType == "ValidationException")
        #expect(reply.message?.contains("'rotationPeriodInDays'") == true)
    }

    static let refusals: [(InMemoryKMS.KeySeed, String)] = [
        (.init(keyState: .disabled), "DisabledException"),
        (.init(keyState: .pendingDeletion), "KMSInvalidStateException"),
        (.init(keyState: .pendingReplicaDeletion, multiRegion: true), "KMSInvalidStateException"),
        (.init(keyState: .creating), "KMSInvalidStateException"),
        (.init(keyState: .updating), "KMSInvalidStateException"),
        (.init(keyState: .unavailable), "KMSInvalidStateException"),
        (.awsManaged(service: "s3"), "UnsupportedOperationException"),
    ]

    @Test(arguments: refusals)
    func rotationChangesRefusedByStateAndManager(seed: InMemoryKMS.KeySeed, code: String) async throws {
        let kms = makeKMS()
        let id = kms.addKey(seed, region: "us-east-1")
        let client = KMSWireClient(kms)
        for operation in ["EnableKeyRotation", "DisableKeyRotation", "RotateKeyOnDemand"] {
            #expect(try await client.call(operation, ["KeyId": id]).errorType == code, "\(operation)")
        }
    }

    @Test func replicaSharesThePrimaryRotationStatus() async throws {
        let kms = makeKMS()
        let primary = kms.addKey(.init(multiRegion: true), region: "us-east-1")
        kms.addReplica(of: primary, region: "eu-west-1")
        let client = KMSWireClient(kms)
        let eu = KMSWireClient(kms, region: "eu-west-1")
        #expect(try await eu.call("GetKeyRotationStatus", ["KeyId": primary]).bool("KeyRotationEnabled") == false)
        // The replica refuses changes and names its primary.
        let refused = try await eu.call("EnableKeyRotation", ["KeyId": primary])
        #expect(refused.errorType == "UnsupportedOperationException")
        #expect(refused.message?.contains(kms.keyArn(primary, region: "us-east-1")) == true)
        #expect(try await eu.call("DisableKeyRotation", ["KeyId": primary]).errorType == "UnsupportedOperationException")
        #expect(try await eu.call("RotateKeyOnDemand", ["KeyId": primary]).errorType == "UnsupportedOperationException")
        // Changing the primary changes what the replica reports.
        #expect(try await client.call("EnableKeyRotation", ["KeyId": primary, "RotationPeriodInDays": 180]).status == 200)
        let shared = try await eu.call("GetKeyRotationStatus", ["KeyId": primary])
        #expect(shared.bool("KeyRotationEnabled") == true)
        #expect(shared.int("RotationPeriodInDays") == 180)
        #expect(shared.string("KeyId") == kms.keyArn(primary, region: "eu-west-1"))
        _ = try await client.call("DisableKeyRotation", ["KeyId": primary])
        #expect(try await eu.call("GetKeyRotationStatus", ["KeyId": primary]).bool("KeyRotationEnabled") == false)
    }

    @Test func onDemandRotationIsListedAndChangesKeyMaterial() async throws {
        let kms = makeKMS()
        let id = kms.addKey(.init(), region: "us-east-1")
        let client = KMSWireClient(kms)
        let before = try await client.call("DescribeKey", ["KeyId": id]).keyMetadata["CurrentKeyMaterialId"] as? String
        let rotated = try await client.call("RotateKeyOnDemand", ["KeyId": id])
        #expect(rotated.object.keys.sorted() == ["KeyId"])
        #expect(rotated.string("KeyId") == id)
        let after = try await client.call("DescribeKey", ["KeyId": id]).keyMetadata["CurrentKeyMaterialId"] as? String
        #expect(before != after)
        let rotations = try await client.call("ListKeyRotations", ["KeyId": id])
        #expect(rotations.list("Rotations").count == 1)
        let entry = try #require(rotations.list("Rotations").first)
        #expect(entry["RotationType"] as? String == "ON_DEMAND")
        #expect((entry["RotationDate"] as? NSNumber)?.doubleValue == Self.reference)
        #expect(entry["KeyMaterialId"] as? String == after)
        #expect(entry["KeyMaterialState"] as? String == "CURRENT")
        #expect(entry["KeyId"] as? String == id)
        // On-demand rotation leaves automatic rotation off and the schedule untouched.
        #expect(try await client.call("GetKeyRotationStatus", ["KeyId": id]).bool("KeyRotationEnabled") == false)
        let all = try await client.call("ListKeyRotations", ["KeyId": id, "IncludeKeyMaterial": "ALL_KEY_MATERIAL"]).list("Rotations")
        #expect(all.count == 2)
        #expect(all[0]["KeyMaterialId"] as? String == before)
        #expect(all[0]["KeyMaterialState"] as? String == "NON_CURRENT")
        #expect(all[0]["RotationDate"] == nil)
        #expect(try await client.call("ListKeyRotations", ["KeyId": id, "IncludeKeyMaterial": "SOME"]).errorType == "ValidationException")
    }

    @Test func onDemandLimitIs25PerKey() async throws {
        let kms = makeKMS()
        let id = kms.addKey(.init(), region: "us-east-1")
        let client = KMSWireClient(kms)
        for _ in 0..<25 {
            #expect(try await client.call("RotateKeyOnDemand", ["KeyId": id]).status == 200)
        }
        let refused = try await client.call("RotateKeyOnDemand", ["KeyId": id])
        #expect(refused.errorType == "LimitExceededException")
        #expect(try await client.pages("ListKeyRotations", member: "Rotations", limit: 10, input: ["KeyId": id]).flatMap { $0 }.count == 25)
        // Seeded history counts towards the quota too.
        let seeded = kms.addKey(
            .init(
                rotationHistory: (0..<25).map {
                    .init(date: SampleAccount.referenceDate.addingTimeInterval(Double(-$0) * Self.day), type: .onDemand)
                }), region: "us-east-1")
        #expect(try await client.call("RotateKeyOnDemand", ["KeyId": seeded]).errorType == "LimitExceededException")
    }

    @Test func onDemandRotationInProgressConflicts() async throws {
        let kms = makeKMS(.init(onDemandRotationDuration: 600))
        let id = kms.addKey(.init(), region: "us-east-1")
        let client = KMSWireClient(kms)
        #expect(try await client.call("RotateKeyOnDemand", ["KeyId": id]).status == 200)
        let status = try await client.call("GetKeyRotationStatus", ["KeyId": id])
        #expect((status["OnDemandRotationStartDate"] as? NSNumber)?.doubleValue == Self.reference)
        #expect(try await client.call("RotateKeyOnDemand", ["KeyId": id]).errorType == "ConflictException")
        #expect(try await client.call("ListKeyRotations", ["KeyId": id]).list("Rotations").isEmpty)
        kms.advanceClock(by: 600)
        #expect(try await client.call("GetKeyRotationStatus", ["KeyId": id])["OnDemandRotationStartDate"] == nil)
        #expect(try await client.call("ListKeyRotations", ["KeyId": id]).list("Rotations").count == 1)
        // An automatic rotation due within 20 minutes also conflicts.
        let due = kms.addKey(
            .init(rotationEnabled: true, rotationScheduleStart: kms.now.addingTimeInterval(-365 * Self.day + 600)), region: "us-east-1")
        #expect(try await client.call("RotateKeyOnDemand", ["KeyId": due]).errorType == "ConflictException")
    }

    @Test func automaticRotationsHappenAsTimePasses() async throws {
        let kms = makeKMS()
        let id = kms.addKey(.init(rotationEnabled: true, rotationPeriodInDays: 90), region: "us-east-1")
        let disabled = kms.addKey(.init(keyState: .disabled, rotationEnabled: true, rotationPeriodInDays: 90), region: "us-east-1")
        let client = KMSWireClient(kms)
        #expect(try await client.call("ListKeyRotations", ["KeyId": id]).list("Rotations").isEmpty)
        kms.advanceClock(by: 200 * Self.day)
        let rotations = try await client.call("ListKeyRotations", ["KeyId": id]).list("Rotations")
        #expect(
            rotations.compactMap { ($0["RotationDate"] as? NSNumber)?.doubleValue } == [
                Self.reference + 90 * Self.day, Self.reference + 180 * Self.day,
            ])
        #expect(rotations.allSatisfy { $0["RotationType"] as? String == "AUTOMATIC" })
        #expect(
            (try await client.call("GetKeyRotationStatus", ["KeyId": id])["NextRotationDate"] as? NSNumber)?.doubleValue == Self.reference
                + 270 * Self.day)
        // A disabled key does not rotate; re-enabled after more than a period, it rotates at once.
        #expect(try await client.call("ListKeyRotations", ["KeyId": disabled]).list("Rotations").isEmpty)
        _ = try await client.call("EnableKey", ["KeyId": disabled])
        let caughtUp = try await client.call("ListKeyRotations", ["KeyId": disabled]).list("Rotations")
        #expect(caughtUp.compactMap { ($0["RotationDate"] as? NSNumber)?.doubleValue } == [Self.reference + 200 * Self.day])
    }

    @Test func listKeyRotationsPagesAndValidates() async throws {
        let kms = makeKMS()
        let id = kms.addKey(
            .init(
                rotationEnabled: true, rotationPeriodInDays: 90,
                creationDate: SampleAccount.referenceDate.addingTimeInterval(-400 * Self.day)), region: "us-east-1")
        let client = KMSWireClient(kms)
        let pages = try await client.pages("ListKeyRotations", member: "Rotations", limit: 1, input: ["KeyId": id])
        #expect(pages.count == 4)
        #expect(try await client.call("ListKeyRotations", ["KeyId": id, "Limit": 0]).errorType == "ValidationException")
        #expect(try await client.call("ListKeyRotations").errorType == "ValidationException")
        #expect(try await client.call("ListKeyRotations", ["KeyId": id, "Marker": "bad"]).errorType == "InvalidMarkerException")
    }
}
