import Foundation
import Testing
@testable import KMSRotation

/// A manual clock: sleeping advances it, so the limiter's waits cost no real time.
final class LimiterClock: @unchecked Sendable {
    private let lock = NSLock()
    private var seconds: Double
    private(set) var slept: [Double] = []
    init(_ start: Double = 1000) { seconds = start }
    var now: Double { lock.withLock { seconds } }
    func advance(_ delta: Double) { lock.withLock { seconds += delta } }
    func sleep(_ delta: Double) {
        lock.withLock {
            seconds += delta; slept.append(delta)
        }
    }
}

@Suite("AdaptiveRateLimiter (botocore's adaptive mode)")
struct AdaptiveRateLimiterTests {
    static func limiter(_ clock: LimiterClock, cap: Double? = nil) -> AdaptiveRateLimiter {
        AdaptiveRateLimiter(configuration: .init(maximumRequestsPerSecond: cap), clock: { clock.now }, sleeper: { clock.sleep($0) })
    }

    /// Sends `count` requests, `interval` seconds apart, recording each answer as `throttled(i)` says.
    static func send(
        _ limiter: AdaptiveRateLimiter, _ clock: LimiterClock, count: Int, interval: Double,
        throttled: (Int) -> Bool = { _ in false }
    ) async throws {
        for i in 0..<count {
            try await limiter.acquire()
            clock.advance(interval)
            limiter.record(throttled: throttled(i))
        }
    }

    @Test("Before any throttle nothing is limited")
    func unlimitedUntilThrottled() async throws {
        let clock = LimiterClock()
        let limiter = Self.limiter(clock)
        try await Self.send(limiter, clock, count: 200, interval: 0.001)
        #expect(clock.slept.isEmpty)
        #expect(limiter.snapshot.fillRate == nil)
        #expect(limiter.snapshot.throttles == 0)
    }

    @Test("A throttle cuts the rate to 70% of the measured rate and starts limiting (botocore's numbers)")
    func throttleCutsTheRate() async throws {
        let clock = LimiterClock(0)
        let limiter = Self.limiter(clock)
        // 100 requests/s for 2 s: the smoothed measured rate climbs toward 100.
        try await Self.send(limiter, clock, count: 200, interval: 0.01)
        let measured = limiter.snapshot.measuredRate
        #expect(measured > 90 && measured <= 100, "\(measured)")
        limiter.record(throttled: true)
        let fill = try #require(limiter.snapshot.fillRate)
        #expect(abs(fill - measured * 0.7) < 1e-9, "β = 0.7 of the rate that was throttled")
        #expect(limiter.snapshot.throttles == 1)
    }

    @Test("After a throttle, requests are paced at the fill rate; the rate recovers along the CUBIC curve")
    func pacingAndRecovery() async throws {
        let clock = LimiterClock(0)
        let limiter = Self.limiter(clock)
        try await Self.send(limiter, clock, count: 200, interval: 0.01)
        limiter.record(throttled: true)
        let cut = try #require(limiter.snapshot.fillRate)
        // Ask as fast as possible: the bucket makes us wait.
        let start = clock.now
        try await Self.send(limiter, clock, count: 100, interval: 0)
        let elapsed = clock.now - start
        #expect(!clock.slept.isEmpty)
        #expect(elapsed > 0.5, "100 requests at about \(Int(cut))/s cannot all start at once (took \(elapsed) s)")
        // Ten seconds later, with successes, the rate is back above what was throttled... up to 2x the measured rate.
        clock.advance(10)
        limiter.record(throttled: false)
        #expect(try #require(limiter.snapshot.fillRate) >= limiter.configuration.minimumFillRate)
    }

    @Test("The CUBIC curve: W_max at t = K after the throttle, lower before, higher after")
    func cubicShape() async throws {
        let clock = LimiterClock(0)
        let limiter = Self.limiter(clock)
        try await Self.send(limiter, clock, count: 400, interval: 0.005)  // about 200/s
        limiter.record(throttled: true)
        let wMax = limiter.snapshot.fillRate! / 0.7
        let k = cbrt(wMax * 0.3 / 0.4)
        // The curve itself (the fill rate is also bounded by 2x the measured rate, which is high here).
        func curve(_ t: Double) -> Double { 0.4 * pow(t - k, 3) + wMax }
        #expect(curve(k) == wMax)
        #expect(curve(0) < wMax && abs(curve(0) - 0.7 * wMax) < 1e-6, "starts at β·W_max")
        #expect(curve(2 * k) > wMax)
    }

    @Test("The fill rate never drops below 0.5 requests per second")
    func minimumFillRate() async throws {
        let clock = LimiterClock(0)
        let limiter = Self.limiter(clock)
        for _ in 0..<50 { limiter.record(throttled: true) }
        #expect(limiter.snapshot.fillRate == 0.5)
    }

    @Test("A hard cap spaces starts: never more than N in any one-second window", arguments: [1.0, 5.0, 20.0])
    func hardCap(cap: Double) async throws {
        let clock = LimiterClock(0)
        let limiter = Self.limiter(clock, cap: cap)
        var starts: [Double] = []
        for _ in 0..<Int(cap * 5) {
            try await limiter.acquire()
            starts.append(clock.now)
        }
        for (i, start) in starts.enumerated() {
            let inWindow = starts[i...].prefix { $0 < start + 1 }.count
            #expect(inWindow <= Int(cap), "\(inWindow) starts in [\(start), \(start + 1))")
        }
        #expect(starts.last! - starts.first! < 5.2, "and not much slower than the cap")
    }

    @Test("Cancellation ends a wait at once")
    func cancellation() async throws {
        let limiter = AdaptiveRateLimiter(configuration: .init(maximumRequestsPerSecond: 0.001))
        try await limiter.acquire()
        let task = Task { try await limiter.acquire() }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }
}
