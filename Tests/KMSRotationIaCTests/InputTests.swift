import Foundation
import KMSRotation
import Testing
@testable import KMSRotationIaC

@Suite("IaC inputs: examples, bad input, limits")
struct InputTests {
    /// What each example must give (Examples/iac/README.md lists the same).
    static let expected: [String: FindingReason] = [
        // cloudformation/rotation.yaml
        "RotatedKey": .rotationEnabled, "UnrotatedKey": .rotationDisabled, "RotationOffKey": .rotationDisabled,
        "TwoYearKey": .rotationEnabled,
        // cloudformation/exceptions.yaml
        "HmacKey": .hmacKey, "SigningKey": .asymmetricKey, "ImportedKey": .importedKeyMaterial, "DisabledKey": .keyDisabled,
        // cloudformation/unresolved.yaml
        "ParameterKey": .rotationEnabled, "ProdOnlyRotationKey": .unresolvedValue, "EitherWayKey": .rotationEnabled,
        "ImportedFlagKey": .unresolvedValue,
        // cloudformation/multi-region.yaml
        "PrimaryKey": .rotationDisabled, "ReplicaOfPrimary": .rotationDisabled, "ReplicaOfOtherStack": .primaryKeyElsewhere,
        // cloudformation/keys.json
        "MappedKey": .rotationEnabled, "PlainKey": .rotationDisabled,
        // cdk.out/AppStack.template.json
        "DataKey8B9D1F2A": .rotationEnabled, "LogsKeyC0FFEE11": .rotationDisabled,
        // terraform/plan.json
        "aws_kms_key.rotated": .rotationEnabled, "aws_kms_key.unrotated": .rotationDisabled,
        "aws_kms_key.per_tenant[\"alpha\"]": .rotationEnabled, "aws_kms_key.per_tenant[\"beta\"]": .rotationEnabled,
        "aws_kms_key.counted[0]": .rotationEnabled, "aws_kms_key.counted[1]": .rotationEnabled,
        "aws_kms_key.hmac": .hmacKey, "aws_kms_key.signing": .asymmetricKey, "aws_kms_key.cloudhsm": .customKeyStore,
        "aws_kms_key.disabled": .keyDisabled, "aws_kms_key.from_lookup": .unresolvedValue,
        "aws_kms_external_key.imported": .importedKeyMaterial, "module.storage.aws_kms_key.this": .rotationDisabled,
        // terraform/multi-region-plan.json
        "aws_kms_key.primary": .rotationEnabled, "aws_kms_replica_key.replica": .rotationEnabled,
        "aws_kms_replica_key.of_other_stack": .primaryKeyElsewhere, "aws_kms_replica_key.disabled_replica": .keyDisabled,
    ]

    @Test("Examples/iac: the right verdict on every key, with line numbers; nothing skipped or failed")
    func examples() throws {
        let scan = try IaCScan.read(paths: [IaCFixture.examples.path])
        #expect(scan.failures.isEmpty, "\(scan.failures)")
        #expect(scan.skipped.isEmpty, "\(scan.skipped)")
        #expect(scan.documents.count == 8)
        let findings = scan.findings()
        #expect(findings.count == Self.expected.count)
        for finding in findings {
            #expect(Self.expected[finding.keyId] == finding.reason, "\(finding.keyId): \(finding.reason) \(finding.message)")
            #expect((finding.location?.line ?? 0) >= 1, "\(finding.keyId)")
        }
        // The deleted key is not judged; the S3 bucket is not a key.
        #expect(!findings.contains { $0.keyId == "aws_kms_key.retired" || $0.keyId.contains("aws_s3_bucket") })
        let strict = scan.findings(policy: RotationPolicy(maximumRotationPeriodDays: 365))
        #expect(strict.first { $0.keyId == "TwoYearKey" }?.reason == .rotationPeriodTooLong)
        #expect(strict.first { $0.keyId == "aws_kms_key.per_tenant[\"alpha\"]" }?.reason == .rotationPeriodTooLong)
        #expect(strict.first { $0.keyId == "aws_kms_key.rotated" }?.reason == .rotationEnabled)
    }

