import Foundation
import Testing

/// `--policy FILE` with the real binary: a usable file judges by its rules; every unusable one is bad
/// input (exit 64) that names the option, the file and what is wrong, before anything is scanned.
@Suite("kms-rotation --policy")
struct PolicyFileCLITests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples")

    @Test("The example policy file judges the demo account rule by rule")
    func rulesApply() throws {
        let file = Self.examples.appendingPathComponent("policies/estate.json").path
        let result = try CLIBinary.run(["audit", "--demo", "--format", "json", "--policy", file])
        #expect(result.status == 3)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let findings = try #require(report["findings"] as? [[String: Any]])
        let rules = Set(findings.compactMap { $0["policyRule"] as? String })
        #expect(rules.isSuperset(of: ["pci", "archive-yearly", "legacy", "default"]))
        let archive = try #require(findings.first { ($0["aliases"] as? [String])?.contains("alias/archive") == true })
        #expect(archive["reason"] as? String == "rotationPeriodTooLong" && archive["policyRule"] as? String == "archive-yearly")
    }

    @Test("A missing file, a directory, bad JSON and a bad rule are exit 64, with what is wrong")
    func unusableFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("policy-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let badJSON = directory.appendingPathComponent("bad.json")
        try Data("{ not json".utf8).write(to: badJSON)
        let badRule = directory.appendingPathComponent("rule.json")
        try Data(#"{"rules": [{"name": "pci", "match": {"accountIds": ["12"]}, "policy": "cis"}]}"#.utf8).write(to: badRule)
        let cases: [(String, String)] = [
            (directory.appendingPathComponent("missing.json").path, "no such file"),
            (directory.path, "it is a directory"),
            (badJSON.path, "not JSON"),
            (badRule.path, "rule 1 'pci': match.accountIds: '12' is not an account ID"),
        ]
        for (path, expected) in cases {
            let result = try CLIBinary.run(["audit", "--demo", "--policy", path])
            #expect(result.status == 64, "\(path)")
            #expect(result.stderr.contains("--policy") && result.stderr.contains(expected), "\(result.stderr)")
            #expect(result.stdout.isEmpty, "nothing is scanned")
        }
    }
}
