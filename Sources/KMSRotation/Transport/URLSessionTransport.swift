import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An ``HTTPTransport`` backed by Foundation's `URLSession`: the transport the library uses unless you
/// pass another one.
///
/// It works on Apple platforms and on Linux (where `URLSession` comes from FoundationNetworking, whose
/// HTTP and TLS are libcurl over OpenSSL). Use it as is for AWS, or give it your own `URLSession`
/// (proxy settings, custom trust) through ``Configuration/session``.
///
/// Behaviour, as ``HTTPTransport`` requires:
/// - Every HTTP status is returned as an ``HTTPResponse``; only a missing response throws.
/// - ``HTTPRequest/timeout`` (or ``Configuration/timeout``) bounds the whole exchange, not just the
///   idle time between packets: when it elapses the task is cancelled and ``TransportError/Kind/timedOut``
///   is thrown.
/// - Cancelling the calling `Task` cancels the `URLSessionTask` and throws `CancellationError`.
/// - `URLError`s map to ``TransportError`` kinds: `timedOut` → ``TransportError/Kind/timedOut``;
///   refused, reset, DNS, offline and TLS failures → ``TransportError/Kind/connectionFailed``; a bad
///   URL or scheme → ``TransportError/Kind/invalidRequest``; an unparseable reply →
///   ``TransportError/Kind/invalidResponse``.
/// - Redirects are **not** followed: a `3xx` comes back as a response, because silently re-sending a
///   signed `POST` to another host is never what an AWS client wants. This holds for the session the
///   transport creates; a session you pass in keeps its own delegate's redirect policy.
///
/// ```swift
/// let transport = URLSessionTransport()                                   // 30 s per request
/// let fast = URLSessionTransport(configuration: .init(timeout: .seconds(5)))
/// ```
public final class URLSessionTransport: HTTPTransport {
    /// How a ``URLSessionTransport`` sends requests.
    public struct Configuration: Sendable {
        /// How long a request may take in total when ``HTTPRequest/timeout`` is `nil`. Default 30 s.
        public var timeout: Duration
        /// The session to send with; `nil` (the default) makes an ephemeral session with no cookies,
        /// no cache and no redirect following, owned and invalidated by the transport.
        public var session: URLSession?

        /// Creates a configuration.
        /// - Parameters:
        ///   - timeout: The default time limit for a whole request. Default 30 seconds.
        ///   - session: A session to use instead of the transport's own. Default `nil`.
        public init(timeout: Duration = .seconds(30), session: URLSession? = nil) {
            self.timeout = timeout
            self.session = session
        }

        /// The default configuration: 30 s timeout, the transport's own ephemeral session.
        public static var `default`: Configuration { Configuration() }
    }

    /// The configuration the transport was created with.
    public let configuration: Configuration
    private let session: URLSession
    private let ownsSession: Bool

