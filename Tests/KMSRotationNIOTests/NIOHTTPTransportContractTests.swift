// Built with the NIOTransport trait only (see Package.swift).
#if NIOTransport
    import Foundation
    import KMSRotation
    import Testing
    import TestSupport

    @testable import KMSRotationNIO

    /// Runs `body` with a transport made for it, shutting the transport down afterwards whatever happens.
    func withTransport<T>(
        _ configuration: NIOHTTPTransport.Configuration = .init(), _ body: (NIOHTTPTransport) async throws -> T
    ) async throws -> T {
        let transport = try NIOHTTPTransport(configuration: configuration)
        do {
            let result = try await body(transport)
            try await transport.shutdown()
            return result
        } catch {
            try? await transport.shutdown()
            throw error
        }
    }

    extension NIOHTTPTransport {
        /// What its bodies did (see ``bodyStatistics``).
        var statistics: BodyStatistics { bodyStatistics.withLockedValue { $0 } }
    }

    /// The suites that start Python servers are serialized: starting one blocks a cooperative thread until Python is
    /// up, and a handful at once on a busy 2-core machine starve the other tests' requests past their timeouts.
    @Suite("NIOHTTPTransport: the transport contract", .serialized)
    struct NIOHTTPTransportContractTests {
        @Test("Conformance against a loopback server", arguments: TransportConformance.Case.allCases)
        func conformance(_ testCase: TransportConformance.Case) async throws {
            try await LoopbackServer.with { server in
                try await withTransport() { transport in
                    let conformance = TransportConformance(
                        transport: transport, baseURL: server.baseURL, closedPortURL: server.closedPortURL)
                    try await conformance.run(testCase)
                }
            }
        }

        @Test func defaultConfiguration() throws {
            let configuration = NIOHTTPTransport.Configuration()
            #expect(configuration.timeout == .seconds(30))
            #expect(configuration.maximumResponseBodySize == 10 * 1024 * 1024)
            #expect(configuration.maximumConnectionsPerHost == 64)
            #expect(configuration.proxy == nil)
            #expect(configuration.caBundlePath == nil)
            #expect(NIOHTTPTransport.Configuration(maximumConnectionsPerHost: 0).maximumConnectionsPerHost == 1)
        }

        @Test
        func nonPositiveCapIsASetupError() {
            #expect(throws: TransportSetupError.self) { try NIOHTTPTransport(configuration: .init(maximumResponseBodySize: 0)) }
        }

        @Test
        func rejectsNonHTTPSchemes() async throws {
            try await withTransport() { transport in
                for url in ["file:///etc/passwd", "ftp://127.0.0.1/x"] {
                    let error = await #expect(throws: TransportError.self) {
                        try await transport.send(HTTPRequest(method: "GET", url: URL(string: url)!))
                    }
                    #expect(error?.kind == .invalidRequest)
                }
            }
        }

        @Test
        func rejectsNonPositiveTimeout() async throws {
            try await withTransport() { transport in
                let error = await #expect(throws: TransportError.self) {
                    try await transport.send(HTTPRequest(method: "GET", url: URL(string: "http://127.0.0.1:9/")!, timeout: .zero))
                }
                #expect(error?.kind == .invalidRequest)
            }
        }

        @Test
        func alreadyCancelledTaskThrowsWithoutSending() async throws {
            try await withTransport() { transport in
                let task = Task {
                    withUnsafeCurrentTask { $0?.cancel() }
                    return try await transport.send(HTTPRequest(method: "GET", url: URL(string: "http://127.0.0.1:9/")!))
                }
                let result = await task.result
                #expect(throws: CancellationError.self) { try result.get() }
            }
        }

        /// The old cap (issue #10): URLSession's default of 6 connections per host held every scan at 6
        /// requests in flight. Counted by the server, not timed.
        @Test
        func connectionsPerHostFollowTheConfiguration() async throws {
            try await LoopbackServer.with { server in
                func peak(_ configuration: NIOHTTPTransport.Configuration, requests: Int) async throws -> Int {
                    try await withTransport(configuration) { transport in
                        let hold = URL(string: server.baseURL.absoluteString + "/hold?seconds=2")!
                        try await withThrowingTaskGroup(of: Void.self) { group in
                            for _ in 0..<requests { group.addTask { _ = try await transport.send(HTTPRequest(method: "GET", url: hold)) } }
                            try await group.waitForAll()
                        }
                        let answer = try await transport.send(
                            HTTPRequest(method: "GET", url: server.baseURL.appendingPathComponent("peak")))
                        return try #require(try JSONSerialization.jsonObject(with: answer.body) as? [String: Int])["peak"] ?? 0
                    }
                }
                let wide = try await peak(.init(maximumConnectionsPerHost: 24), requests: 24)
                #expect(wide == 24, "all 24 in flight at once: \(wide)")
                let wider = try await peak(.init(), requests: 32)
                #expect(wider == 32, "the default pool (64) does not cap 32: \(wider)")
                let narrow = try await peak(.init(maximumConnectionsPerHost: 3), requests: 12)
                #expect(narrow <= 3, "the configured cap holds: \(narrow)")
            }
        }

        @Test
        func configurationTimeoutAppliesWhenRequestHasNone() async throws {
            try await LoopbackServer.with { server in
                try await withTransport(.init(timeout: .milliseconds(300))) { transport in
                    let error = await #expect(throws: TransportError.self) {
                        try await transport.send(HTTPRequest(method: "GET", url: server.baseURL.appendingPathComponent("delay")))
                    }
                    #expect(error?.kind == .timedOut)
                }
            }
        }

        @Test
        func requestTimeoutOverridesConfiguration() async throws {
            try await LoopbackServer.with { server in
                try await withTransport(.init(timeout: .milliseconds(200))) { transport in
                    let url = URL(string: server.baseURL.absoluteString + "/delay?seconds=0.5")!
                    let response = try await transport.send(HTTPRequest(method: "GET", url: url, timeout: .seconds(5)))
                    #expect(response.status == 200)
                    #expect(String(decoding: response.body, as: UTF8.self) == "late")
                }
            }
        }

        @Test("The timeout bounds the whole exchange: a body that stalls after the head times out")
        func timeoutCoversTheBody() async throws {
            try await LoopbackServer.with { server in
                try await withTransport() { transport in
                    let clock = ContinuousClock()
                    let start = clock.now
                    let url = URL(string: server.baseURL.absoluteString + "/slow-body?seconds=120")!
                    let error = await #expect(throws: TransportError.self) {
                        try await transport.send(HTTPRequest(method: "GET", url: url, timeout: .milliseconds(500)))
                    }
                    #expect(error?.kind == .timedOut)
                    #expect(clock.now - start < .seconds(60))
                }
            }
        }

        @Test("Cancelling while the body streams ends the request promptly with CancellationError")
        func cancellationDuringTheBody() async throws {
            try await LoopbackServer.with { server in
                try await withTransport() { transport in
                    let url = URL(string: server.baseURL.absoluteString + "/slow-body?seconds=120")!
                    let task = Task { try await transport.send(HTTPRequest(method: "GET", url: url)) }
                    try await Task.sleep(for: .milliseconds(300))
                    let clock = ContinuousClock()
                    let cancelledAt = clock.now
                    task.cancel()
                    let result = await task.result
                    #expect(throws: CancellationError.self) { try result.get() }
                    #expect(clock.now - cancelledAt < .seconds(60))
                }
            }
        }

        @Test
        func manyConcurrentRequests() async throws {
            try await LoopbackServer.with { server in
                try await withTransport() { transport in
                    let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                        for index in 0..<40 {
                            group.addTask {
                                try await transport.send(
                                    HTTPRequest(method: "GET", url: server.baseURL.appendingPathComponent("status/\(200 + index % 3)"))
                                ).status
                            }
                        }
                        return try await group.reduce(into: [Int]()) { $0.append($1) }
                    }
                    #expect(statuses.sorted() == (0..<40).map { 200 + $0 % 3 }.sorted())
                }
            }
        }

        @Test("Repeated response header fields are joined with a comma, as URLSession does")
        func repeatedHeaders() async throws {
            try await LoopbackServer.with { server in
                try await withTransport() { transport in
                    let response = try await transport.send(
                        HTTPRequest(method: "GET", url: server.baseURL.appendingPathComponent("repeated-header")))
                    #expect(response.headers["x-many"] == "one, two")
                }
            }
        }

        @Test("Requests ask for Accept-Encoding: identity unless they set it")
        func acceptEncodingIdentity() async throws {
            try await LoopbackServer.with { server in
                try await withTransport() { transport in
                    let echo = server.baseURL.appendingPathComponent("echo")
                    let plain = try await transport.send(HTTPRequest(method: "GET", url: echo))
                    #expect(
                        try JSONDecoder().decode(TransportConformance.Echo.self, from: plain.body).headers["accept-encoding"] == "identity")
                    let own = try await transport.send(HTTPRequest(method: "GET", url: echo, headers: ["Accept-Encoding": "gzip"]))
                    #expect(try JSONDecoder().decode(TransportConformance.Echo.self, from: own.body).headers["accept-encoding"] == "gzip")
                }
            }
        }

        @Test("Error messages leave out the query, user info and headers")
        func errorMessagesAreRedacted() async throws {
            try await LoopbackServer.with { server in
                try await withTransport() { transport in
                    var components = URLComponents(url: server.closedPortURL, resolvingAgainstBaseURL: false)!
                    components.user = "AKIDUSER"
                    components.password = "secret-password"
                    components.path = "/path"
                    components.query = "X-Amz-Signature=secret-signature"
                    let request = HTTPRequest(
                        method: "POST", url: components.url!, headers: ["Authorization": "AWS4-HMAC-SHA256 secret-header"],
                        timeout: .seconds(5)
                    )
                    let error = await #expect(throws: TransportError.self) { try await transport.send(request) }
                    #expect(error?.kind == .connectionFailed)
                    let message = try #require(error?.message)
                    #expect(message.contains("POST http://127.0.0.1:"))
                    #expect(message.contains("/path"))
                    for secret in ["secret-password", "AKIDUSER", "secret-signature", "secret-header"] {
                        #expect(!message.contains(secret), "\(message)")
                    }
                }
            }
        }

        @Test
        func sendAfterShutdownIsAnInvalidRequest() async throws {
            let transport = try NIOHTTPTransport()
            try await transport.shutdown()
            try await transport.shutdown()  // a second call does nothing
            let error = await #expect(throws: TransportError.self) {
                try await transport.send(HTTPRequest(method: "GET", url: URL(string: "http://127.0.0.1:9/")!))
            }
            #expect(error?.kind == .invalidRequest)
        }

        @Test(
            "A transport dropped without shutdown() closes its connections itself")
        func droppedWithoutShutdown() async throws {
            try await LoopbackServer.with { server in
                var transport: NIOHTTPTransport? = try NIOHTTPTransport()
                _ = try await transport?.send(HTTPRequest(method: "GET", url: server.baseURL.appendingPathComponent("status/200")))
                transport = nil
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    @Suite("NIOHTTPTransport: response body cap", .serialized)
    struct NIOHTTPTransportBodyCapTests {
        static let cap = 1 << 20
        /// The most bytes one read from the socket may add past the cap.
        static let piece = 1 << 20

        static func stoppedAfter(_ message: String) -> Int? {
            guard let range = message.range(of: "stopped after ") else { return nil }
            return Int(message[range.upperBound...].prefix { $0.isNumber })
        }

        @Test("A declared Content-Length over the cap fails before the body is read")
        func declaredLengthOverCap() async throws {
            try await LoopbackServer.with { server in
                try await withTransport(.init(maximumResponseBodySize: Self.cap)) { transport in
                    let error = await #expect(throws: TransportError.self) {
                        try await transport.send(HTTPRequest(method: "GET", url: URL(string: "\(server.baseURL)/huge?bytes=50000000")!))
                    }
                    #expect(error?.kind == .responseTooLarge)
                    #expect(error?.message.contains("Content-Length of 50000000 bytes") == true)
                    #expect(error?.message.contains("cap of \(Self.cap) bytes") == true)
                    #expect(transport.statistics.largestBodyHeld == 0, "stopped at the head: no body byte kept")
                }
            }
        }

        @Test("A chunked body with no length is counted as it streams and stopped at the cap")
        func chunkedBodyOverCap() async throws {
            try await LoopbackServer.with { server in
                try await withTransport(.init(maximumResponseBodySize: Self.cap)) { transport in
                    let error = await #expect(throws: TransportError.self) {
                        try await transport.send(
                            HTTPRequest(method: "GET", url: URL(string: "\(server.baseURL)/huge-chunked?bytes=50000000")!))
                    }
                    #expect(error?.kind == .responseTooLarge)
                    let stoppedAfter = try #require(error.flatMap { Self.stoppedAfter($0.message) })
                    #expect(stoppedAfter > Self.cap && stoppedAfter <= Self.cap + Self.piece, "stopped after \(stoppedAfter) bytes")
                    let statistics = transport.statistics
                    #expect(statistics.largestBodyHeld <= Self.cap)
                    #expect(statistics.stoppedAtCap == 1)
                }
            }
        }

        @Test(
            "A body exactly at the cap is read, with or without a length; the transport works after a refused body")
        func bodyAtCap() async throws {
            try await LoopbackServer.with { server in
                try await withTransport(.init(maximumResponseBodySize: Self.cap)) { transport in
                    _ = try? await transport.send(
                        HTTPRequest(method: "GET", url: URL(string: "\(server.baseURL)/huge-chunked?bytes=\(Self.cap + 1)")!))
                    let plain = try await transport.send(
                        HTTPRequest(method: "GET", url: URL(string: "\(server.baseURL)/huge?bytes=\(Self.cap)")!))
                    #expect(plain.body.count == Self.cap)
                    let chunked = try await transport.send(
                        HTTPRequest(method: "GET", url: URL(string: "\(server.baseURL)/huge-chunked?bytes=\(Self.cap)")!))
                    #expect(chunked.body.count == Self.cap)
                    #expect(chunked.body.allSatisfy { $0 == UInt8(ascii: "x") })
                }
            }
        }
    }
#endif
