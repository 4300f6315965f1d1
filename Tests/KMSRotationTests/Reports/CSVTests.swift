import Foundation
import Testing
@testable import KMSRotation

/// CSV: RFC 4180 quoting, CRLF, and formula-injection guarding.
@Suite struct CSVTests {
    @Test(arguments: [
        ("plain", "plain"),
        ("a,b", "\"a,b\""),
        ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("line\nbreak", "\"line\nbreak\""),
        ("carriage\rreturn", "\"carriage\rreturn\""),
        ("", ""),
    ])
    func quoting(_ input: String, _ expected: String) {
        #expect(CSVFormatter.field(input) == expected)
    }

    @Test(arguments: [
        ("=1+2", "'=1+2"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2", "'-2"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "\"'\rx\""),
        (#"=HYPERLINK("https://x","y")"#, #""'=HYPERLINK(""https://x"",""y"")""#),
        ("alias/ok=1", "alias/ok=1"),
    ])
    func formulaInjectionIsNeutralised(_ input: String, _ expected: String) {
        #expect(CSVFormatter.field(input) == expected)
    }

    /// A strict RFC 4180 reader: records end with CRLF; quoted fields may hold anything.
    static func parse(_ text: String) throws -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var scalars = Array(text.unicodeScalars)[...]
        var quoted = false
        while let scalar = scalars.popFirst() {
            if quoted {
                if scalar == "\"" {
                    if scalars.first == "\"" { scalars.removeFirst(); field.unicodeScalars.append("\"") } else { quoted = false }
                } else {
                    field.unicodeScalars.append(scalar)
                }
            } else if scalar == "\"" && field.isEmpty {
                quoted = true
            } else if scalar == "," {
                record.append(field); field = ""
            } else if scalar == "\r" {
                try #require(scalars.popFirst() == "\n", "bare CR outside quotes")
                record.append(field); field = ""
                records.append(record); record = []
            } else {
                try #require(scalar != "\n", "bare LF outside quotes")
                try #require(scalar != "\"", "quote inside an unquoted field")
                field.unicodeScalars.append(scalar)
            }
        }
        try #require(!quoted && field.isEmpty && record.isEmpty, "the file must end with CRLF")
        return records
    }

    @Test func sampleIsRFC4180WithHeaderAndOneRowPerFinding() throws {
        let text = try SampleReport.render(.csv)
        #expect(text.hasSuffix("\r\n"))
        let records = try Self.parse(text)
        #expect(records.first == CSVFormatter.header)
        #expect(records.count == SampleReport.report.findings.count + 1)
        #expect(records.allSatisfy { $0.count == 27 })
        let rows = records.dropFirst()
        // The alias with a comma and quotes survives, unchanged.
        #expect(rows.contains { $0[4] == #"alias/signing,"prod""# })
        // The alias starting with "=" is neutralised.
        #expect(rows.contains { $0[4] == #"'=HYPERLINK("https://attacker.example","click")"# })
        #expect(!rows.contains { row in row.contains { $0.first.map(CSVFormatter.formulaTriggers.contains) == true } })
        // Evidence columns.
        let compliant = try #require(rows.first { $0[2].hasPrefix("5555") })
        #expect(compliant[12] == "true")
        #expect(compliant[13] == "365")
        #expect(compliant[14] == "2027-03-25T00:00:00Z")  // fixed-clock: SampleReport's rendered date
        let replica = try #require(rows.first { $0[4] == "alias/payments" })
        #expect(replica[11] == "REPLICA")
        #expect(replica[15] == "aws kms enable-key-rotation --key-id arn:aws:kms:us-west-2:111122223333:key/mrk-primary --region us-west-2")
    }

    @Test(.enabled(if: PythonTool.isCI || PythonTool.canImport("csv"), "python3 is not installed: skipped (set CI=1 to fail instead)"))
    func pythonCSVModuleReadsTheSameRecords() throws {
        guard PythonTool.require("csv") else { return }
        let script = """
            import csv, json, sys
            with open(sys.argv[1], newline="", encoding="utf-8") as f:
                print(json.dumps(list(csv.reader(f, strict=True))))
            """
        let text = try SampleReport.render(.csv)
        let result = try PythonTool.run(script: script, document: text)
        #expect(result.status == 0, "\(result.output)")
        let records = try JSONDecoder().decode([[String]].self, from: Data(result.output.utf8))
        #expect(records == (try Self.parse(text)))
    }
}
