import Foundation

/// The cap on how deeply JSON this library reads may nest, and a cheap, non-recursive measure of it.
///
/// The answers this library reads nest at most 5 levels (`KeyMetadata` → `MultiRegionConfiguration` →
/// `ReplicaKeys` → entry). ``AnswerJSON`` refuses an answer past ``maximumDepth`` as it parses; a file read
/// by Foundation's JSON parser (a policy file), which recurses per level (today it stops at 512 levels; an
/// older or different Foundation may not), is measured here first, so that a hostile document is refused
/// with an error that names the cap.
enum JSONNesting {
    /// The deepest nesting of `[` and `{` accepted in an answer: 6 times what any AWS answer we read uses.
    static let maximumDepth = 32

    /// The deepest nesting of arrays and objects in `data`, counting only `[` and `{` outside strings;
    /// stops counting (and returns a value over `limit`) as soon as `limit` is passed. Malformed JSON is
    /// left to the decoder: this only measures.
    /// - Parameters:
    ///   - data: The body.
    ///   - limit: Stop once the depth passes this.
    /// - Returns: The maximum depth reached, at most `limit + 1`.
    static func depth(of data: Data, limit: Int = maximumDepth) -> Int {
        data.withUnsafeBytes { depth(of: $0, limit: limit) }
    }

    private static func depth(of bytes: UnsafeRawBufferPointer, limit: Int) -> Int {
        var depth = 0
        var deepest = 0
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                // Skip the string: its brackets are text. A backslash escapes the next byte.
                while index < count {
                    let inner = bytes[index]
                    index += 1
                    if inner == UInt8(ascii: "\\") {
                        index += 1
                    } else if inner == UInt8(ascii: "\"") {
                        break
                    }
                }
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > deepest {
                    deepest = depth
                    if deepest > limit { return deepest }
                }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth = max(0, depth - 1)
            default:
                break
            }
        }
        return deepest
    }

    /// Whether `data` nests deeper than ``maximumDepth``.
    static func isTooDeep(_ data: Data) -> Bool {
        depth(of: data, limit: maximumDepth) > maximumDepth
    }

    /// The sentence an error uses when ``isTooDeep(_:)`` holds.
    static var tooDeepDescription: String {
        "its arrays and objects nest deeper than the cap of \(maximumDepth) levels"
    }
}
