import Foundation

/// A cheap, non-recursive guard run on every JSON answer before it is decoded: how deeply its arrays and
/// objects nest.
///
/// The answers this library reads nest at most 5 levels (`KeyMetadata` → `MultiRegionConfiguration` →
/// `ReplicaKeys` → entry). Foundation's JSON parser recurses per level (today it stops at 512 levels; an
/// older or different Foundation may not), so a hostile body is refused here first, with an error that
/// names the cap.
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

    /// Whether a 2xx JSON answer is an AWS error in disguise: a top-level `__type` member (any case),
    /// or an `X-Amzn-Errortype` header. Such an answer is never read as an empty result.
    static func isErrorAnswer(_ response: HTTPResponse) -> Bool {
        if response.headers["X-Amzn-Errortype"] != nil { return true }
        // Cheap pre-check: only bodies that mention the member are parsed.
        guard mentionsType(response.body) else { return false }
        guard !isTooDeep(response.body),
            let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any]
        else { return false }
        return object.keys.contains { $0.lowercased() == "__type" }
    }

    /// Whether `data` contains `__type` in any ASCII case (the member name's bytes are ASCII, so a
    /// byte-wise search finds every spelling a JSON parser would read as that key, escapes aside, which
    /// no AWS error uses).
    static func mentionsType(_ data: Data) -> Bool {
        let needle: [UInt8] = Array("__type".utf8)
        return data.withUnsafeBytes { bytes in
            guard bytes.count >= needle.count else { return false }
            for start in 0...(bytes.count - needle.count) where bytes[start] == UInt8(ascii: "_") {
                var matched = true
                for offset in 1..<needle.count where bytes[start + offset] | 0x20 != needle[offset] | 0x20 {
                    matched = false
                    break
                }
                if matched { return true }
            }
            return false
        }
    }
}
