/// How failed requests are retried: the AWS SDKs' standard retry mode, as configuration.
///
/// `.standard` makes at most 3 attempts, waits `random(0..<1) × min(2^(n-1) s, 20 s)` before the n-th
/// retry, and spends a shared token bucket (`RetryQuota`) so an outage does not multiply the load.
/// `.none` makes one attempt. What is retryable is decided by `classify(error:operation:)`;
/// `RetryingExecutor` runs the loop.
///
/// ```swift
/// let strategy = try RetryStrategy(maxAttempts: 5)   // e.g. from AWS_MAX_ATTEMPTS
/// let executor = RetryingExecutor(strategy: strategy)
/// ```
public struct RetryStrategy: Sendable, Hashable {
    /// The most attempts one request makes, the first one included (3 in standard mode).
    public let maxAttempts: Int
    /// The backoff ceiling of the first retry (1 s).
    package let baseDelay: Duration
    /// The largest backoff ceiling (20 s).
    package let maxBackoff: Duration
    /// The retry token bucket's sizes and costs.
    package let quota: RetryQuota.Configuration

    /// The AWS SDKs' standard mode: 3 attempts, base 1 s, cap 20 s, a 500-token retry quota.
    public static let standard = RetryStrategy(
        unchecked: 3, baseDelay: .seconds(1), maxBackoff: .seconds(20), quota: .standard
    )

    /// No retries: every request is attempted once.
    public static let none = RetryStrategy(
        unchecked: 1, baseDelay: .seconds(1), maxBackoff: .seconds(20), quota: .standard
    )

    /// Creates a strategy.
    /// - Parameters:
    ///   - maxAttempts: The most attempts per request, the first one included; at least 1.
    ///   - baseDelay: The backoff ceiling of the first retry; not negative.
    ///   - maxBackoff: The largest backoff ceiling; at least `baseDelay`.
    /// - Throws: ``RetryConfigurationError`` when a value is out of range.
    public init(maxAttempts: Int = 3, baseDelay: Duration = .seconds(1), maxBackoff: Duration = .seconds(20)) throws {
        try self.init(maxAttempts: maxAttempts, baseDelay: baseDelay, maxBackoff: maxBackoff, quota: .standard)
    }

    /// Creates a strategy with its own retry token bucket sizes and costs.
    package init(
        maxAttempts: Int = 3, baseDelay: Duration = .seconds(1), maxBackoff: Duration = .seconds(20),
        quota: RetryQuota.Configuration
    ) throws {
        guard maxAttempts >= 1 else {
            throw RetryConfigurationError(
                setting: "maxAttempts",
                message: "must be at least 1 (1 means no retries), got \(maxAttempts)"
            )
        }
        guard baseDelay >= .zero else {
            throw RetryConfigurationError(setting: "baseDelay", message: "must not be negative, got \(baseDelay)")
        }
        guard maxBackoff >= baseDelay else {
            throw RetryConfigurationError(
                setting: "maxBackoff",
                message: "must be at least baseDelay (\(baseDelay)), got \(maxBackoff)"
            )
        }
        self.init(unchecked: maxAttempts, baseDelay: baseDelay, maxBackoff: maxBackoff, quota: quota)
    }

    private init(unchecked maxAttempts: Int, baseDelay: Duration, maxBackoff: Duration, quota: RetryQuota.Configuration) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxBackoff = maxBackoff
        self.quota = quota
    }

    /// The backoff of this strategy.
    /// - Parameter random: A source of uniform random numbers in `0..<1`; the system generator by default.
    /// - Returns: A ``Backoff`` with this strategy's base and cap.
    package func backoff(random: @escaping @Sendable () -> Double = Backoff.systemRandom) -> Backoff {
        Backoff(base: baseDelay, maxBackoff: maxBackoff, random: random)
    }
}
