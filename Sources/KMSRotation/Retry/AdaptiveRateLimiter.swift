import Foundation

/// The client-side rate limiter of the AWS SDKs' adaptive retry mode, for one account, Region and
/// service: a token bucket whose fill rate follows CUBIC congestion control, as botocore's
/// `retries/adaptive.py`, `bucket.py` and `throttling.py` define it.
///
/// - Until the first throttling answer, requests are not limited at all.
/// - On a throttling answer the rate drops to 70% of the rate that was being sent (`β = 0.7`) and the
///   bucket starts limiting.
/// - Every other answer moves the rate along the CUBIC curve `0.4 × (t − K)³ + W_max` back toward, then
///   past, the rate that was throttled, never above twice the measured sending rate.
/// - The measured rate is smoothed (0.8) over half-second buckets; the fill rate never drops below
///   0.5 requests per second.
///
/// An optional hard cap (`--max-requests-per-second`) spaces request starts at least `1/cap` seconds
/// apart, always, so a scan never takes more than its share of a quota that production shares: in any
/// one-second window at most `cap` requests start.
///
/// Every attempt, retries included, calls `acquire()` before it is sent and `record(throttled:)`
/// when its answer arrives. Thread-safe; the clock and the sleeper are injected for tests.
package final class AdaptiveRateLimiter: Sendable {
    /// botocore's constants, and the optional hard cap.
    package struct Configuration: Sendable, Hashable {
        /// A hard ceiling on request starts per second, or `nil` for none.
        package var maximumRequestsPerSecond: Double?
        /// Whether throttling answers adjust the rate (the adaptive mode). `false` keeps only the hard cap,
        /// for the standard mode with `--max-requests-per-second`.
        package var adaptive: Bool = true
        /// The multiplicative decrease on throttling (0.7).
        package var beta: Double = 0.7
        /// The CUBIC scale constant (0.4).
        package var scaleConstant: Double = 0.4
        /// The lowest fill rate, in requests per second (0.5).
        package var minimumFillRate: Double = 0.5
        /// The weight of the newest measurement in the smoothed sending rate (0.8).
        package var smoothing: Double = 0.8
        /// The width of a rate-measurement bucket, in seconds (0.5).
        package var measurementInterval: Double = 0.5
        /// The fill rate never exceeds this multiple of the measured sending rate (2).
        package var maximumRateAdjustScale: Double = 2.0

        /// The AWS SDKs' adaptive mode, with an optional hard cap.
        /// - Parameters:
        ///   - maximumRequestsPerSecond: A ceiling on request starts per second; `nil` for none.
        ///   - adaptive: Whether throttling adjusts the rate; `false` keeps only the cap.
        package init(maximumRequestsPerSecond: Double? = nil, adaptive: Bool = true) {
            self.maximumRequestsPerSecond = maximumRequestsPerSecond
            self.adaptive = adaptive
        }
    }

    /// What the limiter is doing, for progress lines and logs.
    package struct Snapshot: Sendable, Hashable {
        /// The rate requests are being sent at, smoothed, in requests per second.
        package var measuredRate: Double
        /// The bucket's fill rate, once limiting has started; `nil` before the first throttle.
        package var fillRate: Double?
        /// Throttling answers seen so far.
        package var throttles: Int
        /// Answers seen so far.
        package var responses: Int
    }

    /// Seconds on a monotonic clock.
    package typealias Clock = @Sendable () -> Double
    /// Waits this many seconds; throws `CancellationError` when the task is cancelled meanwhile.
    package typealias Sleeper = @Sendable (Double) async throws -> Void

    /// `ContinuousClock`, in seconds since an arbitrary start.
    package static let monotonicClock: Clock = {
        let elapsed = ContinuousClock.now - AdaptiveRateLimiter.origin
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }

    private static let origin = ContinuousClock.now

    /// `Task.sleep`.
    package static let taskSleeper: Sleeper = { seconds in
        try await Task.sleep(for: .nanoseconds(Int64((seconds * 1e9).rounded(.up))))
    }

    private struct State {
        // Token bucket.
        var enabled = false
        var fillRate: Double = 0
        var maximumCapacity: Double = 1
        var capacity: Double = 0
        var lastRefill: Double?
        // CUBIC.
        var maximumRate: Double = 0
        var zeroPoint: Double = 0
        var lastThrottle: Double
        // Rate measurement.
        var measuredRate: Double = 0
        var lastBucket: Double
        var count: Double = 0
        // The hard cap: the earliest start of the next request.
        var nextStart: Double = 0
        // Counters.
        var throttles = 0
        var responses = 0
    }

    /// The configuration.
    package let configuration: Configuration
    private let clock: Clock
    private let sleeper: Sleeper
    private let state: LockedValue<State>

    /// Creates a limiter.
    /// - Parameters:
    ///   - configuration: The constants and the optional hard cap.
    ///   - clock: Seconds on a monotonic clock; ``monotonicClock`` by default.
    ///   - sleeper: How to wait; ``taskSleeper`` by default.
    package init(
        configuration: Configuration = Configuration(), clock: @escaping Clock = AdaptiveRateLimiter.monotonicClock,
        sleeper: @escaping Sleeper = AdaptiveRateLimiter.taskSleeper
    ) {
        self.configuration = configuration
        self.clock = clock
        self.sleeper = sleeper
        let now = clock()
        let interval = configuration.measurementInterval
        state = LockedValue(State(lastThrottle: now, lastBucket: (now / interval).rounded(.down) * interval))
    }

    /// What the limiter is doing now.
    package var snapshot: Snapshot {
        state.withLock {
            Snapshot(
                measuredRate: $0.measuredRate, fillRate: $0.enabled ? $0.fillRate : nil, throttles: $0.throttles, responses: $0.responses)
        }
    }

    /// Waits until a request may be sent: a token from the bucket once throttling has been seen, and the
    /// hard cap's spacing when one is set.
    /// - Throws: `CancellationError` when the task is cancelled while waiting.
    package func acquire() async throws {
        while true {
            try Task.checkCancellation()
            let wait: Double = state.withLock { state in
                let now = clock()
                var wait = configuration.maximumRequestsPerSecond == nil ? 0 : state.nextStart - now
                if state.enabled {
                    refill(&state, now: now)
                    // A token less a rounding error counts as a token: waiting 1e-18 s moves no clock.
                    if state.capacity < 1 - 1e-9 { wait = max(wait, (1 - state.capacity) / state.fillRate) }
                }
                guard wait <= 1e-9 else { return wait }
                if state.enabled { state.capacity = max(0, state.capacity - 1) }
                if let cap = configuration.maximumRequestsPerSecond {
                    // 5% above the exact spacing: the server sees arrivals, not starts, and the few milliseconds
                    // between the two vary per request (measured at a loopback stand-in: 1% let 6 of a cap of
                    // 5 into one second there). N starts then span 1.05 s, which absorbs 50 ms of jitter.
                    state.nextStart = max(state.nextStart, now) + 1.05 / cap
                }
                return 0
            }
            if wait <= 0 { return }
            try await sleeper(wait)
        }
    }

    /// Records an answer: a throttling answer lowers the rate and starts limiting; any other answer lets it
    /// grow along the CUBIC curve.
    /// - Parameter throttled: Whether the answer was a throttling error.
    package func record(throttled: Bool) {
        state.withLock { state in
            let now = clock()
            let measured = measure(&state, now: now)
            state.responses += 1
            if throttled { state.throttles += 1 }
            guard configuration.adaptive else { return }
            let newRate: Double
            if throttled {
                let rateToUse = state.enabled ? min(measured, state.fillRate) : measured
                state.maximumRate = rateToUse
                state.zeroPoint = cbrt(rateToUse * (1 - configuration.beta) / configuration.scaleConstant)
                state.lastThrottle = now
                newRate = rateToUse * configuration.beta
                state.enabled = true
            } else {
                let elapsed = now - state.lastThrottle - state.zeroPoint
                newRate = configuration.scaleConstant * elapsed * elapsed * elapsed + state.maximumRate
            }
            setFillRate(&state, min(newRate, configuration.maximumRateAdjustScale * measured), now: now)
        }
    }

    private func measure(_ state: inout State, now: Double) -> Double {
        let interval = configuration.measurementInterval
        let bucket = (now / interval).rounded(.down) * interval
        state.count += 1
        if bucket > state.lastBucket {
            let current = state.count / (bucket - state.lastBucket)
            state.measuredRate = current * configuration.smoothing + state.measuredRate * (1 - configuration.smoothing)
            state.count = 0
            state.lastBucket = bucket
        }
        return state.measuredRate
    }

    private func refill(_ state: inout State, now: Double) {
        guard let last = state.lastRefill else {
            state.lastRefill = now
            return
        }
        state.capacity = min(state.maximumCapacity, state.capacity + (now - last) * state.fillRate)
        state.lastRefill = now
    }

    private func setFillRate(_ state: inout State, _ value: Double, now: Double) {
        refill(&state, now: now)
        state.fillRate = max(value, configuration.minimumFillRate)
        state.maximumCapacity = max(value, 1)
        state.capacity = min(state.capacity, state.maximumCapacity)
    }
}
