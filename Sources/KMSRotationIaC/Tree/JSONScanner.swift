import Foundation

/// A position in a file: 1-based line and column (the column counts Unicode scalars, as Yams does).
struct TextPosition: Sendable, Hashable {
    var line: Int
    var column: Int
}

/// A syntax error in a JSON or YAML file, with where it was found.
struct SyntaxError: Error, Sendable {
    var message: String
    var position: TextPosition?
}

/// A JSON reader over a byte buffer that can materialise a value with positions (``parseValue(depth:)``),
/// skip one without allocating (``skipValue(depth:)``), or walk an object's members and an array's
/// elements one at a time, so that a 50 MB Terraform plan is read in one pass, keeping only what is asked
/// for. Nesting is capped at ``maximumDepth``; strings at ``maximumStringBytes``.
struct JSONScanner {
    static let maximumDepth = 256
    static let maximumStringBytes = 16 << 20

    private let bytes: UnsafeRawBufferPointer
    private(set) var index = 0
    private var line = 1
    private var lineStart = 0
    // The column of `columnIndex` on the current line, so positions asked for in order cost O(1) each
    // even on a minified (one-line) file.
    private var columnIndex = 0
    private var columnValue = 1

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        // A UTF-8 byte order mark is allowed before the value.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        lineStart = index
        columnIndex = index
    }

    /// The position of the next byte.
    mutating func position() -> TextPosition {
        if columnIndex < lineStart || columnIndex > index {
            columnIndex = lineStart
            columnValue = 1
        }
        while columnIndex < index {
            // Count a scalar at each byte that is not a UTF-8 continuation byte.
            if bytes[columnIndex] & 0xC0 != 0x80 { columnValue += 1 }
            columnIndex += 1
        }
        return TextPosition(line: line, column: columnValue)
    }

    private mutating func error(_ message: String) -> SyntaxError {
        SyntaxError(message: message, position: position())
    }

    var isAtEnd: Bool { index >= bytes.count }

    /// Skips whitespace, counting lines.
    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0D:
                index += 1
            case 0x0A:
                index += 1
                line += 1
                lineStart = index
            default:
                return
            }
        }
    }

    /// The next non-whitespace byte, without consuming it.
    mutating func peek() -> UInt8? {
        skipWhitespace()
        return index < bytes.count ? bytes[index] : nil
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(SyntaxError) {
        guard peek() == byte else { throw error("expected \(what)") }
        index += 1
    }

    /// Checks that nothing but whitespace follows the top-level value.
    mutating func expectEnd() throws(SyntaxError) {
        if peek() != nil { throw error("unexpected content after the JSON value") }
    }

    // MARK: - Walking

    /// Calls `body` for each member of the object that starts here; `body` must consume the value
    /// (parse or skip it).
    mutating func forEachMember(
        depth: Int,
        _ body: (inout JSONScanner, String, TextPosition) throws -> Void
    ) throws {
        guard depth < Self.maximumDepth else { throw error("nesting deeper than \(Self.maximumDepth) levels") }
        try expect(UInt8(ascii: "{"), "'{'")
        if peek() == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            guard peek() == UInt8(ascii: "\"") else { throw error("expected a member name in quotes") }
            let keyPosition = position()
            let key = try parseString()
            try expect(UInt8(ascii: ":"), "':' after a member name")
            _ = peek()
            try body(&self, key, keyPosition)
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return
            default: throw error("expected ',' or '}' in an object")
            }
        }
    }

    /// Calls `body` for each element of the array that starts here; `body` must consume the element.
    mutating func forEachElement(depth: Int, _ body: (inout JSONScanner) throws -> Void) throws {
        guard depth < Self.maximumDepth else { throw error("nesting deeper than \(Self.maximumDepth) levels") }
        try expect(UInt8(ascii: "["), "'['")
        if peek() == UInt8(ascii: "]") {
            index += 1
            return
        }
        while true {
            _ = peek()
            try body(&self)
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): index += 1; return
            default: throw error("expected ',' or ']' in an array")
            }
        }
    }

    // MARK: - Skipping

    /// Skips one value, checking its syntax, without keeping anything.
    mutating func skipValue(depth: Int) throws(SyntaxError) {
        guard let byte = peek() else { throw error("unexpected end of file") }
        switch byte {
        case UInt8(ascii: "{"):
            guard depth < Self.maximumDepth else { throw error("nesting deeper than \(Self.maximumDepth) levels") }
            index += 1
            if peek() == UInt8(ascii: "}") { index += 1; return }
            while true {
                guard peek() == UInt8(ascii: "\"") else { throw error("expected a member name in quotes") }
                try skipString()
                try expect(UInt8(ascii: ":"), "':' after a member name")
                try skipValue(depth: depth + 1)
                switch peek() {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "}"): index += 1; return
                default: throw error("expected ',' or '}' in an object")
                }
            }
        case UInt8(ascii: "["):
            guard depth < Self.maximumDepth else { throw error("nesting deeper than \(Self.maximumDepth) levels") }
            index += 1
            if peek() == UInt8(ascii: "]") { index += 1; return }
            while true {
                try skipValue(depth: depth + 1)
                switch peek() {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"): index += 1; return
                default: throw error("expected ',' or ']' in an array")
                }
            }
        case UInt8(ascii: "\""):
            try skipString()
        default:
            _ = try parseScalarWord()
        }
    }

    private mutating func skipString() throws(SyntaxError) {
        index += 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { index += 1; return }
            if byte == UInt8(ascii: "\\") { index += 2; continue }
            if byte < 0x20 { throw error("control character in a string") }
            index += 1
        }
        throw error("unterminated string")
    }

    // MARK: - Materialising

    /// Reads one value with the positions of its members and elements.
    mutating func parseValue(depth: Int) throws(SyntaxError) -> TreeNode {
        guard let byte = peek() else { throw error("unexpected end of file") }
        let start = position()
        switch byte {
        case UInt8(ascii: "{"):
            guard depth < Self.maximumDepth else { throw error("nesting deeper than \(Self.maximumDepth) levels") }
            index += 1
            var members: [TreeNode.Member] = []
            if peek() == UInt8(ascii: "}") {
                index += 1
                return TreeNode(.object(members), start)
            }
            while true {
                guard peek() == UInt8(ascii: "\"") else { throw error("expected a member name in quotes") }
                let keyPosition = position()
                let key = try parseString()
                try expect(UInt8(ascii: ":"), "':' after a member name")
                let value = try parseValue(depth: depth + 1)
                members.append(TreeNode.Member(key: key, keyPosition: keyPosition, value: value))
                switch peek() {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "}"): index += 1; return TreeNode(.object(members), start)
                default: throw error("expected ',' or '}' in an object")
                }
            }
        case UInt8(ascii: "["):
            guard depth < Self.maximumDepth else { throw error("nesting deeper than \(Self.maximumDepth) levels") }
            index += 1
            var elements: [TreeNode] = []
            if peek() == UInt8(ascii: "]") {
                index += 1
                return TreeNode(.array(elements), start)
            }
            while true {
                elements.append(try parseValue(depth: depth + 1))
                switch peek() {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"): index += 1; return TreeNode(.array(elements), start)
                default: throw error("expected ',' or ']' in an array")
                }
            }
        case UInt8(ascii: "\""):
            return TreeNode(.string(try parseString()), start)
        default:
            return TreeNode(try parseScalarWord(), start)
        }
    }

    /// Reads `true`, `false`, `null` or a number.
    private mutating func parseScalarWord() throws(SyntaxError) -> TreeNode.Value {
        let begin = index
        while index < bytes.count, Self.isWordByte(bytes[index]) { index += 1 }
        let word = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[begin..<index]), as: UTF8.self)
        switch word {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "null": return .null
        default:
            guard Self.isJSONNumber(word) else {
                index = begin
                throw error(word.isEmpty ? "unexpected character" : "'\(word.prefix(20))' is not a JSON value")
            }
            return .number(word)
        }
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "E"):
            true
        default:
            false
        }
    }

    static func isJSONNumber(_ text: String) -> Bool {
        var scalars = Substring(text).unicodeScalars[...]
        if scalars.first == "-" { scalars = scalars.dropFirst() }
        let digits = scalars.prefix { ("0"..."9").contains($0) }
        guard !digits.isEmpty, !(digits.count > 1 && digits.first == "0") else { return false }
        scalars = scalars.dropFirst(digits.count)
        if scalars.first == "." {
            let fraction = scalars.dropFirst().prefix { ("0"..."9").contains($0) }
            guard !fraction.isEmpty else { return false }
            scalars = scalars.dropFirst(1 + fraction.count)
        }
        if scalars.first == "e" || scalars.first == "E" {
            scalars = scalars.dropFirst()
            if scalars.first == "+" || scalars.first == "-" { scalars = scalars.dropFirst() }
            let exponent = scalars.prefix { ("0"..."9").contains($0) }
            guard !exponent.isEmpty else { return false }
            scalars = scalars.dropFirst(exponent.count)
        }
        return scalars.isEmpty
    }

    /// Reads a string (the next byte is its opening quote), decoding escapes.
    mutating func parseString() throws(SyntaxError) -> String {
        index += 1
        let begin = index
        // Fast path: no escapes.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[begin..<index]), as: UTF8.self)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("control character in a string") }
            index += 1
            if index - begin > Self.maximumStringBytes { throw error("string longer than \(Self.maximumStringBytes) bytes") }
        }
        var utf8 = Array(UnsafeRawBufferPointer(rebasing: bytes[begin..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { throw error("unterminated string") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar), index + 1 < bytes.count,
                        bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                    {
                        index += 2
                        let low = try hex4()
                        if (0xDC00...0xDFFF).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        }
                    }
                    utf8.append(contentsOf: Array(String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8))
                default:
                    throw error("invalid escape in a string")
                }
            default:
                if byte < 0x20 { throw error("control character in a string") }
                utf8.append(byte)
                index += 1
            }
            if utf8.count > Self.maximumStringBytes { throw error("string longer than \(Self.maximumStringBytes) bytes") }
        }
        throw error("unterminated string")
    }

    private mutating func hex4() throws(SyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("unterminated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid \\u escape")
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }
}
