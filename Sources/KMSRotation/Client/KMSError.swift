import Foundation

/// An error answer from KMS (or from whatever answered in its place), decoded by `__type`, not by HTTP
/// status: KMS returns `NotFoundException` with 400 as well as 404.
///
/// Branch on ``code`` with the static members:
/// ```swift
/// do { try await client.enableKeyRotation(keyId: arn) }
/// catch let error as KMSError where error.code == .disabled { … }
/// ```
///
/// Everything in it that came from the answer (code, message, request ID) has passed
/// ``SecretScrubber``: an endpoint that echoes the request (its `Authorization` header, the session
/// token) in its message cannot make this error, its description or any report built from it show a
/// credential.
public struct KMSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An AWS error code. New codes need no library release: compare with the static members, or with
    /// `KMSError.Code("SomeNewException")`.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        /// Creates a code from its spelling, e.g. `KMSError.Code("SomeNewException")`.
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }
        public var description: String { rawValue }

        /// The key or alias does not exist (in this account and Region).
        public static let notFound: Code = "NotFoundException"
        /// The key is disabled; enable it first.
        public static let disabled: Code = "DisabledException"
        /// The key's state does not allow the operation (pending deletion, creating, unavailable).
        public static let invalidState: Code = "KMSInvalidStateException"
        /// The operation does not apply to this key (asymmetric, HMAC, imported, custom key store, replica, AWS managed).
        public static let unsupportedOperation: Code = "UnsupportedOperationException"
        /// The ARN is malformed.
        public static let invalidArn: Code = "InvalidArnException"
        /// The pagination marker is not valid.
        public static let invalidMarker: Code = "InvalidMarkerException"
        /// A quota was exceeded (for RotateKeyOnDemand: 25 per key, never retried).
        public static let limitExceeded: Code = "LimitExceededException"
        /// An automatic rotation is in progress or due within 20 minutes.
        public static let conflict: Code = "ConflictException"
        /// The alias or resource already exists.
        public static let alreadyExists: Code = "AlreadyExistsException"
        /// KMS failed internally; retried.
        public static let internalError: Code = "KMSInternalException"
        /// A KMS dependency timed out; retried.
        public static let dependencyTimeout: Code = "DependencyTimeoutException"
        /// The key is temporarily unavailable; retried.
        public static let keyUnavailable: Code = "KeyUnavailableException"
        /// IAM, an SCP or the key policy denies the call.
        public static let accessDenied: Code = "AccessDeniedException"
        /// The request rate quota was exceeded; retried with backoff.
        public static let throttling: Code = "ThrottlingException"
        /// The credentials are not valid in this Region (often: an opt-in Region that is not enabled).
        public static let unrecognizedClient: Code = "UnrecognizedClientException"
        /// The access key ID does not exist.
        public static let invalidClientTokenId: Code = "InvalidClientTokenId"
        /// The request's date is more than 15 minutes off; the client resyncs its clock once.
        public static let requestExpired: Code = "RequestExpired"
        /// The signature does not match (wrong secret, or a clock-skewed "Signature expired").
        public static let invalidSignature: Code = "InvalidSignatureException"
        /// The session token has expired.
        public static let expiredToken: Code = "ExpiredTokenException"
        /// An input is invalid.
        public static let validation: Code = "ValidationException"
        /// The service is unavailable; retried.
        public static let serviceUnavailable: Code = "ServiceUnavailable"
        /// Library-defined: the answer was not a KMS error or response this library can read (an HTML page
        /// from a proxy, a truncated body, a response missing a required member).
        public static let invalidResponse: Code = "InvalidResponse"
    }

    /// The error code (`__type` after `#`).
    public var code: Code
    /// The service's message, scrubbed of secrets (also when assigned).
    public var message: String { didSet { message = SecretScrubber.scrub(message) } }
    /// The HTTP status of the answer.
    public var httpStatus: Int?
    /// The request ID (`x-amzn-RequestId`), for AWS support.
    public var requestId: String?
    /// The operation that failed.
    public var operation: String?

    /// Creates a KMS error. The code, message and request ID pass ``SecretScrubber/scrub(_:)``: they
    /// usually come from the answer.
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

    public var description: String {
        serviceErrorDescription(operation: operation, code: code.rawValue, message: message, httpStatus: httpStatus, requestId: requestId)
    }

    /// Decodes the error in a non-2xx answer, following the AWS JSON protocol: the type comes from the
    /// `X-Amzn-Errortype` header, else the body's `__type` or `code` (any case); it is cut at the first `:`
    /// and after the first `#`. The message is the body's `message` or `Message` (any case). A body that
    /// is not JSON (a proxy's HTML page, a truncated answer) gives ``Code/invalidResponse`` with a short,
    /// printable excerpt, never a crash. The message and excerpt are scrubbed of secrets
    /// (``SecretScrubber``) before they are stored.
    /// - Parameters:
    ///   - response: The HTTP answer.
    ///   - operation: The operation it answers.
    /// - Returns: The error.
    public static func decode(from response: HTTPResponse, operation: String? = nil) -> KMSError {
        let requestId = response.headers["x-amzn-RequestId"] ?? response.headers["x-amz-request-id"]
        let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any]
        let lowered = object.map { Dictionary($0.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first }) }
        let rawType = response.headers["X-Amzn-Errortype"] ?? (lowered?["__type"] as? String) ?? (lowered?["code"] as? String)
        if let rawType, let code = sanitize(rawType) {
            let message = (lowered?["message"] as? String) ?? (object == nil ? excerpt(response.body) : "")
            return KMSError(code: Code(code), message: message, httpStatus: response.status, requestId: requestId, operation: operation)
        }
        let contentType = response.headers["Content-Type"] ?? "no content type"
        let what = object == nil ? "a body that is not KMS JSON (\(contentType))" : "a JSON body without an error type"
        let detail = response.body.isEmpty ? "" : ": \(excerpt(response.body))"
        return KMSError(code: .invalidResponse, message: "HTTP \(response.status) with \(what)\(detail)", httpStatus: response.status, requestId: requestId, operation: operation)
    }

    static func sanitize(_ raw: String) -> String? {
        var type = Substring(raw)
        if let colon = type.firstIndex(of: ":") { type = type[..<colon] }
        if let hash = type.firstIndex(of: "#") { type = type[type.index(after: hash)...] }
        let trimmed = type.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// At most 200 printable characters of a body, for messages, scrubbed of secrets. The body is
    /// scrubbed before it is cut, so a secret split by the cut cannot survive as a fragment.
    static func excerpt(_ body: Data) -> String {
        let text = SecretScrubber.scrub(String(decoding: body.prefix(4_096), as: UTF8.self))
        let printable = text.unicodeScalars.map { CharacterSet.controlCharacters.contains($0) ? " " : String($0) }.joined()
        let collapsed = printable.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        return collapsed.count > 200 ? String(collapsed.prefix(200)) + "…" : collapsed
    }
}

