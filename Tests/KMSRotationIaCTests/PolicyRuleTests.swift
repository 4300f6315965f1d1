import Foundation
import KMSRotation
import Testing
@testable import KMSRotationIaC

/// `kms-rotation iac --policy`: the same rules as a live scan, reading tags and aliases from the file and the
/// account and Region given; what is unknown before deploy makes every rule that could apply be tried.
@Suite("IaC policy rules")
struct PolicyRuleTests {
    static let pci = PolicyRule(name: "pci", tags: ["data-classification": "pci"], policy: RotationPolicy(maximumRotationPeriodDays: 180))
    static let legacy = PolicyRule(name: "legacy", aliases: ["alias/legacy-*"], policy: RotationPolicy(evaluateDisabledKeys: true))
    static let sandbox = PolicyRule(name: "sandbox", accountIds: ["111122223333"], policy: RotationPolicy(maximumRotationPeriodDays: 90))
    static let owned = PolicyRule(name: "owned", tags: ["owner": "*"], policy: RotationPolicy(maximumRotationPeriodDays: 180))
    static let rules = PolicyResolver(rules: [pci, legacy], default: .cis)

    static func findings(
        _ text: String, path: String = "test.yaml", policies: PolicyResolver = rules,
        accountId: String? = nil, region: String? = nil
    ) throws -> [String: RotationFinding] {
        let all = try IaCDocument(data: Data(text.utf8), path: path).findings(policies: policies, accountId: accountId, region: region)
        return Dictionary(all.map { ($0.keyId, $0) }, uniquingKeysWith: { first, _ in first })
    }

    static let tagged = ["EnableKeyRotation: true", "Tags:", "  - Key: data-classification", "    Value: pci"]

    @Test("CloudFormation Tags select the rule; the finding records the rule and the tags")
    func cloudFormationTags() throws {
        let template = IaCFixture.yaml([("Pci", "AWS::KMS::Key", Self.tagged), ("Plain", "AWS::KMS::Key", ["EnableKeyRotation: true"])])
        let found = try Self.findings(template)
        #expect(found["Pci"]?.reason == .rotationPeriodTooLong)
        #expect(found["Pci"]?.policyRule == "pci")
        #expect(found["Pci"]?.tags == ["data-classification": "pci"])
        #expect(found["Plain"]?.reason == .rotationEnabled)
        #expect(found["Plain"]?.policyRule == "default")
        #expect(found["Plain"]?.tags == nil)
    }

    @Test("One policy for every key: no rule and no tags recorded, as before")
    func singlePolicy() throws {
        let found = try Self.findings(IaCFixture.yaml([("Pci", "AWS::KMS::Key", Self.tagged)]), policies: .cis)
        #expect(found["Pci"]?.reason == .rotationEnabled)
        #expect(found["Pci"]?.policyRule == nil)
        #expect(found["Pci"]?.tags == nil)
        let old = try IaCFixture.finding(IaCFixture.yaml([("Pci", "AWS::KMS::Key", Self.tagged)]))
        #expect(old == found["Pci"])
    }

    @Test("A tag value unknown before deploy: rules that disagree give unresolvedValue naming the tag; rules that agree decide")
    func unknownTag() throws {
        let header = ["Parameters:", "  Class:", "    Type: String", "  Known:", "    Type: String", "    Default: pci"]
        let template = IaCFixture.yaml(
            [
                ("Open", "AWS::KMS::Key", ["EnableKeyRotation: true", "Tags:", "  - Key: data-classification", "    Value: !Ref Class"]),
                ("Off", "AWS::KMS::Key", ["EnableKeyRotation: false", "Tags:", "  - Key: data-classification", "    Value: !Ref Class"]),
                (
                    "Defaulted", "AWS::KMS::Key",
                    ["EnableKeyRotation: true", "Tags:", "  - Key: data-classification", "    Value: !Ref Known"]
                ),
            ], header: header)
        let found = try Self.findings(template)
        let open = try #require(found["Open"])
        #expect(open.reason == .unresolvedValue)
        #expect(open.compliance == .insufficientData)
        #expect(open.message.contains("tag 'data-classification'"))
        #expect(open.message.contains("rule 'pci' gives NON_COMPLIANT (rotationPeriodTooLong)"))
        #expect(open.message.contains("the default gives COMPLIANT (rotationEnabled)"))
        #expect(open.policyRule == "pci | default")
        #expect(open.location?.attribute == "Tags")
        #expect(found["Off"]?.reason == .rotationDisabled)
        #expect(found["Off"]?.policyRule == "pci")
        #expect(found["Defaulted"]?.reason == .rotationPeriodTooLong)
        #expect(found["Defaulted"]?.policyRule == "pci")
    }

