import Foundation
import Testing
import KMSRotation

/// The real `kms-rotation audit` binary against a hostile loopback endpoint whose every error message
/// echoes the request (headers as JSON, raw lines and a Python dict, and the body): with credentials in
/// the environment, `--verbose`, an assumed role with `--external-id`, and every `--format`, no secret
/// may reach standard output or standard error.
@Suite("kms-rotation audit against an echoing endpoint", .enabled(if: CLIBinary.path != nil, "kms-rotation binary not built"), .serialized)
struct SecretEchoTests {
    /// A copy of the unit tests' echo server (KMSRotationTests/Hardening/SecretEchoServerTests.swift):
    /// KMS (one key in us-east-1 whose rotation status is denied, ListKeys denied elsewhere), STS and
    /// Organizations, each error echoing the request.
    final class EchoServer: @unchecked Sendable {
        let port: Int
        private let process: Process
        private let stdin: Pipe

    static let script = #"""
import json, sys, threading, os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

LAST = {"authorization": ""}
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/" + KEY_ID

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args): pass
    def reply(self, status, body, content_type):
        body = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amzn-RequestId", "0f4c1c7e-5d55-4c1e-9a38-3e3c4a7a1d2b")
        self.end_headers()
        self.wfile.write(body)
    def echo(self, body):
        headers = {k: v for k, v in self.headers.items()}
        lines = "\n".join("%s: %s" % (k, v) for k, v in self.headers.items())
        return "You sent %s\nraw headers:\n%s\nbody: %s\nas dict: %r" % (json.dumps(headers), lines, body.decode("utf-8", "replace"), headers)
    def route(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        auth = self.headers.get("Authorization", "")
        if auth: LAST["authorization"] = auth
        target = self.headers.get("X-Amz-Target", "")
        if self.path == "/last":
            return self.reply(200, json.dumps(LAST), "application/json")
        if self.path.startswith("/container"):
            text = "refused %s; Authorization: %s; %s" % (self.headers.get("Authorization"), self.headers.get("Authorization"), self.echo(body))
            return self.reply(403, json.dumps({"message": text}), "application/json")
        if target.startswith("TrentService."):
            op = target.split(".", 1)[1]
            region = auth.split("Credential=", 1)[-1].split("/")[2] if "Credential=" in auth else ""
            if region == "us-east-1" and op == "ListKeys":
                return self.reply(200, json.dumps({"Keys": [{"KeyId": KEY_ID, "KeyArn": KEY_ARN}], "Truncated": False}), "application/x-amz-json-1.1")
            if region == "us-east-1" and op == "ListAliases":
                return self.reply(200, json.dumps({"Aliases": [], "Truncated": False}), "application/x-amz-json-1.1")
            if region == "us-east-1" and op == "DescribeKey":
                meta = {"KeyId": KEY_ID, "Arn": KEY_ARN, "AWSAccountId": "111122223333", "KeyManager": "CUSTOMER", "KeySpec": "SYMMETRIC_DEFAULT",
                        "KeyUsage": "ENCRYPT_DECRYPT", "KeyState": "Enabled", "Enabled": True, "Origin": "AWS_KMS", "CreationDate": 1700000000}
                return self.reply(200, json.dumps({"KeyMetadata": meta}), "application/x-amz-json-1.1")
            return self.reply(400, json.dumps({"__type": "AccessDeniedException", "message": self.echo(body)}), "application/x-amz-json-1.1")
        if target.startswith("AWSOrganizationsV20161128."):
            return self.reply(400, json.dumps({"__type": "AccessDeniedException", "Message": self.echo(body)}), "application/x-amz-json-1.1")
        xml = ("<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>%s</Message></Error>"
               "<RequestId>0f4c1c7e-5d55-4c1e-9a38-3e3c4a7a1d2b</RequestId></ErrorResponse>") % escape(self.echo(body))
        return self.reply(403, xml, "text/xml")
    do_GET = do_POST = do_PUT = route

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(json.dumps({"port": server.server_address[1]}), flush=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
sys.stdin.read()
os._exit(0)
"""#

        init() throws {
            let scriptURL = FileManager.default.temporaryDirectory.appendingPathComponent("secret-echo-cli-\(UUID().uuidString).py")
            try Self.script.write(to: scriptURL, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: scriptURL) }
            process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", scriptURL.path]
            stdin = Pipe()
            let stdout = Pipe()
            process.standardInput = stdin
            process.standardOutput = stdout
            process.standardError = FileHandle.nullDevice
            try process.run()
            var line = Data()
            while !line.contains(UInt8(ascii: "\n")) {
                let chunk = stdout.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                line.append(chunk)
            }
            struct Ready: Decodable { var port: Int }
            guard let ready = try? JSONDecoder().decode(Ready.self, from: line) else {
                process.terminate()
                throw MotoError("echo server did not start")
            }
            port = ready.port
        }

        func stop() {
            try? stdin.fileHandleForWriting.close()
            process.stopHelper()
        }

        /// The signature of the last signed request the server saw.
        func lastSignature() throws -> String {
            let result = try runProcess("/usr/bin/env", ["python3", "-c", "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:\(port)/last').read().decode())"])
            let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: String]
            return (object?["authorization"] ?? "").components(separatedBy: "Signature=").last ?? ""
        }
    }

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
        ["AWS_ACCESS_KEY_ID": accessKeyId, "AWS_SECRET_ACCESS_KEY": secretKey, "AWS_SESSION_TOKEN": sessionToken,
         "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:\(port)", "AWS_ENDPOINT_URL_ORGANIZATIONS": "http://127.0.0.1:\(port)"]
    }

    @Test("No secret in stdout or stderr, any format, --verbose", arguments: ReportFormat.allCases)
    func everyFormat(_ format: ReportFormat) throws {
        let server = try EchoServer()
        defer { server.stop() }
        let result = try CLIBinary.run(["audit", "--endpoint-url", "http://127.0.0.1:\(server.port)", "--region", "us-east-1", "--region", "eu-west-1",
                                        "--format", format.rawValue, "--verbose"], environment: Self.environment(port: server.port))
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
        let server = try EchoServer()
        defer { server.stop() }
        let result = try CLIBinary.run(["audit", "--endpoint-url", "http://127.0.0.1:\(server.port)", "--region", "us-east-1",
                                        "--role-arn", "arn:aws:iam::444455556666:role/Audit", "--external-id", Self.externalId,
                                        "--format", format.rawValue, "--verbose"], environment: Self.environment(port: server.port))
        let signature = try server.lastSignature()
        #expect(result.stdout.contains("AssumeRole") || result.stderr.contains("AssumeRole"), "\(result.stdout.prefix(400)) \(result.stderr.prefix(400))")
        for secret in Self.forbidden(signature: signature) {
            #expect(!result.stdout.contains(secret), "stdout leaked \(secret.prefix(12))…: \(result.stdout.prefix(800))")
            #expect(!result.stderr.contains(secret), "stderr leaked \(secret.prefix(12))…: \(result.stderr.prefix(800))")
        }
    }
}
