import Foundation
import Yams

/// YAML (through Yams) to ``TreeNode``, with CloudFormation's short-form intrinsic tags turned into the
/// long form: `!Ref x` → `{"Ref": "x"}`, `!Condition c` → `{"Condition": "c"}`, `!GetAtt A.B` →
/// `{"Fn::GetAtt": ["A", "B"]}`, and any other `!Name v` → `{"Fn::Name": v}`.
///
/// Aliases are followed, so a node budget (``maximumNodes``) and a depth cap keep a "billion laughs"
/// document from exhausting memory or the stack.
enum YAMLTree {
    static let maximumNodes = 1_000_000
    static let maximumDepth = 128

    static func parse(_ text: String) throws(SyntaxError) -> TreeNode? {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw syntaxError(error)
        } catch {
            throw SyntaxError(message: "\(error)", position: nil)
        }
        guard let root else { return nil }
        var budget = maximumNodes
        return try convert(root, depth: 0, budget: &budget)
    }

    private static func syntaxError(_ error: YamlError) -> SyntaxError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let text = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            return SyntaxError(message: text, position: TextPosition(line: mark.line, column: mark.column))
        case .reader(let problem, _, _, _):
            return SyntaxError(message: problem, position: nil)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return SyntaxError(
                message: "duplicated keys \(duplicates.joined(separator: ", ")) \(context.text)",
                position: TextPosition(line: context.mark.line, column: context.mark.column))
        default:
            return SyntaxError(message: "\(error)", position: nil)
        }
    }

    private static func position(_ node: Node) -> TextPosition {
        node.mark.map { TextPosition(line: $0.line, column: $0.column) } ?? TextPosition(line: 1, column: 1)
    }

    private static func convert(_ node: Node, depth: Int, budget: inout Int) throws(SyntaxError) -> TreeNode {
        budget -= 1
        guard budget >= 0 else {
            throw SyntaxError(message: "more than \(maximumNodes) YAML nodes (aliases expanding without end?)", position: position(node))
        }
        guard depth < maximumDepth else {
            throw SyntaxError(message: "nesting deeper than \(maximumDepth) levels", position: position(node))
        }
        let start = position(node)
        let plain: TreeNode
        switch node {
        case .scalar(let scalar):
            plain = TreeNode(scalarValue(scalar), start)
        case .mapping(let mapping):
            var members: [TreeNode.Member] = []
            for (key, value) in mapping {
                let keyText: String
                if case .scalar(let keyScalar) = key {
                    keyText = keyScalar.string
                } else {
                    throw SyntaxError(message: "a mapping key that is not a scalar", position: position(key))
                }
                members.append(
                    TreeNode.Member(
                        key: keyText, keyPosition: position(key),
                        value: try convert(value, depth: depth + 1, budget: &budget)))
            }
            plain = TreeNode(.object(members), start)
        case .sequence(let sequence):
            var elements: [TreeNode] = []
            for element in sequence { elements.append(try convert(element, depth: depth + 1, budget: &budget)) }
            plain = TreeNode(.array(elements), start)
        case .alias:
            // compose resolves aliases to their anchored nodes; an unresolved one is treated as null.
            plain = TreeNode(.null, start)
        }
        return intrinsic(tag: node.tag.rawValue, plain: plain)
    }

    /// A scalar as the YAML 1.1 core schema Yams resolves it (plain `true`, `42`, `~`), else a string.
    private static func scalarValue(_ scalar: Node.Scalar) -> TreeNode.Value {
        guard scalar.style == .plain else { return .string(scalar.string) }
        let node = Node.scalar(scalar)
        switch scalar.tag.rawValue {
        case Tag.Name.bool.rawValue:
            return node.bool.map(TreeNode.Value.bool) ?? .string(scalar.string)
        case Tag.Name.int.rawValue, Tag.Name.float.rawValue:
            return .number(scalar.string)
        case Tag.Name.null.rawValue:
            return .null
        default:
            return .string(scalar.string)
        }
    }

    /// Wraps a node carrying a CloudFormation short-form tag in its long-form function.
    private static func intrinsic(tag: String, plain: TreeNode) -> TreeNode {
        guard tag.hasPrefix("!"), !tag.hasPrefix("!!"), tag.count > 1 else { return plain }
        let name = String(tag.dropFirst())
        var argument = plain
        // A tagged scalar is never a boolean or number to CloudFormation (`!Ref true` names "true").
        if case .bool(let flag) = plain.value { argument = TreeNode(.string(flag ? "true" : "false"), plain.position) }
        if case .number(let text) = plain.value { argument = TreeNode(.string(text), plain.position) }
        if case .null = plain.value { argument = TreeNode(.string(""), plain.position) }
        let key: String
        switch name {
        case "Ref", "Condition":
            key = name
        case "GetAtt":
            key = "Fn::GetAtt"
            if case .string(let text) = argument.value, let dot = text.firstIndex(of: ".") {
                argument = TreeNode(
                    .array([
                        TreeNode(.string(String(text[..<dot])), plain.position),
                        TreeNode(.string(String(text[text.index(after: dot)...])), plain.position),
                    ]), plain.position)
            }
        default:
            key = "Fn::" + name
        }
        return TreeNode(.object([TreeNode.Member(key: key, keyPosition: plain.position, value: argument)]), plain.position)
    }
}
