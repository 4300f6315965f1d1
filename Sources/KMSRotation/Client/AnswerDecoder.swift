import Foundation

/// Decodes the library's `Decodable` answer shapes (KMS and Organizations JSON 1.1 answers) from
/// ``AnswerJSON``, in place of Foundation's `JSONDecoder`.
///
/// The models keep their one `init(from:)`; only the `Decoder` under them changes. Its semantics are
/// `JSONDecoder`'s with default strategies for the values AWS answers hold (strings, numbers, booleans,
/// null, arrays and objects), and its errors are the same `DecodingError` cases with the same coding paths,
/// so `readableDescription(of:)` reads them the same:
/// - A missing member is `keyNotFound`, `null` where a value is required is `valueNotFound`, and a value of
///   the wrong JSON type is `typeMismatch`.
/// - `decodeIfPresent` returns `nil` for a missing member and for `null`.
/// - An integer must be exact: `1.0` and `1e2` read as integers, `1.5` or a value out of the type's range is
///   `dataCorrupted`. A floating-point number must be finite and must not underflow to zero.
/// - It does not special-case `Date`, `Data`, `URL` or `Decimal` as `JSONDecoder`'s strategies do: the
///   answer shapes read timestamps as epoch seconds themselves and hold none of the others.
///
/// Why not `JSONDecoder`: a scan reads two answers per key, and Foundation's decoder (its value map, boxed
/// containers, dynamic casts and key conversions) was a tenth of the CLI's CPU per request.
enum AnswerDecoder {
    /// Parses `data` and decodes a `T` from it.
    /// - Throws: `DecodingError` (`dataCorrupted` at the document for JSON this library does not read).
    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        let value: AnswerJSON
        do {
            value = try AnswerJSON.parse(data)
        } catch {
            throw error.decodingError
        }
        return try decode(type, from: value)
    }

    /// Decodes a `T` from a parsed value.
    /// - Throws: `DecodingError`.
    static func decode<T: Decodable>(_ type: T.Type, from value: AnswerJSON) throws -> T {
        try T(from: ValueDecoder(value: value, path: .root, key: nil))
    }
}

/// A coding path, built only as deep as decoding goes and turned into `[CodingKey]` only for errors.
indirect enum AnswerCodingPath {
    case root
    case node(any CodingKey, parent: AnswerCodingPath)

    /// The path with `key` appended.
    func appending(_ key: any CodingKey) -> AnswerCodingPath { .node(key, parent: self) }

    /// The keys from the document down.
    var keys: [any CodingKey] {
        var keys: [any CodingKey] = []
        var current = self
        while case .node(let key, let parent) = current {
            keys.append(key)
            current = parent
        }
        return keys.reversed()
    }
}

/// An array position in a coding path (`[3]` in `readableDescription(of:)`).
struct AnswerIndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

// MARK: - Reading one value

/// Conversions from a JSON value to a Swift value, with `JSONDecoder`'s errors. `key` is the member or
/// position the value is at (appended to `path` only when an error is thrown).
private enum Unbox {
    static func path(_ path: AnswerCodingPath, _ key: (any CodingKey)?) -> [any CodingKey] {
        (key.map { path.appending($0) } ?? path).keys
    }

    static func mismatch(_ type: Any.Type, _ value: AnswerJSON, _ path: AnswerCodingPath, _ key: (any CodingKey)?) -> DecodingError {
        let codingPath = Self.path(path, key)
        if case .null = value {
            return .valueNotFound(type, .init(codingPath: codingPath, debugDescription: "Cannot get \(type) -- found null value instead"))
        }
        return .typeMismatch(
            type, .init(codingPath: codingPath, debugDescription: "Expected to decode \(type) but found \(value.kind) instead."))
    }

    static func string(_ value: AnswerJSON, _ path: AnswerCodingPath, _ key: (any CodingKey)?) throws -> String {
        guard case .string(let text) = value else { throw mismatch(String.self, value, path, key) }
        return text
    }

    static func bool(_ value: AnswerJSON, _ path: AnswerCodingPath, _ key: (any CodingKey)?) throws -> Bool {
        guard case .bool(let flag) = value else { throw mismatch(Bool.self, value, path, key) }
        return flag
    }

    static func double(_ value: AnswerJSON, _ path: AnswerCodingPath, _ key: (any CodingKey)?) throws -> Double {
        try floatingPoint(Double.self, value, path, key)
    }

    static func float(_ value: AnswerJSON, _ path: AnswerCodingPath, _ key: (any CodingKey)?) throws -> Float {
        try floatingPoint(Float.self, value, path, key)
    }

