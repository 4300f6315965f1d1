import Foundation
import KMSRotation
@testable import KMSRotationIaC

/// Builders for small templates and plans, and the paths of the repository's fixtures.
enum IaCFixture {
    /// The repository root.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// This target's fixtures.
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Fixtures")
    static let examples = root.appending(path: "Examples/iac")
    static let sarifSchema = root.appending(path: "Tests/KMSRotationTests/Fixtures/sarif-schema-2.1.0.json")

    /// A YAML template with one resource per entry: logical ID → (type, properties as YAML lines).
    static func yaml(_ resources: [(id: String, type: String, properties: [String])], header: [String] = []) -> String {
        var lines = ["AWSTemplateFormatVersion: \"2010-09-09\""] + header + ["Resources:"]
        for resource in resources {
            lines += ["  \(resource.id):", "    Type: \(resource.type)"]
            if !resource.properties.isEmpty {
                lines.append("    Properties:")
                lines += resource.properties.map { "      " + $0 }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A YAML template with one `AWS::KMS::Key`.
    static func key(_ properties: [String], header: [String] = []) -> String {
        yaml([("Key", "AWS::KMS::Key", properties)], header: header)
    }

    /// A Terraform plan whose `resource_changes` create the given instances.
    /// - Parameter instances: address, type, `after` values, `after_unknown` names, configuration expressions.
    typealias Instance = (address: String, type: String, after: [String: Any], unknown: [String], configured: [String: Any]?)

    static func plan(_ instances: [Instance]) -> String {
        var changes: [[String: Any]] = []
        var configResources: [[String: Any]] = []
        for instance in instances {
            let name = String(instance.address.split(separator: ".").last ?? "")
            changes.append([
                "address": instance.address, "mode": "managed", "type": instance.type, "name": name,
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "change": [
                    "actions": ["create"], "before": NSNull(), "after": instance.after,
                    "after_unknown": Dictionary(uniqueKeysWithValues: instance.unknown.map { ($0, true) }),
                ] as [String: Any],
            ])
            if let configured = instance.configured {
                configResources.append([
                    "address": TerraformPlanReader.configAddress(instance.address), "mode": "managed", "type": instance.type,
                    "name": name, "expressions": configured,
                ])
            }
        }
        let plan: [String: Any] = [
            "format_version": "1.2", "terraform_version": "1.9.8",
            "planned_values": ["root_module": [:] as [String: Any]],
            "resource_changes": changes,
            "configuration": ["root_module": ["resources": configResources]],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: plan, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// A plan with one `aws_kms_key`.
    static func tfKey(_ after: [String: Any], unknown: [String] = [], configured: [String: Any]? = nil) -> String {
        plan([("aws_kms_key.k", "aws_kms_key", after, unknown, configured)])
    }

    static func findings(_ text: String, path: String = "test.yaml", policy: RotationPolicy = .cis) throws -> [RotationFinding] {
        try IaCDocument(data: Data(text.utf8), path: path).findings(policy: policy)
    }

    static func finding(_ text: String, path: String = "test.yaml", policy: RotationPolicy = .cis) throws -> RotationFinding {
        let all = try findings(text, path: path, policy: policy)
        guard all.count == 1, let only = all.first else {
            throw IaCError(kind: .malformed, file: path, message: "expected one finding, got \(all.count)")
        }
        return only
    }
}

/// python3 and its tools, for the tests that check with real ones (cfn-lint, jsonschema): a test that
/// cannot find one fails when `CI` is set and is skipped otherwise.
enum ExternalTool {
    static let isCI = !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty

    /// Runs a command through /usr/bin/env; returns its status and combined output.
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func available(_ arguments: [String]) -> Bool {
        (try? run(arguments))?.status == 0
    }

    static let hasCfnLint = available(["cfn-lint", "--version"])
    static let hasJSONSchema = available(["python3", "-c", "import jsonschema"])
}