    @Test("Tags that are an intrinsic as a whole count as unknown; a '*' pattern matches a tag whose value is unknown")
    func wholeTagsUnknown() throws {
        let header = ["Conditions:", "  Never: !Equals [!Ref AWS::Region, nowhere]"]
        let template = IaCFixture.yaml(
            [
                ("Whole", "AWS::KMS::Key", ["EnableKeyRotation: true", "Tags: !If [Never, [], []]"])
            ], header: header)
        let whole = try #require(try Self.findings(template)["Whole"])
        #expect(whole.reason == .unresolvedValue)
        #expect(whole.message.contains("Tags is"))

        let params = ["Parameters:", "  Owner:", "    Type: String"]
        let properties = ["EnableKeyRotation: true", "Tags:", "  - Key: owner", "    Value: !Ref Owner"]
        let star = IaCFixture.yaml([("Key", "AWS::KMS::Key", properties)], header: params)
        let owned = try #require(try Self.findings(star, policies: PolicyResolver(rules: [Self.owned]))["Key"])
        #expect(owned.reason == .rotationPeriodTooLong)
        #expect(owned.policyRule == "owned")
    }

    @Test(
        "AWS::KMS::Alias resources give keys their aliases (Ref, GetAtt, Sub)",
        arguments: [
            "!Ref Old", "!GetAtt Old.Arn", "!GetAtt [Old, Arn]", "!Sub \"${Old}\"",
        ])
    func cloudFormationAliases(target: String) throws {
        let template = IaCFixture.yaml([
            ("Old", "AWS::KMS::Key", ["Enabled: false"]),
            ("OldAlias", "AWS::KMS::Alias", ["AliasName: alias/legacy-billing", "TargetKeyId: \(target)"]),
            ("Other", "AWS::KMS::Key", ["Enabled: false"]),
        ])
        let found = try Self.findings(template)
        #expect(found["Old"]?.reason == .rotationDisabled)  // legacy: disabled keys are judged
        #expect(found["Old"]?.policyRule == "legacy")
        #expect(found["Old"]?.aliases == ["alias/legacy-billing"])
        #expect(found["Other"]?.reason == .keyDisabled)
        #expect(found["Other"]?.policyRule == "default")
    }

    @Test("Rules by account or Region: decided with --account-id / --region, tried both ways without")
    func accountAndRegion() throws {
        let policies = PolicyResolver(rules: [Self.sandbox], default: .cis)
        let template = IaCFixture.key(["EnableKeyRotation: true"])
        let unknown = try #require(try Self.findings(template, policies: policies)["Key"])
        #expect(unknown.reason == .unresolvedValue)
        #expect(unknown.message.contains("--account-id"))
        #expect(unknown.policyRule == "sandbox | default")
        let inSandbox = try Self.findings(template, policies: policies, accountId: "111122223333")["Key"]
        #expect(inSandbox?.reason == .rotationPeriodTooLong)
        #expect(inSandbox?.policyRule == "sandbox")
        let elsewhere = try Self.findings(template, policies: policies, accountId: "444455556666")["Key"]
        #expect(elsewhere?.reason == .rotationEnabled)
        #expect(elsewhere?.policyRule == "default")

        let eu = PolicyRule(name: "eu", regions: ["eu-west-1"], policy: RotationPolicy(maximumRotationPeriodDays: 90))
        let regional = PolicyResolver(rules: [eu])
        #expect(try Self.findings(template, policies: regional, region: "eu-west-1")["Key"]?.policyRule == "eu")
        #expect(try Self.findings(template, policies: regional)["Key"]?.reason == .unresolvedValue)
    }

    // MARK: - Terraform

