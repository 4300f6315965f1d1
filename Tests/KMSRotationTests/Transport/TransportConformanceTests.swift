import Foundation
import Testing
import KMSRotation
import KMSRotationTesting

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
