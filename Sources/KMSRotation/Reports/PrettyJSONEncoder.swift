import Foundation

/// Writes an `Encodable` value straight into a byte buffer as exactly the bytes Foundation's `JSONEncoder`
/// writes with `outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]` and its default
/// strategies, without `JSONEncoder`'s tree of values, dynamic casts and copies.
///
/// The format, as swift-foundation's `JSONWriter` writes it (and as `PrettyJSONEncoderTests` checks against
/// `JSONEncoder` itself):
/// - two spaces per level; a member is `"key" : value`; elements and members are separated by `,\n`;
/// - a container opens with `[\n` or `{\n`, each element on its own indented line, and closes with `\n`,
///   the container's own indentation and `]` or `}`; so an empty one is `[`, an empty line, and `]`;
/// - keys are sorted by their UTF-8 bytes (Unicode scalar order: `"Z"` before `"a"`, `"10"` before `"9"`), as
///   swift-foundation sorts them (on Apple platforms, older Foundation sorts as `NSString` compares: an object
///   whose keys are not certainly in the same order both ways is left to `JSONEncoder` there);
/// - strings escape `"`, `\`, `\b`, `\f`, `\n`, `\r`, `\t`, and other bytes below 0x20 as `\u00xx`
///   (lowercase hex); `/`, DEL, U+2028/U+2029 and all other characters are written as they are (UTF-8);
/// - integers in decimal, `true`, `false`, `null`.
///
/// It supports keyed, unkeyed, single-value and nested containers and `superEncoder`, and every integer up
/// to 64 bits, `String`, `Bool` and `nil`. It does not guess where `JSONEncoder` has a strategy or a special
/// case, or where the `Encoder` contract leaves room: it throws ``Unsupported`` for `Double` and `Float`,
/// `Date`, `Data`, `URL` and `Decimal`, 128-bit integers, a value that encodes nothing, a key written twice,
/// a container written to after a later sibling was started, a read of `codingPath`, or, on Apple platforms,
/// keys that older Foundation may sort another way and any value before macOS 14 and iOS 17 (whose
/// `JSONEncoder` predates swift-foundation's).
/// ``encode(_:appendingTo:indentLevel:)`` then writes `JSONEncoder`'s bytes instead.
enum PrettyJSONEncoder {
    /// A value this encoder does not write exactly as `JSONEncoder` would.
    struct Unsupported: Error, CustomStringConvertible, Sendable {
        var description: String
    }

    /// Appends the value's JSON to `bytes`, with `JSONEncoder` only for what this encoder does not support.
    ///
    /// The value's first line (its opening bracket, or the value itself) is not indented, so that it can
    /// follow a member's `"key" : ` or an indentation the caller wrote; the lines after it, and the closing
    /// bracket, are indented for a value nested `indentLevel` levels deep. No trailing newline.
    /// - Throws: What `JSONEncoder` throws, when this encoder fails and `JSONEncoder` does too.
    static func encode(_ value: some Encodable, appendingTo bytes: inout [UInt8], indentLevel: Int = 0) throws {
        let start = bytes.count
        do {
            try encodeWithoutFallback(value, appendingTo: &bytes, indentLevel: indentLevel)
        } catch {
            // Also for an error of the value's own: JSONEncoder then throws it again.
            bytes.removeSubrange(start...)
            try appendFoundationEncoding(of: value, to: &bytes, indentLevel: indentLevel)
        }
    }

