import Foundation
import Testing
import KMSRotation

/// The behaviour every ``HTTPTransport`` must have, written once over `any HTTPTransport` and run
/// against each implementation (see `TransportConformanceTests`).
///
/// The server behind `baseURL` serves the endpoints of ``LoopbackServer``; `closedPortURL` is a
/// loopback address nothing listens on.
package struct TransportConformance {
    package let transport: any HTTPTransport
    package let baseURL: URL
    package let closedPortURL: URL

    package init(transport: any HTTPTransport, baseURL: URL, closedPortURL: URL) {
        self.transport = transport
        self.baseURL = baseURL
        self.closedPortURL = closedPortURL
    }

    package enum Case: String, CaseIterable, CustomTestStringConvertible {
        case getEcho, postEcho, errorStatusIsResponse, redirectIsResponse, timeout, cancellation, connectionRefused
        package var testDescription: String { rawValue }
    }

    package func run(_ testCase: Case) async throws {
        switch testCase {
        case .getEcho: try await getEcho()
        case .postEcho: try await postEcho()
        case .errorStatusIsResponse: try await errorStatusIsResponse()
        case .redirectIsResponse: try await redirectIsResponse()
        case .timeout: try await timeout()
        case .cancellation: try await cancellation()
        case .connectionRefused: try await connectionRefused()
        }
    }

    package struct Echo: Decodable {
        package var method: String
        package var path: String
        package var query: String
        package var headers: [String: String]
        package var body: String
        package var bodyData: Data { Data(base64Encoded: body) ?? Data() }
    }

    private func url(_ pathAndQuery: String) -> URL {
        URL(string: baseURL.absoluteString + pathAndQuery)!
    }

    func getEcho() async throws {
        let request = HTTPRequest(
            method: "GET", url: url("/echo?a=1&b=two"), headers: ["X-Custom-Header": "value-1", "Accept": "application/json"])
        let response = try await transport.send(request)
        #expect(response.status == 200)
        #expect(response.isSuccess)
        #expect(response.headers["x-echo"] == "yes")
        #expect(response.headers["content-type"] == "application/json")
        let echo = try JSONDecoder().decode(Echo.self, from: response.body)
        #expect(echo.method == "GET")
        #expect(echo.path == "/echo")
        #expect(echo.query == "a=1&b=two")
        #expect(echo.headers["x-custom-header"] == "value-1")
        #expect(echo.headers["accept"] == "application/json")
        #expect(echo.bodyData.isEmpty)
    }

    func postEcho() async throws {
        // Large enough that curl asks for `100-continue`, with bytes that are not valid UTF-8.
        var body = Data(#"{"KeyId":"alias/ünïcode","Limit":10}"#.utf8)
        body.append(contentsOf: (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let request = HTTPRequest(
            method: "POST", url: url("/echo"),
            headers: [
                "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService.ListKeys", "X-Amz-Date": "20150830T123600Z",
            ],
            body: body
        )
        let response = try await transport.send(request)
        #expect(response.status == 200)
        let echo = try JSONDecoder().decode(Echo.self, from: response.body)
        #expect(echo.method == "POST")
        #expect(echo.path == "/echo")
        #expect(echo.headers["content-type"] == "application/x-amz-json-1.1")
        #expect(echo.headers["x-amz-target"] == "TrentService.ListKeys")
        #expect(echo.headers["x-amz-date"] == "20150830T123600Z")
        #expect(echo.bodyData == body)
    }

    func errorStatusIsResponse() async throws {
        for status in [404, 500, 503] {
            let response = try await transport.send(HTTPRequest(method: "POST", url: url("/status/\(status)"), body: Data("{}".utf8)))
            #expect(response.status == status)
            #expect(!response.isSuccess)
            #expect(String(decoding: response.body, as: UTF8.self) == #"{"status":\#(status)}"#)
        }
    }

    func redirectIsResponse() async throws {
        let response = try await transport.send(HTTPRequest(method: "POST", url: url("/redirect"), body: Data("{}".utf8)))
        #expect(response.status == 307)
        #expect(response.headers["location"] == "/echo")
    }

    func timeout() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        // Generous bounds: on a loaded 2-core machine the cooperative pool can stall for many seconds; what
        // matters is giving up long before the 120 s delay, not how fast.
        let request = HTTPRequest(method: "GET", url: url("/delay?seconds=120"), timeout: .milliseconds(300))
        let error = await #expect(throws: TransportError.self) { try await transport.send(request) }
        #expect(error?.kind == .timedOut)
        #expect(clock.now - start < .seconds(60))
    }

    func cancellation() async throws {
        let transport = self.transport
        let request = HTTPRequest(method: "GET", url: url("/delay?seconds=120"))
        let clock = ContinuousClock()
        let task = Task { try await transport.send(request) }
        try await Task.sleep(for: .milliseconds(200))
        let cancelledAt = clock.now
        task.cancel()
        let result = await task.result
        #expect(clock.now - cancelledAt < .seconds(60), "long before the 120 s answer")
        switch result {
        case .success(let response):
            Issue.record("a cancelled request returned \(response.status)")
        case .failure(let error as TransportError):
            #expect(error.kind == .cancelled)
        case .failure(let error):
            #expect(error is CancellationError)
        }
    }

    func connectionRefused() async throws {
        let request = HTTPRequest(
            method: "POST", url: URL(string: closedPortURL.absoluteString + "/")!, body: Data("{}".utf8), timeout: .seconds(5))
        let error = await #expect(throws: TransportError.self) { try await transport.send(request) }
        #expect(error?.kind == .connectionFailed)
    }
}
