// The code lists are those of the AWS SDKs' standard retry mode (botocore `retries/standard.py`,
// smithy-swift `SmithyRetries`), cross-checked against botocore's legacy `_retry.json`
// (reference/retry-config.json), where each code appears as a per-service policy:
//   Throttling, ThrottlingException, ThrottledException, RequestThrottledException,
//   ProvisionedThroughputExceededException (__default__); TooManyRequestsException (organizations);
//   TransactionInProgressException (dynamodb); RequestLimitExceeded, EC2ThrottledException (ec2);
//   BandwidthLimitExceeded (cloudsearch); LimitExceededException (kinesis); RequestThrottled (sqs);
//   RequestTimeout (s3); RequestTimeoutException (glacier); PriorRequestNotComplete (route53);
//   HTTP 429, 500, 502, 503, 504, 509 and GENERAL_CONNECTION_ERROR (__default__).
// Standard mode adds SlowDown (S3) and InternalError (aws-sdk-swift). Left out on purpose:
// ReplicatedWriteConflictException, BadDigest, IDPCommunicationError (DynamoDB, S3 and STS only) and
// HTTP 509 (CloudSearch's bandwidth limit), none of which KMS sends.

import Foundation

extension RetryStrategy {
    /// Error codes retried as transient failures: RequestTimeout, RequestTimeoutException,
    /// PriorRequestNotComplete, InternalError.
    public static let transientErrorCodes: Set<String> = [
        "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete", "InternalError",
    ]

    /// Error codes retried as throttling: the standard-mode list, `LimitExceededException` included
    /// (except for `RotateKeyOnDemand`, see ``classify(httpStatus:errorCode:operation:)``).
    public static let throttlingErrorCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
        "SlowDown", "EC2ThrottledException",
    ]

    /// KMS errors retried as transient by name: KMSInternalException, DependencyTimeoutException,
    /// KeyUnavailableException. The KMS model marks none of its errors retryable, but these describe
    /// passing server-side conditions.
    public static let kmsRetryableErrorCodes: Set<String> = [
        "KMSInternalException", "DependencyTimeoutException", "KeyUnavailableException",
    ]

    /// HTTP status codes retried as transient whatever the error code: 500, 502, 503, 504.
    public static let transientStatusCodes: Set<Int> = [500, 502, 503, 504]

    /// The HTTP status retried as throttling when the response has no retryable code: 429 Too Many
    /// Requests (in `_retry.json`; proxies and KMS-compatible servers send it).
    public static let throttlingStatusCode = 429

    /// Operations whose `LimitExceededException` is a hard quota, not a rate limit: RotateKeyOnDemand
    /// (at most 25 on-demand rotations per key). Retrying cannot succeed and would waste quota.
    public static let operationsWithHardLimitExceeded: Set<String> = ["RotateKeyOnDemand"]

    /// Decides whether a failed HTTP response is worth retrying.
    ///
    /// The code decides first, then the status: a throttling code (except `LimitExceededException` from
    /// `RotateKeyOnDemand`, never retried) is `.throttling`; a transient or KMS-retryable code is
    /// `.transient`; then HTTP 500/502/503/504 are `.transient` and 429 is `.throttling`. Everything
    /// else (`AccessDeniedException`, `ValidationException`, `NotFoundException`,
    /// `KMSInvalidStateException`, ...) is final.
    /// - Parameters:
    ///   - httpStatus: The response's status code, if known.
    ///   - errorCode: The AWS error code parsed from the response (`__type` or `X-Amzn-Errortype`);
    ///     `aws.namespace#Code` and `Code:detail` spellings are sanitised to `Code`.
    ///   - operation: The KMS operation, for example `ListKeys` (a `TrentService.` prefix is ignored).
    /// - Returns: ``RetryDecision/doNotRetry`` or ``RetryDecision/retry(kind:)``.
    public static func classify(httpStatus: Int?, errorCode: String?, operation: String) -> RetryDecision {
        if let code = errorCode.map(sanitizedErrorCode), !code.isEmpty {
            if code == "LimitExceededException" && operationsWithHardLimitExceeded.contains(operationName(operation)) {
                return .doNotRetry
            }
            if throttlingErrorCodes.contains(code) { return .retry(kind: .throttling) }
            if transientErrorCodes.contains(code) || kmsRetryableErrorCodes.contains(code) {
                return .retry(kind: .transient)
            }
        }
        if let httpStatus {
            if transientStatusCodes.contains(httpStatus) { return .retry(kind: .transient) }
            if httpStatus == throttlingStatusCode { return .retry(kind: .throttling) }
        }
        return .doNotRetry
    }

    /// Decides whether an error thrown by one attempt is worth retrying.
    ///
    /// - `CancellationError`: never retried.
    /// - ``TransportError``: `timedOut` is `.timeout`, `connectionFailed` is `.transient`; `cancelled`,
    ///   `invalidRequest`, `invalidResponse` and kinds added later are final.
    /// - ``RetryClassifiable`` errors: by ``classify(httpStatus:errorCode:operation:)``.
    /// - Anything else (decoding errors, credential errors): final.
    /// - Parameters:
    ///   - error: The error the attempt threw.
    ///   - operation: The KMS operation, for example `RotateKeyOnDemand`.
    /// - Returns: ``RetryDecision/doNotRetry`` or ``RetryDecision/retry(kind:)``.
    public static func classify(error: any Error, operation: String) -> RetryDecision {
        switch error {
        case is CancellationError:
            return .doNotRetry
        case let transport as TransportError:
            switch transport.kind {
            case .timedOut: return .retry(kind: .timeout)
            case .connectionFailed: return .retry(kind: .transient)
            default: return .doNotRetry
            }
        case let classifiable as any RetryClassifiable:
            return classify(httpStatus: classifiable.httpStatus, errorCode: classifiable.retryCode, operation: operation)
        default:
            return .doNotRetry
        }
    }

    /// `aws.protocoltests#ThrottlingException:http://…` → `ThrottlingException`: the text before the
    /// first `:`, then after the first `#`, trimmed (the AWS JSON protocols' rule).
    static func sanitizedErrorCode(_ code: String) -> String {
        var text = Substring(code)
        if let colon = text.firstIndex(of: ":") { text = text[..<colon] }
        if let hash = text.firstIndex(of: "#") { text = text[text.index(after: hash)...] }
        return text.trimmingCharacters(in: .whitespaces)
    }

    static func operationName(_ operation: String) -> String {
        operation.hasPrefix("TrentService.") ? String(operation.dropFirst("TrentService.".count)) : operation
    }
}
