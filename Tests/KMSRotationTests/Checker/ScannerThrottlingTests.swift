import Foundation
import Testing
@testable import KMSRotation
import KMSRotationTesting

/// KMS as a busy account sees it: a token bucket per Region (`rate` requests per second, a burst of
/// `burst`, `rate` by default), answering ThrottlingException when it is empty, and a 503 on every
/// `faultEvery`-th request. It records when each request arrived, per Region.
final class ThrottlingStandIn: HTTPTransport, @unchecked Sendable {
    let base: InMemoryKMS
    let rate: Double
    let burst: Double
    let faultEvery: Int
    private let lock = NSLock()
    private var buckets: [String: (tokens: Double, last: ContinuousClock.Instant)] = [:]
    private var count = 0
    private(set) var throttled = 0
    private(set) var faulted = 0
    private(set) var arrivals: [String: [ContinuousClock.Instant]] = [:]

    init(_ base: InMemoryKMS, rate: Double, burst: Double? = nil, faultEvery: Int = 0) {
        self.base = base
        self.rate = rate
        self.burst = burst ?? rate
        self.faultEvery = faultEvery
    }

    private static func answer(_ status: Int, _ type: String) -> HTTPResponse {
        HTTPResponse(
            status: status, headers: ["Content-Type": "application/x-amz-json-1.1"],
            body: Data(#"{"__type":"\#(type)","message":"stand-in"}"#.utf8))
    }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let region = request.url.host?.split(separator: ".").dropFirst().first.map(String.init) ?? "?"
        let now = ContinuousClock.now
        let verdict: HTTPResponse? = lock.withLock {
            count += 1
            arrivals[region, default: []].append(now)
            if faultEvery > 0 && count % faultEvery == 0 {
                faulted += 1
                return Self.answer(503, "ServiceUnavailable")
            }
            var bucket = buckets[region] ?? (burst, now)
            let elapsed = now - bucket.last
            bucket.tokens = min(
                burst, bucket.tokens + (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18) * rate)
            bucket.last = now
            defer { buckets[region] = bucket }
            guard bucket.tokens >= 1 else {
                throttled += 1
                return Self.answer(400, "ThrottlingException")
            }
            bucket.tokens -= 1
            return nil
        }
        if let verdict { return verdict }
        return try await base.send(request)
    }
}

@Suite("Scanner: throttling and faults (adaptive mode)", .serialized)
struct ScannerThrottlingTests {
    static let regions = ["us-east-1", "eu-west-1"]

    /// The demo account plus 40 more keys in us-east-1, so that the scan must outrun a 20/s bucket.
    static func account() -> InMemoryKMS {
        let kms = SampleAccount.demo()
        for index in 0..<40 { kms.addKey(.init(rotationEnabled: index.isMultiple(of: 2)), region: "us-east-1") }
        return kms
    }

    static func verdicts(_ report: RotationReport) -> [String: String] {
        Dictionary(
            report.findings.map { ($0.keyArn ?? $0.keyId, "\($0.compliance.rawValue) \($0.reason.rawValue)") },
            uniquingKeysWith: { a, _ in a })
    }

    static func scan(
        _ transport: any HTTPTransport, limiters: RateLimiterRegistry, patience: RetryPatience?, concurrency: Int = 8
    ) async throws -> RotationReport {
        let options = RotationChecker.ScanOptions(regions: regions, concurrencyPerRegion: concurrency, now: { SampleAccount.referenceDate })
        // Backoff for server faults is real but short; the limiter paces throttled retries in real time.
        let sleeper: RetryingExecutor.Sleeper = { duration in try await Task.sleep(for: duration / 20) }
        return try await RotationChecker(options: options) { region in
            var configuration = AWSClientConfiguration(
                region: region, credentialProvider: scanCredentials, transport: transport, retryPatience: patience, sleeper: sleeper)
            configuration.rateLimiter = limiters.limiter(account: "111122223333", region: region, service: "kms")
            return try KMSClient(configuration)
        }.report()
    }

    @Test("At 20 requests/s per Region with a 503 on every 9th request, every key gets its true verdict")
    func noVerdictLostToThrottling() async throws {
        let clean = try await Self.scan(Self.account(), limiters: RateLimiterRegistry(configuration: .init(adaptive: false)), patience: nil)
        // A burst of 2, not 20: the scan is throttled however slowly the test machine runs it (with a full
        // bucket of 20 a scan starved by hundreds of parallel tests may never outrun it).
        let standIn = ThrottlingStandIn(Self.account(), rate: 20, burst: 2, faultEvery: 9)
        let limiters = RateLimiterRegistry()
        let report = try await Self.scan(standIn, limiters: limiters, patience: .for(.seconds(120)))
        #expect(standIn.throttled > 0, "the stand-in did throttle the scan")
        #expect(standIn.faulted > 0)
        #expect(limiters.totals.throttles == standIn.throttled)
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(!report.findings.contains { $0.reason == .throttled || $0.reason == .serviceError })
        #expect(Self.verdicts(report) == Self.verdicts(clean))
    }

    @Test("The same stand-in without patience (standard mode) loses verdicts: the regression this fixes")
    func standardModeLosesVerdicts() async throws {
        let standIn = ThrottlingStandIn(Self.account(), rate: 20, faultEvery: 9)
        let report = try await Self.scan(
            standIn, limiters: RateLimiterRegistry(configuration: .init(adaptive: false)), patience: nil, concurrency: 32)
        #expect(report.findings.contains { $0.compliance == .insufficientData && $0.reason == .throttled } || !report.errors.isEmpty)
    }

    @Test("A hard cap of 5 requests/s: never more than 5 arrivals in any one-second window, per Region")
    func hardCap() async throws {
        let kms = InMemoryKMS(clock: { SampleAccount.referenceDate })
        for index in 0..<6 { kms.addKey(.init(rotationEnabled: index.isMultiple(of: 2)), region: "us-east-1") }
        for index in 0..<4 { kms.addKey(.init(rotationEnabled: true), region: "eu-west-1"); _ = index }
        let standIn = ThrottlingStandIn(kms, rate: 1000)
        let report = try await Self.scan(
            standIn, limiters: RateLimiterRegistry(configuration: .init(maximumRequestsPerSecond: 5)),
            patience: .for(.seconds(120)))
        #expect(report.findings.count == 10)
        for (region, unsorted) in standIn.arrivals {
            let arrivals = unsorted.sorted()
            #expect(arrivals.count >= 10, "\(region): \(arrivals.count) requests")
            for (index, start) in arrivals.enumerated() {
                let inWindow = arrivals[index...].prefix { $0 < start + .seconds(1) }.count
                #expect(inWindow <= 5, "\(region): \(inWindow) requests within one second")
            }
        }
    }
}
