/// Why a failed attempt may be retried; it sets what the retry costs from the ``RetryQuota``.
package enum RetryKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// A server or network hiccup: HTTP 500/502/503/504, a transient error code, a KMS internal or
    /// dependency error, a failed connection.
    case transient
    /// The service asked the caller to slow down (`ThrottlingException` and its relatives).
    case throttling
    /// The request timed out on the client before any response arrived; costs more quota than the
    /// other kinds, because timeouts often mean the service is overloaded.
    case timeout

    /// The kind's name (`transient`, `throttling`, `timeout`).
    package var description: String { rawValue }
}
