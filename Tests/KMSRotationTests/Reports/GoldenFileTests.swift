import Foundation
import Testing
import KMSRotation

/// Every format rendered from ``SampleReport`` must equal its file in `Fixtures/golden/`.
///
/// After an intended change, rewrite the files and review the diff:
/// `UPDATE_GOLDEN=1 swift test --filter GoldenFileTests`.
@Suite struct GoldenFileTests {
    static let updating = ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1"

    /// The golden directory in the source tree (not the copied bundle resources), so updates land in git.
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "Fixtures/golden", directoryHint: .isDirectory)

    static func url(for format: ReportFormat) -> URL {
        directory.appending(path: "\(format.rawValue).\(format.fileExtension)")
    }

    @Test("Output equals the golden file", arguments: ReportFormat.allCases)
    func matchesGoldenFile(_ format: ReportFormat) throws {
        let rendered = try SampleReport.render(format)
        let url = Self.url(for: format)
        if Self.updating {
            try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true)
            try Data(rendered.utf8).write(to: url)
            return
        }
        let expected = try #require(
            try? Data(contentsOf: url), "missing \(url.path); run UPDATE_GOLDEN=1 swift test --filter GoldenFileTests")
        let difference = Self.firstDifference(Data(rendered.utf8), expected)
        #expect(
            difference == nil,
            "\(format) differs from \(url.lastPathComponent) \(difference ?? ""); if intended, run UPDATE_GOLDEN=1 swift test --filter GoldenFileTests and review the diff"
        )
    }

    @Test("Rendering is deterministic", arguments: ReportFormat.allCases)
    func deterministic(_ format: ReportFormat) throws {
        // The same findings in another order, rebuilt: the output must not depend on input order.
        let shuffled = RotationReport(
            findings: SampleReport.report.findings.reversed(), errors: SampleReport.report.errors,
            policy: SampleReport.policy, regions: SampleReport.report.regions.reversed(),
            generatedAt: SampleReport.generatedAt)
        #expect(try SampleReport.render(format) == SampleReport.render(format, shuffled))
    }

    @Test("Every format ends with a newline and renders an empty report", arguments: ReportFormat.allCases)
    func emptyReport(_ format: ReportFormat) throws {
        let empty = RotationReport(findings: [], generatedAt: SampleReport.generatedAt)
        let rendered = try SampleReport.render(format, empty)
        #expect(rendered.utf8.last == UInt8(ascii: "\n"))
        #expect(try SampleReport.render(format).utf8.last == UInt8(ascii: "\n"))
    }

    /// The line and both versions of the first line that differs, or nil when equal.
    static func firstDifference(_ actual: Data, _ expected: Data) -> String? {
        guard actual != expected else { return nil }
        let a = String(decoding: actual, as: UTF8.self).components(separatedBy: "\n")
        let e = String(decoding: expected, as: UTF8.self).components(separatedBy: "\n")
        for index in 0..<max(a.count, e.count) {
            let left = index < a.count ? a[index] : "<end of output>"
            let right = index < e.count ? e[index] : "<end of file>"
            if left != right { return "at line \(index + 1):\n  rendered: \(left.debugDescription)\n  golden:   \(right.debugDescription)" }
        }
        return "(byte-level difference)"
    }
}