    /// Appends the value's JSON to `bytes` (see ``encode(_:appendingTo:indentLevel:)``) without falling back.
    /// - Throws: ``Unsupported``, or the value's own error; `bytes` then holds a partial document after its
    ///   original contents.
    static func encodeWithoutFallback(_ value: some Encodable, appendingTo bytes: inout [UInt8], indentLevel: Int = 0) throws {
        // Apple's JSONEncoder is swift-foundation's from macOS 14 and iOS 17 on; the older one is not matched here.
        guard #available(macOS 14, iOS 17, tvOS 17, watchOS 10, *) else {
            throw Unsupported(description: "JSONEncoder before macOS 14 and iOS 17 is not matched")
        }
        let writer = Writer()
        swap(&writer.bytes, &bytes)
        defer { swap(&writer.bytes, &bytes) }
        try writer.writeValue(value, depth: indentLevel)
        while !writer.frames.isEmpty, writer.close() {}
        if let failure = writer.failure { throw failure }
    }

    /// Appends `JSONEncoder`'s encoding of the value, with its lines after the first indented
    /// `indentLevel` levels (JSON strings hold no raw newline; the empty line of an empty container stays
    /// empty, as `JSONEncoder` writes it at any depth).
    static func appendFoundationEncoding(of value: some Encodable, to bytes: inout [UInt8], indentLevel: Int) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let encoded = try encoder.encode(value)
        bytes.reserveCapacity(bytes.count + encoded.count)
        var lineStart = false
        for byte in encoded {
            if lineStart && byte != UInt8(ascii: "\n") {
                for _ in 0..<indentLevel { bytes.append(contentsOf: [UInt8(ascii: " "), UInt8(ascii: " ")]) }
            }
            bytes.append(byte)
            lineStart = byte == UInt8(ascii: "\n")
        }
    }
}

extension PrettyJSONEncoder {
    /// The document being written and the containers still open, shared by every encoder and container of
    /// one encoding.
    ///
    /// Containers are written in place, innermost last, so a container may only be written to while every
    /// container opened after it is finished: writing to a container closes those opened after it, and a
    /// closed container cannot be written to again (``failure``). An object's members are written in the
    /// order they come, then moved into sorted order when it closes.
    ///
    /// One writer serves one encoding on one thread, and no access to its storage overlaps another, so the
    /// runtime's exclusivity checks (a large part of the cost of appending a byte) are turned off.
    final class Writer {
        @exclusivity(unchecked) var bytes: [UInt8] = []
        /// The open containers, innermost last.
        @exclusivity(unchecked) var frames: [Frame] = []
        /// The members of the open objects, each object's after its parent's.
        @exclusivity(unchecked) var members: [Member] = []
        /// The position waiting for a value (after a key or in an array), if one is.
        @exclusivity(unchecked) var slot: Int?
        /// The first reason this encoding cannot be exact; once set, every later write fails.
        @exclusivity(unchecked) var failure: Unsupported?
        @exclusivity(unchecked) private var lastToken = 0
        @exclusivity(unchecked) private var scratch: [UInt8] = []
        @exclusivity(unchecked) private var order: [Int] = []

        struct Frame {
            let token: Int
            let isObject: Bool
            /// The indentation level of the closing bracket; members are one level deeper.
            let depth: Int
            /// Where this object's members start in ``members``.
            let firstMember: Int
            var count = 0
        }

        struct Member {
            let key: String
            /// The key's first eight bytes, big-endian, zero-padded: ordered as the keys are when they differ.
            let prefix: UInt64
            /// Whether the key is ASCII (so that only identical keys are equal Strings).
            let isASCII: Bool
            /// Where the member starts, at its `,\n` separator when it has one.
            let start: Int
            /// Where the member starts after its separator.
            let contentStart: Int

            init(key: String, start: Int, contentStart: Int) {
                func scan(_ utf8: some Sequence<UInt8>) -> (prefix: UInt64, isASCII: Bool) {
                    var prefix: UInt64 = 0
                    var isASCII = true
                    var index = 0
                    for byte in utf8 {
                        if index < 8 { prefix |= UInt64(byte) << (56 - 8 * index) }
                        isASCII = isASCII && byte < 0x80
                        index += 1
                    }
                    return (prefix, isASCII)
                }
                (prefix, isASCII) = key.utf8.withContiguousStorageIfAvailable(scan) ?? scan(key.utf8)
                self.key = key
                self.start = start
                self.contentStart = contentStart
            }
        }

        func newToken() -> Int {
            lastToken += 1
            return lastToken
        }

        @discardableResult
        func fail(_ reason: String) -> Unsupported {
            let first = failure ?? Unsupported(description: reason)
            failure = first
            return first
        }