extension EvidenceError {
    /// Converts a failure of a KMS call into evidence for the policy. The message passes
    /// ``SecretScrubber`` whatever the error's type.
    /// - Parameters:
    ///   - error: What the call threw: a ``KMSError``, a ``TransportError``, or anything else.
    ///   - operation: The operation that failed.
    public init(_ error: any Error, operation: String) {
        switch error {
        case let error as KMSError:
            self.init(operation: operation, code: error.code.rawValue, message: SecretScrubber.scrub(error.message), httpStatus: error.httpStatus,
                      requestId: error.requestId)
        case let error as TransportError:
            self.init(operation: operation, code: "TransportError.\(error.kind)", message: SecretScrubber.scrub(error.message))
        default:
            self.init(operation: operation, code: String(describing: type(of: error)), message: SecretScrubber.scrub(String(describing: error)))
        }
    }
}

/// `Operation: Code: message (HTTP status, request id)`: the one spelling of every AWS service error
/// this library decodes (KMS, STS, Organizations), safe for logs: scrubbed again when rendered, so a
/// secret registered after the error was made is removed too.
func serviceErrorDescription(operation: String?, code: String, message: String, httpStatus: Int?, requestId: String?) -> String {
    var text = "\(operation.map { "\($0): " } ?? "")\(code): \(message)"
    if let httpStatus { text += " (HTTP \(httpStatus)" + (requestId.map { ", request \($0)" } ?? "") + ")" }
    return SecretScrubber.scrub(text)
}
