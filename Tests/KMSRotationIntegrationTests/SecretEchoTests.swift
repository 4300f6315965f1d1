import Foundation
import Testing
import TestSupport
import KMSRotation

/// The real `kms-rotation audit` binary against a hostile loopback endpoint whose every error message
/// echoes the request (headers as JSON, raw lines and a Python dict, and the body): with credentials in
/// the environment, `--verbose`, an assumed role with `--external-id`, and every `--format`, no secret
/// may reach standard output or standard error.
@Suite("kms-rotation audit against an echoing endpoint", .enabled(if: CLIBinary.path != nil, "kms-rotation binary not built"), .serialized)
struct SecretEchoTests {

    static let accessKeyId = "ASIACLIECHOTEST00001"
    static let secretKey = "cliEchoSecretKey/0123456789+ABCDEFghijkl"
    static let sessionToken = "FwoGZXIvYXdzCliEchoSessionToken" + String(repeating: "YmFyYmF6+/9876", count: 24) + "=="
    static let externalId = "cli-external-id-4711"

    static func forbidden(signature: String) -> [String] {
        var values = [secretKey, sessionToken, String(sessionToken.prefix(40)), externalId, accessKeyId, "Credential=ASIA"]
        if signature.count >= 32 { values.append(signature) }
        return values
    }

    static func environment(port: Int) -> [String: String] {
        [
            "AWS_ACCESS_KEY_ID": accessKeyId, "AWS_SECRET_ACCESS_KEY": secretKey, "AWS_SESSION_TOKEN": sessionToken,
            "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:\(port)", "AWS_ENDPOINT_URL_ORGANIZATIONS": "http://127.0.0.1:\(port)",
        ]
    }

    @Test("No secret in stdout or stderr, any format, --verbose", arguments: ReportFormat.allCases)
    func everyFormat(_ format: ReportFormat) throws {
        let server = try SecretEchoServer.start()
        defer { server.stop() }
        let result = try CLIBinary.run(
            [
                "audit", "--endpoint-url", "http://127.0.0.1:\(server.port)", "--region", "us-east-1", "--region", "eu-west-1",
                "--format", format.rawValue, "--verbose",
            ], environment: Self.environment(port: server.port))
        let signature = try server.lastSignature()
        #expect(signature.count == 64, "the server saw signed requests")
        #expect(result.status == 4, "INSUFFICIENT_DATA and a Region not scanned: \(result.stderr.suffix(800))")
        #expect(result.stdout.contains("1234abcd-12ab-34cd-56ef-1234567890ab"), "the key ID survives scrubbing")
        for secret in Self.forbidden(signature: signature) {
            #expect(!result.stdout.contains(secret), "stdout leaked \(secret.prefix(12))…: \(result.stdout.prefix(800))")
            #expect(!result.stderr.contains(secret), "stderr leaked \(secret.prefix(12))…: \(result.stderr.prefix(800))")
        }
    }

    @Test("An assumed role with --external-id: the echoed AssumeRole body leaks nothing", arguments: [ReportFormat.json, .table, .sarif])
    func assumedRole(_ format: ReportFormat) throws {
        let server = try SecretEchoServer.start()
        defer { server.stop() }
        let result = try CLIBinary.run(
            [
                "audit", "--endpoint-url", "http://127.0.0.1:\(server.port)", "--region", "us-east-1",
                "--role-arn", "arn:aws:iam::444455556666:role/Audit", "--external-id", Self.externalId,
                "--format", format.rawValue, "--verbose",
            ], environment: Self.environment(port: server.port))
        let signature = try server.lastSignature()
        #expect(
            result.stdout.contains("AssumeRole") || result.stderr.contains("AssumeRole"),
            "\(result.stdout.prefix(400)) \(result.stderr.prefix(400))")
        for secret in Self.forbidden(signature: signature) {
            #expect(!result.stdout.contains(secret), "stdout leaked \(secret.prefix(12))…: \(result.stdout.prefix(800))")
            #expect(!result.stderr.contains(secret), "stderr leaked \(secret.prefix(12))…: \(result.stderr.prefix(800))")
        }
    }
}

extension SecretEchoServer {
    /// The signature of the last signed request the server saw (asked through python3, so that no test
    /// client shares a process with what it checks).
    func lastSignature() throws -> String {
        let result = try runProcess(
            "/usr/bin/env",
            ["python3", "-c", "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:\(port)/last').read().decode())"])
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: String]
        return (object?["authorization"] ?? "").components(separatedBy: "Signature=").last ?? ""
    }
}
