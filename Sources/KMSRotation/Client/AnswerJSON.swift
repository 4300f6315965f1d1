import Foundation

/// A JSON value read from a service's answer by ``parse(_:maximumDepth:)``: strict RFC 8259, bounded, and
/// cheap, so that the answers of a large scan are not read through Foundation's `JSONDecoder`.
///
/// `AnswerDecoder` decodes the library's `Decodable` answer shapes from it. What it accepts is a subset of
/// what `JSONDecoder` accepts, and a value both accept reads the same (a differential test and the fuzz
/// target hold this):
/// - Objects keep their members in document order. A repeated name is kept; lookups find the first, as
///   `JSONDecoder` does.
/// - Numbers keep their literal, checked against the grammar; `AnswerDecoder` converts it when asked for a
///   `Double` or an integer.
/// - Strings must be valid UTF-8 with no raw control character; escapes are decoded, and a `\u` surrogate
///   must be paired.
/// - Stricter than `JSONDecoder`: no trailing comma, no byte-order mark. The one value it reads that
///   `JSONDecoder` refuses is a zero with an exponent (`0e5`), which RFC 8259 allows.
enum AnswerJSON {
    case object(AnswerObject)
    case array([AnswerJSON])
    case string(String)
    /// The number's literal, valid by RFC 8259's grammar.
    case number(String)
    case bool(Bool)
    case null

    /// What the value is, for type-mismatch errors (`JSONDecoder`'s words).
    var kind: String {
        switch self {
        case .object: "a dictionary"
        case .array: "an array"
        case .string: "a string"
        case .number: "number"
        case .bool: "bool"
        case .null: "null"
        }
    }

    /// Whether this is an AWS error body: an object with a `__type` member, in any ASCII case.
    var hasErrorType: Bool {
        guard case .object(let object) = self else { return false }
        return object.members.contains { $0.key.utf8.count == 6 && $0.key.lowercased() == "__type" }
    }

