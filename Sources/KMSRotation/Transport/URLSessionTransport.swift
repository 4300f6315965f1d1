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
/// - A response body may hold at most ``Configuration/maximumResponseBodySize`` bytes (10 MiB by
///   default), counted **after** any decompression: a declared `Content-Length` over the cap fails at
///   once, and with the transport's own session the body is counted as it streams in and the task is
///   cancelled at the cap, so memory stays bounded whatever the server sends. Either way
///   ``TransportError/Kind/responseTooLarge`` names the cap. (A session you pass in buffers the whole
///   body before the cap is checked.) Requests ask for `Accept-Encoding: identity` unless they set
///   the header themselves.
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
        /// The most bytes one response body may hold, counted after any `Content-Encoding` is decoded.
        /// Default ``defaultMaximumResponseBodySize`` (10 MiB). Must be positive.
        public var maximumResponseBodySize: Int
        /// The most connections the transport's own session opens to one host at once: the most requests
        /// in flight to one endpoint. URLSession's default is 6, which capped every scan at 6 requests in
        /// flight per Region whatever its concurrency; ``defaultMaximumConnectionsPerHost`` (64) by
        /// default, and the CLI sizes it to the scan's concurrency. Ignored for a session passed in.
        public var maximumConnectionsPerHost: Int

        /// The default connections per host: 64, the CLI's largest `--concurrency`.
        public static let defaultMaximumConnectionsPerHost = 64

        /// The default cap on one response body: 10 MiB. The largest answer this library asks for is a
        /// ListKeys page of 1000 keys, about 100–200 KB (a DescribeKey answer is 1–2 KB, an STS answer
        /// 2–4 KB); 10 MiB is 50 times that, and small enough that a hostile or broken endpoint cannot
        /// exhaust memory (the same cap holds for every concurrent request).
        public static let defaultMaximumResponseBodySize = 10 * 1024 * 1024

        /// Creates a configuration.
        /// - Parameters:
        ///   - timeout: The default time limit for a whole request. Default 30 seconds.
        ///   - session: A session to use instead of the transport's own. Default `nil`.
        ///   - maximumResponseBodySize: The cap on one response body, in bytes after decompression.
        ///     Default 10 MiB.
        ///   - maximumConnectionsPerHost: The most connections to one host at once. Default 64.
        public init(
            timeout: Duration = .seconds(30), session: URLSession? = nil,
            maximumResponseBodySize: Int = Configuration.defaultMaximumResponseBodySize,
            maximumConnectionsPerHost: Int = Configuration.defaultMaximumConnectionsPerHost
        ) {
            self.timeout = timeout
            self.session = session
            self.maximumResponseBodySize = maximumResponseBodySize
            self.maximumConnectionsPerHost = max(1, maximumConnectionsPerHost)
        }

        /// The default configuration: 30 s timeout, the transport's own ephemeral session, a 10 MiB
        /// response cap.
        package static var `default`: Configuration { Configuration() }
    }

    /// The configuration the transport was created with.
    package let configuration: Configuration
    private let session: URLSession
    private let ownsSession: Bool
    /// The delegate of the transport's own session, which streams bodies; `nil` for a session passed in.
    private let streamingDelegate: StreamingDelegate?
    /// What the transport's bodies did, over all requests: tests use it to prove that a body over the
    /// cap was never held past the cap, whatever the server sent.
    let bodyStatistics = LockedValue(BodyStatistics())

    /// Byte counts of the bodies a ``URLSessionTransport`` received.
    struct BodyStatistics: Sendable {
        /// Every body byte `URLSession` handed over (after decompression), kept or dropped.
        var bytesDelivered = 0
        /// The largest body held in memory at any time.
        var largestBodyHeld = 0
        /// How many exchanges were stopped at the cap.
        var stoppedAtCap = 0
    }

    /// Creates a transport.
    /// - Parameter configuration: Timeout and session. Default: 30 s, an ephemeral session.
    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
        if let session = configuration.session {
            self.session = session
            self.ownsSession = false
            self.streamingDelegate = nil
        } else {
            let sessionConfiguration = URLSessionConfiguration.ephemeral
            sessionConfiguration.httpCookieAcceptPolicy = .never
            sessionConfiguration.httpShouldSetCookies = false
            sessionConfiguration.urlCache = nil
            sessionConfiguration.requestCachePolicy = .reloadIgnoringLocalCacheData
            sessionConfiguration.httpMaximumConnectionsPerHost = configuration.maximumConnectionsPerHost
            let delegate = StreamingDelegate()
            self.session = URLSession(configuration: sessionConfiguration, delegate: delegate, delegateQueue: StreamingDelegate.queue())
            self.ownsSession = true
            self.streamingDelegate = delegate
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
        let limit = configuration.maximumResponseBodySize
        let urlRequest = try Self.makeURLRequest(request, timeout: timeout)
        guard limit > 0 else {
            throw TransportError(.invalidRequest, "maximumResponseBodySize must be positive, got \(limit)")
        }
        try Task.checkCancellation()
        let exchange = Exchange(limit: limit, statistics: bodyStatistics)
        let session = self.session
        let delegate = self.streamingDelegate
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, any Error>) in
                let finish: @Sendable (Exchange.Outcome) -> Void = { outcome in
                    continuation.resume(with: Self.result(outcome, request: request, timeout: timeout, limit: limit))
                }
                let task: URLSessionDataTask
                if let delegate {
                    // The session's delegate streams the body into the exchange, counting bytes.
                    task = session.dataTask(with: urlRequest)
                    delegate.register(task, exchange)
                } else {
                    // A session passed in keeps its own delegate: the whole body arrives, then the cap applies.
                    task = session.dataTask(with: urlRequest) { data, response, error in
                        if let response { _ = exchange.accept(response) }
                        if let data { exchange.append(data) }
                        exchange.complete(error: error)
                    }
                }
                guard exchange.start(task, timeout: timeout, finish: finish) else {
                    // Cancelled before the task started: it will never call back, so answer here.
                    delegate?.unregister(task)
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
        try request.validateForSending(timeout: timeout)
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method
        // URLRequest's own timeout is an idle timeout; the Exchange enforces the total deadline.
        urlRequest.timeoutInterval = timeout.timeInterval
        urlRequest.cachePolicy = .reloadIgnoringLocalCacheData
        urlRequest.httpShouldHandleCookies = false
        for field in request.headers {
            urlRequest.setValue(field.value, forHTTPHeaderField: field.name)
        }
        if request.headers["Accept-Encoding"] == nil {
            // Ask for the body as is. libcurl (FoundationNetworking) still decodes a gzip body a server
            // sends regardless; the body cap counts the decoded bytes.
            urlRequest.setValue("identity", forHTTPHeaderField: "Accept-Encoding")
        }
        if !request.body.isEmpty {
            urlRequest.httpBody = request.body
        }
        return urlRequest
    }

    private static func result(
        _ outcome: Exchange.Outcome, request: HTTPRequest, timeout: Duration, limit: Int
    ) -> Result<HTTPResponse, any Error> {
        let target = request.redactedTarget
        switch outcome.stop {
        case .taskCancelled?:
            return .failure(CancellationError())
        case .deadline?:
            return .failure(TransportError(.timedOut, "\(target) did not complete within \(timeout)"))
        case .declaredTooLarge(let length)?:
            return .failure(
                TransportError(
                    .responseTooLarge,
                    "\(target): the response declares a Content-Length of \(length) bytes, over the cap of \(limit) bytes "
                        + "(URLSessionTransport.Configuration.maximumResponseBodySize)"
                ))
        case .tooLarge(let received)?:
            return .failure(
                TransportError(
                    .responseTooLarge,
                    "\(target): the response body exceeded the cap of \(limit) bytes "
                        + "(URLSessionTransport.Configuration.maximumResponseBodySize, counted after decompression); stopped after "
                        + "\(received) bytes"
                ))
        case nil:
            break
        }
        if let error = outcome.error {
            return .failure(transportError(for: error, target: target, timeout: timeout))
        }
        guard let http = outcome.response as? HTTPURLResponse else {
            return .failure(TransportError(.invalidResponse, "\(target): the reply is not an HTTP response"))
        }
        var headers = HTTPHeaders()
        // allHeaderFields has no defined order; sort so equal responses compare equal.
        let fields = http.allHeaderFields.compactMap { key, value -> (String, String)? in
            guard let name = key as? String else { return nil }
            return (name, value as? String ?? String(describing: value))
        }.sorted { $0.0.lowercased() < $1.0.lowercased() }
        for (name, value) in fields { headers[name] = value }
        return .success(HTTPResponse(status: http.statusCode, headers: headers, body: outcome.body))
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
}

