import Foundation

/// A JSON or YAML value with the position it starts at. CloudFormation's short-form YAML tags (`!Ref x`)
/// become the long form (`{"Ref": "x"}`), so the rest of the library reads one shape.
struct TreeNode: Sendable {
    /// An object member, with where its name is written.
    struct Member: Sendable {
        var key: String
        var keyPosition: TextPosition
        var value: TreeNode
    }

    indirect enum Value: Sendable {
        case object([Member])
        case array([TreeNode])
        case string(String)
        /// A number as written (JSON) or as YAML resolved it.
        case number(String)
        case bool(Bool)
        case null
    }

    var value: Value
    var position: TextPosition

    init(_ value: Value, _ position: TextPosition) {
        self.value = value
        self.position = position
    }

    /// The members of an object; empty for anything else.
    var members: [Member] {
        if case .object(let members) = value { return members }
        return []
    }

    /// Whether this is an object.
    var isObject: Bool {
        if case .object = value { return true }
        return false
    }

    /// The member named `key`, if this is an object that has it (the last one, as JSON parsers do).
    func member(_ key: String) -> Member? {
        members.last { $0.key == key }
    }

    /// The value of the member named `key`.
    subscript(key: String) -> TreeNode? { member(key)?.value }

    /// The elements of an array; empty for anything else.
    var elements: [TreeNode] {
        if case .array(let elements) = value { return elements }
        return []
    }

    /// The text of a string (or of a number or boolean, as CloudFormation coerces them).
    var scalarText: String? {
        switch value {
        case .string(let text), .number(let text): text
        case .bool(let flag): flag ? "true" : "false"
        case .null, .object, .array: nil
        }
    }

    /// The string, if this is one.
    var string: String? {
        if case .string(let text) = value { return text }
        return nil
    }

    var isNull: Bool {
        if case .null = value { return true }
        return false
    }

    /// A one-object intrinsic function (`{"Ref": …}`, `{"Fn::If": […]}`, `{"Condition": …}`): its name
    /// and argument.
    var intrinsic: (name: String, argument: TreeNode)? {
        guard case .object(let members) = value, members.count == 1 else { return nil }
        let name = members[0].key
        guard name == "Ref" || name == "Condition" || name.hasPrefix("Fn::") else { return nil }
        return (name, members[0].value)
    }
}

extension TreeNode {
    /// Parses a whole JSON document.
    static func parseJSON(_ data: Data) throws(SyntaxError) -> TreeNode {
        do {
            return try data.withUnsafeBytes { buffer in
                var scanner = JSONScanner(bytes: buffer)
                let node = try scanner.parseValue(depth: 0)
                try scanner.expectEnd()
                return node
            }
        } catch let error as SyntaxError {
            throw error
        } catch {
            throw SyntaxError(message: "\(error)", position: nil)
        }
    }
}
