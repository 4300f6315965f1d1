import Foundation
import Testing
import KMSRotation
import KMSRotationTesting

/// The real `kms-rotation` binary against moto_server over URLSessionTransport: two Regions, more than
/// 100 keys in one, ListKeys paged at a small Limit through the test hook, JSON parsed, exit status checked.
@Suite(
    "kms-rotation audit against moto_server",
    .enabled(if: MotoServer.isAvailable && CLIBinary.path != nil, Comment(rawValue: MotoServer.skipMessage)), .serialized)
struct AuditMotoEndToEndTests {
    static let credentials = StaticCredentialProvider(
        AWSCredentials(accessKeyId: "AKIDMOTOTEST", secretAccessKey: "moto-secret-key-for-tests"))

    struct Seeded {
        var expected: [String: FindingReason] = [:]  // key ARN → reason
    }

    /// Seeds us-east-1 with 130 keys of several kinds and eu-west-1 with 6, through the library's client.
    static func seed(_ moto: MotoServer) async throws -> Seeded {
        var seeded = Seeded()
        let east = try KMSClient(
            AWSClientConfiguration(region: "us-east-1", credentialProvider: credentials, transport: URLSessionTransport()),
            endpoint: moto.endpoint)
        let west = try KMSClient(
            AWSClientConfiguration(region: "eu-west-1", credentialProvider: credentials, transport: URLSessionTransport()),
            endpoint: moto.endpoint)
        for index in 0..<130 {
            let arn: String
            switch index % 10 {
            case 0, 1, 2, 3:
                arn = try #require(try await east.createKey(description: "rotating \(index)").arn)
                try await east.enableKeyRotation(keyId: arn)
                seeded.expected[arn] = .rotationEnabled
            case 4, 5:
                arn = try #require(try await east.createKey(description: "not rotating \(index)").arn)
                seeded.expected[arn] = .rotationDisabled
            case 6:
                arn = try #require(try await east.createKey(keySpec: .rsa2048, keyUsage: .signVerify, description: "rsa \(index)").arn)
                seeded.expected[arn] = .asymmetricKey
            case 7:
                arn = try #require(
                    try await east.createKey(keySpec: .hmac256, keyUsage: .generateVerifyMAC, description: "hmac \(index)").arn)
                seeded.expected[arn] = .hmacKey
            case 8:
                // moto's DisableKey and ScheduleKeyDeletion accept a key ID but fail (HTTP 500) on an ARN.
                let key = try await east.createKey(description: "disabled \(index)")
                arn = try #require(key.arn)
                try await east.disableKey(keyId: key.keyId)
                seeded.expected[arn] = .keyDisabled
            default:
                let key = try await east.createKey(description: "deleting \(index)")
                arn = try #require(key.arn)
                try await east.scheduleKeyDeletion(keyId: key.keyId, pendingWindowInDays: 7)
                seeded.expected[arn] = .pendingDeletion
            }
            if index < 3 { try await east.createAlias(aliasName: "alias/app-\(index)", targetKeyId: arn) }
        }
        for index in 0..<6 {
            let arn = try #require(try await west.createKey(description: "west \(index)").arn)
            if index.isMultiple(of: 2) {
                try await west.enableKeyRotation(keyId: arn, rotationPeriodInDays: 730)
                seeded.expected[arn] = .rotationEnabled
            } else {
                seeded.expected[arn] = .rotationDisabled
            }
        }
        return seeded
    }

    @Test("Two Regions, 136 keys, ListKeys paged at 25: one finding per key, the right verdicts, exit 3")
    func audit() async throws {
        let moto = try await MotoServer()
        defer { moto.stop() }
        let seeded = try await Self.seed(moto)
        #expect(seeded.expected.count == 136)

        let result = try CLIBinary.run(
            [
                "audit", "--region", "us-east-1", "--region", "eu-west-1", "--format", "json",
                "--list-keys-page-size", "25", "--concurrency", "6",
            ], environment: moto.clientEnvironment)
        #expect(result.status == 3, "stderr: \(result.stderr)")
        let report = try JSONDecoder().decode(RotationReport.self, from: Data(result.stdout.utf8))
        #expect(report.errors.isEmpty)
        #expect(report.findings.count == 136)
        #expect(Set(report.findings.compactMap(\.keyArn)) == Set(seeded.expected.keys))
        for finding in report.findings {
            #expect(finding.reason == seeded.expected[finding.keyArn ?? ""], "\(finding.keyArn ?? finding.keyId): \(finding.message)")
        }
        #expect(report.summary.nonCompliant == 26 + 3)
        #expect(report.regions == ["eu-west-1", "us-east-1"])
        // Sorted by Region, then key ARN.
        #expect(
            report.findings.map { "\($0.region ?? "")|\($0.keyArn ?? "")" }
                == report.findings.map { "\($0.region ?? "")|\($0.keyArn ?? "")" }.sorted())
        let aliased = report.findings.filter { !$0.aliases.isEmpty }
        #expect(Set(aliased.flatMap(\.aliases)) == ["alias/app-0", "alias/app-1", "alias/app-2"])
        // Remediations are commands the AWS CLI understands, pointing at this account's keys.
        for finding in report.findings where finding.compliance == .nonCompliant {
            #expect(finding.remediation?.command.hasPrefix("aws kms enable-key-rotation --key-id arn:aws:kms:") == true)
        }

        // moto ignores RotationPeriodInDays (GetKeyRotationStatus answers without a period), so the
        // maximum-period rule is tested against the in-memory KMS and the demo, not here.

        // A Region with only compliant keys exits 0; an empty Region exits 0 too.
        let south = try KMSClient(
            AWSClientConfiguration(region: "ap-south-1", credentialProvider: Self.credentials, transport: URLSessionTransport()),
            endpoint: moto.endpoint)
        let good = try await south.createKey()
        try await south.enableKeyRotation(keyId: good.keyId)
        let clean = try CLIBinary.run(["audit", "--region", "ap-south-1", "--format", "csv"], environment: moto.clientEnvironment)
        #expect(clean.status == 0, "\(clean.stderr)")
        #expect(clean.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 2, "\(clean.stdout)")
        let empty = try CLIBinary.run(["audit", "--region", "sa-east-1", "--format", "json"], environment: moto.clientEnvironment)
        #expect(empty.status == 0)
    }

    @Test("--evidence rotations reads moto's ListKeyRotations: an on-demand rotation is the last one, with its material ID")
    func rotationEvidence() async throws {
        let moto = try await MotoServer()
        defer { moto.stop() }
        let east = try KMSClient(
            AWSClientConfiguration(region: "us-east-1", credentialProvider: Self.credentials, transport: URLSessionTransport()),
            endpoint: moto.endpoint)
        let rotated = try #require(try await east.createKey(description: "rotated on demand").arn)
        try await east.enableKeyRotation(keyId: rotated)
        try await east.rotateKeyOnDemand(keyId: rotated)
        let fresh = try #require(try await east.createKey(description: "never rotated").arn)
        let rsa = try #require(try await east.createKey(keySpec: .rsa2048, keyUsage: .signVerify, description: "rsa").arn)

        let result = try CLIBinary.run(
            ["audit", "--region", "us-east-1", "--format", "json", "--evidence", "rotations"],
            environment: moto.clientEnvironment)
        #expect(result.status == 3, "stderr: \(result.stderr)")
        let report = try JSONDecoder().decode(RotationReport.self, from: Data(result.stdout.utf8))
        let byArn = Dictionary(uniqueKeysWithValues: report.findings.map { ($0.keyArn ?? "", $0) })
        let evidence = try #require(byArn[rotated]?.evidence)
        #expect(evidence.rotationCount == 1)
        #expect(evidence.lastRotationType == .onDemand)
        #expect(evidence.lastRotationDate != nil && evidence.keyMaterialAgeDays == 0)
        #expect(evidence.historyError == nil)
        #expect(byArn[rotated]?.reason == .rotationEnabled)
        #expect(byArn[fresh]?.evidence?.rotationCount == 0)
        #expect(byArn[fresh]?.evidence?.creationDate != nil)
        #expect(byArn[fresh]?.reason == .rotationDisabled)
        #expect(byArn[rsa]?.evidence?.rotationCount == nil && byArn[rsa]?.reason == .asymmetricKey)
    }

    @Test("The verbose log shows each call and never a secret")
    func verboseLogHasNoSecrets() async throws {
        let moto = try await MotoServer()
        defer { moto.stop() }
        let east = try KMSClient(
            AWSClientConfiguration(region: "us-east-1", credentialProvider: Self.credentials, transport: URLSessionTransport()),
            endpoint: moto.endpoint)
        _ = try await east.createKey()
        var environment = moto.clientEnvironment
        environment["AWS_SESSION_TOKEN"] = "session-token-that-must-never-be-printed"
        let result = try CLIBinary.run(["audit", "--region", "us-east-1", "--format", "json", "--verbose"], environment: environment)
        #expect(result.status == 3)
        #expect(result.stderr.contains("ListKeys"))
        for secret in ["moto-secret-key-for-tests", "session-token-that-must-never-be-printed", "Signature="] {
            #expect(!result.stderr.contains(secret))
            #expect(!result.stdout.contains(secret))
        }
    }

    @Test("--all-regions scans every Region where KMS runs in the partition, concurrently")
    func allRegions() async throws {
        let moto = try await MotoServer()
        defer { moto.stop() }
        var expected: [String: FindingReason] = [:]
        for region in ["us-east-1", "ap-southeast-3", "sa-east-1"] {
            let kms = try KMSClient(
                AWSClientConfiguration(region: region, credentialProvider: Self.credentials, transport: URLSessionTransport()),
                endpoint: moto.endpoint)
            let key = try await kms.createKey(description: "in \(region)")
            expected[try #require(key.arn)] = .rotationDisabled
        }
        let result = try CLIBinary.run(["audit", "--all-regions", "--format", "json"], environment: moto.clientEnvironment)
        #expect(result.status == 3, "\(result.stderr)")
        let report = try JSONDecoder().decode(RotationReport.self, from: Data(result.stdout.utf8))
        #expect(report.regions == KMSRegions.names(inPartition: "aws").sorted())
        #expect(report.errors.isEmpty)
        #expect(Dictionary(uniqueKeysWithValues: report.findings.map { ($0.keyArn ?? "", $0.reason) }) == expected)
    }
}