    /// A finite number that did not underflow to zero.
    static func floatingPoint<T: BinaryFloatingPoint & LosslessStringConvertible>(
        _ type: T.Type, _ value: AnswerJSON, _ path: AnswerCodingPath, _ key: (any CodingKey)?
    ) throws -> T {
        guard case .number(let literal) = value else { throw mismatch(T.self, value, path, key) }
        guard let number = T(literal), number.isFinite, number != 0 || !hasNonZeroDigit(literal) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: Self.path(path, key), debugDescription: "Number \(literal) does not fit in \(T.self)."))
        }
        return number
    }

    /// An exact integer: the literal itself when it has no fraction or exponent, else its value when that is
    /// a whole number in range (as `JSONDecoder` reads `1.0` and `1e2`).
    static func integer<T: FixedWidthInteger>(
        _ type: T.Type, _ value: AnswerJSON, _ path: AnswerCodingPath, _ key: (any CodingKey)?
    ) throws -> T {
        guard case .number(let literal) = value else { throw mismatch(T.self, value, path, key) }
        if let exact = T(literal) { return exact }
        let isPlainInteger = !literal.utf8.contains { $0 == UInt8(ascii: ".") || $0 | 0x20 == UInt8(ascii: "e") }
        if !isPlainInteger, let number = Double(literal), number.isFinite, let exact = T(exactly: number) { return exact }
        throw DecodingError.dataCorrupted(
            .init(codingPath: Self.path(path, key), debugDescription: "Number \(literal) does not fit in \(T.self)."))
    }

    /// Whether the mantissa has a digit other than 0 (so a parsed 0 means the number underflowed).
    static func hasNonZeroDigit(_ literal: String) -> Bool {
        for byte in literal.utf8 {
            if byte | 0x20 == UInt8(ascii: "e") { return false }
            if byte >= UInt8(ascii: "1") && byte <= UInt8(ascii: "9") { return true }
        }
        return false
    }

    static func decode<T: Decodable>(_ type: T.Type, _ value: AnswerJSON, _ path: AnswerCodingPath, _ key: any CodingKey) throws -> T {
        try T(from: ValueDecoder(value: value, path: path, key: key))
    }
}

// MARK: - The decoder and its single-value container

/// The decoder of one value. A class: the `any Decoder` and `any SingleValueDecodingContainer` a model's
/// `init(from:)` receives are then this one object, not two boxed copies. It keeps its parent's path
/// and its own key apart, so that no path node is allocated unless the value is a container or an error
/// is thrown.
private final class ValueDecoder: Decoder, SingleValueDecodingContainer {
    let value: AnswerJSON
    let parentPath: AnswerCodingPath
    let key: (any CodingKey)?

    init(value: AnswerJSON, path: AnswerCodingPath, key: (any CodingKey)?) {
        self.value = value
        self.parentPath = path
        self.key = key
    }

    var path: AnswerCodingPath { key.map { parentPath.appending($0) } ?? parentPath }
    var codingPath: [any CodingKey] { path.keys }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = value else { throw Unbox.mismatch([String: Any].self, value, parentPath, key) }
        return KeyedDecodingContainer(KeyedContainer<Key>(object: object, path: path))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else { throw Unbox.mismatch([Any].self, value, parentPath, key) }
        return UnkeyedContainer(elements: elements, path: path)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool {
        if case .null = value { return true }
        return false
    }

    func decode(_ type: Bool.Type) throws -> Bool { try Unbox.bool(value, parentPath, key) }
    func decode(_ type: String.Type) throws -> String { try Unbox.string(value, parentPath, key) }
    func decode(_ type: Double.Type) throws -> Double { try Unbox.double(value, parentPath, key) }
    func decode(_ type: Float.Type) throws -> Float { try Unbox.float(value, parentPath, key) }
    func decode(_ type: Int.Type) throws -> Int { try Unbox.integer(type, value, parentPath, key) }
    func decode(_ type: Int8.Type) throws -> Int8 { try Unbox.integer(type, value, parentPath, key) }
    func decode(_ type: Int16.Type) throws -> Int16 { try Unbox.integer(type, value, parentPath, key) }
    func decode(_ type: Int32.Type) throws -> Int32 { try Unbox.integer(type, value, parentPath, key) }
    func decode(_ type: Int64.Type) throws -> Int64 { try Unbox.integer(type, value, parentPath, key) }
    func decode(_ type: UInt.Type) throws -> UInt { try Unbox.integer(type, value, parentPath, key) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try Unbox.integer(type, value, parentPath, key) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try Unbox.integer(type, value, parentPath, key) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try Unbox.integer(type, value, parentPath, key) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try Unbox.integer(type, value, parentPath, key) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: self) }
}

