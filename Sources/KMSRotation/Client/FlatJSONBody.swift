import Foundation

/// A request input whose JSON body is one flat object of strings and integers: written directly, in a
/// fixed member order, instead of through `JSONEncoder` (whose generic machinery cost more per request than
/// signing it). The bytes are what `JSONEncoder` with `.sortedKeys` writes for the same value; a test
/// holds the two together.
protocol FlatJSONBody: Encodable {
    /// The members in ascending key order; a `nil` value is left out, as `JSONEncoder` leaves out a `nil`
    /// optional.
    var jsonMembers: [(key: StaticString, value: FlatJSONValue?)] { get }
}

/// A member value of a ``FlatJSONBody``.
enum FlatJSONValue {
    case string(String)
    case integer(Int)
}

extension FlatJSONBody {
    /// The JSON body: `{"Key":"value",…}`.
    var jsonBody: Data {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        bytes.append(UInt8(ascii: "{"))
        var first = true
        for (key, value) in jsonMembers {
            guard let value else { continue }
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            bytes.append(UInt8(ascii: "\""))
            key.withUTF8Buffer { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
            switch value {
            case .string(let text): FlatJSON.appendString(text, to: &bytes)
            case .integer(let number): bytes.append(contentsOf: String(number).utf8)
            }
        }
        bytes.append(UInt8(ascii: "}"))
        return Data(bytes)
    }
}

enum FlatJSON {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Appends `text` as a JSON string, escaped as `JSONEncoder` escapes it: `"`, `\` and `/` with a
    /// backslash, the short forms `\b \f \n \r \t`, other control characters as `\u00XX`, the rest as UTF-8.
    static func appendString(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"):
                bytes.append(contentsOf: [UInt8(ascii: "\\"), byte])
            case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x00..<0x20:
                bytes.append(contentsOf: [
                    UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                    hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)],
                ])
            default:
                bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
