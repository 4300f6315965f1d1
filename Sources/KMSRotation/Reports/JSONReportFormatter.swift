import Foundation

/// `json`: the report model itself (DESIGN.md's contract, `schemaVersion` "1.0"), pretty-printed with
/// sorted keys so that two reports of the same scan diff cleanly.
struct JSONReportFormatter: ReportFormatter {
    func render(_ report: RotationReport, options: RenderOptions) throws -> String {
        try Self.renderByFinding(report) ?? JSONValue.prettyPrinted(report)
    }

    /// The document `JSONValue.prettyPrinted(report)` writes, byte for byte, encoded one finding at a time.
    ///
    /// `JSONEncoder` builds the whole document as a tree of values before it writes a byte, and then copies it
    /// into `Data` and the `Data` into a `String`: for 100,000 findings that is several times the report's
    /// size at once. Here the encoder sees the report without its findings (a small frame), then each finding
    /// alone, re-indented to its place in the `findings` array (JSON strings hold no raw newline, so every
    /// newline in a finding's encoding ends one of its lines; empty lines stay empty, as the encoder writes them) and appended to the document.
    /// - Returns: The document, or `nil` (for the whole-document encoder) when there are no findings, or the
    ///   frame is not laid out as expected.
    static func renderByFinding(_ report: RotationReport) throws -> String? {
        guard !report.findings.isEmpty else { return nil }
        var frame = report
        frame.findings = []
        let skeleton = try JSONValue.prettyPrinted(frame)
        // The empty array as the encoder writes it, between its neighbours (sorted keys: errors, findings, …).
        let empty = "\n  \"findings\" : [\n\n  ],\n"
        guard let slot = skeleton.range(of: empty), skeleton.range(of: empty, range: slot.upperBound..<skeleton.endIndex) == nil else {
            return nil
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var document = String()
        var indented: [UInt8] = []
        for (index, finding) in report.findings.enumerated() {
            let encoded = try encoder.encode(finding)
            indented.removeAll(keepingCapacity: true)
            indented.append(contentsOf: index == 0 ? Array("\n  \"findings\" : [\n".utf8) : Array(",\n".utf8))
            // Every line indented but the empty ones (the encoder writes an empty array as "[", "", "]").
            var lineStart = true
            for byte in encoded {
                if lineStart && byte != UInt8(ascii: "\n") { indented.append(contentsOf: Self.indent) }
                indented.append(byte)
                lineStart = byte == UInt8(ascii: "\n")
            }
            if index == 0 {
                // Room for the whole document, estimated from the first finding: one allocation rather than
                // doublings that each hold the old and the new buffer.
                document.reserveCapacity(skeleton.utf8.count + indented.count * report.findings.count * 11 / 10)
                document += skeleton[..<slot.lowerBound]
            }
            document += String(decoding: indented, as: UTF8.self)
        }
        document += "\n  ],\n"
        document += skeleton[slot.upperBound...]
        return document
    }

    /// The indentation of a finding's lines in the `findings` array.
    private static let indent = Array("    ".utf8)
}
