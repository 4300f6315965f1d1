/// The one way a failed call is named in findings and scan errors: the code and message of an
/// ``AWSServiceError``, a ``TransportError``, a credential error, or anything else. Every message passes
/// `SecretScrubber`, whatever the error's type.
struct FailureSummary: Sendable, Hashable {
    var code: String
    var message: String
    var httpStatus: Int?
    var requestId: String?

    init(_ error: any Error) {
        switch error {
        case let error as AWSServiceError:
            self.init(code: error.code.rawValue, message: error.message, httpStatus: error.httpStatus, requestId: error.requestId)
        case let error as TransportError:
            self.init(code: "TransportError.\(error.kind)", message: error.message)
        case let error as CredentialProviderError:
            self.init(code: "CredentialProviderError.\(error.kind)", message: String(describing: error))
        case is CredentialChainError:
            self.init(code: "CredentialChainError", message: String(describing: error))
        default:
            self.init(code: String(describing: type(of: error)), message: String(describing: error))
        }
    }

    private init(code: String, message: String, httpStatus: Int? = nil, requestId: String? = nil) {
        self.code = code
        self.message = SecretScrubber.scrub(message)
        self.httpStatus = httpStatus
        self.requestId = requestId
    }
}

extension EvidenceError {
    /// Records the failure of a call that gathers evidence about a key, for ``RotationEvidence/failed(_:)``:
    /// the code and message of an ``AWSServiceError``, a ``TransportError`` kind, or the error's type name.
    /// The message passes `SecretScrubber` whatever the error's type.
    /// - Parameters:
    ///   - error: What the call threw.
    ///   - operation: The operation that failed, e.g. `GetKeyRotationStatus`.
    public init(_ error: any Error, operation: String) {
        let summary = FailureSummary(error)
        self.init(
            operation: operation, code: summary.code, message: summary.message, httpStatus: summary.httpStatus,
            requestId: summary.requestId)
    }
}

extension ScanError {
    /// A Region, account or listing that failed as a whole.
    init(region: String, accountId: String? = nil, operation: String, _ error: any Error) {
        let summary = FailureSummary(error)
        self.init(region: region, operation: operation, code: summary.code, message: summary.message, accountId: accountId)
    }
}
