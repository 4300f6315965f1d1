import Foundation
import Testing
import KMSRotation
import KMSRotationTesting

extension ScannerTests {
    @Suite("Scanner: concurrency and cancellation")
    struct ScannerConcurrencyTests {
        static let regions = ["us-east-1", "eu-west-1", "ap-southeast-2"]

        @Test("At most concurrencyPerRegion calls in flight per Region, really concurrently, Regions in parallel")
        func boundedPerRegion() async throws {
            let kms = SampleAccount.large(keysPerRegion: 60, regions: Self.regions)
            kms.setLatency(.milliseconds(20), operation: "DescribeKey")
            let probe = InFlightProbe()
            // Pages of 10 keys: a ListKeys page is fetched while evaluations are in flight, and must wait for a slot.
            let report = try await makeScanner(
                ProbingTransport(base: kms, probe: probe), regions: Self.regions, concurrencyPerRegion: 4,
                listKeysPageSize: 10
            ).report()
            #expect(report.findings.count == 180)
            #expect(kms.callCount("ListKeys") == 3 * 6)

            let evaluating = await probe.maxEvaluating
            let inFlight = await probe.maxInFlight
            for region in Self.regions {
                let peak = try #require(evaluating[region])
                #expect(peak <= 4, "\(region): DescribeKey + GetKeyRotationStatus in flight")
                #expect(peak > 1, "\(region): evaluations overlap")
                #expect(try #require(inFlight[region]) <= 4, "\(region): all requests in flight, ListKeys and ListAliases included")
            }
            #expect(await probe.maxRegionsBusy > 1, "Regions are scanned concurrently")
            #expect(await probe.maxTotal > 4, "more than one Region's evaluations at once")
        }

        @Test("concurrencyPerRegion 1 evaluates one key at a time; concurrentRegions 1 scans one Region at a time")
        func serial() async throws {
            let kms = SampleAccount.large(keysPerRegion: 30, regions: Self.regions)
            kms.setLatency(.milliseconds(5), operation: "DescribeKey")
            let probe = InFlightProbe()
            let report = try await makeScanner(
                ProbingTransport(base: kms, probe: probe), regions: Self.regions,
                concurrencyPerRegion: 1, concurrentRegions: 1
            ).report()
            #expect(report.findings.count == 90)
            #expect(await probe.maxEvaluating == ["us-east-1": 1, "eu-west-1": 1, "ap-southeast-2": 1])
            #expect(await probe.maxInFlight == ["us-east-1": 1, "eu-west-1": 1, "ap-southeast-2": 1], "listings included")
            #expect(await probe.maxRegionsBusy == 1)
        }

        @Test(
            "Cancelling report() ends it promptly with CancellationError, long before the keys are done",
            arguments: [false, true])
        func cancellation(afterEvaluationsStarted: Bool) async throws {
            let kms = SampleAccount.large(keysPerRegion: 3_000, regions: ["us-east-1"])
            kms.setLatency(.milliseconds(200))
            let probe = InFlightProbe()
            let scanner = makeScanner(ProbingTransport(base: kms, probe: probe), regions: ["us-east-1"])
            let task = Task { try await scanner.report() }
            if afterEvaluationsStarted {
                // Cancel while DescribeKey requests are in flight (ListKeys took 200 ms).
                let deadline = ContinuousClock.now + .seconds(10)
                while await (probe.started["DescribeKey"] ?? 0) < 8, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(5))
                }
                #expect(await probe.started["DescribeKey"] ?? 0 >= 8)
            } else {
                // Cancel during the listing.
                try await Task.sleep(for: .milliseconds(100))
            }
            let cancelledAt = ContinuousClock.now
            task.cancel()
            let result = await task.result
            let elapsed = ContinuousClock.now - cancelledAt
            #expect(elapsed < .seconds(2), "finished \(elapsed) after cancel")
            #expect(throws: CancellationError.self) { try result.get() }
            let sent = await probe.totalStarted
            #expect(sent < 100, "\(sent) requests for 3,000 keys")
            #expect(kms.callCount("DescribeKey") < 50)
            #expect(kms.callCount("GetKeyRotationStatus") < 50)
        }

        @Test("Dropping the events() sequence cancels the scan: no request is sent afterwards")
        func droppingTheStreamCancels() async throws {
            let kms = SampleAccount.large(keysPerRegion: 2_000, regions: ["us-east-1"])
            kms.setLatency(.milliseconds(20))
            let probe = InFlightProbe()
            // Consume in a function of its own, so that the sequence and its iterator are surely released on return.
            func firstFinding(of events: AsyncStream<ScanEvent>) async -> RotationFinding? {
                for await event in events {
                    if case .finding(let finding) = event { return finding }
                }
                return nil
            }
            let first = await firstFinding(of: makeScanner(ProbingTransport(base: kms, probe: probe), regions: ["us-east-1"]).events())
            #expect(first != nil)
            // Wait (up to 5 s) for the requests in flight to end, then check that no new one starts.
            let deadline = ContinuousClock.now + .seconds(5)
            while await probe.inFlightTotal > 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
            #expect(await probe.inFlightTotal == 0)
            let settled = await probe.totalStarted
            try await Task.sleep(for: .milliseconds(300))
            #expect(await probe.totalStarted == settled)
            #expect(settled < 100, "2,000 keys would take more than 2,000 requests")
        }

        @Test("A Region named twice (or more) is scanned once")
        func duplicateRegions() async throws {
            let kms = SampleAccount.demo()
            let progress = Collected<ScanProgress>()
            let report = try await makeScanner(kms, regions: ["us-east-1", "eu-west-1", "us-east-1", "eu-west-1", "us-east-1"])
                .report { progress.append($0) }
            #expect(report.findings.count == 26)
            #expect(Set(report.findings.compactMap(\.keyArn)).count == 26)
            #expect(report.regions == ["eu-west-1", "us-east-1"])
            for region in ["us-east-1", "eu-west-1"] {
                #expect(kms.callCount("ListKeys", region: region) == 1)
                #expect(kms.callCount("ListAliases", region: region) == 1)
                #expect(kms.callCount("DescribeKey", region: region) == demoKeyCounts[region])
            }
            #expect(progress.all.first == ScanProgress(regionsTotal: 2))
            #expect(progress.all.last == ScanProgress(regionsTotal: 2, regionsDone: 2, keysListed: 26, keysEvaluated: 26))
        }
    }
}