// MARK: - One exchange's state

/// The state shared by one `send`: the task, whether it was stopped and why, the deadline timer, and the
/// body received so far. Every callback (data, completion, Task cancellation, deadline) may race, so all
/// of it is behind a lock; the continuation is resumed exactly once, by ``complete(error:)``.
private final class Exchange: @unchecked Sendable {
    enum StopReason: Sendable { case taskCancelled, deadline, declaredTooLarge(Int64), tooLarge(received: Int) }

    /// What the exchange ended with.
    struct Outcome: @unchecked Sendable {
        var stop: StopReason?
        var response: URLResponse?
        var body: Data
        var error: (any Error)?
    }

    private let lock = NSLock()
    private let limit: Int
    private let statistics: LockedValue<URLSessionTransport.BodyStatistics>
    private var task: URLSessionTask?
    private var stopReason: StopReason?
    private var finished = false
    private var deadline: (any DispatchSourceTimer)?
    private var finish: (@Sendable (Outcome) -> Void)?
    private var response: URLResponse?
    private var body = Data()
    private var received = 0

    init(limit: Int, statistics: LockedValue<URLSessionTransport.BodyStatistics>) {
        self.limit = limit
        self.statistics = statistics
    }

    /// Installs and resumes the task, and arms the deadline. Returns `false` (leaving the task
    /// unstarted) when the exchange was already cancelled.
    func start(_ task: URLSessionTask, timeout: Duration, finish: @escaping @Sendable (Outcome) -> Void) -> Bool {
        let started: Bool = lock.withLock {
            guard stopReason == nil else { return false }
            self.task = task
            self.finish = finish
            return true
        }
        guard started else { return false }
        task.resume()
        // A timer source, not `asyncAfter` with a `DispatchWorkItem`: a cancelled work item stays queued,
        // with its block, until its time comes, so every request of the last `timeout` (30 s, tens of
        // thousands in a large scan) held one. A cancelled source is removed and released at once.
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.setEventHandler { [weak self] in self?.stop(.deadline) }
        timer.schedule(deadline: .now() + timeout.timeInterval)
        timer.activate()
        let alreadyFinished: Bool = lock.withLock {
            guard !finished else { return true }
            deadline = timer
            return false
        }
        if alreadyFinished { timer.cancel() }
        return true
    }

