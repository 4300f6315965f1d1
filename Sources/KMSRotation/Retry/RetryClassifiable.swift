/// An error that carries what the retry classifier needs from a failed HTTP response.
///
/// The KMS client conforms its service error (decoded from `__type` and the status code) so that
/// ``RetryingExecutor`` can decide whether to retry it. The client parses the code; the strategy only
/// compares it.
///
/// ```swift
/// struct ProxyError: RetryClassifiable {
///     var code: String
///     var status: Int
///     var retryCode: String? { code }
///     var httpStatus: Int? { status }
/// }
/// ```
package protocol RetryClassifiable: Error {
    /// The AWS error code, for example `ThrottlingException`; `nil` when the response carried none.
    /// A `namespace#Code` or `Code:detail` spelling is accepted and sanitised.
    var retryCode: String? { get }
    /// The HTTP status code of the response, for example `400` or `503`; `nil` when unknown.
    var httpStatus: Int? { get }
}
