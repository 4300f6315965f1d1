import Foundation

/// An HTTP request as a value: what ``HTTPTransport`` sends.
public struct HTTPRequest: Sendable, Hashable {
    /// The method, upper case (`GET`, `POST`, `PUT`).
    public var method: String
    /// The absolute URL, including any query.
    public var url: URL
    /// The header fields.
    public var headers: HTTPHeaders
    /// The body; empty for none.
    public var body: Data
    /// How long the whole exchange may take; `nil` uses the transport's default.
    public var timeout: Duration?

    /// Creates a request.
    public init(method: String, url: URL, headers: HTTPHeaders = [:], body: Data = Data(), timeout: Duration? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// An HTTP response as a value: what ``HTTPTransport`` returns, for every status code.
public struct HTTPResponse: Sendable, Hashable {
    /// The status code (200, 400, 503, ...).
    public var status: Int
    /// The header fields.
    public var headers: HTTPHeaders
    /// The body; empty for none.
    public var body: Data

    /// Creates a response.
    public init(status: Int, headers: HTTPHeaders = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Whether the status is in 200..<300.
    package var isSuccess: Bool { (200..<300).contains(status) }
}

/// The one boundary between this library and the network.
///
/// A conformance sends one request and returns the response, whatever its status: a 4xx or 5xx is a
/// response, not an error. It throws only when no response arrived (a ``TransportError``: timeout,
/// connection failure, cancellation). It must honour `Task` cancellation and ``HTTPRequest/timeout``.
///
/// A test transport takes five lines:
/// ```swift
/// struct Canned: HTTPTransport {
///     func send(_ request: HTTPRequest) async throws -> HTTPResponse {
///         HTTPResponse(status: 200, body: Data(#"{"Keys":[],"Truncated":false}"#.utf8))
///     }
/// }
/// ```
/// `URLSessionTransport` ships in this library; `MockTransport` and the in-memory KMS ship in
/// `KMSRotationTesting`.
public protocol HTTPTransport: Sendable {
    /// Sends a request and returns its response.
    /// - Parameter request: The request to send.
    /// - Returns: The response, for any status code.
    /// - Throws: ``TransportError`` when no response arrived, or `CancellationError`.
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}

/// A failure to get any HTTP response: the request may or may not have reached the server.
public struct TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is. New kinds may be added; switch with a `default`.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        fileprivate enum Code: String, Sendable, Hashable {
            case timedOut, connectionFailed, cancelled, invalidResponse, invalidRequest, responseTooLarge
        }
        fileprivate let code: Code
        /// The request did not complete within its timeout.
        public static let timedOut = Kind(code: .timedOut)
        /// The connection could not be made or broke (DNS, refused, reset, TLS).
        public static let connectionFailed = Kind(code: .connectionFailed)
        /// The request was cancelled.
        public static let cancelled = Kind(code: .cancelled)
        /// Something arrived that is not an HTTP response.
        public static let invalidResponse = Kind(code: .invalidResponse)
        /// The request could not be sent as given (bad URL, unsupported scheme).
        public static let invalidRequest = Kind(code: .invalidRequest)
        /// The response body was larger than the transport's cap (for ``URLSessionTransport``,
        /// ``URLSessionTransport/Configuration/maximumResponseBodySize``); it was not read to the end.
        /// Not retried: the same endpoint would send the same body.
        public static let responseTooLarge = Kind(code: .responseTooLarge)
        public var description: String { code.rawValue }
    }

    /// The kind of failure.
    public var kind: Kind
    /// A human-readable detail, safe for logs (no headers, no bodies).
    public var message: String

    /// Creates a transport error.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "TransportError.\(kind): \(message)" }
}

extension HTTPRequest {
    /// The method and the URL without its query, fragment or user information (the query can carry
    /// presigned credentials): what a transport's error message names. `GET https://kms.eu-west-1.amazonaws.com/`.
    package var redactedTarget: String {
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        components?.query = nil
        components?.fragment = nil
        components?.user = nil
        components?.password = nil
        return "\(method) \(components?.string ?? "<url>")"
    }

    /// What every transport checks before sending: an absolute `http` or `https` URL with a host, and a
    /// positive timeout.
    /// - Parameter timeout: The request's timeout, or the transport's default.
    /// - Throws: ``TransportError/Kind/invalidRequest`` saying which.
    package func validateForSending(timeout: Duration) throws {
        try validateURL()
        try validateTimeout(timeout)
    }

    /// The URL half of ``validateForSending(timeout:)``, for a transport that checks a URL once and caches it.
    /// - Throws: ``TransportError/Kind/invalidRequest``.
    package func validateURL() throws {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil else {
            throw TransportError(.invalidRequest, "unsupported URL: only absolute http and https URLs can be sent (\(redactedTarget))")
        }
    }

    /// The timeout half of ``validateForSending(timeout:)``.
    /// - Parameter timeout: The request's timeout, or the transport's default.
    /// - Throws: ``TransportError/Kind/invalidRequest``.
    package func validateTimeout(_ timeout: Duration) throws {
        guard timeout > .zero else {
            throw TransportError(.invalidRequest, "timeout must be positive, got \(timeout)")
        }
    }
}
