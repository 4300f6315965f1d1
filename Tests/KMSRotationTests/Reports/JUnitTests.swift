import Foundation
#if canImport(FoundationXML)
    import FoundationXML
#endif
import Testing
@testable import KMSRotation

/// JUnit XML: well-formed, counts that match the test cases, and escaping of hostile text.
@Suite struct JUnitTests {
    /// Collects elements and their attributes.
    final class Collector: NSObject, XMLParserDelegate {
        var elements: [(name: String, attributes: [String: String])] = []
        var text = ""

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String]
        ) {
            elements.append((elementName, attributes))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
    }

    func parse(_ xml: String) throws -> Collector {
        let parser = XMLParser(data: Data(xml.utf8))
        let collector = Collector()
        parser.delegate = collector
        let ok = parser.parse()
        #expect(ok, "XMLParser: \(parser.parserError.map(String.init(describing:)) ?? "unknown error")")
        return collector
    }

    @Test func parsesAndCountsMatch() throws {
        let collector = try parse(try SampleReport.render(.junit))
        let root = try #require(collector.elements.first)
        #expect(root.name == "testsuites")
        let suites = collector.elements.filter { $0.name == "testsuite" }
        #expect(suites.map { $0.attributes["name"] } == ["kms-rotation.ap-east-1", "kms-rotation.eu-west-1", "kms-rotation.us-east-1"])

        // Walk the elements in document order: each count attribute equals the children that follow it.
        var perSuite: [String: [String: Int]] = [:]
        var current = ""
        for element in collector.elements {
            switch element.name {
            case "testsuite": current = element.attributes["name"] ?? ""
            case "testcase": perSuite[current, default: [:]]["tests", default: 0] += 1
            case "failure": perSuite[current, default: [:]]["failures", default: 0] += 1
            case "error": perSuite[current, default: [:]]["errors", default: 0] += 1
            case "skipped": perSuite[current, default: [:]]["skipped", default: 0] += 1
            default: break
            }
        }
        for suite in suites {
            let counted = perSuite[suite.attributes["name"] ?? ""] ?? [:]
            for attribute in ["tests", "failures", "errors", "skipped"] {
                #expect(
                    Int(suite.attributes[attribute] ?? "") == counted[attribute, default: 0],
                    "\(suite.attributes["name"] ?? "") \(attribute)")
            }
        }
        let summary = SampleReport.report.summary
        #expect(root.attributes["tests"] == "\(summary.total + 1)")
        #expect(root.attributes["failures"] == "\(summary.nonCompliant)")
        #expect(root.attributes["errors"] == "\(summary.insufficientData + 1)")
        #expect(root.attributes["skipped"] == "\(summary.notApplicable)")

        let cases = collector.elements.filter { $0.name == "testcase" }
        #expect(cases.contains { $0.attributes["name"] == "alias/orders" && $0.attributes["classname"] == "kms-rotation.us-east-1" })
        #expect(cases.contains { $0.attributes["name"] == "scan ListKeys" && $0.attributes["classname"] == "kms-rotation.ap-east-1" })
        let failure = try #require(collector.elements.first { $0.name == "failure" })
        #expect(failure.attributes["type"] == "rotationDisabled")
    }

    @Test func escapesMarkupAndRemovesInvalidCharacters() throws {
        let alias = "alias/<b>&\"quoted\"&'apos'\u{1}\u{FFFE}\u{1B}[31m🔑"
        let finding = RotationChecker.evaluate(key: makeKey(), rotation: off, aliases: [alias], policy: .cis, now: SampleReport.generatedAt)
        let error = ScanError(region: "ap-east-1", operation: "ListKeys", code: "X<&>", message: "line one\nline two\u{0}")
        let xml = try SampleReport.render(.junit, SampleReport.single(finding, errors: [error]))
        #expect(!xml.unicodeScalars.contains { $0.value == 0x1 || $0.value == 0x0 || $0.value == 0xFFFE || $0.value == 0x1B })
        let collector = try parse(xml)
        let testCase = try #require(
            collector.elements.first { $0.name == "testcase" && $0.attributes["classname"] == "kms-rotation.us-east-1" })
        #expect(testCase.attributes["name"] == "alias/<b>&\"quoted\"&'apos'[31m🔑")
        let scanError = try #require(collector.elements.first { $0.name == "error" })
        #expect(scanError.attributes["type"] == "X<&>")
        #expect(scanError.attributes["message"] == "X<&>: line one\nline two")
    }

    @Test(
        .enabled(
            if: PythonTool.isCI || PythonTool.canImport("xml.etree.ElementTree"),
            "python3 is not installed: skipped (set CI=1 to fail instead)"))
    func pythonElementTreeAgrees() throws {
        guard PythonTool.require("xml.etree.ElementTree") else { return }
        let script = """
            import sys, xml.etree.ElementTree as ET
            root = ET.parse(sys.argv[1]).getroot()
            assert root.tag == "testsuites", root.tag
            for suite in root.findall("testsuite"):
                cases = suite.findall("testcase")
                assert int(suite.get("tests")) == len(cases), suite.get("name")
                assert int(suite.get("failures")) == sum(len(c.findall("failure")) for c in cases)
                assert int(suite.get("errors")) == sum(len(c.findall("error")) for c in cases)
                assert int(suite.get("skipped")) == sum(len(c.findall("skipped")) for c in cases)
            print(len(root.findall("testsuite/testcase")))
            """
        let result = try PythonTool.run(script: script, document: try SampleReport.render(.junit))
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == "\(SampleReport.report.findings.count + 1)")
    }
}
