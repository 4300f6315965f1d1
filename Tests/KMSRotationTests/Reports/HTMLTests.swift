import Foundation
import Testing
import KMSRotation

@Suite("html")
struct HTMLTests {
    static let hostile = #"alias/<script>alert("x")</script>&'"#

    @Test("Everything from outside is escaped: no markup or script from an alias, a message or a scan error")
    func escaping() throws {
        let error = EvidenceError(operation: "GetKeyRotationStatus", code: "<b>Denied</b>", message: "no <img src=x onerror=alert(1)>")
        let finding = RotationChecker.evaluate(
            key: makeKey(), rotation: .failed(error), aliases: [Self.hostile], now: SampleReport.generatedAt)
        let scanError = ScanError(region: "<i>r</i>", operation: "ListKeys", code: "X", message: "\"><script>bad()</script>")
        let html = try SampleReport.render(.html, SampleReport.single(finding, errors: [scanError]))
        #expect(!html.contains("<script>alert"))
        #expect(!html.contains("<script>bad"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<b>Denied"))
        #expect(html.contains("alias/&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"))
        #expect(html.components(separatedBy: "<script>").count == 2, "exactly one script: the page's own")
    }

    @Test("Self-contained: a CSP forbidding network, no external resource, readable without JavaScript")
    func selfContained() throws {
        let html = try SampleReport.render(.html)
        #expect(html.contains("Content-Security-Policy\" content=\"default-src 'none'"))
        for pattern in ["src=\"http", "href=\"http", "@import", "url(http", "@font-face", "<link"] {
            #expect(!html.contains(pattern), "\(pattern)")
        }
        // The table and the counts are static HTML: one row per finding, counts in the page.
        #expect(html.components(separatedBy: "<tr class=").count - 1 == SampleReport.report.findings.count)
        #expect(html.contains("<span class=\"count\" id=\"count-NON_COMPLIANT\">\(SampleReport.report.summary.nonCompliant)</span>"))
        #expect(html.contains("<svg class=\"chart\""))
        #expect(html.contains("id=\"by-account\""))
        #expect(html.contains("UnrecognizedClientException"))
    }

    @Test("Suppressed findings are marked; remediations have a copy button with the command")
    func suppressedAndCopy() throws {
        var finding = RotationChecker.evaluate(key: makeKey(), rotation: off, aliases: ["alias/orders"], now: SampleReport.generatedAt)
        let command = try #require(finding.remediation?.command)
        finding.suppression = .init(justification: "Retired in Q1 <SEC-1234>", expires: nil)
        let html = try SampleReport.render(.html, SampleReport.single(finding))
        #expect(html.contains("data-suppressed=\"true\""))
        #expect(html.contains("Retired in Q1 &lt;SEC-1234&gt;"))
        #expect(html.contains("class=\"copy\" data-copy=\"\(command)\""))
    }

    @Test("20,000 findings render into one page with one row each")
    func large() throws {
        let findings = (0..<20_000).map { index in
            RotationChecker.evaluate(
                key: makeKey(
                    id: String(format: "%08d-0000-0000-0000-000000000000", index),
                    region: ["us-east-1", "eu-west-1", "ap-southeast-2"][index % 3]),
                rotation: index % 7 == 0 ? off : on365, aliases: ["alias/key-\(index)"], now: SampleReport.generatedAt)
        }
        let html = try SampleReport.render(.html, RotationReport(findings: findings, generatedAt: SampleReport.generatedAt))
        #expect(html.components(separatedBy: "<tr class=").count - 1 == 20_000)
        #expect(html.utf8.count < 40_000_000)
    }
}