        /// Takes the waiting position `token` to write its value; false (and a failure) when it is not waiting.
        func claim(_ token: Int) -> Bool {
            guard failure == nil else { return false }
            guard slot == token else {
                fail("a value was written twice, or after its container moved on")
                return false
            }
            slot = nil
            return true
        }

        /// Makes the container `token` the innermost by closing those opened after it; false (and a
        /// failure) when it is closed, or a position in it still waits for its value.
        func activate(_ token: Int) -> Bool {
            guard failure == nil else { return false }
            guard let index = frames.lastIndex(where: { $0.token == token }) else {
                fail("a container was written to after it was finished")
                return false
            }
            while frames.count - 1 > index {
                guard close() else { return false }
            }
            guard slot == nil else {
                fail("a value position was left empty")
                return false
            }
            return true
        }

        /// Opens a container at the current position; its token.
        func open(object: Bool, depth: Int) -> Int {
            let token = newToken()
            bytes.append(object ? UInt8(ascii: "{") : UInt8(ascii: "["))
            bytes.append(UInt8(ascii: "\n"))
            frames.append(Frame(token: token, isObject: object, depth: depth, firstMember: members.count))
            return token
        }

        /// Closes the innermost container, sorting an object's members; false (and a failure) when it
        /// cannot be written exactly.
        func close() -> Bool {
            guard failure == nil else { return false }
            guard slot == nil else {
                fail("a value position was left empty")
                return false
            }
            let frame = frames.removeLast()
            if frame.isObject {
                guard sortMembers(from: frame.firstMember) else { return false }
                members.removeSubrange(frame.firstMember...)
            }
            bytes.append(UInt8(ascii: "\n"))
            writeIndent(frame.depth)
            bytes.append(frame.isObject ? UInt8(ascii: "}") : UInt8(ascii: "]"))
            return true
        }

        /// Starts the next element of the array or member of the object `token` (its separator,
        /// indentation, and key), for its value to be written next; the depth of that value.
        func begin(_ token: Int, key: String?) -> Int? {
            guard activate(token) else { return nil }
            let index = frames.count - 1
            guard frames[index].isObject == (key != nil) else {
                fail("mismatched container")
                return nil
            }
            let start = bytes.count
            if frames[index].count > 0 {
                bytes.append(UInt8(ascii: ","))
                bytes.append(UInt8(ascii: "\n"))
            }
            let depth = frames[index].depth + 1
            if let key {
                members.append(Member(key: key, start: start, contentStart: bytes.count))
                writeIndent(depth)
                writeString(key)
                bytes.append(contentsOf: Self.keySeparator)
            } else {
                writeIndent(depth)
            }
            frames[index].count += 1
            return depth
        }

        /// Writes a value at the current position (after ``begin(_:key:)``, or at the top).
        func writeValue<T: Encodable>(_ value: T, depth: Int) throws {
            // The same type, so a bit cast: no dynamic cast.
            if T.self == String.self {
                writeString(unsafeBitCast(value, to: String.self))
            } else if T.self == Int.self {
                writeInteger(unsafeBitCast(value, to: Int.self))
            } else if T.self == Bool.self {
                writeBool(unsafeBitCast(value, to: Bool.self))
            } else if T.self == Date.self || T.self == Data.self || T.self == URL.self || T.self == Decimal.self {
                // JSONEncoder applies its date and data strategies, or writes these as strings or numbers.
                throw fail("\(T.self) has a JSONEncoder special case")
            } else {
                let token = newToken()
                slot = token
                let frameCount = frames.count
                try value.encode(to: NodeEncoder(writer: self, slot: token, depth: depth))
                if let failure { throw failure }
                guard frames.count >= frameCount else { throw fail("a container was finished from inside a value") }
                while frames.count > frameCount {
                    guard close() else { throw failure! }
                }
                // JSONEncoder writes an empty object for a value that encodes nothing.
                if slot == token { throw fail("\(T.self) encoded no value") }
            }
        }

        func writeNil() { bytes.append(contentsOf: Self.null) }

        func writeBool(_ value: Bool) { bytes.append(contentsOf: value ? Self.true : Self.false) }

