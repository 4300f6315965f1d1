import Foundation
import Testing
import KMSRotation
import KMSRotationTesting

/// Every KMSClient operation over URLSessionTransport with real SigV4 headers against moto_server, with
/// the AWS CLI as a second, independent client of the same server.
@Suite("KMSClient against moto_server", .enabled(if: MotoServer.isAvailable, Comment(rawValue: MotoServer.skipMessage)), .serialized)
struct KMSClientMotoTests {
    static let credentials = StaticCredentialProvider(
        AWSCredentials(accessKeyId: "AKIDMOTOTEST", secretAccessKey: "moto-secret-key-for-tests"))

    func client(_ moto: MotoServer, region: String = "us-east-1") throws -> KMSClient {
        try KMSClient(
            AWSClientConfiguration(region: region, credentialProvider: Self.credentials, transport: URLSessionTransport()),
            endpoint: moto.endpoint)
    }

    /// Runs `aws kms …` against the same server and parses its JSON output.
    func awsCLI(_ moto: MotoServer, _ arguments: [String], region: String = "us-east-1") throws -> [String: Any] {
        let aws = try #require(which("aws"), "the AWS CLI is needed for the cross-check")
        var environment = moto.clientEnvironment
        environment["AWS_DEFAULT_REGION"] = region
        environment["AWS_REGION"] = region
        let result = try runProcess(
            aws, ["kms"] + arguments + ["--endpoint-url", moto.endpoint, "--output", "json"], environment: environment)
        #expect(result.status == 0, "aws kms \(arguments.joined(separator: " ")): \(result.stderr)")
        guard !result.stdout.isEmpty else { return [:] }
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test("Create, describe, rotate, list: every operation round-trips, and the AWS CLI reads back what the library wrote")
    func everyOperation() async throws {
        let moto = try await MotoServer()
        defer { moto.stop() }
        let kms = try client(moto)

        let key = try await kms.createKey(description: "integration symmetric", tags: ["team": "payments"])
        let arn = try #require(key.arn)
        #expect(key.keySpec == .symmetricDefault)
        #expect(key.keyManager == .customer)
        #expect(key.region == "us-east-1")

        let described = try await kms.describeKey(keyId: key.keyId)
        #expect(described.arn == arn)
        #expect(described.keyState == .enabled)
        #expect(described.origin == .awsKMS)
        #expect(described.creationDate != nil)

        #expect(try await kms.getKeyRotationStatus(keyId: arn).keyRotationEnabled == false)
        try await kms.enableKeyRotation(keyId: key.keyId, rotationPeriodInDays: 180)
        let enabled = try await kms.getKeyRotationStatus(keyId: arn)
        #expect(enabled.keyRotationEnabled == true)

        // The AWS CLI, an independent client, reads back what the library wrote.
        let cliStatus = try awsCLI(moto, ["get-key-rotation-status", "--key-id", key.keyId])
        #expect(cliStatus["KeyRotationEnabled"] as? Bool == true)
        #expect(cliStatus["RotationPeriodInDays"] as? Int == enabled.rotationPeriodInDays)
        let cliKey = try #require(try awsCLI(moto, ["describe-key", "--key-id", arn])["KeyMetadata"] as? [String: Any])
        #expect(cliKey["Description"] as? String == "integration symmetric")

        try await kms.disableKeyRotation(keyId: key.keyId)
        #expect(try await kms.getKeyRotationStatus(keyId: key.keyId).keyRotationEnabled == false)
        #expect(try awsCLI(moto, ["get-key-rotation-status", "--key-id", key.keyId])["KeyRotationEnabled"] as? Bool == false)

        try await kms.createAlias(aliasName: "alias/integration", targetKeyId: key.keyId)
        let aliases = try await kms.allAliases().collect()
        #expect(aliases.contains { $0.aliasName == "alias/integration" && $0.targetKeyId == key.keyId })
        let cliAliases = try #require(try awsCLI(moto, ["list-aliases", "--key-id", key.keyId])["Aliases"] as? [[String: Any]])
        #expect(cliAliases.compactMap { $0["AliasName"] as? String } == ["alias/integration"])

        #expect(try await kms.allResourceTags(keyId: key.keyId).collect() == [KMSTag(tagKey: "team", tagValue: "payments")])

        try await kms.rotateKeyOnDemand(keyId: key.keyId)
        let rotations = try await kms.allKeyRotations(keyId: key.keyId).collect()
        #expect(rotations.count == 1)
        #expect(rotations.first?.rotationType == .onDemand)
        #expect(rotations.first?.rotationDate != nil)

        // Keys the library created through the CLI are listed by the library.
        let cliCreated = try #require(
            try awsCLI(moto, ["create-key", "--key-spec", "HMAC_256", "--key-usage", "GENERATE_VERIFY_MAC"])["KeyMetadata"]
                as? [String: Any])
        let hmacId = try #require(cliCreated["KeyId"] as? String)
        let hmac = try await kms.describeKey(keyId: hmacId)
        #expect(hmac.keySpec == .hmac256)
        #expect(hmac.keyUsage == .generateVerifyMAC)

        try await kms.disableKey(keyId: hmacId)
        #expect(try await kms.describeKey(keyId: hmacId).keyState == .disabled)
        try await kms.scheduleKeyDeletion(keyId: hmacId, pendingWindowInDays: 7)
        let deleting = try await kms.describeKey(keyId: hmacId)
        #expect(deleting.keyState == .pendingDeletion)
        #expect(deleting.deletionDate != nil)
    }

    @Test("ListKeys pages over more than one page; ListKeyRotations pages with moto's own paginator")
    func pagination() async throws {
        let moto = try await MotoServer()
        defer { moto.stop() }
        let kms = try client(moto)
        var created: [String] = []
        for index in 0..<7 { created.append(try await kms.createKey(description: "page \(index)").keyId) }
        let first = try await kms.listKeys(limit: 3)
        #expect(first.items.count == 3)
        #expect(first.truncated)
        #expect(first.nextMarker != nil)
        let all = try await kms.allKeys(pageSize: 3).collect()
        #expect(all.count == 7)
        #expect(Set(all.compactMap(\.keyId)) == Set(created))

        for _ in 0..<3 { try await kms.rotateKeyOnDemand(keyId: created[0]) }
        let rotationPage = try await kms.listKeyRotations(keyId: created[0], limit: 1)
        #expect(rotationPage.items.count == 1)
        #expect(rotationPage.truncated)
        #expect(try await kms.allKeyRotations(keyId: created[0], pageSize: 1).collect().count == 3)
    }

    @Test("Errors come back as typed AWSServiceErrors; Regions are separate")
    func errors() async throws {
        let moto = try await MotoServer()
        defer { moto.stop() }
        let kms = try client(moto)
        do {
            _ = try await kms.describeKey(keyId: "00000000-0000-0000-0000-000000000000")
            Issue.record("should throw")
        } catch let error as AWSServiceError {
            #expect(error.code == .notFound)
            #expect(error.httpStatus == 400)
            #expect(error.requestId?.isEmpty == false)
        }
        _ = try await kms.createKey()
        #expect(try await self.client(moto, region: "eu-west-1").allKeys().collect().isEmpty)
        #expect(try await kms.allKeys().collect().count == 1)
    }
}
