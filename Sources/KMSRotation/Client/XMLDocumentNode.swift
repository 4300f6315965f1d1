import Foundation
#if canImport(FoundationXML)
    import FoundationXML
#endif

/// A parsed XML element: the little the AWS Query protocol's answers need (names, text, children;
/// attributes and namespaces are ignored). Built with Foundation's `XMLParser`.
///
/// Hostile input is bounded three ways: the body size (``maximumSize``), the nesting depth
/// (``maximumDepth``: an STS answer nests 4 or 5 elements deep), and the representation itself: every
/// element of a document lives in one flat array and refers to its children by index, so neither
/// building, reading, comparing nor freeing a document recurses (a tree of nested arrays is freed
/// recursively, and 140,000 levels of it overflowed the stack).
struct XMLDocumentNode: Sendable, Hashable, CustomStringConvertible {
    /// Bodies larger than this are not parsed: STS answers are a few kilobytes.
    static let maximumSize = 1 << 20
    /// Elements nested deeper than this are refused. AWS Query answers nest at most 5 deep
    /// (`AssumeRoleResponse/AssumeRoleResult/Credentials/AccessKeyId`); 64 leaves ample room.
    static let maximumDepth = 64

    /// Why a body could not be read as XML.
    enum ReadError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The body is empty.
        case empty
        /// The body is larger than ``XMLDocumentNode/maximumSize``.
        case tooLarge(bytes: Int)
        /// Elements nest deeper than ``XMLDocumentNode/maximumDepth``.
        case tooDeep
        /// The body is not UTF-8 (AWS Query answers always are).
        case notUTF8
        /// The body holds a processing instruction (`<?target …?>`) besides the XML declaration.
        case processingInstruction
        /// The body is not well-formed XML.
        case malformed

