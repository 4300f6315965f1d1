import Foundation

/// An error answer from AWS Organizations, decoded like KMS's (JSON 1.1: the type from
/// `X-Amzn-Errortype` or the body's `__type`/`code`, the message from `message`/`Message`), or a
/// library-defined ``Code/invalidResponse`` when the answer could not be read. The code, message and
/// request ID pass ``SecretScrubber`` before they are stored, so an endpoint that echoes the request
/// cannot make this error show a credential.
///
/// ```swift
/// catch let error as OrganizationsError where error.code == .notInUse { … }
/// ```
public struct OrganizationsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An Organizations error code. Compare with the static members, or `OrganizationsError.Code("…")`.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }
        public var description: String { rawValue }

        /// The caller may not call the operation: it is not the management account or a delegated
        /// administrator, or its policy lacks `organizations:ListAccounts`.
        public static let accessDenied: Code = "AccessDeniedException"
        /// The caller's account is not a member of an organization.
        public static let notInUse: Code = "AWSOrganizationsNotInUseException"
        /// A parameter is invalid (a bad `NextToken`).
        public static let invalidInput: Code = "InvalidInputException"
        /// Organizations failed; retried.
        public static let serviceException: Code = "ServiceException"
        /// Organizations throttled the request; retried.
        public static let tooManyRequests: Code = "TooManyRequestsException"
        /// Library-defined: the answer is not Organizations JSON this library can read.
        public static let invalidResponse: Code = "InvalidResponse"
    }

    /// The error code (`__type` after `#`).
    public var code: Code
    /// The service's message, scrubbed of secrets (also when assigned).
    public var message: String { didSet { message = SecretScrubber.scrub(message) } }
    /// The HTTP status of the answer.
    public var httpStatus: Int?
    /// The request ID (`x-amzn-RequestId`).
    public var requestId: String?
    /// The operation that failed.
    public var operation: String?

    /// Creates an Organizations error. The code, message and request ID pass
    /// ``SecretScrubber/scrub(_:)``: they usually come from the answer.
    /// - Parameters:
    ///   - code: The error code.
    ///   - message: The message.
    ///   - httpStatus: The HTTP status.
    ///   - requestId: The request ID.
    ///   - operation: The operation.
    public init(code: Code, message: String, httpStatus: Int? = nil, requestId: String? = nil, operation: String? = nil) {
        self.code = Code(SecretScrubber.scrub(code.rawValue))
        self.message = SecretScrubber.scrub(message)
        self.httpStatus = httpStatus
        self.requestId = SecretScrubber.scrub(requestId)
        self.operation = operation
    }

    /// `Operation: Code: message (HTTP status, request id)`.
    public var description: String {
        serviceErrorDescription(operation: operation, code: code.rawValue, message: message, httpStatus: httpStatus, requestId: requestId)
    }

    /// Decodes the error in a non-2xx answer with the AWS JSON protocol's rules (those of
    /// ``KMSError/decode(from:operation:)``); a body that is not JSON gives ``Code/invalidResponse``
    /// with a short printable excerpt, never a crash.
    /// - Parameters:
    ///   - response: The HTTP answer.
    ///   - operation: The operation it answers.
    /// - Returns: The error.
    public static func decode(from response: HTTPResponse, operation: String? = nil) -> OrganizationsError {
        let decoded = KMSError.decode(from: response, operation: operation)
        var message = decoded.message
        if decoded.code == .invalidResponse { message = message.replacingOccurrences(of: "not KMS JSON", with: "not Organizations JSON") }
        return OrganizationsError(code: Code(decoded.code.rawValue), message: message, httpStatus: decoded.httpStatus,
                                  requestId: decoded.requestId, operation: operation)
    }
}

extension OrganizationsError: RetryClassifiable {
    /// The error code, for the retry classifier.
    public var retryCode: String? { code.rawValue }
}
