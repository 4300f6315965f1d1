/// A failure while gathering evidence about a key (DescribeKey, GetKeyRotationStatus), passed to the
/// policy as a value so that it becomes an `INSUFFICIENT_DATA` finding instead of an exception or a gap.
public struct EvidenceError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The KMS operation that failed, e.g. `GetKeyRotationStatus`.
    public var operation: String
    /// The AWS error code (`AccessDeniedException`, `ThrottlingException`) or a transport error kind.
    public var code: String
    /// The service's message (never contains credentials).
    public var message: String
    /// The HTTP status, when a response arrived.
    public var httpStatus: Int?
    /// The request ID AWS assigned, for support cases.
    public var requestId: String?

    /// Creates an evidence error.
    public init(operation: String, code: String, message: String, httpStatus: Int? = nil, requestId: String? = nil) {
        self.operation = operation
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.requestId = requestId
    }

    /// The finding reason this error maps to: ``FindingReason/accessDenied``, ``FindingReason/throttled`` or
    /// ``FindingReason/serviceError``, from the same table of AWS error codes that decides retries.
    package var reason: FindingReason {
        switch AWSErrorCodes.kind(of: code, operation: operation) {
        case .accessDenied: .accessDenied
        case .throttling: .throttled
        case .transient, nil: .serviceError
        }
    }

    public var description: String {
        var text = "\(operation) failed: \(code): \(message)"
        if let httpStatus { text += " (HTTP \(httpStatus))" }
        return text
    }
}

/// What the caller knows about a key's rotation status when asking for a verdict.
public enum RotationEvidence: Sendable, Hashable {
    /// GetKeyRotationStatus was not called (the policy said the verdict does not need it).
    case notGathered
    /// The answer of GetKeyRotationStatus.
    case status(KeyRotationStatus)
    /// GetKeyRotationStatus failed.
    case failed(EvidenceError)
}
