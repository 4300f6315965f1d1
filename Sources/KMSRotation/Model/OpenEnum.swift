/// An AWS enumeration that stays open: every value the service model lists is a case, and any other
/// string decodes as `unknown(String)` instead of failing.
///
/// AWS adds values every year (`ML_DSA_65` and `ECC_NIST_EDWARDS25519` arrived in 2025), so a scanner
/// that rejects unknown values drops keys. Conforming types list their modelled cases once in
/// ``knownCases`` and spell each in `rawValue`; parsing, `Codable` (a JSON string) and `description`
/// follow, and decoding then encoding returns the exact original string. Equality and hashing follow the
/// raw value, so `.unknown("SYMMETRIC_DEFAULT") == .symmetricDefault`.
public protocol OpenEnum: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible where RawValue == String {
    /// Every modelled case.
    static var knownCases: [Self] { get }
    /// Wraps a value that is not modelled (yet).
    static func unknown(_ rawValue: String) -> Self
    /// Creates the modelled case with this spelling, or `unknown(rawValue)`. Never fails.
    init(rawValue: String)
}

extension OpenEnum {
    public init(rawValue: String) {
        self = Self.knownCases.first { $0.rawValue == rawValue } ?? Self.unknown(rawValue)
    }

    /// Whether this is a value the library models (not `unknown`).
    public var isKnown: Bool { Self.knownCases.contains { $0.rawValue == rawValue } }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self.init(rawValue: try container.decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