    /// Creates a transport.
    /// - Parameter configuration: Timeout and session. Default: 30 s, an ephemeral session.
    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
        if let session = configuration.session {
            self.session = session
            self.ownsSession = false
        } else {
            let sessionConfiguration = URLSessionConfiguration.ephemeral
            sessionConfiguration.httpCookieAcceptPolicy = .never
            sessionConfiguration.httpShouldSetCookies = false
            sessionConfiguration.urlCache = nil
            sessionConfiguration.requestCachePolicy = .reloadIgnoringLocalCacheData
            self.session = URLSession(configuration: sessionConfiguration, delegate: NoRedirectDelegate(), delegateQueue: nil)
            self.ownsSession = true
        }
    }

    deinit {
        // A URLSession keeps its delegate (and itself) alive until invalidated.
        if ownsSession { session.finishTasksAndInvalidate() }
    }

    /// Sends a request and returns the response, whatever its status.
    /// - Parameter request: The request to send.
    /// - Returns: The response, including `3xx`, `4xx` and `5xx` ones.
    /// - Throws: `CancellationError` when the calling task is cancelled; ``TransportError`` when no
    ///   response arrived (timeout, connection failure, invalid request or response).
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let timeout = request.timeout ?? configuration.timeout
        let urlRequest = try Self.makeURLRequest(request, timeout: timeout)
        try Task.checkCancellation()
        let exchange = Exchange()
        let session = self.session
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, any Error>) in
                let task = session.dataTask(with: urlRequest) { data, response, error in
                    let stop = exchange.finish()
                    continuation.resume(with: Self.result(data: data, response: response, error: error, stop: stop, request: request, timeout: timeout))
                }
                guard exchange.start(task, timeout: timeout) else {
                    // Cancelled before the task started: it will never call back, so answer here.
                    continuation.resume(throwing: CancellationError())
                    return
                }
            }
        } onCancel: {
            exchange.stop(.taskCancelled)
        }
    }

    // MARK: - Building and mapping

    private static func makeURLRequest(_ request: HTTPRequest, timeout: Duration) throws -> URLRequest {
        guard let scheme = request.url.scheme?.lowercased(), scheme == "http" || scheme == "https", request.url.host != nil else {
            throw TransportError(.invalidRequest, "unsupported URL: only absolute http and https URLs can be sent (\(request.method) \(redactedTarget(request.url)))")
        }
        guard timeout > .zero else {
            throw TransportError(.invalidRequest, "timeout must be positive, got \(timeout)")
        }
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method
        // URLRequest's own timeout is an idle timeout; the Exchange enforces the total deadline.
        urlRequest.timeoutInterval = timeout.timeInterval
        urlRequest.cachePolicy = .reloadIgnoringLocalCacheData
        urlRequest.httpShouldHandleCookies = false
        for field in request.headers {
            urlRequest.setValue(field.value, forHTTPHeaderField: field.name)
        }
        if !request.body.isEmpty {
            urlRequest.httpBody = request.body
        }
        return urlRequest
    }

    private static func result(data: Data?, response: URLResponse?, error: (any Error)?, stop: Exchange.StopReason?, request: HTTPRequest, timeout: Duration) -> Result<HTTPResponse, any Error> {
        let target = "\(request.method) \(redactedTarget(request.url))"
        switch stop {
        case .taskCancelled?:
            return .failure(CancellationError())
        case .deadline?:
            return .failure(TransportError(.timedOut, "\(target) did not complete within \(timeout)"))
        case nil:
            break
        }
        if let error {
            return .failure(transportError(for: error, target: target, timeout: timeout))
        }
        guard let http = response as? HTTPURLResponse else {
            return .failure(TransportError(.invalidResponse, "\(target): the reply is not an HTTP response"))
        }
        var headers = HTTPHeaders()
        // allHeaderFields has no defined order; sort so equal responses compare equal.
        let fields = http.allHeaderFields.compactMap { key, value -> (String, String)? in
            guard let name = key as? String else { return nil }
            return (name, value as? String ?? String(describing: value))
        }.sorted { $0.0.lowercased() < $1.0.lowercased() }
        for (name, value) in fields { headers[name] = value }
        return .success(HTTPResponse(status: http.statusCode, headers: headers, body: data ?? Data()))
    }

    /// Maps a `URLSession` error to a ``TransportError``.
    static func transportError(for error: any Error, target: String, timeout: Duration) -> TransportError {
        guard let urlError = error as? URLError else {
            return TransportError(.connectionFailed, "\(target): \(error.localizedDescription)")
        }
        let detail = "\(target): URLError \(urlError.code.rawValue)"
        switch urlError.code {
        case .timedOut:
            return TransportError(.timedOut, "\(detail) (timed out after \(timeout))")
        case .cancelled:
            return TransportError(.cancelled, "\(detail) (cancelled)")
        case .cannotConnectToHost, .networkConnectionLost, .dnsLookupFailed, .cannotFindHost,
             .notConnectedToInternet, .secureConnectionFailed, .serverCertificateUntrusted,
             .serverCertificateHasBadDate, .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot,
             .clientCertificateRejected, .clientCertificateRequired, .cannotLoadFromNetwork,
             .internationalRoamingOff, .callIsActive, .dataNotAllowed, .resourceUnavailable:
            return TransportError(.connectionFailed, "\(detail) (\(connectionFailureName(urlError.code)))")
        case .badURL, .unsupportedURL, .requestBodyStreamExhausted, .appTransportSecurityRequiresSecureConnection:
            return TransportError(.invalidRequest, "\(detail) (request could not be sent)")
        case .badServerResponse, .cannotParseResponse, .cannotDecodeRawData, .cannotDecodeContentData,
             .dataLengthExceedsMaximum, .httpTooManyRedirects, .redirectToNonExistentLocation, .zeroByteResource:
            return TransportError(.invalidResponse, "\(detail) (invalid response)")
        default:
            return TransportError(.connectionFailed, detail)
        }
    }

    private static func connectionFailureName(_ code: URLError.Code) -> String {
        switch code {
        case .cannotConnectToHost: return "cannot connect to host"
        case .networkConnectionLost: return "connection lost"
        case .dnsLookupFailed, .cannotFindHost: return "host not found"
        case .notConnectedToInternet: return "not connected to the internet"
        case .secureConnectionFailed: return "TLS handshake failed"
        case .serverCertificateUntrusted, .serverCertificateHasBadDate, .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot:
            return "server certificate rejected"
        case .clientCertificateRejected, .clientCertificateRequired: return "client certificate required or rejected"
        default: return "connection failed"
        }
    }

    /// Scheme, host, port and path: the query can carry presigned credentials, so it is left out.
    private static func redactedTarget(_ url: URL) -> String {
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        components?.query = nil
        components?.fragment = nil
        components?.user = nil
        components?.password = nil
        return components?.string ?? "<url>"
    }
}

