import Foundation
import Testing
@testable import KMSRotation

@Suite("XMLDocumentNode")
struct XMLDocumentNodeTests {
    @Test("Elements, text, CDATA and prefixes; not-XML is nil, never a crash")
    func parsing() throws {
        let root = try #require(
            XMLDocumentNode.parse(Data("<p:A xmlns:p=\"urn:x\"><B> one </B><C><![CDATA[<two>]]></C><B>three</B></p:A>".utf8)))
        #expect(root.name == "A")
        #expect(root.child("B")?.text == "one")
        #expect(root.child("C")?.text == "<two>")
        #expect(root.children.map(\.name) == ["B", "C", "B"])
        #expect(root.path(["C"])?.text == "<two>")
        #expect(root.firstDescendant(named: "C") != nil)
        for bad in ["", "<a>", "<a></b>", "not xml", "\u{0}\u{1}", "<html><body><p>unclosed</body></html>"] {
            #expect(XMLDocumentNode.parse(Data(bad.utf8)) == nil, "\(bad)")
        }
        #expect(XMLDocumentNode.parse(Data(repeating: 0x20, count: XMLDocumentNode.maximumSize + 1)) == nil)
    }

    @Test("External entities are not resolved")
    func noExternalEntities() throws {
        let file = NSTemporaryDirectory() + "xxe-\(UUID().uuidString).txt"
        try Data("TOP-SECRET-FILE-CONTENT".utf8).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let body = "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY e SYSTEM \"file://\(file)\">]><a><Code>&e;</Code></a>"
        let text = XMLDocumentNode.parse(Data(body.utf8)).map { String(describing: $0) } ?? ""
        #expect(!text.contains("TOP-SECRET-FILE-CONTENT"))
    }

    @Test("Concurrent parses (one per AssumeRole of a multi-account scan) are independent")
    func concurrentParses() async {
        let results = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<200 {
                group.addTask {
                    let node = XMLDocumentNode.parse(Data("<R><Id>\(index)</Id><X>\(String(repeating: "y", count: index))</X></R>".utf8))
                    return node?.child("Id")?.text == "\(index)" && node?.child("X")?.text.count == index
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.count == 200)
        #expect(results.allSatisfy { $0 })
    }
}
