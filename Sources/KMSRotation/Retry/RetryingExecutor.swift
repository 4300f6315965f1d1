import Foundation

/// Runs one request's attempts under a ``RetryStrategy``: attempt, classify the failure, take retry
/// quota, back off, try again.
///
/// The KMS client keeps one executor (its quota is shared by all of the client's requests) and wraps
/// each operation in ``execute(operation:classifier:onEvent:_:)``. The body sends one signed
/// request and returns the decoded result or throws: a ``TransportError`` when no response came, or
/// the client's service error, conforming to ``RetryClassifiable``, for a non-2xx response.
///
/// ```swift
/// let output = try await executor.execute(operation: "ListKeys") { attempt in
///     let response = try await transport.send(try signer.sign(request))
///     guard response.isSuccess else { throw AWSServiceError.decodeJSON(service: "kms", from: response, operation: "ListKeys") }
///     return try decode(ListKeysOutput.self, from: response.body)
/// }
/// ```
///
/// When the request fails, the error thrown is the last attempt's error, unwrapped. Cancellation
/// while waiting to retry throws `CancellationError` at once. The sleeper and the random source are
/// injected, so tests run without waiting.
package struct RetryingExecutor: Sendable {
    /// Waits for a duration; throws `CancellationError` when the task is cancelled meanwhile.
    package typealias Sleeper = AWSClientConfiguration.Sleeper

    /// The default sleeper: `Task.sleep(for:)`.
    package static let taskSleeper: Sleeper = { duration in try await Task.sleep(for: duration) }

    /// The retry configuration.
    package let strategy: RetryStrategy
    /// The retry token bucket, shared by every request run by this executor and its copies.
    package let quota: RetryQuota
    /// The delays between attempts.
    package let backoff: Backoff
    /// The adaptive mode's client-side rate limiter, shared by every client of one account, Region and
    /// service; `nil` in standard mode.
    package let rateLimiter: AdaptiveRateLimiter?
    /// How long throttled requests (and failed listing pages) keep being retried; `nil` for the
    /// standard attempt limit only.
    package let patience: RetryPatience?
    private let sleeper: Sleeper
    private let random: @Sendable () -> Double

    /// Creates an executor.
    /// - Parameters:
    ///   - strategy: The retry configuration; `.standard` by default.
    ///   - quota: The token bucket to spend; a new full bucket sized by `strategy.quota` by default.
    ///     Pass the same quota to executors that should share a retry budget.
    ///   - sleeper: How to wait between attempts; `Task.sleep(for:)` by default.
    ///   - random: A source of uniform random numbers in `0..<1` for the backoff jitter.
    ///   - rateLimiter: The adaptive mode's limiter: every attempt waits for it and reports its answer to
    ///     it. `nil` (standard mode) sends at once.
    ///   - patience: Retry throttling, and any retryable failure of a listing page, until its deadline
    ///     instead of stopping after `strategy.maxAttempts`; `nil` for the standard limit only.
    package init(
        strategy: RetryStrategy = .standard,
        quota: RetryQuota? = nil,
        sleeper: @escaping Sleeper = RetryingExecutor.taskSleeper,
        random: @escaping @Sendable () -> Double = Backoff.systemRandom,
        rateLimiter: AdaptiveRateLimiter? = nil,
        patience: RetryPatience? = nil
    ) {
        self.strategy = strategy
        self.quota = quota ?? RetryQuota(configuration: strategy.quota)
        self.backoff = strategy.backoff(random: random)
        self.sleeper = sleeper
        self.random = random
        self.rateLimiter = rateLimiter
        self.patience = patience
    }

    /// Runs a request, retrying its retryable failures.
    /// - Parameters:
    ///   - operation: The KMS operation, for example `ListKeys`; it matters for classification
    ///     (`LimitExceededException` from `RotateKeyOnDemand` is never retried) and appears in events.
    ///   - classifier: Decides whether an error is retryable; `RetryStrategy/classify(error:operation:)`
    ///     when `nil`.
    ///   - onEvent: Called after every attempt with what follows it (retry and delay, success, or
    ///     failure and why), for logging; the attempt count is in each event.
    ///   - body: Makes one attempt. It receives the attempt number, from 1.
    /// - Returns: The value of the first successful attempt.
    /// - Throws: The last attempt's error, unwrapped, when it is not retryable or no attempts or
    ///   quota remain; `CancellationError` when the task is cancelled while waiting to retry; any
    ///   other error the sleeper throws.
    package func execute<T>(
        operation: String,
        classifier: (@Sendable (_ error: any Error, _ operation: String) -> RetryDecision)? = nil,
        onEvent: (@Sendable (RetryEvent) -> Void)? = nil,
        _ body: (_ attempt: Int) async throws -> T
    ) async throws -> T {
        let classify = classifier ?? RetryStrategy.classify(error:operation:)
        var attempt = 1
        // Retries under the standard limit: consecutive failures other than those RetryPatience covers. A
        // patient retry (a throttle) resets it, because a throttling answer shows the service is up: a
        // request throttled twenty times must not lose its verdict to three 503s spread among them.
        var standardRetries = 0
        var patientRetries = 0
        var lastRetryCost: Int?
        while true {
            func stop(_ reason: RetryEvent.StopReason, _ error: any Error) -> any Error {
                onEvent?(RetryEvent(operation: operation, attempt: attempt, outcome: .failed(reason: reason, error: error)))
                return error
            }

            if let rateLimiter {
                do {
                    try await rateLimiter.acquire()
                } catch {
                    throw stop(.cancelled, error)
                }
            }
            let error: any Error
            do {
                let value = try await body(attempt)
                rateLimiter?.record(throttled: false)
                quota.recordSuccess(retryCost: lastRetryCost)
                onEvent?(RetryEvent(operation: operation, attempt: attempt, outcome: .succeeded))
                return value
            } catch let caught {
                error = caught
            }

            let decision = classify(error, operation)
            if let rateLimiter, !(error is CancellationError) {
                rateLimiter.record(throttled: decision == .retry(kind: .throttling))
            }
            guard case .retry(let kind) = decision else {
                throw stop(.notRetryable, error)
            }
            // A cancelled task must not spend quota on a retry it will never make.
            guard !Task.isCancelled else {
                throw stop(.cancelled, CancellationError())
            }

            let delay: Duration
            if let patience, patience.covers(kind: kind, operation: operation) {
                let left = patience.deadline - patience.now()
                guard left > .zero else { throw stop(.deadlinePassed, error) }
                patientRetries += 1
                standardRetries = 0
                lastRetryCost = nil
                delay = min(patientDelay(kind: kind, retry: patientRetries), left)
            } else {
                guard standardRetries + 1 < strategy.maxAttempts else {
                    throw stop(.attemptsExhausted, error)
                }
                guard let cost = quota.acquire(for: kind) else {
                    throw stop(.quotaExhausted, error)
                }
                lastRetryCost = cost
                standardRetries += 1
                delay = backoff.delay(forRetry: standardRetries)
            }
            onEvent?(RetryEvent(operation: operation, attempt: attempt, outcome: .willRetry(kind: kind, delay: delay, error: error)))
            do {
                try await sleeper(delay)
                try Task.checkCancellation()
            } catch let sleepError {
                throw stop(sleepError is CancellationError ? .cancelled : .notRetryable, sleepError)
            }
            attempt += 1
        }
    }

    /// The wait before a patient retry. With the adaptive limiter, throttled retries wait only a small
    /// jitter (up to 0.1 s doubling to 1 s) and the limiter's bucket does the real pacing; without it,
    /// and for a listing's server faults, the standard backoff, capped at 5 s so a page is tried again
    /// soon after a fault clears.
    private func patientDelay(kind: RetryKind, retry: Int) -> Duration {
        if kind == .throttling, rateLimiter != nil {
            let ceiling = min(0.1 * pow(2, Double(min(retry, 10) - 1)), 1.0)
            return .nanoseconds(Int64(random() * ceiling * 1e9))
        }
        return Backoff(base: strategy.baseDelay, maxBackoff: min(strategy.maxBackoff, .seconds(5)), random: random).delay(
            forRetry: min(retry, 30))
    }
}

