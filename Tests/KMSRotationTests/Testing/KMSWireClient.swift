import Foundation
import KMSRotationTesting

/// A minimal raw JSON 1.1 client for testing ``InMemoryKMS`` over its transport: builds
/// `TrentService.<Op>` requests and parses the JSON reply, without any of the library's model types.
struct KMSWireClient {
    let transport: any HTTPTransport
    var region = "us-east-1"

    init(_ transport: any HTTPTransport, region: String = "us-east-1") {
        self.transport = transport
        self.region = region
    }

    struct Reply: CustomStringConvertible {
        let status: Int
        let headers: HTTPHeaders
        let body: Data
        let object: [String: Any]

        var errorType: String? { object["__type"] as? String }
        var message: String? { object["message"] as? String }
        subscript(_ member: String) -> Any? { object[member] }
        func string(_ member: String) -> String? { object[member] as? String }
        func bool(_ member: String) -> Bool? { object[member] as? Bool }
        func int(_ member: String) -> Int? { (object[member] as? NSNumber)?.intValue }
        func list(_ member: String) -> [[String: Any]] { object[member] as? [[String: Any]] ?? [] }
        var keyMetadata: [String: Any] { object["KeyMetadata"] as? [String: Any] ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }
        var description: String { "\(status) \(text)" }
    }

    /// Sends `operation` with a JSON object body built from `input`.
    func call(_ operation: String, _ input: [String: Any] = [:], region: String? = nil) async throws -> Reply {
        let json = String(decoding: try JSONSerialization.data(withJSONObject: input, options: [.sortedKeys]), as: UTF8.self)
        return try await raw(operation, json: json, region: region)
    }

    /// Sends `operation` with a literal body.
    func raw(_ operation: String, json: String, region: String? = nil) async throws -> Reply {
        try await send(InMemoryKMS.request(operation, json: json, region: region ?? self.region))
    }

    func send(_ request: HTTPRequest) async throws -> Reply {
        let response = try await transport.send(request)
        let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] ?? [:]
        return Reply(status: response.status, headers: response.headers, body: response.body, object: object)
    }

    /// Pages through a list operation with `limit`, returning every page's items.
    func pages(
        _ operation: String, member: String, limit: Int, input: [String: Any] = [:], region: String? = nil
    ) async throws -> [[[String: Any]]] {
        var pages: [[[String: Any]]] = []
        var marker: String?
        repeat {
            var body = input
            body["Limit"] = limit
            if let marker { body["Marker"] = marker }
            let reply = try await call(operation, body, region: region)
            guard reply.status == 200 else { throw ReplyError(reply: reply.description) }
            pages.append(reply.list(member))
            marker = reply.bool("Truncated") == true ? reply.string("NextMarker") : nil
        } while marker != nil && pages.count < 10_000
        return pages
    }

    struct ReplyError: Error { let reply: String }
}