    /// Stops the exchange for `reason`, unless it already finished or was stopped: from now on body
    /// bytes are dropped, and the task is cancelled. The cancel is sent from another thread, because
    /// this may run inside a delegate callback on FoundationNetworking's work queue, where
    /// `URLSessionTask.cancel()` (which waits on that queue) would deadlock.
    func stop(_ reason: StopReason) {
        let task: URLSessionTask? = lock.withLock {
            guard !finished, stopReason == nil else { return nil }
            stopReason = reason
            body = Data()
            return self.task
        }
        guard let task else { return }
        let cancel = UncheckedTask(task: task)
        DispatchQueue.global().async { cancel.task.cancel() }
    }

    /// Records the response head; `false` (and the exchange stopped) when its `Content-Length` is
    /// over the cap.
    func accept(_ response: URLResponse) -> Bool {
        lock.withLock { self.response = response }
        // With a Content-Encoding, Content-Length counts the encoded bytes: only a plain body's
        // declared length is final. The decoded bytes are counted as they arrive either way.
        let encoded =
            (response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Content-Encoding").map { $0.lowercased() != "identity" } ?? false
        let declared = response.expectedContentLength
        if declared > Int64(limit) && !encoded {
            statistics.withLock { $0.stoppedAtCap += 1 }
            stop(.declaredTooLarge(declared))
            return false
        }
        return true
    }

    /// Adds body bytes, or stops the exchange once they pass the cap (the bytes past it are dropped).
    func append(_ data: Data) {
        let (held, over): (Int, Int?) = lock.withLock {
            guard stopReason == nil, !finished else { return (0, nil) }
            received += data.count
            if received > limit { return (0, received) }
            body.append(data)
            return (body.count, nil)
        }
        statistics.withLock {
            $0.bytesDelivered += data.count
            $0.largestBodyHeld = Swift.max($0.largestBodyHeld, held)
            if over != nil { $0.stoppedAtCap += 1 }
        }
        if let over { stop(.tooLarge(received: over)) }
    }

    /// Ends the exchange: cancels the deadline and hands the outcome to the waiting `send`, once.
    func complete(error: (any Error)?) {
        let (finish, outcome): ((@Sendable (Outcome) -> Void)?, Outcome) = lock.withLock {
            finished = true
            deadline?.cancel()
            deadline = nil
            task = nil
            let finish = self.finish
            self.finish = nil
            let outcome = Outcome(stop: stopReason, response: response, body: body, error: error)
            body = Data()
            return (finish, outcome)
        }
        finish?(outcome)
    }
}

/// A `URLSessionTask` handed to another thread to be cancelled (`URLSessionTask` is thread-safe).
private struct UncheckedTask: @unchecked Sendable {
    let task: URLSessionTask
}

/// The delegate of the transport's own session: streams each task's body into its ``Exchange`` (which
/// enforces the size cap) and refuses every redirect so that the `3xx` response itself is returned.
private final class StreamingDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let lock = NSLock()
    private var exchanges: [Int: Exchange] = [:]