    static func plan(
        keys: [(address: String, after: [String: Any], unknown: [String: Any])],
        aliases: [(address: String, name: String, target: String)] = []
    ) -> String {
        var changes: [[String: Any]] = []
        var config: [[String: Any]] = []
        for key in keys {
            changes.append([
                "address": key.address, "mode": "managed", "type": "aws_kms_key", "name": "k",
                "change": [
                    "actions": ["create"], "before": NSNull(), "after": key.after,
                    "after_unknown": key.unknown,
                ] as [String: Any],
            ])
        }
        for alias in aliases {
            changes.append([
                "address": alias.address, "mode": "managed", "type": "aws_kms_alias", "name": "a",
                "change": [
                    "actions": ["create"], "before": NSNull(), "after": ["name": alias.name],
                    "after_unknown": ["target_key_id": true],
                ] as [String: Any],
            ])
            config.append([
                "address": alias.address, "mode": "managed", "type": "aws_kms_alias", "name": "a",
                "expressions": [
                    "name": ["constant_value": alias.name],
                    "target_key_id": ["references": ["\(alias.target).key_id", alias.target]],
                ],
            ])
        }
        let plan: [String: Any] = [
            "format_version": "1.2", "planned_values": ["root_module": [:] as [String: Any]],
            "resource_changes": changes, "configuration": ["root_module": ["resources": config]],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: plan, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    @Test("Terraform: tags_all (default_tags included) selects the rule; a tag known only after apply is unknown")
    func terraformTags() throws {
        let text = Self.plan(keys: [
            (
                "aws_kms_key.pci", ["enable_key_rotation": true, "tags": [:] as [String: Any], "tags_all": ["data-classification": "pci"]],
                [:]
            ),
            (
                "aws_kms_key.open", ["enable_key_rotation": true, "tags": [:] as [String: Any], "tags_all": [:] as [String: Any]],
                ["tags_all": ["data-classification": true]]
            ),
            ("aws_kms_key.later", ["enable_key_rotation": true, "tags": ["team": "a"]], ["tags_all": true]),
            ("aws_kms_key.plain", ["enable_key_rotation": true, "tags_all": ["team": "a"]], [:]),
        ])
        let found = try Self.findings(text, path: "plan.json")
        #expect(found["aws_kms_key.pci"]?.reason == .rotationPeriodTooLong)
        #expect(found["aws_kms_key.pci"]?.tags == ["data-classification": "pci"])
        let open = try #require(found["aws_kms_key.open"])
        #expect(open.reason == .unresolvedValue)
        #expect(open.message.contains("tag 'data-classification'"))
        #expect(open.location?.attribute == "tags")
        let later = try #require(found["aws_kms_key.later"])
        #expect(later.reason == .unresolvedValue)
        #expect(later.message.contains("tags_all is known only after apply"))
        #expect(later.tags == ["team": "a"])
        #expect(found["aws_kms_key.plain"]?.policyRule == "default")
    }

    @Test("Terraform: aws_kms_alias targets its key through the configuration's reference")
    func terraformAliases() throws {
        let text = Self.plan(
            keys: [
                ("aws_kms_key.old", ["enable_key_rotation": false, "is_enabled": false], [:]),
                ("aws_kms_key.other", ["enable_key_rotation": false, "is_enabled": false], [:]),
            ],
            aliases: [("aws_kms_alias.old", "alias/legacy-old", "aws_kms_key.old")])
        let found = try Self.findings(text, path: "plan.json")
        #expect(found["aws_kms_key.old"]?.aliases == ["alias/legacy-old"])
        #expect(found["aws_kms_key.old"]?.reason == .rotationDisabled)
        #expect(found["aws_kms_key.old"]?.policyRule == "legacy")
        #expect(found["aws_kms_key.other"]?.reason == .keyDisabled)
        #expect(found.count == 2)  // the alias is not a key
    }

    @Test("The example policy file judges the example templates with a rule on every finding")
    func examplePolicyFile() throws {
        let data = try Data(contentsOf: IaCFixture.root.appending(path: "Examples/policies/estate.json"))
        let policies = try PolicyResolver(policyFile: data)
        let scan = try IaCScan.read(paths: [IaCFixture.examples.path])
        let findings = scan.findings(policies: policies, accountId: "111122223333", region: "us-east-1")
        #expect(!findings.isEmpty)
        #expect(findings.allSatisfy { $0.policyRule != nil })
        let report = scan.report(policies: policies, generatedAt: Date(timeIntervalSince1970: 0))
        #expect(report.findings.count == findings.count)
    }
}
