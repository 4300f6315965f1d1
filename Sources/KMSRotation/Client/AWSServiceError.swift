import Foundation

/// An error answer from an AWS service (KMS, STS, Organizations), or from whatever answered in its place.
///
/// One type for every service, as soto-core's `AWSResponseError` is: branch on ``service`` and ``code``,
/// or on what the code means (``isThrottling``, ``isAccessDenied``), never on the HTTP status alone (KMS
/// returns `NotFoundException` with 400 as well as 404).
///
/// ```swift
/// do { try await client.enableKeyRotation(keyId: arn) }
/// catch let error as AWSServiceError where error.code == .disabled { … }
/// ```
///
/// Everything in it that came from the answer (code, message, request ID) has passed `SecretScrubber`:
/// an endpoint that echoes the request (its `Authorization` header, the session token, the form body with
/// an external ID) cannot make this error, its description or any report built from it show a credential.
public struct AWSServiceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An AWS error code. New codes need no library release: compare with the static members, or with
    /// `AWSServiceError.Code("SomeNewException")`. The members are the codes a caller of this library
    /// branches on; ``AWSServiceError/isThrottling`` and ``AWSServiceError/isAccessDenied`` cover every
    /// service's spellings of those two.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
        /// The code as the service spells it.
        public var rawValue: String
        /// Creates a code from its spelling.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// Creates a code from its spelling, e.g. `AWSServiceError.Code("SomeNewException")`.
        package init(_ rawValue: String) { self.rawValue = rawValue }
        /// Creates a code from a literal.
        public init(stringLiteral value: String) { self.rawValue = value }
        /// The code as the service spells it.
        public var description: String { rawValue }
    }

    /// The service's signing name: `kms`, `sts`, `organizations`.
    public var service: String
    /// The error code (`__type` after `#` for JSON services, `<Code>` for Query ones).
    public var code: Code
    /// The service's message, scrubbed of secrets (also when assigned).
    public var message: String { didSet { message = SecretScrubber.scrub(message) } }
    /// The HTTP status of the answer.
    public var httpStatus: Int?
    /// The request ID (`x-amzn-RequestId`), for AWS support.
    public var requestId: String?
    /// The operation that failed.
    public var operation: String?

    /// Creates a service error. The code, message and request ID pass `SecretScrubber/scrub(_:)`: they
    /// usually come from the answer.
    /// - Parameters:
    ///   - service: The service's signing name (`kms`, `sts`, `organizations`).
    ///   - code: The error code.
    ///   - message: The message.
    ///   - httpStatus: The HTTP status.
    ///   - requestId: The request ID.
    ///   - operation: The operation.
    public init(service: String, code: Code, message: String, httpStatus: Int? = nil, requestId: String? = nil, operation: String? = nil) {
        self.service = service
        self.code = Code(SecretScrubber.scrub(code.rawValue))
        self.message = SecretScrubber.scrub(message)
        self.httpStatus = httpStatus
        self.requestId = SecretScrubber.scrub(requestId)
        self.operation = operation
    }

    /// `Operation: Code: message (HTTP status, request id)`, safe for logs: scrubbed again when rendered,
    /// so a secret registered after the error was made is removed too.
    public var description: String {
        var text = "\(operation.map { "\($0): " } ?? "")\(code.rawValue)" + (message.isEmpty ? "" : ": \(message)")
        if let httpStatus { text += " (HTTP \(httpStatus)" + (requestId.map { ", request \($0)" } ?? "") + ")" }
        return SecretScrubber.scrub(text)
    }

    /// Whether the code says the request rate was too high (any service's spelling:
    /// `ThrottlingException`, `Throttling`, `TooManyRequestsException`, …). Such calls are retried.
    public var isThrottling: Bool { AWSErrorCodes.kind(of: code.rawValue, operation: operation, service: service) == .throttling }

    /// Whether the code says the caller is not allowed: IAM, an SCP or a key policy denies the call, or the
    /// credentials are invalid or expired (`AccessDeniedException`, `AccessDenied`, `ExpiredToken`, …).
    public var isAccessDenied: Bool { AWSErrorCodes.kind(of: code.rawValue) == .accessDenied }
}

extension AWSServiceError: RetryClassifiable {
    /// The error code, for the retry classifier.
    package var retryCode: String? { code.rawValue }
}

