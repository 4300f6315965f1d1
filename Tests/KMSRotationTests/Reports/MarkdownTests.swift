import Foundation
import Testing
@testable import KMSRotation

/// Markdown: sections in the order a ticket needs, and user-controlled text that cannot break out.
@Suite struct MarkdownTests {
    /// The cells of a GitHub table row: split on `|` not preceded by a backslash.
    static func cells(_ row: String) -> Int {
        var count = 0
        var previous: Character = " "
        for character in row {
            if character == "|" && previous != "\\" { count += 1 }
            previous = character
        }
        return count - 1
    }

    @Test func sectionsInOrder() throws {
        let markdown = try SampleReport.render(.markdown)
        let headings = markdown.split(separator: "\n").filter { $0.hasPrefix("## ") || $0.hasPrefix("<summary>") }
        #expect(
            headings == [
                "## Non-compliant (3)", "## Insufficient data (2)", "## Scan errors (1)",
                "<summary>Compliant (2)</summary>", "<summary>Not applicable (3)</summary>",
            ])
        #expect(markdown.hasPrefix("# KMS key rotation report\n"))
        #expect(
            markdown.contains(
                "```sh\naws kms enable-key-rotation --key-id arn:aws:kms:us-west-2:111122223333:key/mrk-primary --region us-west-2\n```"))
    }

    @Test func tableRowsKeepTheirColumnsDespitePipesAndBackticks() throws {
        let markdown = try SampleReport.render(.markdown)
        let rows = markdown.split(separator: "\n").filter { $0.hasPrefix("|") }.map(String.init)
        let fourColumns = rows.filter { !$0.hasPrefix("| Verdict") && !$0.hasPrefix("|---|---:|") && !$0.contains("| **Total**") }
            .filter { Self.cells($0) != 2 }
        #expect(!fourColumns.isEmpty)
        for row in fourColumns { #expect(Self.cells(row) == 4, "\(row)") }
        #expect(markdown.contains("| `` alias/team\\|ops `core` `` |"))
    }

    @Test(arguments: [
        ("plain", "`plain`"),
        ("a`b", "``a`b``"),
        ("`edge", "`` `edge ``"),
        ("x``y", "```x``y```"),
    ])
    func codeSpans(_ input: String, _ expected: String) {
        #expect(MarkdownFormatter.code(input) == expected)
    }

    @Test func textEscapesMarkdownAndHTML() {
        #expect(
            MarkdownFormatter.text("a|b `c` *d* _e_ <img src=x> [l](u)\nnext")
                == "a\\|b \\`c\\` \\*d\\* \\_e\\_ \\<img src=x\\> \\[l\\](u) next")
        #expect(MarkdownFormatter.codeBlock("echo ```", language: "sh") == ["````sh", "echo ```", "````"])
    }

    @Test("The outcome line names the exit status only when the caller passes one (the CLI does, a library caller need not)")
    func exitStatusIsTheCallersToName() throws {
        let withStatus = try SampleReport.render(.markdown)
        #expect(withStatus.contains("(exit status 3)."))
        var options = SampleReport.options
        options.exitStatus = nil
        let without = try SampleReport.render(.markdown, options: options)
        #expect(!without.contains("exit status"))
        #expect(without.contains("**Outcome:** "))
    }
}
