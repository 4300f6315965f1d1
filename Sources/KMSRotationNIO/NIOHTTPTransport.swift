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

    /// An ``HTTPTransport`` straight on SwiftNIO (NIOPosix, NIOHTTP1, NIOSSL): the transport for long scans
    /// and servers, at about a third of the CPU per request of `URLSessionTransport` on Linux.
    ///
    /// It keeps the contract of `URLSessionTransport`:
    /// - Every HTTP status is returned as an `HTTPResponse`; only a missing response throws.
    /// - `HTTPRequest.timeout` (or ``Configuration/timeout``, 30 s) bounds the whole
    ///   exchange (waiting for a connection, connecting, the proxy tunnel, TLS, the request and the whole
    ///   body): when it elapses the connection is closed and `TransportError.Kind.timedOut` is thrown.
    /// - Cancelling the calling `Task` closes the request's connection and throws `CancellationError`.
    /// - Redirects are not followed and bodies are not decompressed; requests ask for
    ///   `Accept-Encoding: identity` unless they set the header themselves.
    /// - A response body may hold at most ``Configuration/maximumResponseBodySize``
    ///   bytes: a declared `Content-Length` over the cap fails at once, and a body is counted as it arrives
    ///   and its connection closed at the cap (`TransportError.Kind.responseTooLarge`).
    /// - Error messages name the method, scheme, host, port and path: never headers, bodies, the query or
    ///   credentials.
    ///
    /// Connections are HTTP/1.1 with keep-alive, pooled per scheme, host, port and proxy: at most
    /// ``Configuration/maximumConnectionsPerHost`` to one endpoint, further requests
    /// waiting their turn in order. A request sent on a reused connection that the server had closed
    /// meanwhile (before any byte of the response) is sent once more on a new connection. A refused
    /// connection fails at once, with `TransportError.Kind.connectionFailed`. A request made on one of
    /// NIO's event loops (under ``EventLoopConcurrency``) takes an idle connection of that loop first and
    /// opens new ones there, so that its answer wakes the thread its task runs on.
    ///
    /// `https` targets are verified against the system's trust roots, or only the certificates of
    /// ``Configuration/caBundlePath``. Through a proxy (``ProxySettings``) an `http`
    /// request is forwarded with its absolute URL and an `https` one goes through a `CONNECT` tunnel, both with
    /// `Proxy-Authorization: Basic` when the proxy URL has credentials. An `https://` proxy is reached over TLS
    /// (verified like the targets), with the tunnel or the forwarded request inside that connection.
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
        /// How a ``NIOHTTPTransport`` sends requests.
        public struct Configuration: Sendable {
            /// How long a request may take in total when `HTTPRequest.timeout` is `nil`. Default 30 s.
            public var timeout: Duration
            /// The most bytes one response body may hold. Default ``defaultMaximumResponseBodySize`` (10 MiB).
            /// Must be positive.
            public var maximumResponseBodySize: Int
            /// The most HTTP/1.1 connections to one host at once: the most requests in flight to one endpoint.
            /// Default ``defaultMaximumConnectionsPerHost`` (64); the CLI sizes it to the scan's concurrency.

            public var maximumConnectionsPerHost: Int
            /// The proxies to use, usually ``ProxySettings/fromEnvironment(_:)``; `nil` (the default) connects
            /// directly.
            public var proxy: ProxySettings?
            /// A PEM file of CA certificates to trust instead of the system's (as `AWS_CA_BUNDLE`); `nil` (the
            /// default) trusts the system's roots. Read when the transport is created. Ignored for a client
            /// passed in.
            public var caBundlePath: String?

            /// The default connections per host: 64, the CLI's largest `--concurrency`.
            public static let defaultMaximumConnectionsPerHost = 64
            /// The default cap on one response body: 10 MiB, as `URLSessionTransport`'s.
            public static let defaultMaximumResponseBodySize = 10 * 1024 * 1024

            /// Creates a configuration.
            /// - Parameters:
            ///   - timeout: The default time limit for a whole request. Default 30 seconds.
            ///   - maximumResponseBodySize: The cap on one response body, in bytes. Default 10 MiB.
            ///   - maximumConnectionsPerHost: The most connections to one host at once. Default 64.
            ///   - proxy: The proxies to use. Default none.
            ///   - caBundlePath: A PEM file of CA certificates to trust instead of the system's. Default none.
            public init(
                timeout: Duration = .seconds(30),
                maximumResponseBodySize: Int = Configuration.defaultMaximumResponseBodySize,
                maximumConnectionsPerHost: Int = Configuration.defaultMaximumConnectionsPerHost,
                proxy: ProxySettings? = nil,
                caBundlePath: String? = nil
            ) {
                self.timeout = timeout
                self.maximumResponseBodySize = maximumResponseBodySize
                self.maximumConnectionsPerHost = max(1, maximumConnectionsPerHost)
                self.proxy = proxy
                self.caBundlePath = caBundlePath
            }
        }

        /// The configuration the transport was created with.
        public let configuration: Configuration
        /// The connections, per endpoint.
        let pool: ConnectionPool
        /// What large bodies did (bodies of 64 KiB or more, and every stop at the cap): tests use it to prove
        /// that a body over the cap was never held past the cap. Small bodies are not recorded, to keep a lock
        /// off the path of every request.
        let bodyStatistics = NIOLockedValueBox(BodyStatistics())
        /// What ``prepare(_:target:timeout:)`` derives from a URL alone (pool key, proxy, request target, authority),
        /// per URL: a client sends every request to the same endpoint, and Foundation's URL accessors cost
        /// more than a lookup. At most ``Target/cacheLimit`` URLs are kept; past that the cache starts over.
        private let targets = NIOLockedValueBox([String: Target]())

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
                tls.trustRoots = .certificates(try Self.loadCABundle(path))
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

        /// Byte counts of the bodies an ``NIOHTTPTransport`` received.
        struct BodyStatistics: Sendable {
            /// The largest body held in memory at any time.
            var largestBodyHeld = 0
            /// How many exchanges were stopped at the cap.
            var stoppedAtCap = 0
        }

        /// The certificates of a PEM CA bundle, read now so that a bad path fails at setup, not at the first request.
        static func loadCABundle(_ path: String) throws -> [NIOSSLCertificate] {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw TransportSetupError("CA bundle \(path): no such file")
            }
            guard !isDirectory.boolValue else { throw TransportSetupError("CA bundle \(path): it is a directory") }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw TransportSetupError("CA bundle \(path): it is not readable")
            }
            let certificates: [NIOSSLCertificate]
            do {
                certificates = try NIOSSLCertificate.fromPEMBytes(Array(data))
            } catch {
                let armoured = String(decoding: data, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----")
                throw TransportSetupError(
                    "CA bundle \(path): \(armoured ? "a certificate in it cannot be read" : "no PEM certificate in it")")
            }
            guard !certificates.isEmpty else { throw TransportSetupError("CA bundle \(path): no PEM certificate in it") }
            return certificates
        }

        /// Response headers as `HTTPHeaders`: repeated fields joined with `, `, as URLSession does.
        static func headers(_ fields: NIOHTTP1.HTTPHeaders) -> KMSRotation.HTTPHeaders {
            var headers = KMSRotation.HTTPHeaders()
            for (name, value) in fields {
                if let existing = headers[name] {
                    headers[name] = existing + ", " + value
                } else {
                    headers[name] = value
                }
            }
            return headers
        }

        // MARK: - Sending

        /// Sends a request and returns the response, whatever its status.
        /// - Parameter request: The request to send.
        /// - Returns: The response, including `3xx`, `4xx` and `5xx` ones.
        /// - Throws: `CancellationError` when the calling task is cancelled; `TransportError` when no
        ///   response arrived (timeout, connection failure, invalid request or response, a body over the cap).
        public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
            let timeout = request.timeout ?? configuration.timeout
            // The URL is checked when its target is first derived (then cached), before the timeout, as
            // `validateForSending(timeout:)` orders them.
            let target = try self.target(of: request)
            try request.validateTimeout(timeout)
            try Task.checkCancellation()
            let exchange = prepare(request, target: target, timeout: timeout)
            guard pool.acquire(exchange) else {
                throw TransportError(.invalidRequest, "\(request.redactedTarget): the transport was shut down")
            }
            return try await withTaskCancellationHandler {
                // Unchecked: the exchange resumes it exactly once (`finish` runs once). Begun at once when
                // the task already runs on the connection's loop (the CLI runs Swift Concurrency on NIO's
                // loops), rather than as one more task on it.
                try await withUnsafeThrowingContinuation { continuation in
                    if exchange.loop.inEventLoop {
                        exchange.begin(continuation)
                    } else {
                        exchange.loop.execute { exchange.begin(continuation) }
                    }
                }
            } onCancel: {
                exchange.loop.execute { exchange.cancel() }
            }
        }

        /// The exchange for a request: its endpoint, head and body, built with NIOHTTP1 types.
        private func prepare(_ request: HTTPRequest, target: Target, timeout: Duration) -> Exchange {
            let secure = target.key.secure
            var headers = NIOHTTP1.HTTPHeaders()
            headers.reserveCapacity(request.headers.fields.count + 4)
            for field in request.headers.fields where !Self.isContentLength(field.name) {
                headers.add(name: field.name, value: field.value)
            }
            if !request.headers.contains("Host") { headers.add(name: "Host", value: target.authority) }
            if !request.headers.contains("Accept-Encoding") { headers.add(name: "Accept-Encoding", value: "identity") }
            let method = HTTPMethod(rawValue: request.method)
            var body: ByteBuffer?
            if !request.body.isEmpty {
                body = ByteBuffer(data: request.body)
                headers.add(name: "Content-Length", value: String(request.body.count))
            } else if method == .POST || method == .PUT || method == .PATCH {
                headers.add(name: "Content-Length", value: "0")
            }
            if let proxy = target.key.proxy, !secure, let credentials = proxy.credentials {
                headers.add(name: "Proxy-Authorization", value: Self.basicAuthorization(credentials))
            }
            let head = HTTPRequestHead(version: .http1_1, method: method, uri: target.uri, headers: headers)
            return Exchange(
                pool: pool, key: target.key, head: head, body: body,
                deadline: .now() + TimeAmount(timeout), timeout: timeout, limit: configuration.maximumResponseBodySize,
                request: request, statistics: bodyStatistics)
        }

        /// Where a URL's requests go: the connection pool's key (with the proxy, if any), the request target
        /// (origin form, or absolute form through an http proxy) and the `Host` authority.
        struct Target: Sendable {
            static let cacheLimit = 64
            var key: PoolKey
            var uri: String
            var authority: String
        }

        /// The request's ``Target``, from the cache or derived from its URL.
        private func target(of request: HTTPRequest) throws -> Target {
            let url = request.url
            let text = url.absoluteString
            if let cached = targets.withLockedValue({ $0[text] }) { return cached }
            try request.validateURL()
            let secure = url.scheme?.lowercased() == "https"
            guard var host = url.host, !host.isEmpty else {
                throw TransportError(.invalidRequest, "unsupported URL: no host (\(request.redactedTarget))")
            }
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            let defaultPort = secure ? 443 : 80
            let port = url.port ?? defaultPort
            let proxy = configuration.proxy?.server(for: url)

            var authority = host.contains(":") ? "[" + host + "]" : host
            if port != defaultPort { authority += ":" + String(port) }
            var uri = url.path(percentEncoded: true)
            if uri.isEmpty { uri = "/" }
            if let query = url.query(percentEncoded: true) { uri += "?" + query }
            if proxy != nil, !secure {
                // Forwarded by the proxy: the absolute form (the proxy's credentials go with every request).
                uri = "http://" + authority + uri
            }
            let target = Target(key: PoolKey(secure: secure, host: host, port: port, proxy: proxy), uri: uri, authority: authority)
            targets.withLockedValue { cache in
                if cache.count >= Target.cacheLimit { cache.removeAll(keepingCapacity: true) }
                cache[text] = target
            }
            return target
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

    /// Why an exchange stopped at the body cap.
    enum BodyCapExceeded: Error {
        /// The head declared a `Content-Length` over the cap.
        case declared(Int64)
        /// The body passed the cap after this many bytes.
        case received(Int)
    }

    extension TimeAmount {
        /// A Swift `Duration` as NIO's nanoseconds, at most a year (a deadline past that never matters, and
        /// `NIODeadline` arithmetic must not overflow).
        init(_ duration: Duration) {
            let parts = duration.components
            let year: Int64 = 365 * 86_400
            guard parts.seconds < year else {
                self = .seconds(year)
                return
            }
            self = .nanoseconds(parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000)
        }
    }
#endif
