// Built with the NIOTransport trait only (see Package.swift).
#if NIOTransport
    import AsyncHTTPClient
    import Foundation
    import KMSRotation
    import NIOConcurrencyHelpers
    import NIOCore
    import NIOFoundationCompat
    import NIOHTTP1
    import NIOSSL

    /// An ``HTTPTransport`` over SwiftNIO's AsyncHTTPClient: the transport for servers and long scans on
    /// Linux, where `URLSessionTransport` (FoundationNetworking over libcurl) spends about twice the CPU per
    /// request.
    ///
    /// It behaves as `URLSessionTransport` does:
    /// - Every HTTP status is returned as an `HTTPResponse`; only a missing response throws.
    /// - `HTTPRequest.timeout` (or ``Configuration/timeout``, 30 s) bounds the whole exchange, body
    ///   included: when it elapses the request is cancelled and `TransportError.Kind.timedOut` is thrown.
    /// - Cancelling the calling `Task` cancels the request and throws `CancellationError`.
    /// - Redirects are not followed and bodies are not decompressed: a `3xx` comes back as a response, and
    ///   requests ask for `Accept-Encoding: identity` unless they set the header themselves.
    /// - A response body may hold at most ``Configuration/maximumResponseBodySize`` bytes (10 MiB): a
    ///   declared `Content-Length` over the cap fails at once, and a body is counted as it streams in and
    ///   the request cancelled at the cap (`TransportError.Kind.responseTooLarge`).
    /// - Error messages name the method, scheme, host, port and path: never headers, bodies, the query or
    ///   credentials.
    ///
    /// Unlike `URLSession` on Linux it reads no environment: give it proxy settings
    /// (``ProxySettings/fromEnvironment(_:)``) and a CA bundle in its ``Configuration``.
    ///
    /// A transport that made its own `HTTPClient`s owns them: call ``shutdown()`` when done with it. A
    /// client passed to ``init(client:configuration:)`` stays its owner's.
    ///
    /// ```swift
    /// let transport = try AsyncHTTPClientTransport()
    /// defer { Task { try await transport.shutdown() } }   // or await it where the work ends
    /// let client = try KMSClient(AWSClientConfiguration(region: "us-east-1", transport: transport))
    /// ```
    public final class AsyncHTTPClientTransport: HTTPTransport {
        /// How an ``AsyncHTTPClientTransport`` sends requests.
        public struct Configuration: Sendable {
            /// How long a request may take in total when `HTTPRequest.timeout` is `nil`. Default 30 s.
            public var timeout: Duration
            /// The most bytes one response body may hold. Default ``defaultMaximumResponseBodySize`` (10 MiB).
            /// Must be positive.
            public var maximumResponseBodySize: Int
            /// The most HTTP/1.1 connections to one host at once: the most requests in flight to one endpoint.
            /// Default ``defaultMaximumConnectionsPerHost`` (64); the CLI sizes it to the scan's concurrency.
            /// Ignored for a client passed in.
            public var maximumConnectionsPerHost: Int
            /// The proxies to use, usually ``ProxySettings/fromEnvironment(_:)``; `nil` (the default) connects
            /// directly. Ignored for a client passed in.
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
        /// The client for direct requests.
        private let direct: HTTPClient
        /// One client per proxy in ``Configuration/proxy`` (AsyncHTTPClient's proxy is per client).
        private let proxied: [ProxySettings.Server: HTTPClient]
        /// Whether the transport made its clients (and so shuts them down).
        private let ownsClients: Bool
        private let shutDown = NIOLockedValueBox(false)
        /// What the transport's bodies did, over all requests: tests use it to prove that a body over the cap
        /// was never held past the cap.
        let bodyStatistics = NIOLockedValueBox(BodyStatistics())

        /// Byte counts of the bodies an ``AsyncHTTPClientTransport`` received.
        struct BodyStatistics: Sendable {
            /// The largest body held in memory at any time.
            var largestBodyHeld = 0
            /// How many exchanges were stopped at the cap.
            var stoppedAtCap = 0
        }

        /// Creates a transport with its own `HTTPClient`s (on NIO's shared event loop group): call
        /// ``shutdown()`` when done with it.
        /// - Parameter configuration: Timeout, body cap, pool size, proxies, CA bundle.
        /// - Throws: ``TransportSetupError`` when the CA bundle cannot be read or holds no certificate, or the
        ///   body cap is not positive.
        public init(configuration: Configuration = .init()) throws {
            try Self.validate(configuration)
            var clientConfiguration = HTTPClient.Configuration(
                redirectConfiguration: .disallow, timeout: .init(), decompression: .disabled)
            clientConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = configuration.maximumConnectionsPerHost
            // A refused connection fails the request (a connectionFailed the retry strategy decides about), instead
            // of AsyncHTTPClient retrying the connect until the deadline and reporting a timeout.
            clientConfiguration.connectionPool.retryConnectionEstablishment = false
            if let path = configuration.caBundlePath {
                var tls = TLSConfiguration.makeClientConfiguration()
                tls.trustRoots = .certificates(try Self.loadCABundle(path))
                clientConfiguration.tlsConfiguration = tls
            }
            let group = HTTPClient.defaultEventLoopGroup
            direct = HTTPClient(eventLoopGroupProvider: .shared(group), configuration: clientConfiguration)
            var proxied: [ProxySettings.Server: HTTPClient] = [:]
            for server in [configuration.proxy?.httpsProxy, configuration.proxy?.httpProxy].compactMap({ $0 })
            where proxied[server] == nil {
                var withProxy = clientConfiguration
                withProxy.proxy = .server(
                    host: server.host, port: server.port,
                    authorization: server.credentials.map { .basic(username: $0.username, password: $0.password) })
                proxied[server] = HTTPClient(eventLoopGroupProvider: .shared(group), configuration: withProxy)
            }
            self.proxied = proxied
            self.configuration = configuration
            ownsClients = true
        }

        /// Creates a transport that sends with your `HTTPClient`, which stays yours: the transport never
        /// shuts it down, and its own redirect, decompression, proxy, TLS and pool settings apply (those of
        /// `configuration` are ignored). Timeout and body cap still apply.
        /// - Parameters:
        ///   - client: The client to send with.
        ///   - configuration: Timeout and body cap.
        /// - Throws: ``TransportSetupError`` when the body cap is not positive.
        public init(client: HTTPClient, configuration: Configuration = .init()) throws {
            try Self.validate(configuration)
            self.configuration = configuration
            direct = client
            proxied = [:]
            ownsClients = false
        }

        deinit {
            // A transport dropped without shutdown() must not leak its clients, nor trip AsyncHTTPClient's
            // debug check on a client deinitialised while running: start their shutdown, without waiting.
            guard ownsClients, !shutDown.withLockedValue({ $0 }) else { return }
            for client in [direct] + proxied.values {
                client.shutdown { _ in }
            }
        }

        /// Shuts down the clients the transport made, waiting for their connections to close; afterwards
        /// every request fails with `TransportError.Kind.invalidRequest`. Calling it again does nothing, and
        /// it leaves a client passed in untouched.
        /// - Throws: AsyncHTTPClient's error when a client did not shut down cleanly.
        public func shutdown() async throws {
            let first = shutDown.withLockedValue { done in
                defer { done = true }
                return !done
            }
            guard ownsClients, first else { return }
            var failure: (any Error)?
            for client in [direct] + proxied.values {
                do { try await client.shutdown() } catch { failure = failure ?? error }
            }
            if let failure { throw failure }
        }

        private static func validate(_ configuration: Configuration) throws {
            guard configuration.maximumResponseBodySize > 0 else {
                throw TransportSetupError("maximumResponseBodySize must be positive, got \(configuration.maximumResponseBodySize)")
            }
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

        /// The client a request to `url` goes through: the proxy's, or the direct one.
        private func client(for url: URL) -> HTTPClient {
            guard let proxy = configuration.proxy, let server = proxy.server(for: url), let client = proxied[server] else { return direct }
            return client
        }

        // MARK: - Sending

        /// Sends a request and returns the response, whatever its status.
        /// - Parameter request: The request to send.
        /// - Returns: The response, including `3xx`, `4xx` and `5xx` ones.
        /// - Throws: `CancellationError` when the calling task is cancelled; `TransportError` when no
        ///   response arrived (timeout, connection failure, invalid request or response, a body over the cap).
        public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
            let timeout = request.timeout ?? configuration.timeout
            let prepared = try Self.prepare(request, timeout: timeout)
            try Task.checkCancellation()
            guard !shutDown.withLockedValue({ $0 }) || !ownsClients else {
                throw TransportError(.invalidRequest, "\(request.redactedTarget): the transport was shut down")
            }
            let client = client(for: request.url)
            let deadline = NIODeadline.now() + TimeAmount(timeout)
            let limit = configuration.maximumResponseBodySize
            let statistics = bodyStatistics
            let timer = DeadlineFlag()
            // AsyncHTTPClient's deadline ends the wait for the response head only; the body is read in a task
            // the timer can cancel, so the deadline bounds the whole exchange, as in URLSessionTransport.
            let exchange = Task {
                try await Self.exchange(prepared, client: client, deadline: deadline, limit: limit, statistics: statistics)
            }
            let scheduled = client.eventLoopGroup.any().scheduleTask(deadline: deadline) {
                timer.fire()
                exchange.cancel()
            }
            defer { scheduled.cancel() }
            do {
                return try await withTaskCancellationHandler {
                    try await exchange.value
                } onCancel: {
                    exchange.cancel()
                }
            } catch {
                throw Self.mapError(
                    error, target: request.redactedTarget, timeout: timeout, limit: limit,
                    timedOut: timer.fired)
            }
        }

        /// One exchange: the head, then the body up to the cap.
        private static func exchange(
            _ request: HTTPClientRequest, client: HTTPClient, deadline: NIODeadline, limit: Int,
            statistics: NIOLockedValueBox<BodyStatistics>
        ) async throws -> HTTPResponse {
            let response = try await client.execute(request, deadline: deadline)
            if request.method != .HEAD, let declared = response.headers.first(name: "content-length").flatMap(Int64.init),
                declared > Int64(limit)
            {
                statistics.withLockedValue { $0.stoppedAtCap += 1 }
                throw BodyCapExceeded.declared(declared)
            }
            var body: ByteBuffer?
            var received = 0
            for try await chunk in response.body {
                received += chunk.readableBytes
                if received > limit {
                    statistics.withLockedValue { $0.stoppedAtCap += 1 }
                    throw BodyCapExceeded.received(received)
                }
                if body == nil {
                    body = chunk
                } else {
                    var chunk = chunk
                    body!.writeBuffer(&chunk)
                }
            }
            let held = body?.readableBytes ?? 0
            if held > 0 { statistics.withLockedValue { $0.largestBodyHeld = Swift.max($0.largestBodyHeld, held) } }
            return HTTPResponse(status: Int(response.status.code), headers: headers(response.headers), body: data(body))
        }

        /// The request as AsyncHTTPClient takes it.
        static func prepare(_ request: HTTPRequest, timeout: Duration) throws -> HTTPClientRequest {
            try request.validateForSending(timeout: timeout)
            var prepared = HTTPClientRequest(url: request.url.absoluteString)
            prepared.method = HTTPMethod(rawValue: request.method)
            prepared.headers.reserveCapacity(request.headers.fields.count + 1)
            for field in request.headers {
                prepared.headers.add(name: field.name, value: field.value)
            }
            // Ask for the body as is: AsyncHTTPClient does not decompress, and the cap counts the bytes received.
            if !request.headers.contains("Accept-Encoding") { prepared.headers.add(name: "Accept-Encoding", value: "identity") }
            if !request.body.isEmpty {
                prepared.body = .bytes(ByteBuffer(data: request.body))
            }
            return prepared
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

        /// The body as `Data`, sharing the buffer's storage when it is large enough to be worth it.
        private static func data(_ buffer: ByteBuffer?) -> Data {
            guard let buffer, buffer.readableBytes > 0 else { return Data() }
            return buffer.getData(at: buffer.readerIndex, length: buffer.readableBytes, byteTransferStrategy: .automatic) ?? Data()
        }
    }

    /// Why an exchange stopped at the body cap.
    enum BodyCapExceeded: Error {
        /// The head declared a `Content-Length` over the cap.
        case declared(Int64)
        /// The body passed the cap after this many bytes.
        case received(Int)
    }

    /// Whether a request's deadline timer fired: set on an event loop, read by the waiting task.
    final class DeadlineFlag: Sendable {
        private let state = NIOLockedValueBox(false)
        func fire() { state.withLockedValue { $0 = true } }
        var fired: Bool { state.withLockedValue { $0 } }
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