        func writeInteger(_ value: some FixedWidthInteger) {
            // Every integer up to 64 bits; the magnitude of Int64.min fits UInt64.
            writeDecimal(negative: value < 0, magnitude: UInt64(value.magnitude))
        }

        private func writeDecimal(negative: Bool, magnitude: UInt64) {
            if negative { bytes.append(UInt8(ascii: "-")) }
            var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
            var count = 0
            var rest = magnitude
            withUnsafeMutableBytes(of: &digits) { buffer in
                repeat {
                    count += 1
                    buffer[24 - count] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                } while rest > 0
                bytes.append(contentsOf: buffer[(24 - count)...])
            }
        }

        /// A JSON string: `"`, `\` and control characters escaped, everything else as UTF-8.
        func writeString(_ string: String) {
            bytes.append(UInt8(ascii: "\""))
            var string = string
            string.withUTF8 { utf8 in
                var mark = 0
                for index in utf8.indices {
                    let byte = utf8[index]
                    guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                    if mark < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[mark..<index])) }
                    mark = index + 1
                    bytes.append(UInt8(ascii: "\\"))
                    switch byte {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
                    case 0x08: bytes.append(UInt8(ascii: "b"))
                    case 0x0C: bytes.append(UInt8(ascii: "f"))
                    case 0x0A: bytes.append(UInt8(ascii: "n"))
                    case 0x0D: bytes.append(UInt8(ascii: "r"))
                    case 0x09: bytes.append(UInt8(ascii: "t"))
                    default:
                        bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                        bytes.append(Self.hexDigits[Int(byte >> 4)])
                        bytes.append(Self.hexDigits[Int(byte & 0xF)])
                    }
                }
                if mark < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[mark...])) }
            }
            bytes.append(UInt8(ascii: "\""))
        }

        func writeIndent(_ level: Int) {
            var remaining = 2 * level
            while remaining > 0 {
                let chunk = min(remaining, Self.spaces.count)
                bytes.append(contentsOf: Self.spaces[..<chunk])
                remaining -= chunk
            }
        }

        /// Puts the members of the closing object (from `members[first...]`, written in call order up to the
        /// end of `bytes`) in order of their keys' UTF-8 bytes, as `JSONEncoder` sorts them on Linux. Same
        /// length: the same `n - 1` separators, moved. False (and a failure) for a key written twice.
        private func sortMembers(from first: Int) -> Bool {
            let count = members.count - first
            guard count > 1 else { return true }
            var sorted = true
            var ascii = true
            for index in first..<members.count {
                ascii = ascii && members[index].isASCII
                if index > first && !Self.precedes(members[index - 1], members[index]) { sorted = false }
            }
            // Keys equal as Strings (canonically equivalent, not only the same bytes) are one key to
            // JSONEncoder, which keeps the last value: not exact here.
            if !ascii && Set(members[first...].lazy.map(\.key)).count != count {
                fail("a key was written twice")
                return false
            }
            if sorted { return appleOrderAgrees(first..<members.count) }
            // Insertion sort: an object has a handful of members, often nearly in order.
            order.removeAll(keepingCapacity: true)
            for index in first..<members.count {
                order.append(index)
                var position = order.count - 1
                while position > 0 && Self.precedes(members[index], members[order[position - 1]]) {
                    order[position] = order[position - 1]
                    position -= 1
                }
                order[position] = index
            }
            for index in 1..<order.count where !Self.precedes(members[order[index - 1]], members[order[index]]) {
                fail("the key \(members[order[index]].key.debugDescription) was written twice")
                return false
            }
            guard appleOrderAgrees(order) else { return false }
            let regionStart = members[first].start
            let regionEnd = bytes.count
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: bytes[regionStart...])
            bytes.withUnsafeMutableBufferPointer { output in
                scratch.withUnsafeBufferPointer { region in
                    guard let output = output.baseAddress, let region = region.baseAddress else { return }
                    var position = regionStart
                    for (rank, index) in order.enumerated() {
                        if rank > 0 {
                            output[position] = UInt8(ascii: ",")
                            output[position + 1] = UInt8(ascii: "\n")
                            position += 2
                        }
                        let contentStart = members[index].contentStart
                        let length = (index + 1 < members.count ? members[index + 1].start : regionEnd) - contentStart
                        (output + position).update(from: region + (contentStart - regionStart), count: length)
                        position += length
                    }
                }
            }
            return true
        }

        /// On Apple platforms, whether `JSONEncoder` certainly sorts these members (indices into ``members``,
        /// in UTF-8 order) the same way; false (and a failure) when it may not. Apple's Foundation sorts keys
        /// by UTF-8 too from macOS 14 on, but as `NSString` compares them (case-insensitive, numeric, by the
        /// locale) in macOS 13 and in binaries that keep the older behaviour; for keys of ASCII letters that
        /// differ other than by case the two orders agree, and other objects are left to `JSONEncoder`.
        /// Everywhere else (swift-foundation), `JSONEncoder` sorts by UTF-8 alone: always true.
        private func appleOrderAgrees(_ sorted: some Collection<Int>) -> Bool {
            #if canImport(Darwin)
                return keysAgreeInEveryOrder(sorted)
            #else
                return true
            #endif
        }

        /// Whether each key of these members (in UTF-8 order) comes before the next by
        /// ``caseInsensitiveOrderAgrees(_:_:)`` too; false (and a failure) otherwise. Compiled everywhere,
        /// used on Apple platforms.
        func keysAgreeInEveryOrder(_ sorted: some Collection<Int>) -> Bool {
            var previous: String?
            for index in sorted {
                let key = members[index].key
                if let previous, !Self.caseInsensitiveOrderAgrees(previous, key) {
                    fail("JSONEncoder may sort \(previous.debugDescription) and \(key.debugDescription) another way here")
                    return false
                }
                previous = key
            }
            return true
        }

        /// Given keys `a` before `b` by UTF-8, whether every ordering `JSONEncoder` has used with `.sortedKeys`
        /// puts `a` first as well: when both are ASCII letters only, and `a` still comes first with case
        /// ignored. (Digits, punctuation, other characters and keys differing only by case are not judged.)
        static func caseInsensitiveOrderAgrees(_ a: String, _ b: String) -> Bool {
            func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }
            guard a.utf8.allSatisfy(isLetter), b.utf8.allSatisfy(isLetter) else { return false }
            return a.utf8.lazy.map { $0 | 0x20 }.lexicographicallyPrecedes(b.utf8.lazy.map { $0 | 0x20 })
        }

        /// Whether `a`'s key comes before `b`'s: by their first eight bytes when those differ, else by
        /// all their bytes.
        static func precedes(_ a: Member, _ b: Member) -> Bool {
            a.prefix != b.prefix ? a.prefix < b.prefix : precedes(a.key, b.key)
        }

        /// The order of keys in `JSONEncoder`'s output with `.sortedKeys` (swift-foundation, outside Apple's
        /// frameworks): lexicographic by UTF-8 bytes.
        static func precedes(_ a: String, _ b: String) -> Bool {
            var a = a
            var b = b
            return a.withUTF8 { a in
                b.withUTF8 { b in
                    let common = min(a.count, b.count)
                    if common > 0, let left = a.baseAddress, let right = b.baseAddress {
                        // memcmp compares bytes as unsigned, as UTF-8 order needs.
                        let order = memcmp(left, right, common)
                        if order != 0 { return order < 0 }
                    }
                    return a.count < b.count
                }
            }
        }

        static let keySeparator = Array(" : ".utf8)
        static let null = Array("null".utf8)
        static let `true` = Array("true".utf8)
        static let `false` = Array("false".utf8)
        static let hexDigits = Array("0123456789abcdef".utf8)
        static let spaces = [UInt8](repeating: UInt8(ascii: " "), count: 64)
    }

    /// The encoder handed to a value's `encode(to:)`: it writes that value at one waiting position.
    struct NodeEncoder: Encoder {
        let writer: Writer
        let slot: Int
        let depth: Int

        /// Not tracked: a value whose encoding reads it is left to `JSONEncoder`, which has the real path.
        var codingPath: [any CodingKey] {
            writer.fail("codingPath is not tracked")
            return []
        }

        /// `JSONEncoder`'s default, empty.
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            let token = writer.claim(slot) ? writer.open(object: true, depth: depth) : 0
            return KeyedEncodingContainer(KeyedContainer(writer: writer, token: token))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            let token = writer.claim(slot) ? writer.open(object: false, depth: depth) : 0
            return UnkeyedContainer(writer: writer, token: token)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer {
            SingleValueContainer(writer: writer, slot: slot, depth: depth)
        }
    }

    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let writer: Writer
        /// The object's token; 0 (never open) when it could not be opened.
        let token: Int

        var codingPath: [any CodingKey] {
            writer.fail("codingPath is not tracked")
            return []
        }

        private func begin(_ key: Key) throws -> Int {
            guard let depth = writer.begin(token, key: key.stringValue) else { throw writer.fail("container unusable") }
            return depth
        }

        mutating func encodeNil(forKey key: Key) throws {
            _ = try begin(key)
            writer.writeNil()
        }
        mutating func encode(_ value: Bool, forKey key: Key) throws {
            _ = try begin(key)
            writer.writeBool(value)
        }
        mutating func encode(_ value: String, forKey key: Key) throws {
            _ = try begin(key)
            writer.writeString(value)
        }
        mutating func encode(_ value: Double, forKey key: Key) throws { throw writer.fail("Double has JSONEncoder's number formatting") }
        mutating func encode(_ value: Float, forKey key: Key) throws { throw writer.fail("Float has JSONEncoder's number formatting") }
        mutating func encode(_ value: Int, forKey key: Key) throws { try encodeInteger(value, key) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { try encodeInteger(value, key) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { try encodeInteger(value, key) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { try encodeInteger(value, key) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { try encodeInteger(value, key) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { try encodeInteger(value, key) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { try encodeInteger(value, key) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { try encodeInteger(value, key) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { try encodeInteger(value, key) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { try encodeInteger(value, key) }
        mutating func encode(_ value: Int128, forKey key: Key) throws { throw writer.fail("Int128 is not written here") }
        mutating func encode(_ value: UInt128, forKey key: Key) throws { throw writer.fail("UInt128 is not written here") }

        private func encodeInteger(_ value: some FixedWidthInteger, _ key: Key) throws {
            _ = try begin(key)
            writer.writeInteger(value)
        }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            try writer.writeValue(value, depth: try begin(key))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type, forKey key: Key
        ) -> KeyedEncodingContainer<NestedKey> {
            guard let depth = writer.begin(token, key: key.stringValue) else {
                return KeyedEncodingContainer(KeyedContainer<NestedKey>(writer: writer, token: 0))
            }
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(writer: writer, token: writer.open(object: true, depth: depth)))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            guard let depth = writer.begin(token, key: key.stringValue) else { return UnkeyedContainer(writer: writer, token: 0) }
            return UnkeyedContainer(writer: writer, token: writer.open(object: false, depth: depth))
        }

        mutating func superEncoder() -> any Encoder { superEncoder(named: "super") }

        mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: key.stringValue) }

        /// An encoder for the member's value; the member must get its value before this object is written
        /// to again (JSONEncoder would write `{}` for none, and insert it late).
        private func superEncoder(named key: String) -> any Encoder {
            guard let depth = writer.begin(token, key: key) else { return NodeEncoder(writer: writer, slot: 0, depth: 0) }
            let slot = writer.newToken()
            writer.slot = slot
            return NodeEncoder(writer: writer, slot: slot, depth: depth)
        }
    }

    struct UnkeyedContainer: UnkeyedEncodingContainer, PositionWriting {
        let writer: Writer
        /// The array's token; 0 (never open) when it could not be opened.
        let token: Int
        private(set) var count = 0

        init(writer: Writer, token: Int) {
            self.writer = writer
            self.token = token
        }

        var codingPath: [any CodingKey] {
            writer.fail("codingPath is not tracked")
            return []
        }

        private mutating func begin() throws -> Int {
            guard let depth = writer.begin(token, key: nil) else { throw writer.fail("container unusable") }
            count += 1
            return depth
        }

        mutating func encodeNil() throws {
            _ = try begin()
            writer.writeNil()
        }
        /// The next position, for ``PositionWriting``.
        mutating func takePosition() throws { _ = try begin() }
        // Here, not in PositionWriting: the standard library's defaults for these would make it ambiguous.
        mutating func encode(_ value: Int128) throws { throw writer.fail("Int128 is not written here") }
        mutating func encode(_ value: UInt128) throws { throw writer.fail("UInt128 is not written here") }

        mutating func encode<T: Encodable>(_ value: T) throws {
            try writer.writeValue(value, depth: try begin())
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            guard let depth = writer.begin(token, key: nil) else {
                return KeyedEncodingContainer(KeyedContainer<NestedKey>(writer: writer, token: 0))
            }
            count += 1
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(writer: writer, token: writer.open(object: true, depth: depth)))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            guard let depth = writer.begin(token, key: nil) else { return UnkeyedContainer(writer: writer, token: 0) }
            count += 1
            return UnkeyedContainer(writer: writer, token: writer.open(object: false, depth: depth))
        }

        /// An encoder for the next element; it must get its value before this array is written to again.
        mutating func superEncoder() -> any Encoder {
            guard let depth = writer.begin(token, key: nil) else { return NodeEncoder(writer: writer, slot: 0, depth: 0) }
            count += 1
            let slot = writer.newToken()
            writer.slot = slot
            return NodeEncoder(writer: writer, slot: slot, depth: depth)
        }
    }

    struct SingleValueContainer: SingleValueEncodingContainer, PositionWriting {
        let writer: Writer
        let slot: Int
        let depth: Int

        var codingPath: [any CodingKey] {
            writer.fail("codingPath is not tracked")
            return []
        }

        private func claim() throws {
            guard writer.claim(slot) else { throw writer.failure ?? writer.fail("container unusable") }
        }

        mutating func encodeNil() throws {
            try claim()
            writer.writeNil()
        }
        /// The one position, for ``PositionWriting``.
        mutating func takePosition() throws { try claim() }
        // Here, not in PositionWriting: the standard library's defaults for these would make it ambiguous.
        mutating func encode(_ value: Int128) throws { throw writer.fail("Int128 is not written here") }
        mutating func encode(_ value: UInt128) throws { throw writer.fail("UInt128 is not written here") }

        mutating func encode<T: Encodable>(_ value: T) throws {
            try claim()
            try writer.writeValue(value, depth: depth)
        }
    }
}

/// The primitive writes an unkeyed and a single-value container share: each takes its next position (the
/// only difference between them) and writes the value there, or refuses what `JSONEncoder` formats its
/// own way.
protocol PositionWriting {
    var writer: PrettyJSONEncoder.Writer { get }
    /// Claims the position the next value goes to; throws when the container cannot take one.
    mutating func takePosition() throws
}

extension PositionWriting {
    mutating func encode(_ value: Bool) throws {
        try takePosition()
        writer.writeBool(value)
    }
    mutating func encode(_ value: String) throws {
        try takePosition()
        writer.writeString(value)
    }
    mutating func encode(_ value: Double) throws { throw writer.fail("Double has JSONEncoder's number formatting") }
    mutating func encode(_ value: Float) throws { throw writer.fail("Float has JSONEncoder's number formatting") }
    mutating func encode(_ value: Int) throws { try encodeInteger(value) }
    mutating func encode(_ value: Int8) throws { try encodeInteger(value) }
    mutating func encode(_ value: Int16) throws { try encodeInteger(value) }
    mutating func encode(_ value: Int32) throws { try encodeInteger(value) }
    mutating func encode(_ value: Int64) throws { try encodeInteger(value) }
    mutating func encode(_ value: UInt) throws { try encodeInteger(value) }
    mutating func encode(_ value: UInt8) throws { try encodeInteger(value) }
    mutating func encode(_ value: UInt16) throws { try encodeInteger(value) }
    mutating func encode(_ value: UInt32) throws { try encodeInteger(value) }
    mutating func encode(_ value: UInt64) throws { try encodeInteger(value) }

    private mutating func encodeInteger(_ value: some FixedWidthInteger) throws {
        try takePosition()
        writer.writeInteger(value)
    }
}
