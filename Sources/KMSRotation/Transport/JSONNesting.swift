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
        var depth = 0
        var deepest = 0
        var inString = false
        var escaped = false
        for byte in data {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
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
        guard String(decoding: response.body, as: UTF8.self).range(of: "__type", options: .caseInsensitive) != nil else { return false }
        guard !isTooDeep(response.body),
            let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any]
        else { return false }
        return object.keys.contains { $0.lowercased() == "__type" }
    }
}
