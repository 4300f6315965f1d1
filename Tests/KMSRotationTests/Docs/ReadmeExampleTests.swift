import Foundation
import Testing
import KMSRotation

@Suite("Documentation stays true")
struct ReadmeExampleTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    @Test("The README's examples are the compiled Example targets' code", arguments: ["EmbeddingExample", "AccountScanExample"])
    func embeddingExampleInSync(_ target: String) throws {
        let example = try String(contentsOf: Self.root.appendingPathComponent("Examples/\(target)/main.swift"), encoding: .utf8)
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(example.range(of: "// BEGIN README EXAMPLE\n"))
        let end = try #require(example.range(of: "// END README EXAMPLE"))
        let block = example[start.upperBound..<end.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(readme.contains(block), "README.md's example differs from Examples/\(target)/main.swift")
        #expect(block.split(separator: "\n").count <= 20)
    }
}

extension ReadmeExampleTests {
    @Test("Docs/decision-table.md documents every reason code")
    func decisionTableDocumentsEveryReason() throws {
        let doc = try String(contentsOf: Self.root.appendingPathComponent("Docs/decision-table.md"), encoding: .utf8)
        for reason in FindingReason.allCases {
            #expect(doc.contains("`\(reason.rawValue)`"), "Docs/decision-table.md does not mention \(reason.rawValue)")
        }
    }
}
