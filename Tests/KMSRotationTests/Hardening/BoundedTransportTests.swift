import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Testing
@testable import KMSRotation

/// Row 4 of the hostile-server review: a gzip bomb and a huge body through ``URLSessionTransport``.
@Suite("Bounded: response body cap")
struct BoundedTransportTests {
    static let cap = 1 << 20
    /// The most bytes one delivery from URLSession may add past the cap.
    static let piece = 1 << 20

    /// `N` in the error's "stopped after N bytes".
    static func stoppedAfter(_ message: String) -> Int? {
        guard let range = message.range(of: "stopped after ") else { return nil }
        return Int(message[range.upperBound...].prefix { $0.isNumber })
    }

    @Test("The default cap is 10 MiB and configurable")
    func defaultCap() {
        #expect(URLSessionTransport.Configuration.defaultMaximumResponseBodySize == 10 * 1024 * 1024)
        #expect(URLSessionTransport().configuration.maximumResponseBodySize == 10 * 1024 * 1024)
        #expect(URLSessionTransport(configuration: .init(maximumResponseBodySize: 5)).configuration.maximumResponseBodySize == 5)
    }

    @Test("A non-positive cap is an invalid request, not an unbounded one")
    func nonPositiveCap() async {
        let transport = URLSessionTransport(configuration: .init(maximumResponseBodySize: 0))
        let error = await #expect(throws: TransportError.self) {
            try await transport.send(HTTPRequest(method: "GET", url: URL(string: "http://127.0.0.1:9/")!))
        }
        #expect(error?.kind == .invalidRequest)
    }

    @Test("A gzip bomb (100 MB expanded) is cut off at the cap on decoded bytes; the task is cancelled near the cap")
    func gzipBomb() async throws {
        try await BoundedHostileServer.with { server in
            let transport = URLSessionTransport(configuration: .init(maximumResponseBodySize: Self.cap))
            let error = await #expect(throws: TransportError.self) {
                try await transport.send(HTTPRequest(method: "GET", url: try server.url("/bomb?expanded=100000000")))
            }
            #expect(error?.kind == .responseTooLarge)
            #expect(error?.message.contains("cap of \(Self.cap) bytes") == true)
            #expect(error?.message.contains("after decompression") == true)
            // Stopped at the piece that crossed the cap (libcurl hands decoded data over in pieces of at
            // most a few hundred KB), and nothing past the cap was ever held: whatever libcurl decoded
            // before the cancel took effect was dropped as it arrived.
            let stoppedAfter = try #require(error.flatMap { Self.stoppedAfter($0.message) })
            #expect(stoppedAfter > Self.cap && stoppedAfter <= Self.cap + Self.piece, "stopped after \(stoppedAfter) bytes")
            let statistics = transport.bodyStatistics.current
            #expect(statistics.stoppedAtCap == 1)
            #expect(statistics.largestBodyHeld <= Self.cap)
        }
    }

    @Test(
        "The cap counts decoded bytes: a compressed body under the cap that expands over it is refused; one that expands under it is read whole"
    )
    func capAppliesToDecodedBytes() async throws {
        try await BoundedHostileServer.with { server in
            let transport = URLSessionTransport(configuration: .init(maximumResponseBodySize: Self.cap))
            // About 2 KB on the wire, 2 MiB decoded.
            let error = await #expect(throws: TransportError.self) {
                try await transport.send(HTTPRequest(method: "GET", url: try server.url("/bomb?expanded=\(2 * Self.cap)")))
            }
            #expect(error?.kind == .responseTooLarge)
            // Under the cap once decoded: the body arrives decoded (libcurl decodes gzip even though we ask for identity).
            let response = try await transport.send(HTTPRequest(method: "GET", url: try server.url("/bomb?expanded=\(Self.cap / 2)")))
            #expect(response.status == 200)
            #expect(response.body.count == Self.cap / 2)
            #expect(response.body.allSatisfy { $0 == 0 })
        }
    }

    @Test("A declared Content-Length over the cap fails before the body is read")
    func declaredLengthOverCap() async throws {
        try await BoundedHostileServer.with { server in
            let transport = URLSessionTransport(configuration: .init(maximumResponseBodySize: Self.cap))
            let error = await #expect(throws: TransportError.self) {
                try await transport.send(HTTPRequest(method: "GET", url: try server.url("/huge?bytes=50000000")))
            }
            #expect(error?.kind == .responseTooLarge)
            #expect(error?.message.contains("Content-Length of 50000000 bytes") == true)
            #expect(error?.message.contains("cap of \(Self.cap) bytes") == true)
            #expect(transport.bodyStatistics.current.largestBodyHeld == 0, "stopped at the head: no body byte kept")
        }
    }

    @Test("A chunked body with no length is counted as it streams and cancelled at the cap")
    func chunkedBodyOverCap() async throws {
        try await BoundedHostileServer.with { server in
            let transport = URLSessionTransport(configuration: .init(maximumResponseBodySize: Self.cap))
            let error = await #expect(throws: TransportError.self) {
                try await transport.send(HTTPRequest(method: "GET", url: try server.url("/huge-chunked?bytes=50000000")))
            }
            #expect(error?.kind == .responseTooLarge)
            let stoppedAfter = try #require(error.flatMap { Self.stoppedAfter($0.message) })
            #expect(stoppedAfter > Self.cap && stoppedAfter <= Self.cap + Self.piece, "stopped after \(stoppedAfter) bytes")
            let statistics = transport.bodyStatistics.current
            #expect(statistics.largestBodyHeld <= Self.cap)
            #expect(statistics.stoppedAtCap == 1)
        }
    }

    @Test("A body exactly at the cap is read; the transport works again after a refused body")
    func bodyAtCap() async throws {
        try await BoundedHostileServer.with { server in
            let transport = URLSessionTransport(configuration: .init(maximumResponseBodySize: Self.cap))
            _ = try? await transport.send(HTTPRequest(method: "GET", url: try server.url("/huge-chunked?bytes=\(Self.cap + 1)")))
            let plain = try await transport.send(HTTPRequest(method: "GET", url: try server.url("/huge?bytes=\(Self.cap)")))
            #expect(plain.body.count == Self.cap)
            let chunked = try await transport.send(HTTPRequest(method: "GET", url: try server.url("/huge-chunked?bytes=\(Self.cap)")))
            #expect(chunked.body.count == Self.cap)
        }
    }

    @Test("Requests ask for Accept-Encoding: identity unless they set it")
    func acceptEncodingIdentity() async throws {
        try await BoundedHostileServer.with { server in
            struct Echo: Decodable { var headers: [String: String] }
            let transport = URLSessionTransport()
            let plain = try await transport.send(HTTPRequest(method: "GET", url: try server.url("/echo")))
            #expect(try JSONDecoder().decode(Echo.self, from: plain.body).headers["accept-encoding"] == "identity")
            let own = try await transport.send(
                HTTPRequest(method: "GET", url: try server.url("/echo"), headers: ["Accept-Encoding": "gzip"]))
            #expect(try JSONDecoder().decode(Echo.self, from: own.body).headers["accept-encoding"] == "gzip")
        }
    }

    @Test("A session passed in still has the cap applied (after the body arrived)")
    func providedSessionCap() async throws {
        try await BoundedHostileServer.with { server in
            let session = URLSession(configuration: .ephemeral)
            defer { session.finishTasksAndInvalidate() }
            let transport = URLSessionTransport(configuration: .init(session: session, maximumResponseBodySize: 1000))
            let error = await #expect(throws: TransportError.self) {
                try await transport.send(HTTPRequest(method: "GET", url: try server.url("/huge-chunked?bytes=5000")))
            }
            #expect(error?.kind == .responseTooLarge)
        }
    }

    @Test("responseTooLarge is not retried")
    func notRetried() {
        let error = TransportError(.responseTooLarge, "x")
        #expect(RetryStrategy.classify(error: error, operation: "ListKeys") == .doNotRetry)
    }
}
