/// What happened after one attempt of a request, reported by ``RetryingExecutor`` for logging and
/// metrics: the attempt number, and whether the request succeeded, will be retried, or failed.
package struct RetryEvent: Sendable {
    /// Why a request stopped without succeeding.
    package enum StopReason: String, Sendable, Hashable, CustomStringConvertible {
        /// The error is final (``RetryDecision/doNotRetry``).
        case notRetryable
        /// The error was retryable, but the strategy's `maxAttempts` were all used.
        case attemptsExhausted
        /// The error was retryable, but the ``RetryQuota`` held too few tokens.
        case quotaExhausted
        /// The task was cancelled while waiting to retry.
        case cancelled
        /// The error was one the ``RetryPatience`` covers, but its deadline had passed.
        case deadlinePassed

        /// The reason's name, for example `quotaExhausted`.
        package var description: String { rawValue }
    }

    /// What follows the attempt.
    package enum Outcome: Sendable {
        /// The attempt succeeded; the request is done.
        case succeeded
        /// The attempt failed with a retryable error; the request is retried after `delay`.
        case willRetry(kind: RetryKind, delay: Duration, error: any Error)
        /// The attempt failed and the request stops with `error`, the error the caller receives.
        case failed(reason: StopReason, error: any Error)
    }

    /// The operation, for example `ListKeys`.
    package let operation: String
    /// The attempt this event is about, from 1; on the final event, the number of attempts made.
    package let attempt: Int
    /// What follows the attempt.
    package let outcome: Outcome

    /// Creates an event.
    /// - Parameters:
    ///   - operation: The operation.
    ///   - attempt: The attempt number, from 1.
    ///   - outcome: What follows the attempt.
    package init(operation: String, attempt: Int, outcome: Outcome) {
        self.operation = operation
        self.attempt = attempt
        self.outcome = outcome
    }

    /// Whether this is the last event of the request (it succeeded or failed).
    package var isFinal: Bool {
        if case .willRetry = outcome { return false }
        return true
    }
}