/// How long a scan keeps retrying what throttling (or a failing listing page) costs it, instead of giving
/// up after the standard 3 attempts: until one scan-wide deadline (`--max-wait`).
///
/// - A throttled request of any operation is retried until the deadline; after it, the key is
///   `INSUFFICIENT_DATA throttled`.
/// - A listing page (ListKeys, ListAliases, ListAccounts) is retried on any retryable failure (throttling,
///   5xx, a dropped connection, a timeout) until the deadline: a lost page loses every key after it.
/// - Other failures keep the standard attempt limit and retry quota.
///
/// Patient retries spend no retry quota: the quota keeps an outage from multiplying the load, and the
/// adaptive limiter already slows a throttled client down.
public struct RetryPatience: Sendable {
    /// The scan-wide deadline.
    public var deadline: ContinuousClock.Instant
    /// The operations whose every retryable failure is retried until the deadline.
    package var listingOperations: Set<String>
    /// The clock the deadline is on (injected in tests).
    package var now: @Sendable () -> ContinuousClock.Instant

    /// The listing operations whose pages carry every key after them.
    package static let defaultListingOperations: Set<String> = ["ListKeys", "ListAliases", "ListAccounts"]

    /// Creates patience until `deadline`.
    /// - Parameters:
    ///   - deadline: When retrying stops.
    ///   - listingOperations: ``defaultListingOperations`` by default.
    ///   - now: The clock; `ContinuousClock.now` by default.
    package init(
        deadline: ContinuousClock.Instant, listingOperations: Set<String> = RetryPatience.defaultListingOperations,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.deadline = deadline
        self.listingOperations = listingOperations
        self.now = now
    }

    /// Patience for `duration` from now.
    public static func `for`(_ duration: Duration) -> RetryPatience {
        RetryPatience(deadline: ContinuousClock.now + duration)
    }

    /// Whether a retryable failure of this kind, in this operation, is retried until the deadline.
    func covers(kind: RetryKind, operation: String) -> Bool {
        kind == .throttling || listingOperations.contains(operation)
    }
}
