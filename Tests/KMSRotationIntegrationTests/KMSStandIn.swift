import Foundation
import KMSRotation
import TestSupport

/// `Support/kms_standin.py` on a free 127.0.0.1 port: a KMS that verifies SigV4 with botocore, throttles
/// per Region with a token bucket, injects faults, adds latency, and counts what it saw (see the script's
/// docstring). Skipped with a message when Python or botocore is missing; `CI` makes that a failure
/// (``KMSStandInAvailabilityTests``).
final class KMSStandIn: @unchecked Sendable {
    /// What the stand-in serves and how it misbehaves.
    struct Options {
        var regions = ["us-east-1", "eu-west-1"]
        var keysPerRegion = 40
        /// Requests per second per Region (the bucket's burst too); 0 never throttles.
        var rate: Double = 0
        /// Every n-th request is a 500 KMSInternalException; 0 never.
        var faultEvery = 0
        /// Seconds before each answer.
        var latency: Double = 0
    }

    /// What the stand-in counted, from `GET /stats`.
    struct Stats: Decodable {
        var requests: Int
        var throttled: Int
        var faulted: Int
        var badSignatures: Int
        var unsigned: Int
        var maxInFlight: Int
        var operations: [String: Int]
        /// Per Region, arrival times in seconds since the stand-in started.
        var arrivals: [String: [Double]]
        /// Key ARN → `"COMPLIANT rotationEnabled"`: the verdict a correct scan reports.
        var truth: [String: String]
    }

    static let accessKeyId = "AKIDSTANDINTEST"
    static let secretAccessKey = "standin-secret-key-for-tests"
    static let scriptPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Support/kms_standin.py").path

    /// Whether `python3` with botocore (the signature check) is installed.
    static let isAvailable: Bool = (try? runProcess("/usr/bin/env", ["python3", "-c", "import botocore.auth"]).status) == 0
    static let skipMessage = "python3 with botocore not found (pip install botocore); KMS stand-in test skipped"

    let endpoint: String
    private let helper: PythonHelper

    init(_ options: Options) throws {
        let script = try String(contentsOfFile: Self.scriptPath, encoding: .utf8)
        helper = try PythonHelper.start(
            script: script, name: "kms-standin",
            arguments: [
                "--regions", options.regions.joined(separator: ","), "--keys-per-region", "\(options.keysPerRegion)",
                "--rate", "\(options.rate)", "--fault-every", "\(options.faultEvery)", "--latency", "\(options.latency)",
            ])
        struct Ready: Decodable { var port: Int }
        endpoint = "http://127.0.0.1:\(try helper.ready(Ready.self).port)"
    }

    deinit { helper.stop() }

    /// The counters so far.
    func stats() async throws -> Stats {
        guard let url = URL(string: endpoint + "/stats") else { throw MotoError("bad endpoint \(endpoint)") }
        let response = try await URLSessionTransport().send(HTTPRequest(method: "GET", url: url, timeout: .seconds(30)))
        return try JSONDecoder().decode(Stats.self, from: response.body)
    }

    /// Runs `kms-rotation audit` against the stand-in, with its credentials and endpoint.
    func audit(_ extra: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try CLIBinary.run(
            ["audit", "--endpoint-url", endpoint, "--format", "json"] + extra,
            environment: [
                "AWS_ACCESS_KEY_ID": Self.accessKeyId, "AWS_SECRET_ACCESS_KEY": Self.secretAccessKey, "AWS_REGION": "us-east-1",
            ])
    }

    /// Key ARN → `"<compliance> <reason>"` of a JSON report.
    static func verdicts(_ json: String) throws -> [String: String] {
        struct Report: Decodable {
            struct Finding: Decodable { var keyArn: String?; var keyId: String; var compliance: String; var reason: String }
            var findings: [Finding]
        }
        let report = try JSONDecoder().decode(Report.self, from: Data(json.utf8))
        return Dictionary(report.findings.map { ($0.keyArn ?? $0.keyId, "\($0.compliance) \($0.reason)") }) { first, _ in first }
    }

    /// The most arrivals within any one-second window, per Region.
    static func busiestSecond(_ arrivals: [String: [Double]]) -> [String: Int] {
        arrivals.mapValues { unsorted in
            let times = unsorted.sorted()
            var most = 0
            var start = 0
            for (end, time) in times.enumerated() {
                while time - times[start] >= 1.0 { start += 1 }
                most = max(most, end - start + 1)
            }
            return most
        }
    }
}
