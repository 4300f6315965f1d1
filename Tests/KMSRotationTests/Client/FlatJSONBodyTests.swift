import Foundation
import Testing

@testable import KMSRotation

/// The request bodies written without `JSONEncoder` must be the bytes it writes (with `.sortedKeys`), so
/// that signatures, logs and the servers that read them see no difference.
@Suite("Flat JSON request bodies")
struct FlatJSONBodyTests {
    /// Strings that exercise every escape: quotes, backslashes, slashes (ARNs), every control character,
    /// DEL, and non-ASCII text (kept as UTF-8).
    static let awkward: [String] = [
        "", "1234abcd-12ab-34cd-56ef-1234567890ab", "arn:aws:kms:us-east-1:111122223333:key/1234abcd",
        "alias/a\"b\\c/d", "tab\there\nnew\rline\u{8}\u{C}", String((0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) }),
        "\u{7F}", "clé ключ 鍵 🔑", "\u{2028}\u{2029}", "</script>",
    ]

    static func sortedEncoding<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(value)
    }

    @Test("Every input with strings that need escaping matches JSONEncoder byte for byte", arguments: awkward)
    func matchesJSONEncoder(text: String) throws {
        let inputs: [any FlatJSONBody] = [
            KeyIdInput(KeyId: text),
            PageInput(Limit: 1000, Marker: text), PageInput(Limit: nil, Marker: nil), PageInput(Limit: -1, Marker: nil),
            KeyPageInput(KeyId: text, Limit: 50, Marker: text), KeyPageInput(KeyId: text, Limit: nil, Marker: nil),
            ListAliasesInput(KeyId: nil, Limit: nil, Marker: nil), ListAliasesInput(KeyId: text, Limit: 100, Marker: text),
            ListKeyRotationsInput(KeyId: text, IncludeKeyMaterial: "ALL_KEY_MATERIAL", Limit: 1000, Marker: text),
            ListKeyRotationsInput(KeyId: text, IncludeKeyMaterial: nil, Limit: nil, Marker: nil),
            EnableKeyRotationInput(KeyId: text, RotationPeriodInDays: 90), EnableKeyRotationInput(KeyId: text, RotationPeriodInDays: nil),
        ]
        for input in inputs {
            let written = input.jsonBody
            let encoded = try Self.sortedEncoding(input)
            #expect(
                written == encoded,
                "\(type(of: input)): \(String(decoding: written, as: UTF8.self)) != \(String(decoding: encoded, as: UTF8.self))")
            // And it is JSON that reads back to the same text.
            let object = try #require(try JSONSerialization.jsonObject(with: written) as? [String: Any])
            if let keyId = object["KeyId"] as? String { #expect(keyId == text) }
        }
    }

    @Test("Integer bounds are written as JSONEncoder writes them", arguments: [Int.min, -1, 0, 7, 2560, Int.max])
    func integers(value: Int) throws {
        let input = EnableKeyRotationInput(KeyId: "k", RotationPeriodInDays: value)
        #expect(input.jsonBody == (try Self.sortedEncoding(input)))
    }

    @Test("An answer is an AWS error when its top-level object has __type in any ASCII case, and only then")
    func typeMember() throws {
        for body in [#"{"__type":"AccessDeniedException"}"#, #"{"__TYPE":"x"}"#, #"{"__TyPe":"x","message":"m"}"#, #"{"\u005f_type":"x"}"#]
        {
            #expect(try AnswerJSON.parse(Data(body.utf8)).hasErrorType, "\(body)")
        }
        for body in [
            #"{"_type":"x","type":"__typ"}"#, #"{"KeyMetadata":{"__type":"x"}}"#, #"{"KeyMetadata":{"Description":"__type"}}"#, "[]", "{}",
        ] {
            #expect(try !AnswerJSON.parse(Data(body.utf8)).hasErrorType, "\(body)")
        }
    }
}
