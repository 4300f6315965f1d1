/// What to do after a failed attempt, as decided by ``RetryStrategy/classify(error:operation:)``.
package enum RetryDecision: Sendable, Hashable, CustomStringConvertible {
    /// The failure is final: retrying would fail the same way, or must not happen (cancellation).
    case doNotRetry
    /// The failure may go away: retry, if attempts and retry quota remain.
    case retry(kind: RetryKind)

    /// Whether the decision is to retry.
    package var isRetryable: Bool {
        if case .retry = self { return true }
        return false
    }

    /// `doNotRetry` or `retry(<kind>)`.
    package var description: String {
        switch self {
        case .doNotRetry: return "doNotRetry"
        case .retry(let kind): return "retry(\(kind))"
        }
    }
}
