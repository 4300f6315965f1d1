import Foundation
import Testing
import KMSRotation
import KMSRotationTesting

/// `kms-rotation remediate`, run as users run it.
@Suite("kms-rotation remediate", .enabled(if: CLIBinary.path != nil, "kms-rotation binary not built"), .serialized)
struct RemediateCommandTests {
    struct Output: Decodable {
        let dryRun: Bool
        let plan: RemediationPlan
        let results: [RemediationExecutor.Result]?
    }

    static func decode(_ text: String) throws -> Output {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(Output.self, from: Data(text.utf8))
    }

    @Test("A dry run plans, changes nothing, and exits like the audit")
    func dryRun() throws {
        let result = try CLIBinary.run(["remediate", "--demo", "--format", "json"])
        #expect(result.status == 3, "\(result.stderr)")
        let output = try Self.decode(result.stdout)
        #expect(output.dryRun)
        #expect(output.results == nil)
        #expect(output.plan.actions.count == 3)
        let text = try CLIBinary.run(["remediate", "--demo"])
        #expect(text.stdout.contains("dry run; pass --apply"))
        // One command for the global key's primary, naming the replica it also fixes (issue #10, item 8).
        let globalOrders = text.stdout.split(separator: "\n").filter { $0.contains("also fixes") }
        #expect(globalOrders.count == 1, "\(text.stdout)")
        #expect(globalOrders.first?.hasSuffix("--region us-east-1  # also fixes the replica in eu-west-1") == true, "\(text.stdout)")
        #expect(text.stdout.split(separator: "\n").count { $0.contains("aws kms enable-key-rotation") } == 3)
    }

    @Test("--apply --yes makes and verifies the changes")
    func applyDemo() throws {
        let result = try CLIBinary.run([
            "remediate", "--demo", "--region", "us-east-1", "--region", "eu-west-1", "--apply", "--yes", "--format", "json",
        ])
        // The demo still has a key in transition (ap-southeast-2 is not scanned here) → only fixed keys remain: 0.
        #expect(result.status == 0, "\(result.stderr)")
        let output = try Self.decode(result.stdout)
        #expect(!output.dryRun)
        #expect(output.results?.map(\.outcome) == [.applied, .applied, .applied])
        #expect(output.results?.allSatisfy { $0.after?.enabled == true } == true)
    }

    @Test(
        "Usage errors exit 64 before anything is scanned or changed",
        arguments: [
            ["remediate", "--demo", "--apply"],
            ["remediate", "--demo", "--yes"],
            ["remediate", "--demo", "--change-log", "/tmp/x.jsonl"],
            ["remediate", "--demo", "--rotation-period-days", "30"],
            ["remediate", "--organization", "--role-name", "Audit"],
        ])
    func usageErrors(_ arguments: [String]) throws {
        let result = try CLIBinary.run(arguments)
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
        #expect(!result.stderr.isEmpty)
    }
}

/// `remediate --apply` against moto_server, verified with the AWS CLI and a second audit.
@Suite(
    "kms-rotation remediate against moto_server",
    .enabled(if: MotoServer.isAvailable && CLIBinary.path != nil, Comment(rawValue: MotoServer.skipMessage)), .serialized)
struct RemediateMotoTests {
    @Test("Dry run changes nothing; --apply turns rotation on, logs each change, and a re-audit passes")
    func applyAgainstMoto() async throws {
        let moto = try await MotoServer()
        defer { moto.stop() }
        let credentials = StaticCredentialProvider(
            AWSCredentials(accessKeyId: "AKIDMOTOTEST", secretAccessKey: "moto-secret-key-for-tests"))
        let kms = try KMSClient(
            AWSClientConfiguration(region: "us-east-1", credentialProvider: credentials, transport: URLSessionTransport()),
            endpoint: moto.endpoint)
        var off: [String] = []
        for index in 0..<3 { off.append(try await kms.createKey(description: "off \(index)").keyId) }
        let on = try await kms.createKey(description: "on").keyId
        try await kms.enableKeyRotation(keyId: on)
        _ = try await kms.createKey(keySpec: .rsa2048, keyUsage: .signVerify, description: "rsa")

        let dry = try CLIBinary.run(["remediate", "--region", "us-east-1"], environment: moto.clientEnvironment)
        #expect(dry.status == 3, "\(dry.stderr)")
        for keyId in off { #expect(try await kms.getKeyRotationStatus(keyId: keyId).keyRotationEnabled == false) }

        let log = FileManager.default.temporaryDirectory.appendingPathComponent("changes-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: log) }
        let applied = try CLIBinary.run(
            ["remediate", "--region", "us-east-1", "--apply", "--yes", "--change-log", log.path],
            environment: moto.clientEnvironment)
        #expect(applied.status == 0, "\(applied.stdout)\n\(applied.stderr)")
        #expect(applied.stdout.contains("Applied 3 of 3 changes"))

        // An independent client reads back what remediate wrote.
        let aws = try #require(which("aws"))
        for keyId in off {
            let status = try runProcess(
                aws, ["kms", "get-key-rotation-status", "--key-id", keyId, "--endpoint-url", moto.endpoint, "--output", "json"],
                environment: moto.clientEnvironment)
            #expect(status.stdout.contains("\"KeyRotationEnabled\": true"), "\(status.stdout) \(status.stderr)")
        }
        let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 4, "the start line, then one line per change")
        #expect(lines.first?.contains(#""event":"start""#) == true)
        for line in lines.dropFirst() {
            let entry = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(entry["event"] as? String == "change")
            #expect(entry["outcome"] as? String == "applied")
            #expect((entry["action"] as? [String: Any])?["command"] as? String != nil)
            #expect(!String(line).contains("moto-secret-key-for-tests"))
        }
        let audit = try CLIBinary.run(["audit", "--region", "us-east-1", "--format", "json"], environment: moto.clientEnvironment)
        #expect(audit.status == 0, "\(audit.stderr)")
    }
}
