import Testing
@testable import KMSRotation

@Suite("Retry classification")
struct RetryClassificationTests {
    static let throttlingCodes = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
        "SlowDown", "EC2ThrottledException",
    ]
    static let transientCodes = [
        "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete", "InternalError",
        "KMSInternalException", "DependencyTimeoutException", "KeyUnavailableException",
    ]
    static let finalCodes = [
        "AccessDeniedException", "ValidationException", "NotFoundException", "UnsupportedOperationException",
        "KMSInvalidStateException", "DisabledException", "InvalidArnException", "UnrecognizedClientException",
        "IncompleteSignature", "InvalidClientTokenId", "RequestExpired", "ExpiredTokenException",
    ]

    @Test("throttling codes", arguments: throttlingCodes)
    func throttling(code: String) {
        #expect(RetryStrategy.classify(httpStatus: 400, errorCode: code, operation: "ListKeys") == .retry(kind: .throttling))
    }

    @Test("transient and KMS-retryable codes", arguments: transientCodes)
    func transient(code: String) {
        #expect(RetryStrategy.classify(httpStatus: 400, errorCode: code, operation: "DescribeKey") == .retry(kind: .transient))
    }

    @Test("final codes", arguments: finalCodes)
    func final(code: String) {
        #expect(RetryStrategy.classify(httpStatus: 400, errorCode: code, operation: "DescribeKey") == .doNotRetry)
    }

    @Test("the code lists match the standard retry mode")
    func lists() {
        #expect(AWSErrorCodes.throttling == Set(Self.throttlingCodes))
        #expect(AWSErrorCodes.transient == Set(Self.transientCodes))
        #expect(AWSErrorCodes.transientStatusCodes == [500, 502, 503, 504])
    }

    /// Every code and status of botocore's `_retry.json` (reference/retry-config.json) that applies to
    /// KMS is retried; the service-specific ones KMS never sends are not.
    @Test("cross-check with retry-config.json")
    func retryConfigCrossCheck() {
        let retried = [
            "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
            "ProvisionedThroughputExceededException", "TooManyRequestsException", "TransactionInProgressException",
            "RequestLimitExceeded", "EC2ThrottledException", "BandwidthLimitExceeded", "LimitExceededException",
            "RequestThrottled", "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete",
        ]
        for code in retried {
            #expect(RetryStrategy.classify(httpStatus: 400, errorCode: code, operation: "ListKeys").isRetryable, "\(code)")
        }
        for status in [429, 500, 502, 503, 504] {
            #expect(RetryStrategy.classify(httpStatus: status, errorCode: nil, operation: "ListKeys").isRetryable, "\(status)")
        }
        for code in ["ReplicatedWriteConflictException", "BadDigest", "IDPCommunicationError"] {
            #expect(RetryStrategy.classify(httpStatus: 400, errorCode: code, operation: "ListKeys") == .doNotRetry)
        }
        #expect(RetryStrategy.classify(httpStatus: 509, errorCode: nil, operation: "ListKeys") == .doNotRetry)
    }

    @Test("LimitExceededException is retried except for RotateKeyOnDemand")
    func limitExceeded() {
        for operation in ["ListKeys", "EnableKeyRotation", "DescribeKey", "ListKeyRotations"] {
            #expect(
                RetryStrategy.classify(httpStatus: 400, errorCode: "LimitExceededException", operation: operation)
                    == .retry(kind: .throttling))
        }
        for operation in ["RotateKeyOnDemand", "TrentService.RotateKeyOnDemand"] {
            #expect(RetryStrategy.classify(httpStatus: 400, errorCode: "LimitExceededException", operation: operation) == .doNotRetry)
            // Not even when a proxy turns it into a 5xx.
            #expect(RetryStrategy.classify(httpStatus: 503, errorCode: "LimitExceededException", operation: operation) == .doNotRetry)
            let error = FakeServiceError(code: "LimitExceededException", status: 400)
            #expect(RetryStrategy.classify(error: error, operation: operation) == .doNotRetry)
        }
        // Other throttling from RotateKeyOnDemand is a rate limit and is retried.
        #expect(
            RetryStrategy.classify(httpStatus: 400, errorCode: "ThrottlingException", operation: "RotateKeyOnDemand")
                == .retry(kind: .throttling))
    }

    @Test("status codes without a code")
    func statuses() {
        for status in [500, 502, 503, 504] {
            #expect(RetryStrategy.classify(httpStatus: status, errorCode: nil, operation: "ListKeys") == .retry(kind: .transient))
        }
        #expect(RetryStrategy.classify(httpStatus: 429, errorCode: nil, operation: "ListKeys") == .retry(kind: .throttling))
        for status in [400, 401, 403, 404, 409, 501, 505] {
            #expect(RetryStrategy.classify(httpStatus: status, errorCode: nil, operation: "ListKeys") == .doNotRetry)
        }
        #expect(RetryStrategy.classify(httpStatus: nil, errorCode: nil, operation: "ListKeys") == .doNotRetry)
        #expect(RetryStrategy.classify(httpStatus: 503, errorCode: "", operation: "ListKeys") == .retry(kind: .transient))
    }

    @Test("codes are sanitised before matching")
    func sanitised() {
        #expect(
            RetryStrategy.classify(httpStatus: 400, errorCode: "com.amazonaws.kms#ThrottlingException", operation: "ListKeys")
                == .retry(kind: .throttling))
        #expect(
            RetryStrategy.classify(httpStatus: 400, errorCode: "KMSInternalException:http://internal.amazon.com/", operation: "ListKeys")
                == .retry(kind: .transient))
        #expect(
            RetryStrategy.classify(httpStatus: 400, errorCode: "aws#AccessDeniedException:detail", operation: "ListKeys")
                == .doNotRetry)
        // Codes are case-sensitive, as in the SDKs.
        #expect(RetryStrategy.classify(httpStatus: 400, errorCode: "throttlingexception", operation: "ListKeys") == .doNotRetry)
    }

    @Test("thrown errors")
    func thrownErrors() {
        #expect(RetryStrategy.classify(error: TransportError(.timedOut, "t"), operation: "ListKeys") == .retry(kind: .timeout))
        #expect(RetryStrategy.classify(error: TransportError(.connectionFailed, "c"), operation: "ListKeys") == .retry(kind: .transient))
        #expect(RetryStrategy.classify(error: TransportError(.cancelled, "x"), operation: "ListKeys") == .doNotRetry)
        #expect(RetryStrategy.classify(error: TransportError(.invalidRequest, "x"), operation: "ListKeys") == .doNotRetry)
        #expect(RetryStrategy.classify(error: TransportError(.invalidResponse, "x"), operation: "ListKeys") == .doNotRetry)
        #expect(RetryStrategy.classify(error: CancellationError(), operation: "ListKeys") == .doNotRetry)
        #expect(
            RetryStrategy.classify(error: FakeServiceError(code: "ThrottlingException", status: 400), operation: "ListKeys")
                == .retry(kind: .throttling))
        #expect(RetryStrategy.classify(error: FakeServiceError(code: nil, status: 502), operation: "ListKeys") == .retry(kind: .transient))
        #expect(
            RetryStrategy.classify(error: FakeServiceError(code: "AccessDeniedException", status: 400), operation: "ListKeys")
                == .doNotRetry)
        struct Other: Error {}
        #expect(RetryStrategy.classify(error: Other(), operation: "ListKeys") == .doNotRetry)
    }

    @Test("decision descriptions")
    func descriptions() {
        #expect(RetryDecision.doNotRetry.description == "doNotRetry")
        #expect(RetryDecision.retry(kind: .timeout).description == "retry(timeout)")
        #expect(!RetryDecision.doNotRetry.isRetryable)
    }

    /// Retry and evidence classification read one table: a code retried as throttling is a `throttled`
    /// verdict, one retried as transient is a `serviceError`, and no code is both.
    @Test("Retry and evidence classification agree on every code", arguments: throttlingCodes + transientCodes + finalCodes)
    func oneTable(code: String) {
        let evidence = EvidenceError(operation: "DescribeKey", code: code, message: "")
        switch RetryStrategy.classify(httpStatus: 400, errorCode: code, operation: "DescribeKey") {
        case .retry(kind: .throttling): #expect(evidence.reason == .throttled)
        case .retry: #expect(evidence.reason == .serviceError)
        case .doNotRetry: #expect(evidence.reason != .throttled)
        }
        #expect(AWSErrorCodes.throttling.isDisjoint(with: AWSErrorCodes.transient))
        #expect(AWSErrorCodes.accessDenied.isDisjoint(with: AWSErrorCodes.transient.union(AWSErrorCodes.throttling)))
    }

    @Test("PriorRequestNotComplete is transient everywhere (it was throttling to evidence and transient to retry)")
    func priorRequestNotComplete() {
        #expect(
            RetryStrategy.classify(httpStatus: 400, errorCode: "PriorRequestNotComplete", operation: "ListKeys") == .retry(kind: .transient)
        )
        #expect(EvidenceError(operation: "GetKeyRotationStatus", code: "PriorRequestNotComplete", message: "").reason == .serviceError)
    }

    @Test("Service-specific transient codes: STS IDPCommunicationError, Organizations ServiceException")
    func serviceSpecific() {
        let sts = AWSServiceError(service: "sts", code: "IDPCommunicationError", message: "", httpStatus: 400)
        let organizations = AWSServiceError(service: "organizations", code: .serviceException, message: "", httpStatus: 400)
        let kms = AWSServiceError(service: "kms", code: "IDPCommunicationError", message: "", httpStatus: 400)
        #expect(RetryStrategy.classify(error: sts, operation: "AssumeRoleWithWebIdentity") == .retry(kind: .transient))
        #expect(RetryStrategy.classify(error: organizations, operation: "ListAccounts") == .retry(kind: .transient))
        #expect(RetryStrategy.classify(error: kms, operation: "ListKeys") == .doNotRetry)
    }
}
