import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Testing
@testable import KMSRotation
import TestSupport

@Suite("URLSessionTransport")
struct URLSessionTransportTests {
    @Test func defaultConfiguration() {
        let configuration = URLSessionTransport.Configuration()
        #expect(configuration.timeout == .seconds(30))
        #expect(configuration.session == nil)
        #expect(URLSessionTransport().configuration.timeout == .seconds(30))
    }

    @Test func rejectsNonHTTPSchemes() async {
        let transport = URLSessionTransport()
        for url in ["file:///etc/passwd", "ftp://127.0.0.1/x"] {
            let error = await #expect(throws: TransportError.self) {
                try await transport.send(HTTPRequest(method: "GET", url: URL(string: url)!))
            }
            #expect(error?.kind == .invalidRequest)
        }
    }

    @Test func rejectsNonPositiveTimeout() async {
        let error = await #expect(throws: TransportError.self) {
            try await URLSessionTransport().send(HTTPRequest(method: "GET", url: URL(string: "http://127.0.0.1:9/")!, timeout: .zero))
        }
        #expect(error?.kind == .invalidRequest)
    }

    @Test func alreadyCancelledTaskThrowsWithoutSending() async {
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await URLSessionTransport().send(HTTPRequest(method: "GET", url: URL(string: "http://127.0.0.1:9/")!))
        }
        let result = await task.result
        #expect(throws: CancellationError.self) { try result.get() }
    }

    /// The old cap: URLSession opens at most 6 connections per host by default, so a scan ran at most 6
    /// requests in flight per Region whatever its `--concurrency`. Counted by the server, not timed.
    @Test func connectionsPerHostFollowTheConfiguration() async throws {
        try await LoopbackServer.with { server in
            func peak(_ transport: URLSessionTransport, requests: Int) async throws -> Int {
                let hold = URL(string: server.baseURL.absoluteString + "/hold?seconds=2")!
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<requests { group.addTask { _ = try await transport.send(HTTPRequest(method: "GET", url: hold)) } }
                    try await group.waitForAll()
                }
                let answer = try await transport.send(HTTPRequest(method: "GET", url: server.baseURL.appendingPathComponent("peak")))
                return try #require(try JSONSerialization.jsonObject(with: answer.body) as? [String: Int])["peak"] ?? 0
            }
            #expect(URLSessionTransport.Configuration().maximumConnectionsPerHost == 64)
            let wide = try await peak(URLSessionTransport(configuration: .init(maximumConnectionsPerHost: 24)), requests: 24)
            #expect(wide > 6, "more than URLSession's default of 6 in flight: \(wide)")
            #expect(wide <= 24)
            let narrow = try await peak(URLSessionTransport(configuration: .init(maximumConnectionsPerHost: 3)), requests: 12)
            #expect(narrow <= 3, "the configured cap holds: \(narrow)")
        }
    }

    @Test func configurationTimeoutAppliesWhenRequestHasNone() async throws {
        try await LoopbackServer.with { server in
            let transport = URLSessionTransport(configuration: .init(timeout: .milliseconds(300)))
            let error = await #expect(throws: TransportError.self) {
                try await transport.send(HTTPRequest(method: "GET", url: server.baseURL.appendingPathComponent("delay")))
            }
            #expect(error?.kind == .timedOut)
        }
    }

    @Test func requestTimeoutOverridesConfiguration() async throws {
        try await LoopbackServer.with { server in
            let transport = URLSessionTransport(configuration: .init(timeout: .milliseconds(200)))
            let url = URL(string: server.baseURL.absoluteString + "/delay?seconds=0.5")!
            let response = try await transport.send(HTTPRequest(method: "GET", url: url, timeout: .seconds(5)))
            #expect(response.status == 200)
            #expect(String(decoding: response.body, as: UTF8.self) == "late")
        }
    }

    @Test func usesAProvidedSession() async throws {
        try await LoopbackServer.with { server in
            let session = URLSession(configuration: .ephemeral)
            defer { session.finishTasksAndInvalidate() }
            let transport = URLSessionTransport(configuration: .init(session: session))
            let response = try await transport.send(
                HTTPRequest(method: "PUT", url: server.baseURL.appendingPathComponent("echo"), body: Data("x".utf8)))
            #expect(response.status == 200)
            #expect(response.headers["X-Echo"] == "yes")
        }
    }

    @Test func manyConcurrentRequests() async throws {
        try await LoopbackServer.with { server in
            let transport = URLSessionTransport()
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await transport.send(
                            HTTPRequest(method: "GET", url: server.baseURL.appendingPathComponent("status/\(200 + index % 3)"))
                        ).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.sorted() == (0..<20).map { 200 + $0 % 3 }.sorted())
        }
    }

    @Test(arguments: [
        (URLError.Code.timedOut, TransportError.Kind.timedOut),
        (.cancelled, .cancelled),
        (.cannotConnectToHost, .connectionFailed),
        (.networkConnectionLost, .connectionFailed),
        (.dnsLookupFailed, .connectionFailed),
        (.cannotFindHost, .connectionFailed),
        (.notConnectedToInternet, .connectionFailed),
        (.secureConnectionFailed, .connectionFailed),
        (.serverCertificateUntrusted, .connectionFailed),
        (.badURL, .invalidRequest),
        (.unsupportedURL, .invalidRequest),
        (.badServerResponse, .invalidResponse),
        (.cannotParseResponse, .invalidResponse),
        (.httpTooManyRedirects, .invalidResponse),
        (.unknown, .connectionFailed),
    ])
    func mapsURLErrors(code: URLError.Code, kind: TransportError.Kind) {
        let error = URLSessionTransport.transportError(
            for: URLError(code), target: "POST https://kms.us-east-1.amazonaws.com/", timeout: .seconds(1))
        #expect(error.kind == kind)
        #expect(error.message.contains("kms.us-east-1.amazonaws.com"))
    }
}
