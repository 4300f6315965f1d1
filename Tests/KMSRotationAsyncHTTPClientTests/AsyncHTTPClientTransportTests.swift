// Built with the NIOTransport trait only (see Package.swift).
#if NIOTransport
    import AsyncHTTPClient
    import Foundation
    import KMSRotation
    import Testing
    import TestSupport

    @testable import KMSRotationAsyncHTTPClient

    /// Runs `body` with a transport made for it, shutting the transport down afterwards whatever happens.
    func withTransport<T>(
        _ configuration: AsyncHTTPClientTransport.Configuration = .init(), _ body: (AsyncHTTPClientTransport) async throws -> T
    ) async throws -> T {
        let transport = try AsyncHTTPClientTransport(configuration: configuration)
        do {
            let result = try await body(transport)
            try await transport.shutdown()
            return result
        } catch {
            try? await transport.shutdown()
            throw error
        }
    }

    /// The SwiftNIO transports that share these tests: each must keep the same contract.
    enum TransportKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case asyncHTTPClient, nio
        var testDescription: String { rawValue }

        func make(_ configuration: AsyncHTTPClientTransport.Configuration = .init()) throws -> any TestedTransport {
            switch self {
            case .asyncHTTPClient: try AsyncHTTPClientTransport(configuration: configuration)
            case .nio: try NIOHTTPTransport(configuration: configuration)
            }
        }
    }

    /// What the shared tests need of a transport besides sending.
    protocol TestedTransport: HTTPTransport {
        func shutdown() async throws
        /// What its bodies did (see `AsyncHTTPClientTransport.bodyStatistics`).
        var statistics: AsyncHTTPClientTransport.BodyStatistics { get }
    }

    extension AsyncHTTPClientTransport: TestedTransport {
        var statistics: BodyStatistics { bodyStatistics.withLockedValue { $0 } }
    }

    extension NIOHTTPTransport: TestedTransport {
        var statistics: AsyncHTTPClientTransport.BodyStatistics { bodyStatistics.withLockedValue { $0 } }
    }

    /// Runs `body` with a transport of `kind` made for it, shutting it down afterwards whatever happens.
    func withTransport<T>(
        _ kind: TransportKind, _ configuration: AsyncHTTPClientTransport.Configuration = .init(),
        _ body: (any TestedTransport) async throws -> T
    ) async throws -> T {
        let transport = try kind.make(configuration)
        do {
            let result = try await body(transport)
            try await transport.shutdown()
            return result
        } catch {
            try? await transport.shutdown()
            throw error
        }
    }

    /// The suites that start Python servers are serialized: starting one blocks a cooperative thread until Python is
    /// up, and a handful at once on a busy 2-core machine starve the other tests' requests past their timeouts.
    @Suite("AsyncHTTPClientTransport", .serialized)
    struct AsyncHTTPClientTransportTests {
        @Test("Conformance against a loopback server", arguments: TransportKind.allCases, TransportConformance.Case.allCases)
        func conformance(_ kind: TransportKind, _ testCase: TransportConformance.Case) async throws {
            try await LoopbackServer.with { server in
                try await withTransport(kind) { transport in
                    let conformance = TransportConformance(
                        transport: transport, baseURL: server.baseURL, closedPortURL: server.closedPortURL)
                    try await conformance.run(testCase)
                }
            }
        }

        @Test func defaultConfiguration() throws {
            let configuration = AsyncHTTPClientTransport.Configuration()
            #expect(configuration.timeout == .seconds(30))
            #expect(configuration.maximumResponseBodySize == 10 * 1024 * 1024)
            #expect(configuration.maximumConnectionsPerHost == 64)
            #expect(configuration.proxy == nil)
            #expect(configuration.caBundlePath == nil)
            #expect(AsyncHTTPClientTransport.Configuration(maximumConnectionsPerHost: 0).maximumConnectionsPerHost == 1)
        }

        @Test(arguments: TransportKind.allCases)
        func nonPositiveCapIsASetupError(_ kind: TransportKind) {
            #expect(throws: TransportSetupError.self) { try kind.make(.init(maximumResponseBodySize: 0)) }
        }

        @Test(arguments: TransportKind.allCases)
        func rejectsNonHTTPSchemes(_ kind: TransportKind) async throws {
            try await withTransport(kind) { transport in
                for url in ["file:///etc/passwd", "ftp://127.0.0.1/x"] {
                    let error = await #expect(throws: TransportError.self) {
                        try await transport.send(HTTPRequest(method: "GET", url: URL(string: url)!))
                    }
                    #expect(error?.kind == .invalidRequest)
                }
            }
        }

        @Test(arguments: TransportKind.allCases)
        func rejectsNonPositiveTimeout(_ kind: TransportKind) async throws {
            try await withTransport(kind) { transport in
                let error = await #expect(throws: TransportError.self) {
                    try await transport.send(HTTPRequest(method: "GET", url: URL(string: "http://127.0.0.1:9/")!, timeout: .zero))
                }
                #expect(error?.kind == .invalidRequest)
            }
        }

        @Test(arguments: TransportKind.allCases)
        func alreadyCancelledTaskThrowsWithoutSending(_ kind: TransportKind) async throws {
            try await withTransport(kind) { transport in
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
        @Test(arguments: TransportKind.allCases)
        func connectionsPerHostFollowTheConfiguration(_ kind: TransportKind) async throws {
            try await LoopbackServer.with { server in
                func peak(_ configuration: AsyncHTTPClientTransport.Configuration, requests: Int) async throws -> Int {
                    try await withTransport(kind, configuration) { transport in
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

        @Test(arguments: TransportKind.allCases)
        func configurationTimeoutAppliesWhenRequestHasNone(_ kind: TransportKind) async throws {
            try await LoopbackServer.with { server in
                try await withTransport(kind, .init(timeout: .milliseconds(300))) { transport in
                    let error = await #expect(throws: TransportError.self) {
                        try await transport.send(HTTPRequest(method: "GET", url: server.baseURL.appendingPathComponent("delay")))
                    }
                    #expect(error?.kind == .timedOut)
                }
            }
        }

        @Test(arguments: TransportKind.allCases)
        func requestTimeoutOverridesConfiguration(_ kind: TransportKind) async throws {
            try await LoopbackServer.with { server in
                try await withTransport(kind, .init(timeout: .milliseconds(200))) { transport in
                    let url = URL(string: server.baseURL.absoluteString + "/delay?seconds=0.5")!
                    let response = try await transport.send(HTTPRequest(method: "GET", url: url, timeout: .seconds(5)))
                    #expect(response.status == 200)
                    #expect(String(decoding: response.body, as: UTF8.self) == "late")
                }
            }
        }

        @Test("The timeout bounds the whole exchange: a body that stalls after the head times out", arguments: TransportKind.allCases)
        func timeoutCoversTheBody(_ kind: TransportKind) async throws {
            try await LoopbackServer.with { server in
                try await withTransport(kind) { transport in
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

        @Test("Cancelling while the body streams ends the request promptly with CancellationError", arguments: TransportKind.allCases)
        func cancellationDuringTheBody(_ kind: TransportKind) async throws {
            try await LoopbackServer.with { server in
                try await withTransport(kind) { transport in
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

        @Test(arguments: TransportKind.allCases)
        func manyConcurrentRequests(_ kind: TransportKind) async throws {
            try await LoopbackServer.with { server in
                try await withTransport(kind) { transport in
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

        @Test("Repeated response header fields are joined with a comma, as URLSession does", arguments: TransportKind.allCases)
        func repeatedHeaders(_ kind: TransportKind) async throws {
            try await LoopbackServer.with { server in
                try await withTransport(kind) { transport in
                    let response = try await transport.send(
                        HTTPRequest(method: "GET", url: server.baseURL.appendingPathComponent("repeated-header")))
                    #expect(response.headers["x-many"] == "one, two")
                }
            }
        }

        @Test("Requests ask for Accept-Encoding: identity unless they set it", arguments: TransportKind.allCases)
        func acceptEncodingIdentity(_ kind: TransportKind) async throws {
            try await LoopbackServer.with { server in
                try await withTransport(kind) { transport in
                    let echo = server.baseURL.appendingPathComponent("echo")
                    let plain = try await transport.send(HTTPRequest(method: "GET", url: echo))
                    #expect(
                        try JSONDecoder().decode(TransportConformance.Echo.self, from: plain.body).headers["accept-encoding"] == "identity")
                    let own = try await transport.send(HTTPRequest(method: "GET", url: echo, headers: ["Accept-Encoding": "gzip"]))
                    #expect(try JSONDecoder().decode(TransportConformance.Echo.self, from: own.body).headers["accept-encoding"] == "gzip")
                }
            }
        }

        @Test("Error messages leave out the query, user info and headers", arguments: TransportKind.allCases)
        func errorMessagesAreRedacted(_ kind: TransportKind) async throws {
            try await LoopbackServer.with { server in
                try await withTransport(kind) { transport in
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

        @Test(arguments: TransportKind.allCases)
        func sendAfterShutdownIsAnInvalidRequest(_ kind: TransportKind) async throws {
            let transport = try kind.make()
            try await transport.shutdown()
            try await transport.shutdown()  // a second call does nothing
            let error = await #expect(throws: TransportError.self) {
                try await transport.send(HTTPRequest(method: "GET", url: URL(string: "http://127.0.0.1:9/")!))
            }
            #expect(error?.kind == .invalidRequest)
        }

        @Test(
            "A transport dropped without shutdown() does not trip AsyncHTTPClient's debug check, nor leak",
            arguments: TransportKind.allCases)
        func droppedWithoutShutdown(_ kind: TransportKind) async throws {
            try await LoopbackServer.with { server in
                var transport: (any TestedTransport)? = try kind.make()
                _ = try await transport?.send(HTTPRequest(method: "GET", url: server.baseURL.appendingPathComponent("status/200")))
                transport = nil
                try await Task.sleep(for: .milliseconds(100))
            }
        }

        @Test("A client passed in is used and stays its owner's: shutdown() leaves it running")
        func providedClient() async throws {
            try await LoopbackServer.with { server in
                let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
                do {
                    let transport = try AsyncHTTPClientTransport(client: client)
                    let response = try await transport.send(
                        HTTPRequest(method: "PUT", url: server.baseURL.appendingPathComponent("echo"), body: Data("x".utf8)))
                    #expect(response.headers["X-Echo"] == "yes")
                    try await transport.shutdown()
                    // Still usable by its owner, and by the transport.
                    let again = try await transport.send(
                        HTTPRequest(method: "GET", url: server.baseURL.appendingPathComponent("status/204")))
                    #expect(again.status == 204)
                } catch {
                    try? await client.shutdown()
                    throw error
                }
                try await client.shutdown()
            }
        }
    }

    @Suite("AsyncHTTPClientTransport: response body cap", .serialized)
    struct AsyncHTTPClientTransportBodyCapTests {
        static let cap = 1 << 20
        /// The most bytes one read from the socket may add past the cap.
        static let piece = 1 << 20

        static func stoppedAfter(_ message: String) -> Int? {
            guard let range = message.range(of: "stopped after ") else { return nil }
            return Int(message[range.upperBound...].prefix { $0.isNumber })
        }

        @Test("A declared Content-Length over the cap fails before the body is read", arguments: TransportKind.allCases)
        func declaredLengthOverCap(_ kind: TransportKind) async throws {
            try await LoopbackServer.with { server in
                try await withTransport(kind, .init(maximumResponseBodySize: Self.cap)) { transport in
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

        @Test("A chunked body with no length is counted as it streams and stopped at the cap", arguments: TransportKind.allCases)
        func chunkedBodyOverCap(_ kind: TransportKind) async throws {
            try await LoopbackServer.with { server in
                try await withTransport(kind, .init(maximumResponseBodySize: Self.cap)) { transport in
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
            "A body exactly at the cap is read, with or without a length; the transport works after a refused body",
            arguments: TransportKind.allCases)
        func bodyAtCap(_ kind: TransportKind) async throws {
            try await LoopbackServer.with { server in
                try await withTransport(kind, .init(maximumResponseBodySize: Self.cap)) { transport in
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