    /// The delegate queue of the transport's session.
    ///
    /// On Linux, FoundationNetworking hands every piece of body data libcurl decodes to the delegate
    /// queue with `addOperation` and carries on reading: with an ordinary queue, a fast server (or a gzip
    /// bomb) fills the queue with the whole body before the first callback has a chance to stop the
    /// task. This queue runs each callback at once, on the thread that delivers it, so a piece past the
    /// cap is dropped as it arrives and memory stays bounded by the cap. The callbacks only count, copy
    /// into the exchange and resume a continuation; they never block.
    static func queue() -> OperationQueue {
        #if canImport(FoundationNetworking)
            return InlineOperationQueue()
        #else
            let queue = OperationQueue()
            queue.maxConcurrentOperationCount = 1
            return queue
        #endif
    }

    func register(_ task: URLSessionTask, _ exchange: Exchange) {
        lock.withLock { exchanges[task.taskIdentifier] = exchange }
    }

    @discardableResult
    func unregister(_ task: URLSessionTask) -> Exchange? {
        lock.withLock { exchanges.removeValue(forKey: task.taskIdentifier) }
    }

    private func exchange(for task: URLSessionTask) -> Exchange? {
        lock.withLock { exchanges[task.taskIdentifier] }
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse, newRequest request: URLRequest,
        completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
    ) {
        let accepted = exchange(for: dataTask)?.accept(response) ?? true
        completionHandler(accepted ? .allow : .cancel)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        exchange(for: dataTask)?.append(data)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        unregister(task)?.complete(error: error)
    }
}

#if canImport(FoundationNetworking)
    /// An operation queue that runs every operation at once on the calling thread (see
    /// ``StreamingDelegate/queue()``).
    private final class InlineOperationQueue: OperationQueue, @unchecked Sendable {
        override func addOperation(_ block: @escaping @Sendable () -> Void) { block() }
        override func addOperation(_ operation: Operation) { operation.start() }
    }
#endif

extension Duration {
    /// The duration in seconds, as Foundation's `TimeInterval`.
    fileprivate var timeInterval: TimeInterval {
        let parts = components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }
}
