/// The delay before a retry: "full jitter" exponential backoff of the AWS SDKs' standard mode,
/// `random(0..<1) × min(base × 2^(n-1), maxBackoff)` for the n-th retry.
///
/// With the standard values (base 1 s, cap 20 s) the ceilings are 1, 2, 4, 8, 16, 20, 20, … seconds.
/// The random source is injected so tests can pin it.
package struct Backoff: Sendable {
    /// A uniform random number in `0..<1` from the system generator.
    package static let systemRandom: @Sendable () -> Double = { Double.random(in: 0..<1) }

    /// The ceiling of the first retry (1 s in standard mode).
    package let base: Duration
    /// The largest ceiling (20 s in standard mode).
    package let maxBackoff: Duration
    /// The random source; values outside `0..<1` are clamped into it.
    package let random: @Sendable () -> Double

    /// Creates a backoff.
    /// - Parameters:
    ///   - base: The ceiling of the first retry.
    ///   - maxBackoff: The largest ceiling.
    ///   - random: A source of uniform random numbers in `0..<1`.
    package init(
        base: Duration = .seconds(1),
        maxBackoff: Duration = .seconds(20),
        random: @escaping @Sendable () -> Double = Backoff.systemRandom
    ) {
        self.base = base
        self.maxBackoff = maxBackoff
        self.random = random
    }

    /// The delay before a retry.
    /// - Parameter retry: Which retry this is, from 1 (the retry after the first attempt failed).
    ///   Values below 1 count as 1.
    /// - Returns: A delay in `0 ..< ceiling(forRetry:)`, never above ``maxBackoff``.
    package func delay(forRetry retry: Int) -> Duration {
        let value = random()
        let jitter = value.isNaN ? 0 : min(max(value, 0), 1.0.nextDown)
        return ceiling(forRetry: retry) * jitter
    }

    /// The largest delay a retry can get: `min(base × 2^(retry-1), maxBackoff)`.
    /// - Parameter retry: Which retry this is, from 1.
    /// - Returns: The ceiling.
    package func ceiling(forRetry retry: Int) -> Duration {
        var ceiling = base
        var doublings = max(retry, 1) - 1
        // Doubling stops at the cap, so large retry numbers cannot overflow.
        while doublings > 0 && ceiling < maxBackoff {
            ceiling = ceiling * 2
            doublings -= 1
        }
        return min(ceiling, maxBackoff)
    }
}