    @Test(.enabled(if: ExternalTool.isCI || ExternalTool.hasCfnLint, "cfn-lint is not installed: skipped (set CI=1 to fail instead)"))
    func templatesPassCfnLint() throws {
        guard ExternalTool.hasCfnLint else {
            Issue.record("cfn-lint is required when CI is set (pip install cfn-lint)")
            return
        }
        let scan = try IaCScan.read(paths: [IaCFixture.examples.path, IaCFixture.fixtures.appending(path: "valid").path])
        let templates = scan.documents.filter { $0.kind != .terraformPlan }.map(\.path)
        #expect(templates.count >= 6)
        let result = try ExternalTool.run(["cfn-lint", "--"] + templates)
        #expect(result.status == 0, "cfn-lint:\n\(result.output)")
    }

    @Test("The fixture files: a valid template, two malformed files with their lines, one skipped file")
    func fixtureFiles() throws {
        let valid = try IaCDocument(contentsOf: IaCFixture.fixtures.appending(path: "valid/short-forms.yaml"), path: "short-forms.yaml")
        let findings = Dictionary(uniqueKeysWithValues: valid.findings().map { ($0.keyId, $0) })
        #expect(findings["SelectedKey"]?.reason == .rotationEnabled)
        #expect(findings["SelectedKey"]?.rotation?.rotationPeriodInDays == 180)
        #expect(findings["ConditionalKey"]?.reason == .rotationEnabled)
        #expect(findings["ImportedValueKey"]?.reason == .unresolvedValue)
        let strict = valid.findings(policy: RotationPolicy(maximumRotationPeriodDays: 90))
        #expect(strict.first { $0.keyId == "SelectedKey" }?.reason == .rotationPeriodTooLong)

        let plan = #expect(throws: IaCError.self) {
            try IaCDocument(contentsOf: IaCFixture.fixtures.appending(path: "invalid/truncated-plan.json"), path: "truncated-plan.json")
        }
        #expect(plan?.kind == .malformed)
        #expect(plan?.line == 5)
        let tabs = #expect(throws: IaCError.self) {
            try IaCDocument(contentsOf: IaCFixture.fixtures.appending(path: "invalid/tab-indented.yaml"), path: "tab-indented.yaml")
        }
        #expect(tabs?.kind == .malformed)
        #expect(tabs?.line == 5)
        let other = #expect(throws: IaCError.self) {
            try IaCDocument(contentsOf: IaCFixture.fixtures.appending(path: "invalid/package-like.json"), path: "package-like.json")
        }
        #expect(other?.kind == .notInfrastructureAsCode)
    }

    @Test("Short-form tags become intrinsic functions")
    func shortForms() throws {
        let text = """
            Resources:
              K:
                Type: AWS::KMS::Key
                Properties:
                  A: !Ref P
                  B: !GetAtt X.Arn
                  C: !Sub "${AWS::Region}"
                  D: !Join ["", [a, b]]
                  E: !Select [0, [x]]
                  F: !If [C, 1, 2]
                  G: !FindInMap [M, a, b]
                  H: !Base64 x
                  I: !Split [",", "a,b"]
                  J: !GetAZs ""
                  K: !ImportValue v
                  L: !Condition C
                  M: !Equals [a, b]
                  N: !Not [!Condition C]
                  O: !And [!Condition C, !Condition C]
                  P: !Or [!Condition C, !Condition C]
            """
        let root = try #require(try YAMLTree.parse(text))
        let properties = try #require(root["Resources"]?["K"]?["Properties"])
        let names = properties.members.map { $0.value.intrinsic?.name ?? "-" }
        #expect(
            names == [
                "Ref", "Fn::GetAtt", "Fn::Sub", "Fn::Join", "Fn::Select", "Fn::If", "Fn::FindInMap", "Fn::Base64", "Fn::Split",
                "Fn::GetAZs", "Fn::ImportValue", "Condition", "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or",
            ])
        #expect(properties["B"]?.intrinsic?.argument.elements.compactMap(\.string) == ["X", "Arn"])
    }

    @Test("Malformed YAML and JSON are errors naming the file and line")
    func malformed() throws {
        let yaml = "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  K:\n    Type: AWS::KMS::Key\n    Properties: [unclosed\n"
        let yamlError = #expect(throws: IaCError.self) { try IaCDocument(data: Data(yaml.utf8), path: "bad.yaml") }
        #expect(yamlError?.kind == .malformed)
        #expect(yamlError?.line != nil)
        #expect(yamlError?.description.hasPrefix("bad.yaml:") == true)

        let plan = "{\n  \"format_version\": \"1.2\",\n  \"planned_values\": {\n    \"root_module\": {,}\n  }\n}\n"
        let planError = #expect(throws: IaCError.self) { try IaCDocument(data: Data(plan.utf8), path: "plan.json") }
        #expect(planError?.kind == .malformed)
        #expect(planError?.line == 4)
        #expect(planError?.description.hasPrefix("plan.json:4:") == true)

        let future = #"{"format_version": "2.0", "planned_values": {}}"#
        let futureError = #expect(throws: IaCError.self) { try IaCDocument(data: Data(future.utf8), path: "p.json") }
        #expect(futureError?.kind == .malformed)
        #expect(futureError?.message.contains("2.0") == true)

        let resources = "Resources: [1, 2]\n"
        #expect(throws: IaCError.self) { try IaCDocument(data: Data(resources.utf8), path: "r.yaml") }
    }

    @Test("A file that is neither a plan nor a template is skipped, not an error")
    func notIaC() throws {
        for (text, path) in [
            ("{\"name\": \"app\", \"version\": \"1.0.0\"}", "package.json"), ("on: push\njobs: {}\n", "ci.yml"),
            ("{{ helm }}: [", "chart.yaml"), ("[1, 2, 3]", "list.json"), ("", "empty.yaml"),
        ] {
            let error = #expect(throws: IaCError.self) { try IaCDocument(data: Data(text.utf8), path: path) }
            #expect(error?.kind == .notInfrastructureAsCode, "\(path): \(String(describing: error))")
        }
        let zip = #expect(throws: IaCError.self) { try IaCDocument(data: Data([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00]), path: "plan.tfplan") }
        #expect(zip?.message.contains("terraform show -json") == true)
    }

    @Test("Hostile input: deep nesting, alias bombs and huge strings end in errors, not crashes")
    func hostile() throws {
        let deep = String(repeating: "[", count: 100_000)
        #expect(throws: IaCError.self) { try IaCDocument(data: Data(("{\"Resources\": " + deep).utf8), path: "deep.json") }
        let deepYAML = "Resources:\n  K: " + String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000) + "\n"
        #expect(throws: IaCError.self) { try IaCDocument(data: Data(deepYAML.utf8), path: "deep.yaml") }
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            bomb +=
                "\(Character(UnicodeScalar(97 + level)!)): &\(Character(UnicodeScalar(97 + level)!)) " + "["
                + Array(repeating: "*\(Character(UnicodeScalar(96 + level)!))", count: 10).joined(separator: ", ") + "]\n"
        }
        bomb += "Resources:\n  K:\n    Type: AWS::KMS::Key\n"
        let error = #expect(throws: IaCError.self) { try IaCDocument(data: Data(bomb.utf8), path: "bomb.yaml") }
        #expect(error?.message.contains("nodes") == true)
    }

    @Test("Directories: templates, plans and cdk.out are found; a missing path is an error")
    func directories() throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "iac-walk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appending(path: "cdk.out"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: directory.appending(path: ".terraform"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(IaCFixture.key(["EnableKeyRotation: true"]).utf8).write(to: directory.appending(path: "stack.yml"))
        try Data(#"{"Resources": {"K": {"Type": "AWS::KMS::Key"}}}"#.utf8).write(to: directory.appending(path: "cdk.out/App.template.json"))
        try Data(#"{"version": "36.0.0"}"#.utf8).write(to: directory.appending(path: "cdk.out/manifest.json"))
        try Data(#"{"version": "36.0.0"}"#.utf8).write(to: directory.appending(path: "cdk.out/App.assets.json"))
        try Data(IaCFixture.tfKey(["enable_key_rotation": true]).utf8).write(to: directory.appending(path: ".terraform/ignored.json"))
        try Data(IaCFixture.tfKey(["enable_key_rotation": true]).utf8).write(to: directory.appending(path: "plan.json"))
        try Data("just notes".utf8).write(to: directory.appending(path: "notes.yaml"))
        try Data("Resources: [".utf8).write(to: directory.appending(path: "broken.yaml"))
        let scan = try IaCScan.read(paths: [directory.path])
        #expect(scan.documents.map { ($0.path as NSString).lastPathComponent }.sorted() == ["App.template.json", "plan.json", "stack.yml"])
        #expect(scan.skipped.map { ($0.file as NSString).lastPathComponent } == ["notes.yaml"])
        #expect(scan.failures.map { ($0.file as NSString).lastPathComponent } == ["broken.yaml"])
        #expect(throws: IaCError.self) { try IaCScan.read(paths: [directory.appending(path: "missing").path]) }
    }

    @Test("A 50 MB plan is read in one streaming pass")
    func largePlan() throws {
        let url = FileManager.default.temporaryDirectory.appending(path: "large-plan-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try LargePlan.write(to: url, megabytes: 50, keys: 200)
        let start = ContinuousClock.now
        let document = try IaCDocument(contentsOf: url, path: "large.json")
        let findings = document.findings()
        let elapsed = ContinuousClock.now - start
        #expect(findings.count == 200)
        #expect(findings.filter { $0.compliance == .nonCompliant }.count == 100)
        // Generous for a debug build on a loaded 2-core machine; Docs/iac.md has the measured numbers.
        #expect(elapsed < .seconds(120), "\(elapsed)")
    }

    @Test("JSON scanner: escapes, surrogate pairs, numbers")
    func scanner() throws {
        let node = try TreeNode.parseJSON(Data(#"{"a": "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00", "n": -1.5e3, "t": true, "z": null}"#.utf8))
        #expect(node["a"]?.string == "x\"\\/\u{08}\u{0C}\n\r\té😀")
        #expect(node["n"]?.scalarText == "-1.5e3")
        #expect(throws: SyntaxError.self) { try TreeNode.parseJSON(Data(#"{"a": 01}"#.utf8)) }
        #expect(throws: SyntaxError.self) { try TreeNode.parseJSON(Data(#"{"a": "\q"}"#.utf8)) }
        #expect(throws: SyntaxError.self) { try TreeNode.parseJSON(Data("{\"a\": \"line\nbreak\"}".utf8)) }
        #expect(throws: SyntaxError.self) { try TreeNode.parseJSON(Data(#"{"a": 1} x"#.utf8)) }
    }

    @Test("Terraform addresses: instance keys and module instances")
    func addresses() {
        #expect(TerraformPlanReader.configAddress(#"module.a["x.y"].aws_kms_key.k[0]"#) == "module.a.aws_kms_key.k")
        #expect(TerraformPlanReader.moduleInstancePrefix(#"module.a["x.y"].aws_kms_key.k[0]"#) == #"module.a["x.y"]."#)
        #expect(TerraformPlanReader.moduleInstancePrefix("aws_kms_key.k") == "")
    }
}

/// A synthetic plan of a given size: many large non-KMS resources, and `keys` KMS keys (half rotating).
enum LargePlan {
    static func write(to url: URL, megabytes: Int, keys: Int) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.write(contentsOf: Data(#"{"format_version":"1.2","terraform_version":"1.9.8","resource_changes":["#.utf8))
        let filler = String(repeating: "x", count: 4000)
        var written = 0
        var index = 0
        while written < megabytes << 20 {
            let entry =
                #"{"address":"aws_ssm_parameter.p\#(index)","mode":"managed","type":"aws_ssm_parameter","name":"p\#(index)","#
                + #""change":{"actions":["create"],"before":null,"after":{"value":"\#(filler)","tags":{"a":"b"}},"#
                + #""after_unknown":{"arn":true}}},"#
            let data = Data(entry.utf8)
            try handle.write(contentsOf: data)
            written += data.count
            index += 1
        }
        for key in 0..<keys {
            let entry =
                #"{"address":"aws_kms_key.k\#(key)","mode":"managed","type":"aws_kms_key","name":"k\#(key)","#
                + #""change":{"actions":["create"],"before":null,"after":{"enable_key_rotation":\#(key % 2 == 0)},"after_unknown":{}}}"#
                + (key == keys - 1 ? "" : ",")
            try handle.write(contentsOf: Data(entry.utf8))
        }
        try handle.write(contentsOf: Data(#"],"planned_values":{"root_module":{}}}"#.utf8))
    }
}
