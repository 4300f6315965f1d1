import Foundation
import Testing

/// Issue #10's acceptance, measured from outside: the real `kms-rotation` binary, over URLSession and real
/// HTTP, against a KMS stand-in that verifies SigV4 with botocore and throttles per Region
/// (`Support/kms_standin.py`). Assertions are on counts, verdicts and requests in flight, never wall time.
@Suite(
    "kms-rotation audit against a throttling, SigV4-verifying KMS stand-in",
    .enabled(if: KMSStandIn.isAvailable && CLIBinary.path != nil, Comment(rawValue: KMSStandIn.skipMessage)), .serialized)
struct StandInAcceptanceTests {
    /// Every key of the stand-in has the verdict it should, and nothing is missing or extra.
    static func expectTrueVerdicts(_ output: (status: Int32, stdout: String, stderr: String), _ stats: KMSStandIn.Stats) throws {
        let verdicts = try KMSStandIn.verdicts(output.stdout)
        #expect(verdicts.count == stats.truth.count, "\(verdicts.count) findings for \(stats.truth.count) keys")
        let wrong = stats.truth.filter { verdicts[$0.key] != $0.value }
        let example = wrong.first.map { "\($0.key): \(verdicts[$0.key] ?? "missing")" } ?? ""
        #expect(wrong.isEmpty, "\(wrong.count) keys without their true verdict, e.g. \(example)")
        #expect(!verdicts.values.contains { $0.hasPrefix("INSUFFICIENT_DATA") })
        #expect(stats.badSignatures == 0 && stats.unsigned == 0, "every request carried a signature botocore agrees with")
        // The stand-in has non-compliant keys and nothing unknown: exit status 3, not 4.
        #expect(output.status == 3, "\(output.stderr)")
    }

    @Test("20 requests/s per Region and a 500 on every 9th request: every key gets its true verdict")
    func throttledAndFaulted() async throws {
        let standIn = try KMSStandIn(.init(regions: ["us-east-1", "eu-west-1"], keysPerRegion: 75, rate: 20, faultEvery: 9))
        let output = try standIn.audit(["--region", "us-east-1", "--region", "eu-west-1", "--max-wait", "120"])
        let stats = try await standIn.stats()
        #expect(stats.throttled > 0, "the stand-in throttled the scan (otherwise this test proves nothing)")
        #expect(stats.faulted > 0)
        try Self.expectTrueVerdicts(output, stats)
        #expect(!output.stdout.contains("\"throttled\""))
    }

    @Test("--max-requests-per-second 5: the stand-in never sees more than 5 requests in one second, per Region")
    func rateCap() async throws {
        let standIn = try KMSStandIn(.init(regions: ["us-east-1", "eu-west-1"], keysPerRegion: 8))
        let output = try standIn.audit(["--region", "us-east-1", "--region", "eu-west-1", "--max-requests-per-second", "5"])
        let stats = try await standIn.stats()
        try Self.expectTrueVerdicts(output, stats)
        let busiest = KMSStandIn.busiestSecond(stats.arrivals)
        #expect(busiest.count == 2)
        for region in ["us-east-1", "eu-west-1"] {
            #expect((stats.arrivals[region]?.count ?? 0) >= 10, "\(region): enough requests to fill several seconds")
            #expect((busiest[region] ?? 99) <= 5, "\(region): \(busiest[region] ?? 0) requests within one second")
        }
    }

    @Test("20 ms per call, no throttling: 1,000 keys in 4 Regions run with at least 24 requests in flight")
    func concurrencyReachesTheServer() async throws {
        let regions = ["us-east-1", "eu-west-1", "ap-southeast-2", "sa-east-1"]
        let standIn = try KMSStandIn(.init(regions: regions, keysPerRegion: 250, latency: 0.02))
        let output = try standIn.audit(regions.flatMap { ["--region", $0] })
        let stats = try await standIn.stats()
        try Self.expectTrueVerdicts(output, stats)
        #expect(stats.truth.count == 1000)
        #expect(stats.maxInFlight >= 24, "at most \(stats.maxInFlight) in flight at the stand-in (default --concurrency 8 × 4 Regions)")
    }

    @Test("Regression: one Region at --concurrency 16 is no longer held to URLSession's 6 connections per host")
    func notCappedAtSixConnections() async throws {
        let standIn = try KMSStandIn(.init(regions: ["us-east-1"], keysPerRegion: 120, latency: 0.02))
        let output = try standIn.audit(["--region", "us-east-1", "--concurrency", "16"])
        let stats = try await standIn.stats()
        try Self.expectTrueVerdicts(output, stats)
        #expect(stats.maxInFlight > 6, "\(stats.maxInFlight) in flight: the 6-connection cap is back")
        #expect(stats.maxInFlight <= 16, "\(stats.maxInFlight) in flight: more than --concurrency")
    }
}

@Suite("KMS stand-in availability")
struct KMSStandInAvailabilityTests {
    @Test("python3 with botocore is installed when CI is set")
    func standInAvailableInCI() {
        if ProcessInfo.processInfo.environment["CI"] != nil {
            #expect(KMSStandIn.isAvailable, "CI is set but python3 cannot import botocore: .ci/run must install it")
        } else if !KMSStandIn.isAvailable {
            print("note: \(KMSStandIn.skipMessage)")
        }
    }
}