// MARK: - Objects

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let object: AnswerObject
    let path: AnswerCodingPath

    var codingPath: [any CodingKey] { path.keys }
    var allKeys: [Key] { object.keys.compactMap(Key.init(stringValue:)) }

    func contains(_ key: Key) -> Bool { object[key.stringValue] != nil }

    func member(_ key: Key) throws -> AnswerJSON {
        guard let value = object[key.stringValue] else {
            throw DecodingError.keyNotFound(
                key, .init(codingPath: path.keys, debugDescription: "No value associated with key \(key.stringValue)."))
        }
        return value
    }

    /// The member's value, or `nil` when it is absent or `null`.
    func optionalMember(_ key: Key) -> AnswerJSON? {
        guard let value = object[key.stringValue] else { return nil }
        if case .null = value { return nil }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        if case .null = try member(key) { return true }
        return false
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try Unbox.bool(try member(key), path, key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try Unbox.string(try member(key), path, key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try Unbox.double(try member(key), path, key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try Unbox.float(try member(key), path, key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try Unbox.integer(type, try member(key), path, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try Unbox.integer(type, try member(key), path, key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try Unbox.integer(type, try member(key), path, key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try Unbox.integer(type, try member(key), path, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try Unbox.integer(type, try member(key), path, key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try Unbox.integer(type, try member(key), path, key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try Unbox.integer(type, try member(key), path, key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try Unbox.integer(type, try member(key), path, key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try Unbox.integer(type, try member(key), path, key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try Unbox.integer(type, try member(key), path, key) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try Unbox.decode(type, try member(key), path, key) }

    // One lookup each, where the protocol's defaults make three (contains, decodeNil, decode).
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        try optionalMember(key).map { try Unbox.bool($0, path, key) }
    }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        try optionalMember(key).map { try Unbox.string($0, path, key) }
    }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? {
        try optionalMember(key).map { try Unbox.double($0, path, key) }
    }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        try optionalMember(key).map { try Unbox.integer(type, $0, path, key) }
    }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        try optionalMember(key).map { try Unbox.decode(type, $0, path, key) }
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try ValueDecoder(value: try member(key), path: path, key: key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try ValueDecoder(value: try member(key), path: path, key: key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        let key = AnswerSuperKey()
        return ValueDecoder(value: object[key.stringValue] ?? .null, path: path, key: key)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        ValueDecoder(value: object[key.stringValue] ?? .null, path: path, key: key)
    }
}

/// The `super` member `superDecoder()` reads, as `JSONDecoder` names it.
private struct AnswerSuperKey: CodingKey {
    var stringValue: String { "super" }
    var intValue: Int? { nil }
    init() {}
    init?(stringValue: String) { nil }
    init?(intValue: Int) { nil }
}

// MARK: - Arrays

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let elements: [AnswerJSON]
    let path: AnswerCodingPath
    private(set) var currentIndex = 0

    init(elements: [AnswerJSON], path: AnswerCodingPath) {
        self.elements = elements
        self.path = path
    }

    var codingPath: [any CodingKey] { path.keys }
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    /// The next element, and the key of its position; throws at the end.
    private func current(_ type: Any.Type) throws -> (AnswerJSON, AnswerIndexKey) {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                type, .init(codingPath: path.appending(AnswerIndexKey(currentIndex)).keys, debugDescription: "Unkeyed container is at end.")
            )
        }
        return (elements[currentIndex], AnswerIndexKey(currentIndex))
    }

    /// Reads the next element with `read` and moves past it only when that succeeds.
    private mutating func next<T>(_ type: T.Type, _ read: (AnswerJSON, AnswerCodingPath, AnswerIndexKey) throws -> T) throws -> T {
        let (value, key) = try current(type)
        let result = try read(value, path, key)
        currentIndex += 1
        return result
    }

    mutating func decodeNil() throws -> Bool {
        let (value, _) = try current(Never.self)
        guard case .null = value else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try next(type) { try Unbox.bool($0, $1, $2) } }
    mutating func decode(_ type: String.Type) throws -> String { try next(type) { try Unbox.string($0, $1, $2) } }
    mutating func decode(_ type: Double.Type) throws -> Double { try next(type) { try Unbox.double($0, $1, $2) } }
    mutating func decode(_ type: Float.Type) throws -> Float { try next(type) { try Unbox.float($0, $1, $2) } }
    mutating func decode(_ type: Int.Type) throws -> Int { try next(type) { try Unbox.integer(type, $0, $1, $2) } }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next(type) { try Unbox.integer(type, $0, $1, $2) } }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next(type) { try Unbox.integer(type, $0, $1, $2) } }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next(type) { try Unbox.integer(type, $0, $1, $2) } }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next(type) { try Unbox.integer(type, $0, $1, $2) } }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next(type) { try Unbox.integer(type, $0, $1, $2) } }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next(type) { try Unbox.integer(type, $0, $1, $2) } }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next(type) { try Unbox.integer(type, $0, $1, $2) } }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next(type) { try Unbox.integer(type, $0, $1, $2) } }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next(type) { try Unbox.integer(type, $0, $1, $2) } }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next(type) { try Unbox.decode(type, $0, $1, $2) } }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next(KeyedDecodingContainer<NestedKey>.self) { try ValueDecoder(value: $0, path: $1, key: $2).container(keyedBy: type) }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next((any UnkeyedDecodingContainer).self) { try ValueDecoder(value: $0, path: $1, key: $2).unkeyedContainer() }
    }

    mutating func superDecoder() throws -> any Decoder {
        try next((any Decoder).self) { ValueDecoder(value: $0, path: $1, key: $2) }
    }
}
