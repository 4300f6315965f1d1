import Foundation

/// An error answer from AWS STS, decoded from the Query protocol's XML
/// (`<ErrorResponse><Error><Type>…<Code>…<Message>…</Error><RequestId>…</ErrorResponse>`), or a
/// library-defined ``Code/invalidResponse`` when the answer could not be read.
///
/// ```swift
/// do { _ = try await sts.assumeRole(roleArn: arn, roleSessionName: "audit") }
/// catch let error as STSError where error.code == .accessDenied { … }
/// ```
///
/// The message is STS's own (it names the principal and the role) or, for an answer that is not STS XML,
/// a short excerpt of an *error* body; either passes ``SecretScrubber`` before it is stored, so an
/// endpoint that echoes the request (`Authorization`, `X-Amz-Security-Token`, the form body with the
/// external ID) cannot make this error show a credential. A successful answer that cannot be read is
/// described without quoting it: it may carry a secret key.
public struct STSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An STS error code. Compare with the static members, or with `STSError.Code("NewCode")`.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }
        public var description: String { rawValue }

        /// The caller may not assume the role: the role does not exist, its trust policy does not name
        /// the caller, the external ID does not match, or the caller's policy denies `sts:AssumeRole`.
        public static let accessDenied: Code = "AccessDenied"
        /// The caller's session token has expired.
        public static let expiredToken: Code = "ExpiredTokenException"
        /// STS is not activated in this Region for the account (IAM console, Account settings).
        public static let regionDisabled: Code = "RegionDisabledException"
        /// The session policy is malformed.
        public static let malformedPolicyDocument: Code = "MalformedPolicyDocument"
        /// Session policies and tags are too large.
        public static let packedPolicyTooLarge: Code = "PackedPolicyTooLarge"
        /// The caller's access key ID is not known to AWS.
        public static let invalidClientTokenId: Code = "InvalidClientTokenId"
        /// The request signature does not match (wrong secret key, clock skew).
        public static let signatureDoesNotMatch: Code = "SignatureDoesNotMatch"
        /// A parameter is invalid (session name, duration longer than the role allows, external ID).
        public static let validationError: Code = "ValidationError"
        /// STS throttled the request.
        public static let throttling: Code = "Throttling"
        /// Library-defined: the answer is not STS XML this library can read (an HTML page from a proxy,
        /// a truncated body, a response missing a required element).
        public static let invalidResponse: Code = "InvalidResponse"
    }

    /// The error code (`<Code>`).
    public var code: Code
    /// STS's message (`<Message>`), or what the library could not read; scrubbed of secrets (also when
    /// assigned).
    public var message: String { didSet { message = SecretScrubber.scrub(message) } }
    /// `Sender` or `Receiver` (`<Type>`), when given.
    public var faultType: String?
    /// The HTTP status of the answer.
    public var httpStatus: Int?
    /// The request ID (`x-amzn-RequestId` or `<RequestId>`), for AWS support.
    public var requestId: String?
    /// The operation that failed (`AssumeRole`, `GetCallerIdentity`).
    public var operation: String?

    /// Creates an STS error. The code, message, fault type and request ID pass
    /// ``SecretScrubber/scrub(_:)``: they usually come from the answer.
    /// - Parameters:
    ///   - code: The error code.
    ///   - message: The message.
    ///   - faultType: `Sender` or `Receiver`.
    ///   - httpStatus: The HTTP status.
    ///   - requestId: The request ID.
    ///   - operation: The operation.
    public init(code: Code, message: String, faultType: String? = nil, httpStatus: Int? = nil, requestId: String? = nil, operation: String? = nil) {
        self.code = Code(SecretScrubber.scrub(code.rawValue))
        self.message = SecretScrubber.scrub(message)
        self.faultType = SecretScrubber.scrub(faultType)
        self.httpStatus = httpStatus
        self.requestId = SecretScrubber.scrub(requestId)
        self.operation = operation
    }

    /// `Operation: Code: message (HTTP status, request id)`.
    public var description: String {
        serviceErrorDescription(operation: operation, code: code.rawValue, message: message, httpStatus: httpStatus, requestId: requestId)
    }

    /// Decodes the error in a non-2xx STS answer. Any `<Error>` element with a `<Code>` is read (STS
    /// wraps it in `<ErrorResponse>`); a body that is not XML, or XML without one, gives
    /// ``Code/invalidResponse`` with a short printable excerpt of the body. Never crashes. What is
    /// stored has passed ``SecretScrubber``.
    /// - Parameters:
    ///   - response: The HTTP answer.
    ///   - operation: The operation it answers.
    /// - Returns: The error.
    public static func decode(from response: HTTPResponse, operation: String? = nil) -> STSError {
        let headerRequestId = response.headers["x-amzn-RequestId"]
        let document = XMLDocumentNode.parse(response.body)
        if let error = document?.firstDescendant(named: "Error"), let code = error.child("Code")?.text, !code.isEmpty {
            return STSError(code: Code(code), message: error.child("Message")?.text ?? "", faultType: error.child("Type")?.text,
                            httpStatus: response.status,
                            requestId: headerRequestId ?? document?.firstDescendant(named: "RequestId")?.text, operation: operation)
        }
        let contentType = response.headers["Content-Type"] ?? "no content type"
        let what = document == nil ? "a body that is not STS XML (\(contentType))" : "XML without an Error element"
        let detail = response.body.isEmpty ? "" : ": \(KMSError.excerpt(response.body))"
        return STSError(code: .invalidResponse, message: "HTTP \(response.status) with \(what)\(detail)", httpStatus: response.status,
                        requestId: headerRequestId, operation: operation)
    }
}

extension STSError: RetryClassifiable {
    /// The error code, for the retry classifier.
    public var retryCode: String? { code.rawValue }
}
