// What each error code means lives in one table, AWSErrorCodes (Model/AWSErrorCodes.swift), which evidence
// classification reads too.

import Foundation

extension RetryStrategy {
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
    package static func classify(httpStatus: Int?, errorCode: String?, operation: String) -> RetryDecision {
        classify(httpStatus: httpStatus, errorCode: errorCode, operation: operation, service: nil)
    }

    static func classify(httpStatus: Int?, errorCode: String?, operation: String, service: String?) -> RetryDecision {
        switch errorCode.flatMap({ AWSErrorCodes.kind(of: $0, operation: operation, service: service) }) {
        case .throttling: return .retry(kind: .throttling)
        case .transient: return .retry(kind: .transient)
        case .accessDenied, nil: break
        }
        if errorCode.flatMap(AWSErrorCodes.sanitized) == "LimitExceededException" {
            return .doNotRetry  // reached only for a hard quota (RotateKeyOnDemand): no status may turn it into a retry
        }
        if let httpStatus {
            if AWSErrorCodes.transientStatusCodes.contains(httpStatus) { return .retry(kind: .transient) }
            if httpStatus == AWSErrorCodes.throttlingStatusCode { return .retry(kind: .throttling) }
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
    package static func classify(error: any Error, operation: String) -> RetryDecision {
        switch error {
        case is CancellationError:
            return .doNotRetry
        case let transport as TransportError:
            switch transport.kind {
            case .timedOut: return .retry(kind: .timeout)
            case .connectionFailed: return .retry(kind: .transient)
            default: return .doNotRetry
            }
        case let error as AWSServiceError:
            return classify(httpStatus: error.httpStatus, errorCode: error.code.rawValue, operation: operation, service: error.service)
        case let classifiable as any RetryClassifiable:
            return classify(httpStatus: classifiable.httpStatus, errorCode: classifiable.retryCode, operation: operation)
        default:
            return .doNotRetry
        }
    }
}
