import Foundation
import Testing
import KMSRotation
import KMSRotationTesting

/// Collects values from any task (for `report(progress:)`).
final class Collected<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Value] = []
    var all: [Value] { lock.lock(); defer { lock.unlock() }; return values }
    func append(_ value: Value) { lock.lock(); values.append(value); lock.unlock() }
}

/// Checks a run of progress values: every counter non-decreasing, listed ≥ evaluated, done ≤ total.
private func expectMonotonic(_ progress: [ScanProgress], sourceLocation: SourceLocation = #_sourceLocation) {
    for (previous, next) in zip(progress, progress.dropFirst()) {
        #expect(next.regionsTotal == previous.regionsTotal, "\(previous) → \(next)", sourceLocation: sourceLocation)
        #expect(next.regionsDone >= previous.regionsDone, "\(previous) → \(next)", sourceLocation: sourceLocation)
        #expect(next.keysListed >= previous.keysListed, "\(previous) → \(next)", sourceLocation: sourceLocation)
        #expect(next.keysEvaluated >= previous.keysEvaluated, "\(previous) → \(next)", sourceLocation: sourceLocation)
    }
    for value in progress {
        #expect(value.keysEvaluated <= value.keysListed, "\(value)", sourceLocation: sourceLocation)
        #expect(value.regionsDone <= value.regionsTotal, "\(value)", sourceLocation: sourceLocation)
    }
}

extension ScannerTests {
    @Suite("Scanner: streaming")
    struct ScannerStreamingTests {
        @Test("events(): one finding per key, one error per failed Region, progress that only grows and ends complete")
        func events() async throws {
            let regions = SampleAccount.enabledRegions + [SampleAccount.notEnabledRegion]
            let clean = try await makeScanner(SampleAccount.demo(), regions: regions).report()
            var events: [ScanEvent] = []
            for await event in makeScanner(SampleAccount.demo(), regions: regions).events() {
                events.append(event)
            }
            var findings: [RotationFinding] = []
            var errors: [ScanError] = []
            var progress: [ScanProgress] = []
            for event in events {
                switch event {
                case .finding(let finding):
                    findings.append(finding)
                case .scanError(let error):
                    errors.append(error)
                case .progress(let value):
                    // A key is counted as evaluated only after its finding was yielded.
                    #expect(value.keysEvaluated <= findings.count, "\(value) after \(findings.count) findings")
                    progress.append(value)
                }
            }
            #expect(findings.count == 30)
            #expect(RotationReport(findings: findings).findings == clean.findings)
            #expect(errors == clean.errors)
            #expect(errors.map(\.region) == ["ap-east-1"])

            #expect(progress.first == ScanProgress(regionsTotal: 4))
            expectMonotonic(progress)
            let complete = ScanEvent.progress(ScanProgress(regionsTotal: 4, regionsDone: 4, keysListed: 30, keysEvaluated: 30))
            #expect(events.last == complete)
            // One progress event per change: the initial one, a listing and an evaluation per key, one per Region.
            let changes: Int = 1 + 30 + 30 + 4
            #expect(progress.count == changes)
        }

        @Test("events() yields findings in arrival order, not report order")
        func arrivalOrder() async throws {
            let kms = SampleAccount.demo()
            // One key and one Region at a time: arrival order is listing order, Region by Region as given.
            let scanner = makeScanner(kms, regions: ["us-east-1", "eu-west-1"], concurrencyPerRegion: 1, concurrentRegions: 1)
            var arrived: [String] = []
            for await event in scanner.events() {
                if case .finding(let finding) = event { arrived.append(finding.keyArn ?? "") }
            }
            let listingOrder =
                kms.keyIds(region: "us-east-1").map { kms.keyArn($0, region: "us-east-1") }
                + kms.keyIds(region: "eu-west-1").map { kms.keyArn($0, region: "eu-west-1") }
            #expect(arrived == listingOrder)
            #expect(arrived != arrived.sorted(), "the listing order differs from the report's (Region, ARN) order")
            // And the calls happened in that order too: one DescribeKey after another.
            let described = kms.callLog.filter { $0.operation == "DescribeKey" }.map { "\($0.region ?? "")/\($0.keyId ?? "")" }
            #expect(
                described == kms.keyIds(region: "us-east-1").map { "us-east-1/\($0)" }
                    + kms.keyIds(region: "eu-west-1").map { "eu-west-1/\($0)" })
        }

        @Test("findings() yields exactly the findings")
        func findingsOnly() async throws {
            let regions = SampleAccount.enabledRegions + [SampleAccount.notEnabledRegion]
            let clean = try await makeScanner(SampleAccount.demo(), regions: regions).report()
            var findings: [RotationFinding] = []
            for await finding in makeScanner(SampleAccount.demo(), regions: regions).findings() {
                findings.append(finding)
            }
            #expect(findings.count == 30)
            #expect(Set(findings) == Set(clean.findings))
        }

        @Test("Progress stays monotonic under load: 3 Regions × 400 keys, through events() and report(progress:)")
        func progressUnderLoad() async throws {
            let regions = ["us-east-1", "eu-west-1", "ap-southeast-2"]
            var streamed: [ScanProgress] = []
            var findingCount = 0
            for await event in makeScanner(SampleAccount.large(keysPerRegion: 400, regions: regions), regions: regions).events() {
                switch event {
                case .progress(let value):
                    #expect(value.keysEvaluated <= findingCount, "\(value) after \(findingCount) findings")
                    streamed.append(value)
                case .finding: findingCount += 1
                case .scanError(let error): Issue.record("unexpected \(error)")
                }
            }
            let complete = ScanProgress(regionsTotal: 3, regionsDone: 3, keysListed: 1_200, keysEvaluated: 1_200)
            #expect(findingCount == 1_200)
            expectMonotonic(streamed)
            #expect(streamed.last == complete)

            let reported = Collected<ScanProgress>()
            let report = try await makeScanner(SampleAccount.large(keysPerRegion: 400, regions: regions), regions: regions)
                .report { reported.append($0) }
            #expect(report.findings.count == 1_200)
            expectMonotonic(reported.all)
            let all = reported.all
            let changes: Int = 1 + 1_200 + 1_200 + 3
            #expect(all.count == changes)
            #expect(all.last == complete)
        }
    }
}
