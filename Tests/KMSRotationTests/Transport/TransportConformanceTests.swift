import Foundation
import Testing
import KMSRotation
import KMSRotationTesting
import TestSupport

@Suite("Transport conformance")
struct TransportConformanceTests {
    @Test("MockTransport", arguments: TransportConformance.Case.allCases)
    func mock(_ testCase: TransportConformance.Case) async throws {
        let conformance = TransportConformance(
            transport: MockTransport.loopbackRouter(port: 8080, closedPort: 8081),
            baseURL: URL(string: "http://127.0.0.1:8080")!,
            closedPortURL: URL(string: "http://127.0.0.1:8081")!
        )
        try await conformance.run(testCase)
    }

    @Test("URLSessionTransport against a loopback server", arguments: TransportConformance.Case.allCases)
    func urlSession(_ testCase: TransportConformance.Case) async throws {
        try await LoopbackServer.with { server in
            let conformance = TransportConformance(
                transport: URLSessionTransport(), baseURL: server.baseURL, closedPortURL: server.closedPortURL)
            try await conformance.run(testCase)
        }
    }
}

/// A mock that behaves like ``LoopbackServer``: the same endpoints, answered in-process.
extension MockTransport {
    static func loopbackRouter(port: Int, closedPort: Int) -> MockTransport {
        MockTransport { request in
            guard request.url.host == "127.0.0.1", request.url.port == port else {
                throw TransportError(.connectionFailed, "connection refused by \(request.url.host ?? "?"):\(request.url.port ?? 0)")
            }
            let path = request.url.path
            let query = URLComponents(url: request.url, resolvingAgainstBaseURL: false)?.percentEncodedQuery ?? ""
            switch path {
            case "/echo":
                var headers: [String: String] = [:]
                for field in request.headers { headers[field.name.lowercased()] = field.value }
                let payload: [String: Any] = [
                    "method": request.method, "path": path, "query": query, "headers": headers, "body": request.body.base64EncodedString(),
                ]
                let body = try JSONSerialization.data(withJSONObject: payload)
                return HTTPResponse(status: 200, headers: ["Content-Type": "application/json", "X-Echo": "yes"], body: body)
            case _ where path.hasPrefix("/status/"):
                let status = Int(path.dropFirst("/status/".count)) ?? 500
                return HTTPResponse(
                    status: status, headers: ["Content-Type": "application/json"], body: Data(#"{"status":\#(status)}"#.utf8))
            case "/delay":
                let seconds = Double(query.replacingOccurrences(of: "seconds=", with: "")) ?? 1
                try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                return HTTPResponse(status: 200, body: Data("late".utf8))
            case "/redirect":
                return HTTPResponse(status: 307, headers: ["Location": "/echo"])
            default:
                return HTTPResponse(status: 404, body: Data("not found".utf8))
            }
        }
    }
}
