import Foundation
import Testing
@testable import KMSRotation

/// The terminal table: order, alignment by visible width, colour only on request, no injected escapes.
@Suite struct TableTests {
    static let esc = "\u{1B}"

    /// Removes ANSI CSI sequences.
    static func stripANSI(_ text: String) -> String {
        text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
    }

    @Test func noEscapeByteWithoutColor() throws {
        let plain = try SampleReport.render(.table)
        #expect(!plain.contains(Self.esc))
        #expect(!plain.utf8.contains(0x1B))
    }

    @Test func colorOnlyDecoratesTheSameTable() throws {
        var options = SampleReport.options
        options.color = true
        let colored = try SampleReport.render(.table, options: options)
        #expect(colored.contains("\u{1B}[31mNON_COMPLIANT\u{1B}[0m"))
        #expect(colored.contains("\u{1B}[33mINSUFFICIENT_DATA\u{1B}[0m"))
        #expect(colored.contains("\u{1B}[32mCOMPLIANT\u{1B}[0m"))
        #expect(colored.contains("\u{1B}[2mNOT_APPLICABLE\u{1B}[0m"))
        #expect(Self.stripANSI(colored) == (try SampleReport.render(.table)))
    }

    @Test func problemsFirstAndColumnsAligned() throws {
        let lines = try SampleReport.render(.table).components(separatedBy: "\n")
        let header = lines[0]
        #expect(header.hasPrefix("REGION"))
        let rows = Array(lines[1...SampleReport.report.findings.count])
        let order = rows.compactMap { row in Compliance.allCases.first { row.contains(" \($0.rawValue) ") } }
        #expect(order == order.sorted())
        #expect(order.first == .nonCompliant)
        // Every column starts where its header starts.
        for title in ["KEY", "SPEC", "MANAGER", "STATE", "COMPLIANCE", "REASON"] {
            let offset = try #require(header.range(of: title)).lowerBound.utf16Offset(in: header)
            for row in rows {
                let index = row.index(row.startIndex, offsetBy: offset)
                #expect(row[row.index(before: index)] == " ", "\(title) in \(row)")
                #expect(row[index] != " ", "\(title) in \(row)")
            }
        }
        #expect(lines.contains { $0.hasPrefix("  alias/orders  ") && $0.contains("aws kms enable-key-rotation") })
    }

    @Test func summaryLine() throws {
        let lines = try SampleReport.render(.table).split(separator: "\n")
        #expect(lines.last == "10 keys: 3 NON_COMPLIANT, 2 INSUFFICIENT_DATA, 2 COMPLIANT, 3 NOT_APPLICABLE; 1 region not scanned")
        let one = SampleReport.single(
            RotationChecker.evaluate(key: makeKey(), rotation: on365, policy: .cis, now: SampleReport.generatedAt))
        #expect(TableFormatter.summaryLine(one) == "1 key: 0 NON_COMPLIANT, 0 INSUFFICIENT_DATA, 1 COMPLIANT, 0 NOT_APPLICABLE")
    }

    @Test func hostileAliasCannotInjectTerminalEscapes() throws {
        let finding = RotationChecker.evaluate(
            key: makeKey(), rotation: off, aliases: ["alias/x\u{1B}[2J\u{1B}]0;pwned\u{7}\r\nfake"],
            policy: .cis, now: SampleReport.generatedAt)
        let error = ScanError(region: "ap-east-1", operation: "ListKeys", code: "Denied", message: "\u{1B}[31mred\u{9B}31m")
        let table = try SampleReport.render(.table, SampleReport.single(finding, errors: [error]))
        #expect(!table.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B || $0.value == 0x0D })
        // Header and row, the remediation and scan error blocks, the summary: no injected line.
        let lines = table.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 11)
        #expect(lines[1].contains("alias/x [2J ]0;pwned   fake"))
    }

    @Test func fitsTheTerminalWidth() throws {
        var options = SampleReport.options
        options.terminalWidth = 110
        let lines = try SampleReport.render(.table, options: options).components(separatedBy: "\n")
        for line in lines.prefix(SampleReport.report.findings.count + 1) {
            #expect(TextSanitizer.visibleWidth(line) <= 110, "\(line)")
        }
        #expect(lines.contains { $0.contains("…") })
        // Without a width, nothing is cut.
        #expect(!(try SampleReport.render(.table)).contains("…"))
    }

    @Test func visibleWidthIgnoresANSI() {
        #expect(TextSanitizer.visibleWidth("\u{1B}[31mNON_COMPLIANT\u{1B}[0m") == 13)
        #expect(TextSanitizer.visibleWidth("e\u{301}") == 1)
    }
}

extension TableTests {
    @Test func severalAccountsGetAnAccountColumn() throws {
        var findings = SampleReport.report.findings
        findings[0].accountId = "444455556666"
        let report = RotationReport(findings: findings, errors: [], policy: SampleReport.policy, generatedAt: SampleReport.generatedAt)
        let table = try SampleReport.render(.table, report)
        #expect(table.hasPrefix("ACCOUNT       REGION"))
        #expect(table.contains("444455556666  "))
        #expect(try SampleReport.render(.table).hasPrefix("REGION "), "one account: no ACCOUNT column")
    }

    @Test("visible(_:) makes ESC, CSI, OSC's BEL, CR and DEL visible, and keeps newlines, tabs and other text")
    func visibleEscapesControlCharacters() {
        #expect(TextSanitizer.visible("key/\u{1B}]0;pwned\u{07}x\r\u{9B}2J\u{7F}") == #"key/\u{1B}]0;pwned\u{7}x\u{D}\u{9B}2J\u{7F}"#)
        #expect(TextSanitizer.visible("line one\n\tline two — ünïcödé") == "line one\n\tline two — ünïcödé")
    }
}
