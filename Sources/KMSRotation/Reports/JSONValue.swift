import Foundation

/// A JSON document built by hand, for formats whose shape is not the report model (SARIF, OCSF, ASFF).
///
/// Objects drop members whose value is `nil` when built with ``object(_:)``, and are written with sorted
/// keys, so the output is deterministic.
enum JSONValue: Encodable, Sendable, Equatable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case null
    case array([JSONValue])
    case dictionary([String: JSONValue])

    /// An object from members in any order; `nil` values are left out (absent, not `null`).
    static func object(_ members: KeyValuePairs<String, JSONValue?>) -> JSONValue {
        var dictionary: [String: JSONValue] = [:]
        for (key, value) in members {
            if let value { dictionary[key] = value }
        }
        return .dictionary(dictionary)
    }

    /// A string, or `nil` (so the member is left out) when absent.
    static func optional(_ value: String?) -> JSONValue? { value.map(JSONValue.string) }

    /// An array of strings.
    static func strings(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .string(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .int(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .bool(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .array(let values):
            var container = encoder.unkeyedContainer()
            for value in values { try container.encode(value) }
        case .dictionary(let members):
            var container = encoder.container(keyedBy: Key.self)
            for (key, value) in members { try container.encode(value, forKey: Key(key)) }
        }
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Pretty-printed JSON with sorted keys and unescaped slashes, ending with a newline: `JSONEncoder`'s bytes
    /// with `[.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]`, written by ``PrettyJSONEncoder`` (which
    /// leaves to `JSONEncoder` only what it does not support).
    static func prettyPrinted(_ value: some Encodable) throws -> String {
        var bytes: [UInt8] = []
        try PrettyJSONEncoder.encode(value, appendingTo: &bytes)
        bytes.append(UInt8(ascii: "\n"))
        return String(decoding: bytes, as: UTF8.self)
    }
}