        /// One line naming the cap that was hit, without quoting the body.
        var description: String {
            switch self {
            case .empty: "it is empty"
            case .tooLarge(let bytes): "its \(bytes) bytes are over the cap of \(XMLDocumentNode.maximumSize) bytes for XML answers"
            case .tooDeep: "its elements nest deeper than the cap of \(XMLDocumentNode.maximumDepth) levels"
            case .notUTF8: "it is not UTF-8"
            case .processingInstruction: "it holds an XML processing instruction (AWS answers have none)"
            case .malformed: "it is not well-formed XML"
            }
        }
    }

    /// One element of a document, in the flat storage.
    fileprivate struct Element: Sendable {
        var name: String
        var text: String
        var children: [Int]
        /// One past the index of this element's last descendant (elements are stored in document order).
        var end: Int
    }

    /// A document's elements, in document order; element 0 is the root. Immutable once built.
    fileprivate final class Document: Sendable {
        let elements: [Element]
        init(elements: [Element]) { self.elements = elements }
    }

    private let document: Document
    private let index: Int

    private init(document: Document, index: Int) {
        self.document = document
        self.index = index
    }

    /// The element's local name (any `prefix:` removed).
    var name: String { document.elements[index].name }
    /// The element's own character data, trimmed of surrounding whitespace.
    var text: String { document.elements[index].text }
    /// The child elements, in document order.
    var children: [XMLDocumentNode] { document.elements[index].children.map { XMLDocumentNode(document: document, index: $0) } }

    /// The first child with this local name.
    func child(_ name: String) -> XMLDocumentNode? {
        document.elements[index].children.first { document.elements[$0].name == name }.map {
            XMLDocumentNode(document: document, index: $0)
        }
    }

    /// The element at a path of child names (`["AssumeRoleResult", "Credentials"]`).
    func path(_ names: [String]) -> XMLDocumentNode? {
        var node: XMLDocumentNode? = self
        for name in names { node = node?.child(name) }
        return node
    }

    /// This element or its first descendant (depth first) with this local name.
    func firstDescendant(named name: String) -> XMLDocumentNode? {
        // Document order is depth-first order, and a subtree is a contiguous range: no recursion needed.
        let elements = document.elements
        for position in index..<elements[index].end where elements[position].name == name {
            return XMLDocumentNode(document: document, index: position)
        }
        return nil
    }

    /// Parses a document and returns its root element; `nil` when the body is empty, too large, too deep
    /// or not well-formed XML (an HTML error page usually is not). External entities are never resolved.
    static func parse(_ data: Data) -> XMLDocumentNode? {
        try? read(data)
    }

    /// Parses a document and returns its root element.
    /// - Parameter data: The body.
    /// - Returns: The root element.
    /// - Throws: ``ReadError``, naming the cap a hostile body hit.
    static func read(_ data: Data) throws(ReadError) -> XMLDocumentNode {
        guard !data.isEmpty else { throw .empty }
        guard data.count <= maximumSize else { throw .tooLarge(bytes: data.count) }
        // FoundationXML (Linux) traps on an element name that is not UTF-8, which libxml2 passes through
        // from a body without an encoding declaration (found by Fuzz/STSXML.swift): refuse such bodies first.
        guard isValidUTF8(data) else { throw .notUTF8 }
        // FoundationXML (Linux) calls strlen on the NULL data of a processing instruction without data
        // (`<?name?>`) and crashes (found by Fuzz/STSXML.swift). AWS answers hold no processing
        // instruction, only the XML declaration: refuse any other `<?`.
        guard !hasProcessingInstruction(data) else { throw .processingInstruction }
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = false
        let builder = FlatBuilder()
        parser.delegate = builder
        let parsed = parser.parse()
        if builder.tooDeep { throw .tooDeep }
        guard parsed, builder.open.isEmpty, builder.rootClosed, !builder.elements.isEmpty else { throw .malformed }
        return XMLDocumentNode(document: Document(elements: builder.elements), index: 0)
    }

    /// Whether `data` is well-formed UTF-8 (no stray, truncated or overlong sequences, no surrogates).
    static func isValidUTF8(_ data: Data) -> Bool {
        var iterator = data.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    /// Whether `data` holds `<?` anywhere but an XML declaration (`<?xml` and a space) at its start,
    /// after an optional byte order mark and whitespace. Conservative: a `<?` inside a comment or CDATA
    /// section counts too.
    static func hasProcessingInstruction(_ data: Data) -> Bool {
        let bytes = [UInt8](data)
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        while start < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[start]) { start += 1 }
        var index = start
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "<") && bytes[index + 1] == UInt8(ascii: "?") {
                let declaration = Array("<?xml".utf8)
                let isDeclaration =
                    index == start && bytes[index...].starts(with: declaration)
                    && index + declaration.count < bytes.count && [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index + declaration.count])
                if !isDeclaration { return true }
            }
            index += 1
        }
        return false
    }

    // MARK: Value semantics over the shared storage

    static func == (lhs: XMLDocumentNode, rhs: XMLDocumentNode) -> Bool {
        if lhs.document === rhs.document && lhs.index == rhs.index { return true }
        // Iterative structural comparison: same names, texts and child lists, all the way down.
        var pending = [(lhs.index, rhs.index)]
        while let (left, right) = pending.popLast() {
            let a = lhs.document.elements[left], b = rhs.document.elements[right]
            guard a.name == b.name, a.text == b.text, a.children.count == b.children.count else { return false }
            pending.append(contentsOf: zip(a.children, b.children))
        }
        return true
    }

    func hash(into hasher: inout Hasher) {
        let elements = document.elements
        for position in index..<elements[index].end {
            hasher.combine(elements[position].name)
            hasher.combine(elements[position].text)
            hasher.combine(elements[position].children.count)
        }
    }

    /// The element as compact XML-like text (`<A>text<B>…</B></A>`), built without recursion.
    var description: String {
        let elements = document.elements
        var output = ""
        var closing: [(end: Int, name: String)] = []
        for position in index..<elements[index].end {
            while let last = closing.last, position >= last.end { output += "</\(last.name)>"; closing.removeLast() }
            output += "<\(elements[position].name)>\(elements[position].text)"
            closing.append((elements[position].end, elements[position].name))
        }
        for entry in closing.reversed() { output += "</\(entry.name)>" }
        return output
    }

    /// Collects elements into the flat array as the parser reports them. Used by one parse, on one thread.
    private final class FlatBuilder: NSObject, XMLParserDelegate {
        var elements: [Element] = []
        /// Indices of the open elements, outermost first, with their text so far.
        var open: [(index: Int, text: String)] = []
        var tooDeep = false
        var rootClosed = false

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
            qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
        ) {
            guard !tooDeep else { return }
            guard open.count < XMLDocumentNode.maximumDepth, !rootClosed else {
                // A second root is not well-formed XML (libxml2 reports it too); deeper than the cap is refused.
                if !rootClosed { tooDeep = true }
                parser.abortParsing()
                return
            }
            let local = elementName.split(separator: ":").last.map(String.init) ?? elementName
            let index = elements.count
            if let parent = open.last { elements[parent.index].children.append(index) }
            elements.append(Element(name: local, text: "", children: [], end: index + 1))
            open.append((index, ""))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !open.isEmpty else { return }
            open[open.count - 1].text += string
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            guard !open.isEmpty else { return }
            open[open.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
            guard let entry = open.popLast() else { return }
            elements[entry.index].text = entry.text.trimmingCharacters(in: .whitespacesAndNewlines)
            elements[entry.index].end = elements.count
            if open.isEmpty { rootClosed = true }
        }
    }
}
