import Foundation

/// `json`: the report model itself (DESIGN.md's contract, `schemaVersion` "1.0"), pretty-printed with
/// sorted keys so that two reports of the same scan diff cleanly.
struct JSONReportFormatter: ReportFormatter {
    func render(_ report: RotationReport, options: RenderOptions) throws -> String {
        try Self.renderByFinding(report) ?? JSONValue.prettyPrinted(report)
    }

    /// The document `JSONValue.prettyPrinted(report)` writes, byte for byte, written one finding at a time.
    ///
    /// No tree of the document is built, and the document is held once: ``PrettyJSONEncoder`` writes the
    /// report without its findings (a small frame), then each finding straight into a byte buffer at its place
    /// in the `findings` array (two levels deep), and the buffer is moved into the document every 64 KiB; the
    /// document's capacity is reserved once, estimated from the first finding. (`JSONEncoder` on the whole
    /// report builds a tree of values, then copies it into `Data` and the `Data` into a `String`: several
    /// times the report's size for 100,000 findings, and most of the report's CPU.) A finding
    /// ``PrettyJSONEncoder`` cannot write exactly is written by `JSONEncoder`, re-indented; on Linux none is,
    /// on Apple platforms one whose tag keys older Foundation may sort another way.
    /// - Returns: The document, or `nil` (for the whole-document path) when there are no findings, or the
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
        var document = String()
        var pending: [UInt8] = []
        pending.reserveCapacity(Self.flushSize + Self.flushSize / 4)
        for (index, finding) in report.findings.enumerated() {
            pending.append(contentsOf: index == 0 ? Self.openFindings : Self.separator)
            let start = pending.count
            pending.append(contentsOf: Self.indent)
            try PrettyJSONEncoder.encode(finding, appendingTo: &pending, indentLevel: 2)
            if index == 0 {
                // Room for the whole document, estimated from the first finding: one allocation rather than
                // doublings that each hold the old and the new buffer.
                document.reserveCapacity(skeleton.utf8.count + (pending.count - start + 2) * report.findings.count * 11 / 10)
                document += skeleton[..<slot.lowerBound]
            }
            if pending.count >= Self.flushSize {
                document += String(decoding: pending, as: UTF8.self)
                pending.removeAll(keepingCapacity: true)
            }
        }
        document += String(decoding: pending, as: UTF8.self)
        document += "\n  ],\n"
        document += skeleton[slot.upperBound...]
        return document
    }

    /// How many bytes of findings are written before they are moved into the document.
    private static let flushSize = 64 * 1024
    private static let openFindings = Array("\n  \"findings\" : [\n".utf8)
    private static let separator = Array(",\n".utf8)
    /// The indentation of a finding's first line in the `findings` array.
    private static let indent = Array("    ".utf8)
}
