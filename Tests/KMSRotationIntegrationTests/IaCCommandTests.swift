import Foundation
import Testing

/// `kms-rotation iac`: the built binary on the repository's examples and on bad input.
@Suite("kms-rotation iac", .enabled(if: CLIBinary.path != nil, "kms-rotation binary not built"))
struct IaCCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        // Relative paths, as a CI job in the repository root passes them.
        let script = "cd \"$0\" && bin=\"$1\" && shift && exec \"$bin\" iac \"$@\""
        return try CLIBinary.runCommand(
            "/bin/sh", ["-c", script, Self.root.path, try #require(CLIBinary.path)] + arguments,
            environment: ["SOURCE_DATE_EPOCH": "1700000000"])
    }

    @Test("Examples/iac: exit 3, every key in the table, fixes as attributes")
    func examples() throws {
        let result = try run(["Examples/iac/"])
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stdout.contains("aws_kms_key.unrotated"))
        #expect(result.stdout.contains("enable_key_rotation = true"))
        #expect(result.stdout.contains("EnableKeyRotation: true"))
        #expect(result.stdout.contains("36 keys: 8 NON_COMPLIANT, 3 INSUFFICIENT_DATA"), "\(result.stdout.suffix(300))")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
    }

    @Test("JSON and SARIF carry locations with line numbers; output is reproducible with SOURCE_DATE_EPOCH")
    func formats() throws {
        let json = try run(["Examples/iac/cloudformation/rotation.yaml", "--format", "json"])
        #expect(json.status == 3)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let findings = try #require(report["findings"] as? [[String: Any]])
        let unrotated = try #require(findings.first { $0["keyId"] as? String == "UnrotatedKey" })
        let location = try #require(unrotated["location"] as? [String: Any])
        #expect(location["file"] as? String == "Examples/iac/cloudformation/rotation.yaml")
        #expect(location["line"] as? Int == 11)
        #expect(report["generatedAt"] as? String == "2023-11-14T22:13:20Z")
        #expect(try run(["Examples/iac/cloudformation/rotation.yaml", "--format", "json"]).stdout == json.stdout)

        let sarif = try run(["Examples/iac/", "--format", "sarif", "--sarif-problems-only"])
        #expect(sarif.status == 3)
        #expect(sarif.stdout.contains("\"uri\" : \"Examples/iac/terraform/plan.json\""))
        #expect(sarif.stdout.contains("\"startLine\""))
        #expect(!sarif.stdout.contains("\"kind\" : \"pass\""))
    }

    @Test("--policy: the same rules as audit; every finding names its rule; exclusive with the single-policy flags")
    func policyFile() throws {
        let json = try run([
            "Examples/iac/", "--policy", "Examples/policies/estate.json", "--account-id", "111122223333",
            "--region", "us-east-1", "--format", "json",
        ])
        #expect(json.status == 3, "\(json.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let findings = try #require(report["findings"] as? [[String: Any]])
        #expect(findings.count == 36)
        #expect(findings.allSatisfy { $0["policyRule"] is String })
        let table = try run(["Examples/iac/cloudformation/rotation.yaml", "--policy", "Examples/policies/estate.json"])
        #expect(table.stdout.contains("[default]"), "\(table.stdout)")

        let both = try run(["Examples/iac/", "--policy", "Examples/policies/estate.json", "--max-rotation-period-days", "365"])
        #expect(both.status == 64)
        #expect(both.stderr.contains("--policy sets every policy"))
        let missing = try run(["Examples/iac/", "--policy", "no-such-policy.json"])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("cannot read --policy"))
    }

    @Test("--max-rotation-period-days and --suppressions")
    func policyAndSuppressions() throws {
        let strict = try run(["Examples/iac/cloudformation/rotation.yaml", "--max-rotation-period-days", "365"])
        #expect(strict.stdout.contains("rotationPeriodTooLong"))
        let file = FileManager.default.temporaryDirectory.appending(path: "iac-suppressions-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        let list =
            #"{"suppressions": [{"keyId": "UnrotatedKey", "justification": "t"}, "#
            + #"{"keyId": "RotationOffKey", "justification": "u"}]}"#
        try Data(list.utf8).write(to: file)
        let suppressed = try run(["Examples/iac/cloudformation/rotation.yaml", "--suppressions", file.path])
        #expect(suppressed.status == 0, "\(suppressed.stdout)\(suppressed.stderr)")
        #expect(suppressed.stdout.contains("2 suppressed"))
    }

    @Test("Bad input: skipped files warn, malformed ones name file and line, nothing readable exits 1")
    func badInput() throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "iac-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let broken = directory.appending(path: "broken.yaml")
        try Data("AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  K: [\n".utf8).write(to: broken)
        let notes = directory.appending(path: "notes.json")
        try Data(#"{"notes": "\u001b[2J"}"#.utf8).write(to: notes)

        let onlyBroken = try run([broken.path])
        #expect(onlyBroken.status == 1)
        #expect(onlyBroken.stderr.contains("\(broken.path):"))
        #expect(onlyBroken.stderr.contains("invalid YAML"))

        let mixed = try run([broken.path, notes.path, "Examples/iac/cloudformation/exceptions.yaml"])
        #expect(mixed.status == 4, "\(mixed.stderr)")
        #expect(mixed.stderr.contains("warning: skipped \(notes.path)"))
        #expect(!mixed.stderr.contains("\u{1B}"))
        #expect(mixed.stdout.contains("Scan errors"))

        let none = try run([directory.appending(path: "missing").path])
        #expect(none.status == 64)
        let empty = directory.appending(path: "empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let nothing = try run([empty.path])
        #expect(nothing.status == 1)
        #expect(nothing.stderr.contains("no Terraform plan or CloudFormation template found"))
    }

    @Test("ASFF needs --region and --account-id for undeployed keys")
    func asff() throws {
        let without = try run(["Examples/iac/cloudformation/rotation.yaml", "--format", "asff"])
        #expect(without.status == 64)
        #expect(without.stderr.contains("--region and --account-id"))
        let with = try run([
            "Examples/iac/cloudformation/rotation.yaml", "--format", "asff",
            "--region", "us-east-1", "--account-id", "111122223333",
        ])
        #expect(with.status == 3)
        #expect(with.stdout.contains("\"Findings\""))
    }
}
