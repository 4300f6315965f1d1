/// The retry token bucket of the AWS SDKs' standard retry mode, shared by all requests of one client.
///
/// Every retry first takes tokens (5, or 10 after a timeout); when the bucket is too low, the request
/// is not retried and fails with its last error. Successes refill the bucket: a success on the first
/// attempt adds 1, a success after retries returns what its last retry took, never above the initial
/// amount. During an outage the bucket drains and the client stops multiplying load on the service.
///
/// One `RetryingExecutor` owns one quota; give clients that should share a budget the same executor,
/// or the same quota. A lock guards the bucket (every request refills it, and an actor would cost two task
/// switches per request).
package final class RetryQuota: Sendable {
    /// The sizes of the bucket and its costs.
    package struct Configuration: Sendable, Hashable {
        /// The tokens in a full bucket, also its maximum (500 in standard mode).
        package let initialTokens: Int
        /// The tokens a retry after a transient or throttling error takes (5).
        package let retryCost: Int
        /// The tokens a retry after a client-side timeout takes (10).
        package let timeoutRetryCost: Int
        /// The tokens a success on the first attempt adds back (1).
        package let noRetrySuccessIncrement: Int

        /// The AWS SDKs' standard values: 500 tokens, retry cost 5, timeout cost 10, increment 1.
        package static let standard = Configuration(
            unchecked: 500, retryCost: 5, timeoutRetryCost: 10, noRetrySuccessIncrement: 1
        )

        /// Creates a configuration.
        /// - Parameters:
        ///   - initialTokens: The tokens in a full bucket; at least 0.
        ///   - retryCost: The cost of a retry after a transient or throttling error; at least 0.
        ///   - timeoutRetryCost: The cost of a retry after a timeout; at least 0.
        ///   - noRetrySuccessIncrement: The tokens a first-attempt success adds back; at least 0.
        /// - Throws: ``RetryConfigurationError`` when a value is negative.
        package init(
            initialTokens: Int = 500,
            retryCost: Int = 5,
            timeoutRetryCost: Int = 10,
            noRetrySuccessIncrement: Int = 1
        ) throws {
            for (name, value) in [
                ("initialTokens", initialTokens), ("retryCost", retryCost),
                ("timeoutRetryCost", timeoutRetryCost), ("noRetrySuccessIncrement", noRetrySuccessIncrement),
            ] where value < 0 {
                throw RetryConfigurationError(setting: name, message: "must be at least 0, got \(value)")
            }
            self.init(
                unchecked: initialTokens, retryCost: retryCost,
                timeoutRetryCost: timeoutRetryCost, noRetrySuccessIncrement: noRetrySuccessIncrement
            )
        }

        private init(unchecked initialTokens: Int, retryCost: Int, timeoutRetryCost: Int, noRetrySuccessIncrement: Int) {
            self.initialTokens = initialTokens
            self.retryCost = retryCost
            self.timeoutRetryCost = timeoutRetryCost
            self.noRetrySuccessIncrement = noRetrySuccessIncrement
        }

        /// The tokens a retry of this kind takes.
        /// - Parameter kind: Why the attempt failed.
        /// - Returns: ``timeoutRetryCost`` for a timeout, ``retryCost`` otherwise.
        package func cost(of kind: RetryKind) -> Int {
            kind == .timeout ? timeoutRetryCost : retryCost
        }
    }

    /// The bucket's sizes and costs.
    package let configuration: Configuration
    private let tokens: LockedValue<Int>
    /// The tokens left in the bucket.
    package var availableTokens: Int { tokens.current }

    /// Creates a full bucket.
    /// - Parameter configuration: The bucket's sizes and costs; the standard values by default.
    package init(configuration: Configuration = .standard) {
        self.configuration = configuration
        self.tokens = LockedValue(configuration.initialTokens)
    }

    /// Takes the tokens a retry of this kind costs, if the bucket holds enough.
    /// - Parameter kind: Why the attempt failed.
    /// - Returns: The tokens taken, to hand back to ``recordSuccess(retryCost:)``; `nil` when the
    ///   bucket holds too few and the request must not be retried.
    package func acquire(for kind: RetryKind) -> Int? {
        let cost = configuration.cost(of: kind)
        return tokens.withLock { available in
            guard available >= cost else { return nil }
            available -= cost
            return cost
        }
    }

    /// Refills the bucket after a successful request.
    /// - Parameter retryCost: What the request's last retry took (from ``acquire(for:)``), or `nil`
    ///   when it succeeded on its first attempt, which adds ``Configuration/noRetrySuccessIncrement``.
    package func recordSuccess(retryCost: Int?) {
        let refill = retryCost ?? configuration.noRetrySuccessIncrement
        let maximum = configuration.initialTokens
        tokens.withLock { $0 = min(maximum, $0 + refill) }
    }
}
