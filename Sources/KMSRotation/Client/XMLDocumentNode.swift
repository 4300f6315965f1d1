import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A parsed XML element: the little the AWS Query protocol's answers need (names, text, children;
/// attributes and namespaces are ignored). Built with Foundation's `XMLParser`.
struct XMLDocumentNode: Sendable, Hashable {
    /// The element's local name (any `prefix:` removed).
    var name: String
    /// The element's own character data, trimmed of surrounding whitespace.
    var text: String
    /// The child elements, in document order.
    var children: [XMLDocumentNode]

    /// Bodies larger than this are not parsed: STS answers are a few kilobytes.
    static let maximumSize = 1 << 20

    /// The first child with this local name.
    func child(_ name: String) -> XMLDocumentNode? {
        children.first { $0.name == name }
    }

    /// The element at a path of child names (`["AssumeRoleResult", "Credentials"]`).
    func path(_ names: [String]) -> XMLDocumentNode? {
        var node: XMLDocumentNode? = self
        for name in names { node = node?.child(name) }
        return node
    }

    /// This element or its first descendant (depth first) with this local name.
    func firstDescendant(named name: String) -> XMLDocumentNode? {
        if self.name == name { return self }
        for child in children {
            if let found = child.firstDescendant(named: name) { return found }
        }
        return nil
    }

    /// Parses a document and returns its root element; `nil` when the body is empty, too large or not
    /// well-formed XML (an HTML error page usually is not). External entities are never resolved.
    static func parse(_ data: Data) -> XMLDocumentNode? {
        guard !data.isEmpty, data.count <= maximumSize else { return nil }
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = false
        let builder = TreeBuilder()
        parser.delegate = builder
        guard parser.parse(), builder.stack.isEmpty else { return nil }
        return builder.root
    }

    /// Collects elements as the parser reports them. Used by one parse, on one thread.
    private final class TreeBuilder: NSObject, XMLParserDelegate {
        var stack: [(node: XMLDocumentNode, text: String)] = []
        var root: XMLDocumentNode?

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
            let local = elementName.split(separator: ":").last.map(String.init) ?? elementName
            stack.append((XMLDocumentNode(name: local, text: "", children: []), ""))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += string
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
            guard let entry = stack.popLast() else { return }
            var node = entry.node
            node.text = entry.text.trimmingCharacters(in: .whitespacesAndNewlines)
            if stack.isEmpty {
                root = node
            } else {
                stack[stack.count - 1].node.children.append(node)
            }
        }
    }
}