    /// Parses a whole document: one value, with only whitespace around it.
    /// - Parameters:
    ///   - data: The answer's body.
    ///   - maximumDepth: The deepest nesting of arrays and objects accepted (the parser recurses per level).
    /// - Returns: The value.
    /// - Throws: ``AnswerJSONError`` naming what is wrong and at which byte.
    static func parse(_ data: Data, maximumDepth: Int = JSONNesting.maximumDepth) throws(AnswerJSONError) -> AnswerJSON {
        let result: Result<AnswerJSON, AnswerJSONError> = data.withUnsafeBytes { bytes in
            var parser = Parser(bytes: bytes, maximumDepth: maximumDepth)
            do throws(AnswerJSONError) {
                return .success(try parser.document())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

/// An object's members, in document order.
struct AnswerObject {
    /// The members as the document lists them, repeats included.
    let members: [(key: String, value: AnswerJSON)]
    /// Name → position of its first occurrence, built for objects large enough that scanning would cost
    /// more than hashing (and so that a hostile object with many members is not scanned once per lookup).
    private let index: [String: Int]?

    init(members: [(key: String, value: AnswerJSON)]) {
        self.members = members
        if members.count > 32 {
            var index = [String: Int](minimumCapacity: members.count)
            for (position, member) in members.enumerated() where index[member.key] == nil { index[member.key] = position }
            self.index = index
        } else {
            self.index = nil
        }
    }

    /// The value of the first member with this name.
    subscript(key: String) -> AnswerJSON? {
        if let index { return index[key].map { members[$0].value } }
        // Lengths first: most names differ in length, and comparing counts is far cheaper than comparing
        // strings (which a lookup for an absent member would do against every name).
        let length = key.utf8.count
        for member in members where member.key.utf8.count == length && member.key == key { return member.value }
        return nil
    }

    /// The distinct names, in order of first appearance.
    var keys: [String] {
        var seen = Set<String>()
        return members.compactMap { seen.insert($0.key).inserted ? $0.key : nil }
    }
}

/// Why an answer is not JSON this library reads.
struct AnswerJSONError: Error, CustomStringConvertible {
    /// What is wrong.
    let reason: String
    /// The byte offset where it was found.
    let offset: Int
    /// Whether the document nests deeper than the parser's cap (it may be valid JSON otherwise).
    var isTooDeep = false

    var description: String { "The given data was not valid JSON: \(reason) at byte \(offset)." }

    /// The error as `JSONDecoder` reports JSON it cannot parse: `dataCorrupted` at the document.
    var decodingError: DecodingError {
        .dataCorrupted(.init(codingPath: [], debugDescription: description, underlyingError: self))
    }
}

extension AnswerJSON {
    fileprivate struct Parser {
        let bytes: UnsafeRawBufferPointer
        let maximumDepth: Int
        var index = 0
        /// The members of the objects being parsed, innermost last: each object's are copied out once, at
        /// their exact count, rather than grown by doubling.
        var memberStack: [(key: String, value: AnswerJSON)] = []
        /// Likewise for the elements of the arrays being parsed.
        var elementStack: [AnswerJSON] = []

        init(bytes: UnsafeRawBufferPointer, maximumDepth: Int) {
            self.bytes = bytes
            self.maximumDepth = maximumDepth
        }

        mutating func document() throws(AnswerJSONError) -> AnswerJSON {
            let value = try self.value(depth: 0)
            skipWhitespace()
            guard index == bytes.count else { throw fail("unexpected content after the value") }
            return value
        }

        func fail(_ reason: String) -> AnswerJSONError { AnswerJSONError(reason: reason, offset: index) }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func value(depth: Int) throws(AnswerJSONError) -> AnswerJSON {
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of data") }
            switch bytes[index] {
            case UInt8(ascii: "{"): return .object(try object(depth: depth + 1))
            case UInt8(ascii: "["): return .array(try array(depth: depth + 1))
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"):
                try literal("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try literal("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try literal("null")
                return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw fail("unexpected character")
            }
        }

        mutating func literal(_ word: StaticString) throws(AnswerJSONError) {
            let count = word.utf8CodeUnitCount
            guard bytes.count - index >= count else { throw fail("unexpected end of data") }
            for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { throw fail("unexpected character") }
            index += count
        }

        mutating func enter(_ depth: Int) throws(AnswerJSONError) {
            guard depth <= maximumDepth else {
                throw AnswerJSONError(reason: JSONNesting.tooDeepDescription, offset: index, isTooDeep: true)
            }
            index += 1  // past the opening bracket
        }

        mutating func object(depth: Int) throws(AnswerJSONError) -> AnswerObject {
            try enter(depth)
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return AnswerObject(members: [])
            }
            let base = memberStack.count
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a member name") }
                let key = try string()
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                index += 1
                let member = try value(depth: depth)
                memberStack.append((key, member))
                skipWhitespace()
                guard index < bytes.count else { throw fail("unexpected end of data") }
                switch bytes[index] {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "}"):
                    index += 1
                    let members = Array(memberStack[base...])
                    memberStack.removeSubrange(base...)
                    return AnswerObject(members: members)
                default: throw fail("expected ',' or '}'")
                }
            }
        }

        mutating func array(depth: Int) throws(AnswerJSONError) -> [AnswerJSON] {
            try enter(depth)
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return []
            }
            let base = elementStack.count
            while true {
                let element = try value(depth: depth)
                elementStack.append(element)
                skipWhitespace()
                guard index < bytes.count else { throw fail("unexpected end of data") }
                switch bytes[index] {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"):
                    index += 1
                    let elements = Array(elementStack[base...])
                    elementStack.removeSubrange(base...)
                    return elements
                default: throw fail("expected ',' or ']'")
                }
            }
        }

        /// A string from its opening quote: raw bytes straight into a `String` when there is no escape.
        mutating func string() throws(AnswerJSONError) -> String {
            index += 1  // the opening quote
            let start = index
            var bits: UInt8 = 0  // the high bit of every byte, to tell ASCII text (valid UTF-8 as it is)
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    let range = start..<index
                    index += 1
                    if bits & 0x80 == 0 { return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
                    return try utf8(range)
                }
                bits |= byte
                if byte == UInt8(ascii: "\\") { return try escapedString(from: start) }
                if byte < 0x20 { throw fail("a control character in a string") }
                index += 1
            }
            throw fail("unterminated string")
        }

        func utf8(_ range: Range<Int>) throws(AnswerJSONError) -> String {
            guard let text = String(validating: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self) else {
                throw AnswerJSONError(reason: "a string that is not valid UTF-8", offset: range.lowerBound)
            }
            return text
        }

        /// The slow path: a string with escapes, decoded into bytes and then validated as UTF-8.
        mutating func escapedString(from start: Int) throws(AnswerJSONError) -> String {
            var decoded: [UInt8] = Array(bytes[start..<index])
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    guard let text = String(validating: decoded, as: UTF8.self) else {
                        throw AnswerJSONError(reason: "a string that is not valid UTF-8", offset: start)
                    }
                    return text
                case UInt8(ascii: "\\"):
                    index += 1
                    guard index < bytes.count else { throw fail("unterminated string") }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(escape)
                    case UInt8(ascii: "b"): decoded.append(0x08)
                    case UInt8(ascii: "f"): decoded.append(0x0C)
                    case UInt8(ascii: "n"): decoded.append(0x0A)
                    case UInt8(ascii: "r"): decoded.append(0x0D)
                    case UInt8(ascii: "t"): decoded.append(0x09)
                    case UInt8(ascii: "u"): try unicodeEscape(into: &decoded)
                    default: throw fail("an invalid escape")
                    }
                case 0..<0x20: throw fail("a control character in a string")
                default:
                    decoded.append(byte)
                    index += 1
                }
            }
            throw fail("unterminated string")
        }

        /// `\uXXXX` (after the `u`), with a following `\uXXXX` for a high surrogate, appended as UTF-8.
        mutating func unicodeEscape(into decoded: inout [UInt8]) throws(AnswerJSONError) {
            var scalar = UInt32(try hex4())
            if (0xD800...0xDBFF).contains(scalar) {
                guard bytes.count - index >= 2, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw fail("an unpaired surrogate")
                }
                index += 2
                let low = UInt32(try hex4())
                guard (0xDC00...0xDFFF).contains(low) else { throw fail("an unpaired surrogate") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw fail("an unpaired surrogate")
            }
            guard let unicode = Unicode.Scalar(scalar), let encoded = UTF8.encode(unicode) else { throw fail("an invalid escape") }
            decoded.append(contentsOf: encoded)
        }

        mutating func hex4() throws(AnswerJSONError) -> UInt16 {
            guard bytes.count - index >= 4 else { throw fail("unterminated string") }
            var value: UInt16 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw fail("an invalid \\u escape")
                }
                value = value << 4 | UInt16(digit)
                index += 1
            }
            return value
        }

        /// A number's literal, checked against `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
        mutating func number() throws(AnswerJSONError) -> String {
            let start = index
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("a number without digits") }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
                if index < bytes.count, isDigit(bytes[index]) { throw fail("a number with a leading zero") }
            } else {
                skipDigits()
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard index < bytes.count, isDigit(bytes[index]) else { throw fail("a number without digits after '.'") }
                skipDigits()
            }
            if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard index < bytes.count, isDigit(bytes[index]) else { throw fail("a number without exponent digits") }
                skipDigits()
            }
            // ASCII by construction.
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        }

        func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

        mutating func skipDigits() {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
    }
}
