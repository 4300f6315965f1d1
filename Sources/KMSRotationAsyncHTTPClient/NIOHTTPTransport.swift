// Built with the NIOTransport trait only (see Package.swift).
#if NIOTransport
    import Foundation
    import KMSRotation
    import NIOConcurrencyHelpers
    import NIOCore
    import NIOFoundationCompat
    import NIOHTTP1
    import NIOPosix
    import NIOSSL

    /// An ``HTTPTransport`` straight on SwiftNIO (NIOPosix, NIOHTTP1, NIOSSL), without AsyncHTTPClient: the
    /// leanest transport per request, for long scans and servers on Linux.
    ///
    /// It keeps the contract of ``AsyncHTTPClientTransport`` and `URLSessionTransport`:
    /// - Every HTTP status is returned as an `HTTPResponse`; only a missing response throws.
    /// - `HTTPRequest.timeout` (or ``AsyncHTTPClientTransport/Configuration/timeout``, 30 s) bounds the whole
    ///   exchange (waiting for a connection, connecting, the proxy tunnel, TLS, the request and the whole
    ///   body): when it elapses the connection is closed and `TransportError.Kind.timedOut` is thrown.
    /// - Cancelling the calling `Task` closes the request's connection and throws `CancellationError`.
    /// - Redirects are not followed and bodies are not decompressed; requests ask for
    ///   `Accept-Encoding: identity` unless they set the header themselves.
    /// - A response body may hold at most ``AsyncHTTPClientTransport/Configuration/maximumResponseBodySize``
    ///   bytes: a declared `Content-Length` over the cap fails at once, and a body is counted as it arrives
    ///   and its connection closed at the cap (`TransportError.Kind.responseTooLarge`).
    /// - Error messages name the method, scheme, host, port and path: never headers, bodies, the query or
    ///   credentials.
    ///
    /// Connections are HTTP/1.1 with keep-alive, pooled per scheme, host, port and proxy: at most
    /// ``AsyncHTTPClientTransport/Configuration/maximumConnectionsPerHost`` to one endpoint, further requests
    /// waiting their turn in order. A request sent on a reused connection that the server had closed
    /// meanwhile (before any byte of the response) is sent once more on a new connection. A refused
    /// connection fails at once, with `TransportError.Kind.connectionFailed`.
    ///
    /// `https` targets are verified against the system's trust roots, or only the certificates of
    /// ``AsyncHTTPClientTransport/Configuration/caBundlePath``. Through a proxy (``ProxySettings``) an `http`
    /// request is forwarded with its absolute URL and an `https` one goes through a `CONNECT` tunnel, both with
    /// `Proxy-Authorization: Basic` when the proxy URL has credentials.
    ///
    /// It runs on NIO's shared event loop group. Call ``shutdown()`` when done with it.
    ///
    /// ```swift
    /// let transport = try NIOHTTPTransport()
    /// let client = try KMSClient(AWSClientConfiguration(region: "us-east-1", transport: transport))
    /// // ... requests ...
    /// try await transport.shutdown()
    /// ```
    public final class NIOHTTPTransport: HTTPTransport {
        /// How a ``NIOHTTPTransport`` sends requests: the same settings as an ``AsyncHTTPClientTransport``'s.
        public typealias Configuration = AsyncHTTPClientTransport.Configuration

        /// The configuration the transport was created with.
        public let configuration: Configuration
        /// The connections, per endpoint.
        let pool: ConnectionPool
        /// What large bodies did (bodies of 64 KiB or more, and every stop at the cap): tests use it to prove
        /// that a body over the cap was never held past the cap. Small bodies are not recorded, to keep a lock
        /// off the path of every request.
        let bodyStatistics = NIOLockedValueBox(AsyncHTTPClientTransport.BodyStatistics())

        /// Creates a transport on NIO's shared event loop group: call ``shutdown()`` when done with it.
        /// - Parameter configuration: Timeout, body cap, pool size, proxies, CA bundle.
        /// - Throws: ``TransportSetupError`` when the CA bundle cannot be read or holds no certificate, or the
        ///   body cap is not positive.
        public init(configuration: Configuration = .init()) throws {
            guard configuration.maximumResponseBodySize > 0 else {
                throw TransportSetupError("maximumResponseBodySize must be positive, got \(configuration.maximumResponseBodySize)")
            }
            var tls = TLSConfiguration.makeClientConfiguration()
            if let path = configuration.caBundlePath {
                tls.trustRoots = .certificates(try AsyncHTTPClientTransport.loadCABundle(path))
            }
            let context: NIOSSLContext
            do {
                context = try NIOSSLContext(configuration: tls)
            } catch {
                throw TransportSetupError("TLS: cannot set up the trust roots (\(type(of: error)))")
            }
            self.configuration = configuration
            pool = ConnectionPool(
                group: MultiThreadedEventLoopGroup.singleton, tls: context, maximumPerKey: configuration.maximumConnectionsPerHost)
        }

        deinit {
            // Dropped without shutdown(): close what is open, without waiting.
            pool.closeAll()
        }

        /// Closes every connection and waits for them to close; afterwards every request fails with
        /// `TransportError.Kind.invalidRequest`, and requests waiting for a connection fail the same way.
        /// Calling it again does nothing.
        /// - Throws: Nothing today; `throws` leaves room for a close that can fail.
        public func shutdown() async throws {
            await pool.shutdown()
        }

        // MARK: - Sending

        /// Sends a request and returns the response, whatever its status.
        /// - Parameter request: The request to send.
        /// - Returns: The response, including `3xx`, `4xx` and `5xx` ones.
        /// - Throws: `CancellationError` when the calling task is cancelled; `TransportError` when no
        ///   response arrived (timeout, connection failure, invalid request or response, a body over the cap).
        public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
            let timeout = request.timeout ?? configuration.timeout
            try request.validateForSending(timeout: timeout)
            try Task.checkCancellation()
            let exchange = try prepare(request, timeout: timeout)
            guard pool.acquire(exchange) else {
                throw TransportError(.invalidRequest, "\(request.redactedTarget): the transport was shut down")
            }
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    exchange.loop.execute { exchange.begin(continuation) }
                }
            } onCancel: {
                exchange.loop.execute { exchange.cancel() }
            }
        }

        /// The exchange for a request: its endpoint, head and body, built with NIOHTTP1 types.
        private func prepare(_ request: HTTPRequest, timeout: Duration) throws -> Exchange {
            let url = request.url
            let secure = url.scheme == "https" || url.scheme?.lowercased() == "https"
            guard var host = url.host, !host.isEmpty else {
                throw TransportError(.invalidRequest, "unsupported URL: no host (\(request.redactedTarget))")
            }
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            let defaultPort = secure ? 443 : 80
            let port = url.port ?? defaultPort
            let proxy = configuration.proxy?.server(for: url)

            var authority = host.contains(":") ? "[" + host + "]" : host
            if port != defaultPort { authority += ":" + String(port) }
            var target = url.path(percentEncoded: true)
            if target.isEmpty { target = "/" }
            if let query = url.query(percentEncoded: true) { target += "?" + query }
            if proxy != nil, !secure {
                // Forwarded by the proxy: the absolute form (the proxy's credentials go with every request, below).
                target = "http://" + authority + target
            }

            var headers = NIOHTTP1.HTTPHeaders()
            headers.reserveCapacity(request.headers.fields.count + 4)
            for field in request.headers.fields where !Self.isContentLength(field.name) {
                headers.add(name: field.name, value: field.value)
            }
            if !request.headers.contains("Host") { headers.add(name: "Host", value: authority) }
            if !request.headers.contains("Accept-Encoding") { headers.add(name: "Accept-Encoding", value: "identity") }
            let method = HTTPMethod(rawValue: request.method)
            var body: ByteBuffer?
            if !request.body.isEmpty {
                body = ByteBuffer(data: request.body)
                headers.add(name: "Content-Length", value: String(request.body.count))
            } else if method == .POST || method == .PUT || method == .PATCH {
                headers.add(name: "Content-Length", value: "0")
            }
            if let proxy, !secure, let credentials = proxy.credentials {
                headers.add(name: "Proxy-Authorization", value: Self.basicAuthorization(credentials))
            }
            let head = HTTPRequestHead(version: .http1_1, method: method, uri: target, headers: headers)
            return Exchange(
                pool: pool, key: PoolKey(secure: secure, host: host, port: port, proxy: proxy), head: head, body: body,
                deadline: .now() + TimeAmount(timeout), timeout: timeout, limit: configuration.maximumResponseBodySize,
                request: request, statistics: bodyStatistics)
        }

        /// Whether a header name is `Content-Length` (which the transport sets itself), without allocating.
        private static func isContentLength(_ name: String) -> Bool {
            name.utf8.count == 14 && name.lowercased() == "content-length"
        }

        /// `Basic <base64(user:password)>`.
        static func basicAuthorization(_ credentials: (username: String, password: String)) -> String {
            "Basic " + Data((credentials.username + ":" + credentials.password).utf8).base64EncodedString()
        }
    }
#endif