// MARK: - Codes

extension AWSServiceError.Code {
    // Shared by KMS and Organizations (JSON protocols) and the signing layer.

    /// The caller is not allowed: IAM, an SCP or the key policy denies the call (KMS, Organizations).
    public static let accessDenied: Self = "AccessDeniedException"
    /// The session token has expired (KMS, STS).
    public static let expiredToken: Self = "ExpiredTokenException"
    /// The access key ID is not known to AWS (KMS, STS).
    package static let invalidClientTokenId: Self = "InvalidClientTokenId"
    /// Library-defined: the answer was not one this library can read (an HTML page from a proxy, a truncated
    /// body, a response missing a required member).
    public static let invalidResponse: Self = "InvalidResponse"

    // KMS

    /// KMS: the key or alias does not exist (in this account and Region).
    public static let notFound: Self = "NotFoundException"
    /// KMS: the key is disabled; enable it first.
    public static let disabled: Self = "DisabledException"
    /// KMS: the key's state does not allow the operation (pending deletion, creating, unavailable).
    public static let invalidState: Self = "KMSInvalidStateException"
    /// KMS: the operation does not apply to this key (asymmetric, HMAC, imported, custom key store, replica,
    /// AWS managed).
    public static let unsupportedOperation: Self = "UnsupportedOperationException"
    /// KMS: the ARN is malformed.
    package static let invalidArn: Self = "InvalidArnException"
    /// KMS: the pagination marker is not valid.
    package static let invalidMarker: Self = "InvalidMarkerException"
    /// KMS: a quota was exceeded (for RotateKeyOnDemand: 25 per key, never retried).
    package static let limitExceeded: Self = "LimitExceededException"
    /// KMS: an automatic rotation is in progress or due within 20 minutes.
    package static let conflict: Self = "ConflictException"
    /// KMS: the alias or resource already exists.
    package static let alreadyExists: Self = "AlreadyExistsException"
    /// KMS failed internally; retried.
    package static let internalError: Self = "KMSInternalException"
    /// KMS: a dependency timed out; retried.
    package static let dependencyTimeout: Self = "DependencyTimeoutException"
    /// KMS: the key is temporarily unavailable; retried.
    package static let keyUnavailable: Self = "KeyUnavailableException"
    /// KMS: the request rate quota was exceeded; retried with backoff.
    public static let throttling: Self = "ThrottlingException"
    /// KMS: the credentials are not valid in this Region (often an opt-in Region that is not enabled).
    package static let unrecognizedClient: Self = "UnrecognizedClientException"
    /// KMS: the request's date is more than 15 minutes off; the client resyncs its clock once.
    package static let requestExpired: Self = "RequestExpired"
    /// KMS: the signature does not match (wrong secret, or a clock-skewed "Signature expired").
    package static let invalidSignature: Self = "InvalidSignatureException"
    /// KMS: an input is invalid.
    package static let validation: Self = "ValidationException"
    /// KMS: the service is unavailable; retried.
    package static let serviceUnavailable: Self = "ServiceUnavailable"

    // STS (Query protocol spellings)

    /// STS: the caller may not assume the role (no such role, a trust policy that does not name the caller,
    /// a wrong external ID, or `sts:AssumeRole` denied).
    package static let stsAccessDenied: Self = "AccessDenied"
    /// STS: STS is not activated in this Region for the account (IAM console, Account settings).
    package static let regionDisabled: Self = "RegionDisabledException"
    /// STS: the session policy is malformed.
    package static let malformedPolicyDocument: Self = "MalformedPolicyDocument"
    /// STS: session policies and tags are too large.
    package static let packedPolicyTooLarge: Self = "PackedPolicyTooLarge"
    /// STS: the request signature does not match (wrong secret key, clock skew).
    package static let signatureDoesNotMatch: Self = "SignatureDoesNotMatch"
    /// STS: a parameter is invalid (session name, a duration longer than the role allows, external ID).
    package static let validationError: Self = "ValidationError"
    /// STS: the request rate was too high.
    package static let stsThrottling: Self = "Throttling"

    // Organizations

    /// Organizations: the caller's account is not a member of an organization.
    package static let organizationsNotInUse: Self = "AWSOrganizationsNotInUseException"
    /// Organizations: a parameter is invalid (a bad `NextToken`).
    package static let invalidInput: Self = "InvalidInputException"
    /// Organizations failed; retried.
    package static let serviceException: Self = "ServiceException"
    /// Organizations: the request rate was too high; retried.
    package static let tooManyRequests: Self = "TooManyRequestsException"
}

