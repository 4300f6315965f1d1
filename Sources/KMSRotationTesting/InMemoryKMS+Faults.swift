import Foundation

extension InMemoryKMS {
    /// An error response to inject: status, `__type` and message, as KMS would send them.
    public struct Fault: Hashable, Sendable {
        /// The HTTP status.
        public var status: Int
        /// The error code, sent as `__type`.
        public var code: String
        /// The message, sent as `message`.
        public var message: String

        /// Creates a fault.
        /// - Parameters:
        ///   - status: The HTTP status.
        ///   - code: The error code (`__type`).
        ///   - message: The message.
        public init(status: Int, code: String, message: String) {
            self.status = status
            self.code = code
            self.message = message
        }

        /// HTTP 400 `ThrottlingException` "Rate exceeded", as KMS answers above the request quota.
        public static let throttling = Fault(status: 400, code: "ThrottlingException", message: "Rate exceeded")
        /// HTTP 500 `KMSInternalException`: a transient internal error.
        public static let internalError = Fault(
            status: 500, code: "KMSInternalException", message: "An internal error occurred. Please retry your request.")
        /// HTTP 503 `ServiceUnavailable`: the AWS common error for an overloaded endpoint.
        public static let serviceUnavailable = Fault(
            status: 503, code: "ServiceUnavailable", message: "The request has failed due to a temporary failure of the server.")
        /// HTTP 503 `DependencyTimeoutException`: a KMS dependency timed out.
        public static let dependencyTimeout = Fault(
            status: 503, code: "DependencyTimeoutException",
            message: "The system timed out while trying to fulfill the request. You can retry the request.")
    }

    /// Which of the matching requests an injected fault hits.
    public enum FaultSchedule: Hashable, Sendable {
        /// Every matching request.
        case always
        /// The first `n` matching requests; later ones succeed (a transient fault a retry overcomes).
        case first(Int)
        /// Every `k`-th matching request: the `k`-th, `2k`-th, and so on.
        case everyNth(Int)
    }

    /// What ``InMemoryKMS`` answers for `GetKeyRotationStatus` on a key that cannot rotate
    /// automatically (asymmetric, HMAC, imported material, custom key store, unknown spec).
    ///
    /// The service model lists `UnsupportedOperationException` for this operation, but observed
    /// behaviour (see `reference/KMS-FACTS.md` §5) suggests AWS answers `KeyRotationEnabled: false` for
    /// `AWS_KMS`-origin asymmetric and HMAC keys. Clients must handle both, so both can be served.
    public enum IneligibleRotationStatus: Hashable, Sendable {
        /// HTTP 400 `UnsupportedOperationException` (the default: what the model documents).
        case unsupportedOperation
        /// HTTP 200 with `KeyRotationEnabled: false` and no period.
        case reportDisabled
    }

    /// Which HTTP statuses KMS errors carry.
    public enum ErrorStatusStyle: Hashable, Sendable {
        /// 400 for every client error, 500/503 for server errors: what real KMS responses show.
        case observed
        /// The Smithy model's `httpError` codes: 404 `NotFoundException`; 409 `DisabledException`,
        /// `KMSInvalidStateException`, `ConflictException`, `AlreadyExistsException`; 400 otherwise.
        case modelled
    }

    /// One request the in-memory KMS received, for assertions.
    public struct Call: Hashable, Sendable, CustomStringConvertible {
        /// The operation (`GetKeyRotationStatus`), or the raw `X-Amz-Target` when it is not
        /// `TrentService.<Op>`.
        public var operation: String
        /// The Region the request was addressed to, when one could be determined.
        public var region: String?
        /// The key the request was about: the resolved key ID when the `KeyId` member named an existing
        /// key (by ID, ARN or alias), else the `KeyId` member as sent; `nil` when it had none.
        public var keyId: String?
        /// The HTTP status of the response.
        public var status: Int
        /// The error code (`__type`) of an error response; `nil` on success.
        public var errorCode: String?

        /// Creates a call record.
        /// - Parameters:
        ///   - operation: The operation name.
        ///   - region: The Region.
        ///   - keyId: The key.
        ///   - status: The HTTP status.
        ///   - errorCode: The error code, for errors.
        public init(operation: String, region: String?, keyId: String?, status: Int, errorCode: String?) {
            self.operation = operation
            self.region = region
            self.keyId = keyId
            self.status = status
            self.errorCode = errorCode
        }

        /// `Operation region keyId -> status [code]`.
        public var description: String {
            "\(operation) \(region ?? "-") \(keyId ?? "-") -> \(status)\(errorCode.map { " \($0)" } ?? "")"
        }
    }
}
