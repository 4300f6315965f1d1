import Foundation
import Testing
import KMSRotation
import KMSRotationTesting

// End-to-end scanner tests: RotationChecker → KMSClient (signing, retries, JSON 1.1) → InMemoryKMS.
// No network, no real sleeping between retries.

/// The scanner suites run one test at a time: each scan keeps the cooperative pool busy (thousands of
/// signed requests), and run all at once they would starve the wall-clock tests of other suites.
@Suite("Scanner", .serialized)
struct ScannerTests {}

let scanCredentials = StaticCredentialProvider(
    AWSCredentials(accessKeyId: "AKIDSCANTEST", secretAccessKey: "scan-test-secret-key-not-real"))

/// The demo account's key counts per enabled Region (see `SampleAccount.demo()`).
let demoKeyCounts = ["us-east-1": 21, "eu-west-1": 5, "ap-southeast-2": 4]

/// A scanner whose clients talk to `transport` (an InMemoryKMS, or a wrapper around one) and never sleep.
func makeScanner(
    _ transport: any HTTPTransport, regions: [String], policy: RotationPolicy = .cis, policies: PolicyResolver? = nil,
    concurrencyPerRegion: Int = 8, concurrentRegions: Int = 8, listKeysPageSize: Int = 1000, sleeps: SleepLog? = nil
) -> RotationChecker {
    let options = RotationChecker.ScanOptions(
        regions: regions, policy: policies ?? PolicyResolver(policy), concurrencyPerRegion: concurrencyPerRegion,
        concurrentRegions: concurrentRegions, listKeysPageSize: listKeysPageSize,
        now: { SampleAccount.referenceDate })
    let noSleep: RetryingExecutor.Sleeper = { _ in }
    let sleeper = sleeps?.sleeper ?? noSleep
    return RotationChecker(options: options) { region in
        try KMSClient(AWSClientConfiguration(region: region, credentialProvider: scanCredentials, transport: transport, sleeper: sleeper))
    }
}

/// A client for reading the KMS directly (outside the scan), e.g. to compute expected verdicts.
func directClient(_ kms: InMemoryKMS, region: String) throws -> KMSClient {
    try KMSClient(AWSClientConfiguration(region: region, credentialProvider: scanCredentials, transport: kms, sleeper: { _ in }))
}

/// What the policy says about every key of the given Regions, computed key by key from DescribeKey,
/// GetKeyRotationStatus (only when the policy needs it) and ListAliases, outside the scanner.
/// Makes calls: take call counts before using it.
func expectedFindings(_ kms: InMemoryKMS, regions: [String], policy: RotationPolicy) async throws -> [String: RotationFinding] {
    var expected: [String: RotationFinding] = [:]
    for region in regions {
        let client = try directClient(kms, region: region)
        var aliases: [String: [String]] = [:]
        for alias in try await client.allAliases().collect() {
            if let target = alias.targetKeyId, let name = alias.aliasName { aliases[target, default: []].append(name) }
        }
        for keyId in kms.keyIds(region: region) {
            let key = try await client.describeKey(keyId: kms.keyArn(keyId, region: region))
            var evidence = RotationEvidence.notGathered
            if policy.needsRotationStatus(for: key) {
                do {
                    evidence = .status(try await client.getKeyRotationStatus(keyId: try #require(key.arn)))
                } catch {
                    evidence = .failed(EvidenceError(error, operation: "GetKeyRotationStatus"))
                }
            }
            expected[kms.keyArn(keyId, region: region)] = policy.evaluate(
                key: key, rotation: evidence, aliases: aliases[keyId] ?? [],
                now: SampleAccount.referenceDate)
        }
    }
    return expected
}

/// The findings of a report by key ARN; records an issue for a finding without an ARN or a duplicate ARN.
func byArn(_ findings: [RotationFinding]) -> [String: RotationFinding] {
    var result: [String: RotationFinding] = [:]
    for finding in findings {
        guard let arn = finding.keyArn else { Issue.record("finding without ARN: \(finding.keyId)"); continue }
        if result.updateValue(finding, forKey: arn) != nil { Issue.record("two findings for \(arn)") }
    }
    return result
}

/// The finding of the key an alias names (first alias match).
func finding(_ alias: String, region: String = "us-east-1", in findings: [RotationFinding]) -> RotationFinding? {
    findings.first { $0.region == region && $0.aliases.contains(alias) }
}

/// `(compliance, reason)` by first alias, for compact table assertions.
func verdicts(_ findings: [RotationFinding], region: String) -> [String: String] {
    var result: [String: String] = [:]
    for finding in findings where finding.region == region {
        result[finding.aliases.first ?? "(none)"] = "\(finding.compliance.rawValue) \(finding.reason.rawValue)"
    }
    return result
}

/// The ARNs of every key of the given Regions, as the KMS holds them.
func allArns(_ kms: InMemoryKMS, regions: [String]) -> Set<String> {
    Set(regions.flatMap { region in kms.keyIds(region: region).map { kms.keyArn($0, region: region) } })
}

/// An HTTPTransport in front of another that counts requests in flight, per Region and per operation, and
/// remembers the maxima. The Region and operation come from the `Host` and `X-Amz-Target` headers.
actor InFlightProbe {
    private var inFlight: [String: Int] = [:]  // region → requests in flight
    private var evaluating: [String: Int] = [:]  // region → DescribeKey + GetKeyRotationStatus in flight
    private(set) var maxInFlight: [String: Int] = [:]
    private(set) var maxEvaluating: [String: Int] = [:]
    private(set) var maxTotal = 0
    private(set) var maxRegionsBusy = 0
    private(set) var started: [String: Int] = [:]  // operation → requests sent
    private(set) var startedByKey: [String: Int] = [:]  // "operation KeyId" → requests sent

    static let evaluationOperations: Set<String> = ["DescribeKey", "GetKeyRotationStatus"]

    func enter(region: String, operation: String, keyId: String?) {
        if let keyId { startedByKey["\(operation) \(keyId)", default: 0] += 1 }
        inFlight[region, default: 0] += 1
        maxInFlight[region] = max(maxInFlight[region] ?? 0, inFlight[region]!)
        if Self.evaluationOperations.contains(operation) {
            evaluating[region, default: 0] += 1
            maxEvaluating[region] = max(maxEvaluating[region] ?? 0, evaluating[region]!)
        }
        maxTotal = max(maxTotal, inFlight.values.reduce(0, +))
        maxRegionsBusy = max(maxRegionsBusy, inFlight.values.count { $0 > 0 })
        started[operation, default: 0] += 1
    }

    func exit(region: String, operation: String) {
        inFlight[region, default: 0] -= 1
        if Self.evaluationOperations.contains(operation) { evaluating[region, default: 0] -= 1 }
    }

    var totalStarted: Int { started.values.reduce(0, +) }
    var inFlightTotal: Int { inFlight.values.reduce(0, +) }
}

struct ProbingTransport: HTTPTransport {
    let base: any HTTPTransport
    let probe: InFlightProbe

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let host = request.headers["Host"] ?? request.url.host ?? ""
        let region = host.split(separator: ".").dropFirst().first.map(String.init) ?? host
        let operation = (request.headers["X-Amz-Target"] ?? "").replacingOccurrences(of: "TrentService.", with: "")
        let body = try? JSONSerialization.jsonObject(with: request.body) as? [String: Any]
        await probe.enter(region: region, operation: operation, keyId: body?["KeyId"] as? String)
        do {
            let response = try await base.send(request)
            await probe.exit(region: region, operation: operation)
            return response
        } catch {
            await probe.exit(region: region, operation: operation)
            throw error
        }
    }
}
