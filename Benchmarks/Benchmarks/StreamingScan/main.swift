// Scans a KMS endpoint with the library's streaming API and counts the findings, holding none of them:
// what an embedder that streams findings to its own store pays in memory. Run by Scripts/bench-standin.sh
// under /usr/bin/time against the loopback stand-in (Tests/KMSRotationIntegrationTests/Support/kms_standin.py).
// Usage: StreamingScan <endpoint> <region>[,<region>...] [concurrency per Region]
//        StreamingScan --synthetic <keys> <region> [concurrency]
// STREAMING_SCAN_HTTP_CLIENT=urlsession sends with URLSessionTransport; the default is NIOHTTPTransport (the
// CLI's default), so both stay measurable. STREAMING_SCAN_EXECUTOR=cooperative-pool runs Swift Concurrency on its
// own pool instead of NIO's event loops, and =nio-takeover on them through NIO's own hook (every job isolated to
// its event loop, so each nonisolated async call switches executors: measured, not used).
// --synthetic answers in process, from a transport that computes every answer from the key's number and
// holds nothing per key (the stand-in's account), so the same scan runs without any HTTP stack: the
// difference in peak RSS is what the HTTP stack costs.
import Foundation
import KMSRotation
import KMSRotationNIO
import NIOCore
import NIOPosix

// As the CLI does: Swift Concurrency on NIO's event loops, so an answer is judged on the thread that read it
// (STREAMING_SCAN_EXECUTOR: see above).
if let loops = ProcessInfo.processInfo.environment["STREAMING_SCAN_LOOPS"].flatMap(Int.init) {
    NIOSingletons.groupLoopCountSuggestion = loops
}
switch ProcessInfo.processInfo.environment["STREAMING_SCAN_EXECUTOR"] ?? "event-loops" {
case "cooperative-pool": break
case "nio-takeover": NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
default: EventLoopConcurrency.install()
}

var arguments = Array(CommandLine.arguments.dropFirst())
var syntheticKeys: Int?
if arguments.first == "--synthetic", arguments.count >= 2 {
    syntheticKeys = Int(arguments[1])
    // The keys take the endpoint's place.
    arguments.removeFirst(1)
}
guard arguments.count >= 2 else {
    FileHandle.standardError.write(
        Data(
            "usage: StreamingScan <endpoint> <region>[,<region>...] [concurrency] | StreamingScan --synthetic <keys> <region> [concurrency]\n"
                .utf8))
    exit(64)
}
let endpoint = syntheticKeys == nil ? arguments[0] : "http://127.0.0.1:9"  // never contacted
let regions = arguments[1].split(separator: ",").map(String.init)
guard let region = regions.first, syntheticKeys == nil || regions.count == 1 else {
    FileHandle.standardError.write(Data("StreamingScan: a Region (--synthetic: exactly one)\n".utf8))
    exit(64)
}
let concurrency = arguments.count > 2 ? Int(arguments[2]) ?? 8 : 8
let environment = ProcessInfo.processInfo.environment
let credentials = StaticCredentialProvider(
    AWSCredentials(
        accessKeyId: environment["AWS_ACCESS_KEY_ID"] ?? "AKIDSYNTHETIC",
        secretAccessKey: environment["AWS_SECRET_ACCESS_KEY"] ?? "synthetic"))
let ownTransport: NIOHTTPTransport?
let transport: any HTTPTransport
switch syntheticKeys == nil ? environment["STREAMING_SCAN_HTTP_CLIENT"] ?? "nio" : "synthetic" {
case "synthetic":
    ownTransport = nil
    transport = SyntheticKMS(region: region, keys: syntheticKeys ?? 0)
case "urlsession":
    ownTransport = nil
    transport = URLSessionTransport(configuration: .init(maximumConnectionsPerHost: concurrency * regions.count))
case "nio":
    ownTransport = try NIOHTTPTransport(configuration: .init(maximumConnectionsPerHost: concurrency * regions.count))
    transport = ownTransport!
default:
    FileHandle.standardError.write(Data("STREAMING_SCAN_HTTP_CLIENT: urlsession or nio\n".utf8))
    exit(64)
}
let checker = RotationChecker(options: .init(regions: regions, concurrencyPerRegion: concurrency)) { region in
    try KMSClient(AWSClientConfiguration(region: region, credentialProvider: credentials, transport: transport), endpoint: endpoint)
}
/// Counts the scan's findings. Nonisolated, so the loop runs where the scan's tasks run (NIO's event loops):
/// top-level code is on the main actor, and on Linux the main actor is a Dispatch queue served by a thread of
/// its own, so consuming there hops every event to that thread and back (measured: 4 context switches per
/// request instead of 1.5, and about a tenth of the CPU). An embedder that must consume on the main actor pays
/// that; this benchmark measures the scan.
nonisolated func countFindings(_ checker: RotationChecker) async -> [Compliance: Int] {
    var counts: [Compliance: Int] = [:]
    for await event in checker.events() {
        switch event {
        case .finding(let finding): counts[finding.compliance, default: 0] += 1
        case .scanError(let error): FileHandle.standardError.write(Data("\(error)\n".utf8))
        case .progress: break
        }
    }
    return counts
}
let counts = await countFindings(checker)
print(counts.map { "\($0.key.rawValue)=\($0.value)" }.sorted().joined(separator: " "))
try await ownTransport?.shutdown()

