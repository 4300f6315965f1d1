import Foundation

// The one table of what an AWS error code means to this library: retry (RetryStrategy) and evidence
// classification (EvidenceError.reason) both read it, so a code can never be "throttling" to one and
// "transient" to the other.
//
// Sources: the AWS SDKs' standard retry mode (botocore `retries/standard.py`, smithy-swift
// `SmithyRetries`), cross-checked against botocore's legacy `_retry.json` (reference/retry-config.json),
// where each code appears as a per-service policy:
//   Throttling, ThrottlingException, ThrottledException, RequestThrottledException,
//   ProvisionedThroughputExceededException (__default__); TooManyRequestsException (organizations);
//   TransactionInProgressException (dynamodb); RequestLimitExceeded, EC2ThrottledException (ec2);
//   BandwidthLimitExceeded (cloudsearch); LimitExceededException (kinesis); RequestThrottled (sqs);
//   RequestTimeout (s3); RequestTimeoutException (glacier); PriorRequestNotComplete (route53).
// Standard mode adds SlowDown (S3) and InternalError (aws-sdk-swift). PriorRequestNotComplete is
// transient in standard mode (`_TRANSIENT_ERROR_CODES`), not throttling. Left out on purpose:
// ReplicatedWriteConflictException, BadDigest and IDPCommunicationError (DynamoDB, S3 and STS only).

/// What an AWS error code means, whatever the service that sent it.
enum AWSErrorKind: Sendable, Hashable {
    /// The request rate is too high: retry with backoff; a verdict blocked by it is `throttled`.
    case throttling
    /// A passing server-side fault: retry.
    case transient
    /// The caller is not allowed (IAM, SCP, key policy, invalid or expired credentials): final, and a
    /// verdict blocked by it is `accessDenied`.
    case accessDenied
}

enum AWSErrorCodes {
    /// The standard-mode throttling codes (`LimitExceededException` included, except for operations in
    /// ``operationsWithHardLimitExceeded``).
    static let throttling: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
        "SlowDown", "EC2ThrottledException",
    ]

    /// The standard-mode transient codes, plus KMS's KMSInternalException, DependencyTimeoutException and
    /// KeyUnavailableException: the KMS model marks none of its errors retryable, but these describe
    /// passing server-side conditions.
    static let transient: Set<String> = [
        "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete", "InternalError",
        "KMSInternalException", "DependencyTimeoutException", "KeyUnavailableException",
    ]

    /// Transient codes of one service only (botocore's `_retry.json`): STS's `IDPCommunicationError` (the
    /// identity provider did not answer AssumeRoleWithWebIdentity) and Organizations' `ServiceException`.
    static let transientByService: [String: Set<String>] = [
        "sts": ["IDPCommunicationError"],
        "organizations": ["ServiceException"],
    ]

    /// Codes that mean the caller is not allowed (IAM, SCP, key policy, invalid or expired token).
    static let accessDenied: Set<String> = [
        "AccessDeniedException", "AccessDenied", "UnauthorizedOperation", "UnrecognizedClientException",
        "InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException", "NotAuthorized", "InvalidSignatureException",
        "SignatureDoesNotMatch", "IncompleteSignature", "MissingAuthenticationToken",
    ]

    /// Codes that say the request's time is too far from the server's. `InvalidSignatureException` and
    /// `SignatureDoesNotMatch` say so only when their message mentions expiry or skew.
    static let clockSkew: Set<String> = ["RequestExpired", "RequestTimeTooSkewed", "RequestInTheFuture"]
    static let clockSkewWhenMessageSaysSo: Set<String> = ["InvalidSignatureException", "SignatureDoesNotMatch"]

    /// Operations whose `LimitExceededException` is a hard quota, not a rate limit: RotateKeyOnDemand
    /// (at most 25 on-demand rotations per key). Retrying cannot succeed and would waste quota.
    static let operationsWithHardLimitExceeded: Set<String> = ["RotateKeyOnDemand"]

    /// HTTP statuses retried as transient whatever the code: 500, 502, 503, 504.
    static let transientStatusCodes: Set<Int> = [500, 502, 503, 504]
    /// The HTTP status retried as throttling when the answer has no retryable code: 429.
    static let throttlingStatusCode = 429

    /// What a code means; `nil` for a code that is final and not about access (NotFoundException,
    /// ValidationException, KMSInvalidStateException, …).
    /// - Parameters:
    ///   - code: The error code, in any spelling the protocols use (``sanitized(_:)`` is applied).
    ///   - operation: The operation that failed, for the hard quotas of ``operationsWithHardLimitExceeded``.
    ///   - service: The service's signing name, for ``transientByService``.
    static func kind(of code: String, operation: String? = nil, service: String? = nil) -> AWSErrorKind? {
        guard let code = sanitized(code) else { return nil }
        if code == "LimitExceededException", let operation, operationsWithHardLimitExceeded.contains(operationName(operation)) {
            return nil
        }
        if throttling.contains(code) { return .throttling }
        if transient.contains(code) || service.flatMap({ transientByService[$0] })?.contains(code) == true { return .transient }
        if accessDenied.contains(code) { return .accessDenied }
        return nil
    }

    /// `aws.protocoltests#ThrottlingException:http://…` → `ThrottlingException`: the text before the
    /// first `:`, then after the first `#`, trimmed (the AWS JSON protocols' rule); `nil` when empty.
    static func sanitized(_ raw: String) -> String? {
        var text = Substring(raw)
        if let colon = text.firstIndex(of: ":") { text = text[..<colon] }
        if let hash = text.firstIndex(of: "#") { text = text[text.index(after: hash)...] }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// `TrentService.ListKeys` → `ListKeys`.
    static func operationName(_ operation: String) -> String {
        operation.hasPrefix("TrentService.") ? String(operation.dropFirst("TrentService.".count)) : operation
    }
}