// MARK: - One exchange's cancellation state

/// The state shared by one `send`: the task, whether it was stopped and why, and the deadline timer.
/// Every callback (task completion, Task cancellation, deadline) may race, so all of it is behind a lock.
private final class Exchange: @unchecked Sendable {
    enum StopReason { case taskCancelled, deadline }

    private let lock = NSLock()
    private var task: URLSessionTask?
    private var stopReason: StopReason?
    private var finished = false
    private var deadline: DispatchWorkItem?

    /// Installs and resumes the task, and arms the deadline. Returns `false` (leaving the task
    /// unstarted) when the exchange was already cancelled.
    func start(_ task: URLSessionTask, timeout: Duration) -> Bool {
        let deadline = DispatchWorkItem { [weak self] in self?.stop(.deadline) }
        let started: Bool = lock.withLock {
            guard stopReason == nil else { return false }
            self.task = task
            self.deadline = deadline
            return true
        }
        guard started else { return false }
        task.resume()
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout.timeInterval, execute: deadline)
        return true
    }

    /// Stops the exchange for `reason`, unless it already finished or was stopped.
    func stop(_ reason: StopReason) {
        let task: URLSessionTask? = lock.withLock {
            guard !finished, stopReason == nil else { return nil }
            stopReason = reason
            return self.task
        }
        task?.cancel()
    }

    /// Marks the exchange finished and returns why it was stopped, if it was.
    func finish() -> StopReason? {
        lock.withLock {
            finished = true
            deadline?.cancel()
            deadline = nil
            task = nil
            return stopReason
        }
    }
}

/// Refuses every redirect so that the `3xx` response itself is returned.
private final class NoRedirectDelegate: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse, newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        completionHandler(nil)
    }
}

extension Duration {
    /// The duration in seconds, as Foundation's `TimeInterval`.
    fileprivate var timeInterval: TimeInterval {
        let parts = components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }
}