/// The stand-in's account (kms_standin.py, same key IDs, kinds and aliases) answered in process: ListKeys,
/// ListAliases, DescribeKey and GetKeyRotationStatus, each computed from the key's number.
struct SyntheticKMS: HTTPTransport {
    let region: String
    let keys: Int
    let account = "111122223333"

    func keyId(_ index: Int) -> String {
        let prefix = String(region.utf8.reduce(0) { $0 + Int($1) } & 0xFFFF_FFFF, radix: 16)
        let number = String(index, radix: 16)
        return String(repeating: "0", count: 8 - prefix.count) + prefix + "-0000-4000-8000-"
            + String(repeating: "0", count: 12 - number.count) + number
    }

    func arn(_ index: Int) -> String { "arn:aws:kms:\(region):\(account):key/\(keyId(index))" }

    func index(of reference: String) -> Int? {
        let id = reference.split(separator: "/").last.map(String.init) ?? reference
        guard let last = id.split(separator: "-").last, let index = Int(last, radix: 16), index < keys, keyId(index) == id else {
            return nil
        }
        return index
    }

    func kind(_ index: Int) -> String {
        if index % 50 == 49 { return "aws" }
        if index % 37 == 36 { return "disabled" }
        return index % 3 == 0 ? "off" : "on"
    }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let operation = request.headers["X-Amz-Target"].map { String($0.split(separator: ".").last ?? "") } ?? ""
        let body = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any] ?? [:]
        switch operation {
        case "ListKeys":
            let (range, more) = page(body, count: keys, limit: 1000)
            let entries = range.map { ["KeyId": keyId($0), "KeyArn": arn($0)] }
            return answer(["Keys": entries], more: more)
        case "ListAliases":
            let (range, more) = page(body, count: (keys + 9) / 10, limit: 100)
            let entries = range.map { slot -> [String: String] in
                let index = slot * 10
                return [
                    "AliasName": "alias/key-\(index)", "AliasArn": "arn:aws:kms:\(region):\(account):alias/key-\(index)",
                    "TargetKeyId": keyId(index),
                ]
            }
            return answer(["Aliases": entries], more: more)
        default:
            guard let index = (body["KeyId"] as? String).flatMap(index(of:)) else {
                return answer(["__type": "NotFoundException", "message": "Key does not exist"], status: 400)
            }
            let kind = kind(index)
            if operation == "DescribeKey" {
                let metadata: [String: Any] = [
                    "AWSAccountId": account, "KeyId": keyId(index), "Arn": arn(index), "CreationDate": 1.6e9,
                    "Enabled": kind != "disabled", "KeyState": kind == "disabled" ? "Disabled" : "Enabled",
                    "KeyUsage": "ENCRYPT_DECRYPT", "Origin": "AWS_KMS", "KeyManager": kind == "aws" ? "AWS" : "CUSTOMER",
                    "KeySpec": "SYMMETRIC_DEFAULT", "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
                    "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"], "MultiRegion": false, "Description": "stand-in key \(index)",
                ]
                return answer(["KeyMetadata": metadata])
            }
            if kind == "aws" { return answer(["__type": "AccessDeniedException", "message": "AWS managed key"], status: 400) }
            var status: [String: Any] = ["KeyRotationEnabled": kind == "on", "KeyId": arn(index)]
            if kind == "on" { status["RotationPeriodInDays"] = 365 }
            return answer(status)
        }
    }

    func page(_ body: [String: Any], count: Int, limit: Int) -> (Range<Int>, String?) {
        let size = body["Limit"] as? Int ?? limit
        let start = (body["Marker"] as? String).flatMap { Int($0) } ?? 0
        let end = min(count, start + size)
        return (start..<end, end < count ? String(end) : nil)
    }

    /// A JSON answer; for a page, `more` is the next marker (`Truncated` follows from it).
    func answer(_ payload: [String: Any], status: Int = 200, more: String?? = .none) -> HTTPResponse {
        var payload = payload
        if case .some(let marker) = more {
            payload["Truncated"] = marker != nil
            if let marker { payload["NextMarker"] = marker }
        }
        let data = (try? JSONSerialization.data(withJSONObject: payload)) ?? Data()
        return HTTPResponse(status: status, headers: ["Content-Type": "application/x-amz-json-1.1"], body: data)
    }
}