// MARK: - Decoding

extension AWSServiceError {
    /// Decodes the error in a non-2xx answer of an AWS JSON protocol service (KMS, Organizations): the type
    /// comes from the `X-Amzn-Errortype` header, else the body's `__type` or `code` (any case), cut at the
    /// first `:` and after the first `#`; the message is the body's `message` (any case). A body that is not
    /// JSON (a proxy's HTML page, a truncated answer) gives ``Code/invalidResponse`` with a short, printable,
    /// scrubbed excerpt, never a crash.
    package static func decodeJSON(service: String, from response: HTTPResponse, operation: String? = nil) -> AWSServiceError {
        let requestId = response.headers["x-amzn-RequestId"] ?? response.headers["x-amz-request-id"]
        let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any]
        let lowered = object.map { Dictionary($0.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first }) }
        let rawType = response.headers["X-Amzn-Errortype"] ?? (lowered?["__type"] as? String) ?? (lowered?["code"] as? String)
        if let rawType, let code = AWSErrorCodes.sanitized(rawType) {
            let message = (lowered?["message"] as? String) ?? (object == nil ? excerpt(response.body) : "")
            return AWSServiceError(
                service: service, code: Code(code), message: message, httpStatus: response.status, requestId: requestId,
                operation: operation)
        }
        let what =
            object == nil
            ? "a body that is not \(displayName(of: service)) JSON (\(response.headers["Content-Type"] ?? "no content type"))"
            : "a JSON body without an error type"
        return invalidAnswer(response, what: what, service: service, requestId: requestId, operation: operation)
    }

    /// Decodes the error in a non-2xx answer of an AWS Query protocol service (STS):
    /// `<ErrorResponse><Error><Code>…<Message>…</Error><RequestId>…</ErrorResponse>`. Any `<Error>` with a
    /// `<Code>` is read; a body that is not XML, or XML without one, gives ``Code/invalidResponse``.
    package static func decodeQuery(service: String, from response: HTTPResponse, operation: String? = nil) -> AWSServiceError {
        let headerRequestId = response.headers["x-amzn-RequestId"]
        let document = XMLDocumentNode.parse(response.body)
        if let error = document?.firstDescendant(named: "Error"), let code = error.child("Code")?.text, !code.isEmpty {
            return AWSServiceError(
                service: service, code: Code(code), message: error.child("Message")?.text ?? "", httpStatus: response.status,
                requestId: headerRequestId ?? document?.firstDescendant(named: "RequestId")?.text, operation: operation)
        }
        let what =
            document == nil
            ? "a body that is not \(displayName(of: service)) XML (\(response.headers["Content-Type"] ?? "no content type"))"
            : "XML without an Error element"
        return invalidAnswer(response, what: what, service: service, requestId: headerRequestId, operation: operation)
    }

    private static func invalidAnswer(
        _ response: HTTPResponse, what: String, service: String, requestId: String?,
        operation: String?
    ) -> AWSServiceError {
        let detail = response.body.isEmpty ? "" : ": \(excerpt(response.body))"
        return AWSServiceError(
            service: service, code: .invalidResponse, message: "HTTP \(response.status) with \(what)\(detail)",
            httpStatus: response.status, requestId: requestId, operation: operation)
    }

    /// `KMS`, `STS`, `Organizations`: how messages name a service.
    static func displayName(of service: String) -> String {
        switch service {
        case "kms", "sts": service.uppercased()
        case "organizations": "Organizations"
        default: service
        }
    }

    /// At most 200 printable characters of a body, for messages, scrubbed of secrets. The body is scrubbed
    /// before it is cut, so a secret split by the cut cannot survive as a fragment.
    package static func excerpt(_ body: Data) -> String {
        let text = SecretScrubber.scrub(String(decoding: body.prefix(4_096), as: UTF8.self))
        let printable = text.unicodeScalars.map { CharacterSet.controlCharacters.contains($0) ? " " : String($0) }.joined()
        let collapsed = printable.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        return collapsed.count > 200 ? String(collapsed.prefix(200)) + "…" : collapsed
    }
}
