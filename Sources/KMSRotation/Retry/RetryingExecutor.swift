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
///     guard response.isSuccess else { throw KMSError(response) }   // KMSError: RetryClassifiable
///     return try decode(ListKeysOutput.self, from: response.body)
/// }
/// ```
///
/// When the request fails, the error thrown is the last attempt's error, unwrapped. Cancellation
/// while waiting to retry throws `CancellationError` at once. The sleeper and the random source are
/// injected, so tests run without waiting.
public struct RetryingExecutor: Sendable {
    /// Waits for a duration; throws `CancellationError` when the task is cancelled meanwhile.
    public typealias Sleeper = @Sendable (Duration) async throws -> Void

    /// The default sleeper: `Task.sleep(for:)`.
    public static let taskSleeper: Sleeper = { duration in try await Task.sleep(for: duration) }

    /// The retry configuration.
    public let strategy: RetryStrategy
    /// The retry token bucket, shared by every request run by this executor and its copies.
    public let quota: RetryQuota
    /// The delays between attempts.
    public let backoff: Backoff
    private let sleeper: Sleeper

    /// Creates an executor.
    /// - Parameters:
    ///   - strategy: The retry configuration; `.standard` by default.
    ///   - quota: The token bucket to spend; a new full bucket sized by `strategy.quota` by default.
    ///     Pass the same quota to executors that should share a retry budget.
    ///   - sleeper: How to wait between attempts; `Task.sleep(for:)` by default.
    ///   - random: A source of uniform random numbers in `0..<1` for the backoff jitter.
    public init(
        strategy: RetryStrategy = .standard,
        quota: RetryQuota? = nil,
        sleeper: @escaping Sleeper = RetryingExecutor.taskSleeper,
        random: @escaping @Sendable () -> Double = Backoff.systemRandom
    ) {
        self.strategy = strategy
        self.quota = quota ?? RetryQuota(configuration: strategy.quota)
        self.backoff = strategy.backoff(random: random)
        self.sleeper = sleeper
    }

    /// Runs a request, retrying its retryable failures.
    /// - Parameters:
    ///   - operation: The KMS operation, for example `ListKeys`; it matters for classification
    ///     (`LimitExceededException` from `RotateKeyOnDemand` is never retried) and appears in events.
    ///   - classifier: Decides whether an error is retryable; ``RetryStrategy/classify(error:operation:)``
    ///     when `nil`.
    ///   - onEvent: Called after every attempt with what follows it (retry and delay, success, or
    ///     failure and why), for logging; the attempt count is in each event.
    ///   - body: Makes one attempt. It receives the attempt number, from 1.
    /// - Returns: The value of the first successful attempt.
    /// - Throws: The last attempt's error, unwrapped, when it is not retryable or no attempts or
    ///   quota remain; `CancellationError` when the task is cancelled while waiting to retry; any
    ///   other error the sleeper throws.
    public func execute<T>(
        operation: String,
        classifier: (@Sendable (_ error: any Error, _ operation: String) -> RetryDecision)? = nil,
        onEvent: (@Sendable (RetryEvent) -> Void)? = nil,
        _ body: (_ attempt: Int) async throws -> T
    ) async throws -> T {
        let classify = classifier ?? RetryStrategy.classify(error:operation:)
        var attempt = 1
        var lastRetryCost: Int?
        while true {
            let error: any Error
            do {
                let value = try await body(attempt)
                await quota.recordSuccess(retryCost: lastRetryCost)
                onEvent?(RetryEvent(operation: operation, attempt: attempt, outcome: .succeeded))
                return value
            } catch let caught {
                error = caught
            }

            func stop(_ reason: RetryEvent.StopReason, _ error: any Error) -> any Error {
                onEvent?(RetryEvent(operation: operation, attempt: attempt, outcome: .failed(reason: reason, error: error)))
                return error
            }

            guard case .retry(let kind) = classify(error, operation) else {
                throw stop(.notRetryable, error)
            }
            guard attempt < strategy.maxAttempts else {
                throw stop(.attemptsExhausted, error)
            }
            // A cancelled task must not spend quota on a retry it will never make.
            guard !Task.isCancelled else {
                throw stop(.cancelled, CancellationError())
            }
            guard let cost = await quota.acquire(for: kind) else {
                throw stop(.quotaExhausted, error)
            }
            lastRetryCost = cost

            let delay = backoff.delay(forRetry: attempt)
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
}
