/// An ordered, case-insensitive collection of HTTP header fields.
///
/// Names keep the spelling they were added with (SigV4 lower-cases them itself); lookups ignore case,
/// as HTTP requires. Adding a name that is already present replaces its value.
public struct HTTPHeaders: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible,
    CustomDebugStringConvertible, CustomReflectable
{
    /// The header fields in the order they were added.
    package private(set) var fields: [(name: String, value: String)]

    /// Creates an empty header collection.
    package init() { fields = [] }

    /// Creates headers from name/value pairs, in order; a later duplicate name replaces an earlier one.
    public init(_ pairs: [(String, String)]) {
        fields = []
        for (name, value) in pairs { self[name] = value }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    /// The value of the named header, ignoring case; `nil` when absent. Setting `nil` removes it.
    public subscript(name: String) -> String? {
        get {
            fields.first { HTTPHeaders.sameName($0.name, name) }?.value
        }
        set {
            if let index = fields.firstIndex(where: { HTTPHeaders.sameName($0.name, name) }) {
                if let newValue { fields[index] = (fields[index].name, newValue) } else { fields.remove(at: index) }
            } else if let newValue {
                fields.append((name, newValue))
            }
        }
    }

    /// Whether a header with this name (ignoring case) is present.
    package func contains(_ name: String) -> Bool { self[name] != nil }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy { $0.name.lowercased() == $1.name.lowercased() && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for field in fields {
            hasher.combine(field.name.lowercased())
            hasher.combine(field.value)
        }
    }

    /// The headers with credentials redacted: `Authorization`, `X-Amz-Security-Token` and the
    /// container/IMDS token headers print as `<redacted>`.
    public var description: String {
        "[" + fields.map { "\($0.name): \(HTTPHeaders.isSensitive($0.name) ? "<redacted>" : $0.value)" }.joined(separator: ", ") + "]"
    }

    public var debugDescription: String { description }

    /// `dump` and debuggers see the redacted fields too, never a raw `Authorization` value.
    public var customMirror: Mirror {
        Mirror(
            self, unlabeledChildren: fields.map { "\($0.name): \(HTTPHeaders.isSensitive($0.name) ? "<redacted>" : $0.value)" },
            displayStyle: .collection)
    }

    /// Whether two header names are equal ignoring ASCII case, without allocating (header lookups run
    /// several times per request). Field names are ASCII tokens (RFC 9110, section 5.1); other bytes must
    /// match exactly, and names of different lengths never match.
    static func sameName(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        for (x, y) in zip(a.utf8, b.utf8) where x != y {
            let lower = x | 0x20
            guard lower == y | 0x20, lower >= UInt8(ascii: "a"), lower <= UInt8(ascii: "z") else { return false }
        }
        return true
    }

    /// Whether a header carries a secret and must never be logged.
    package static func isSensitive(_ name: String) -> Bool {
        switch name.lowercased() {
        case "authorization", "x-amz-security-token", "x-aws-ec2-metadata-token", "cookie", "set-cookie", "proxy-authorization":
            return true
        default:
            return false
        }
    }
}
