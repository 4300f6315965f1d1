import Foundation
import KMSRotation
import Testing
@testable import KMSRotationIaC

/// Every rule the IaC path applies, on a CloudFormation template and on a Terraform plan: the same
/// verdicts as the live decision table, from the same `RotationChecker.evaluate`.
@Suite("IaC rule rows")
struct RuleRowTests {
    struct Row: CustomTestStringConvertible, Sendable {
        var name: String
        var cloudFormation: String?
        var terraform: String?
        var policy: RotationPolicy = .cis
        var reason: FindingReason
        /// The remediation command CloudFormation's and Terraform's findings carry, when non-compliant.
        var cfnFix: String?
        var tfFix: String?
        /// Text the message must contain (both dialects), if any.
        var says: [String] = []
        var testDescription: String { name }
    }

    static let strict = RotationPolicy(maximumRotationPeriodDays: 180)

    static let rows: [Row] = [
        Row(
            name: "rotation on", cloudFormation: IaCFixture.key(["EnableKeyRotation: true"]),
            terraform: IaCFixture.tfKey(["enable_key_rotation": true]), reason: .rotationEnabled),
        Row(
            name: "rotation off", cloudFormation: IaCFixture.key(["EnableKeyRotation: false"]),
            terraform: IaCFixture.tfKey(["enable_key_rotation": false]), reason: .rotationDisabled,
            cfnFix: "EnableKeyRotation: true", tfFix: "enable_key_rotation = true", says: ["is false"]),
        Row(
            name: "rotation absent", cloudFormation: IaCFixture.key(["Description: none"]),
            terraform: IaCFixture.tfKey(["description": "none"]), reason: .rotationDisabled,
            cfnFix: "EnableKeyRotation: true", tfFix: "enable_key_rotation = true", says: ["not set"]),
        Row(
            name: "rotation as the string 'true'", cloudFormation: IaCFixture.key(["EnableKeyRotation: \"true\""]),
            terraform: IaCFixture.tfKey(["enable_key_rotation": "true"]), reason: .rotationEnabled),
        Row(
            name: "rotation off, stricter policy: the fix sets the period too",
            cloudFormation: IaCFixture.key(["EnableKeyRotation: false"]),
            terraform: IaCFixture.tfKey(["enable_key_rotation": false]), policy: strict, reason: .rotationDisabled,
            cfnFix: "EnableKeyRotation: true, RotationPeriodInDays: 180",
            tfFix: "enable_key_rotation = true, rotation_period_in_days = 180"),
        Row(
            name: "period longer than the policy's maximum",
            cloudFormation: IaCFixture.key(["EnableKeyRotation: true", "RotationPeriodInDays: 365"]),
            terraform: IaCFixture.tfKey(["enable_key_rotation": true, "rotation_period_in_days": 365]), policy: strict,
            reason: .rotationPeriodTooLong, cfnFix: "RotationPeriodInDays: 180", tfFix: "rotation_period_in_days = 180"),
        Row(
            name: "period absent is AWS's 365, too long for a 180-day policy",
            cloudFormation: IaCFixture.key(["EnableKeyRotation: true"]),
            terraform: IaCFixture.tfKey(
                ["enable_key_rotation": true], unknown: ["rotation_period_in_days"],
                configured: ["enable_key_rotation": ["constant_value": true]]),
            policy: strict, reason: .rotationPeriodTooLong, cfnFix: "RotationPeriodInDays: 180", tfFix: "rotation_period_in_days = 180"),
        Row(
            name: "period within the maximum",
            cloudFormation: IaCFixture.key(["EnableKeyRotation: true", "RotationPeriodInDays: 90"]),
            terraform: IaCFixture.tfKey(["enable_key_rotation": true, "rotation_period_in_days": 90]), policy: strict,
            reason: .rotationEnabled),
        Row(
            name: "HMAC key", cloudFormation: IaCFixture.key(["KeySpec: HMAC_256", "KeyUsage: GENERATE_VERIFY_MAC"]),
            terraform: IaCFixture.tfKey(["customer_master_key_spec": "HMAC_256", "key_usage": "GENERATE_VERIFY_MAC"]), reason: .hmacKey),
        Row(
            name: "asymmetric key (RSA)", cloudFormation: IaCFixture.key(["KeySpec: RSA_2048", "KeyUsage: SIGN_VERIFY"]),
            terraform: IaCFixture.tfKey(["customer_master_key_spec": "RSA_2048"]), reason: .asymmetricKey),
        Row(
            name: "asymmetric key (ECC, rotation asked for)",
            cloudFormation: IaCFixture.key(["KeySpec: ECC_NIST_P256", "EnableKeyRotation: true"]),
            terraform: IaCFixture.tfKey(["customer_master_key_spec": "ECC_NIST_P256", "enable_key_rotation": true]),
            reason: .asymmetricKey),
        Row(
            name: "a key spec from the future", cloudFormation: IaCFixture.key(["KeySpec: QUANTUM_9000"]),
            terraform: IaCFixture.tfKey(["customer_master_key_spec": "QUANTUM_9000"]), reason: .unsupportedKeySpec),
        Row(
            name: "imported key material", cloudFormation: IaCFixture.key(["Origin: EXTERNAL"]),
            terraform: IaCFixture.plan([("aws_kms_external_key.k", "aws_kms_external_key", ["enabled": true], [], nil)]),
            reason: .importedKeyMaterial),
        Row(
            name: "CloudHSM key store", cloudFormation: nil,
            terraform: IaCFixture.tfKey(["custom_key_store_id": "cks-1234567890abcdef0"]), reason: .customKeyStore),
        Row(
            name: "external key store", cloudFormation: nil,
            terraform: IaCFixture.tfKey(["custom_key_store_id": "cks-1234567890abcdef0", "xks_key_id": "ext-1"]), reason: .customKeyStore),
        Row(
            name: "disabled key", cloudFormation: IaCFixture.key(["Enabled: false"]),
            terraform: IaCFixture.tfKey(["is_enabled": false]), reason: .keyDisabled),
        Row(
            name: "disabled key, disabled keys evaluated", cloudFormation: IaCFixture.key(["Enabled: false"]),
            terraform: IaCFixture.tfKey(["is_enabled": false]), policy: RotationPolicy(evaluateDisabledKeys: true),
            reason: .rotationDisabled, cfnFix: "EnableKeyRotation: true", tfFix: "enable_key_rotation = true"),
        Row(
            name: "a deletion window does not exempt a key",
            cloudFormation: IaCFixture.key(["PendingWindowInDays: 7"]),
            terraform: IaCFixture.tfKey(["deletion_window_in_days": 7]), reason: .rotationDisabled,
            cfnFix: "EnableKeyRotation: true", tfFix: "enable_key_rotation = true"),
        Row(
            name: "a deletion window does not fail a rotating key",
            cloudFormation: IaCFixture.key(["PendingWindowInDays: 7", "EnableKeyRotation: true"]),
            terraform: IaCFixture.tfKey(["deletion_window_in_days": 7, "enable_key_rotation": true]), reason: .rotationEnabled),
        Row(
            name: "rotation unknown before deploy",
            cloudFormation: IaCFixture.key(["EnableKeyRotation: !GetAtt Flags.Rotate"]),
            terraform: IaCFixture.tfKey(
                [:], unknown: ["enable_key_rotation"],
                configured: ["enable_key_rotation": ["references": ["var.x"]]]),
            reason: .unresolvedValue, says: ["before deploy"]),
        Row(
            name: "key spec unknown while rotation is on",
            cloudFormation: IaCFixture.key(["EnableKeyRotation: true", "KeySpec: !ImportValue spec"]),
            terraform: IaCFixture.tfKey(
                ["enable_key_rotation": true], unknown: ["customer_master_key_spec"],
                configured: ["customer_master_key_spec": ["references": ["var.spec"]]]),
            reason: .unresolvedValue),
        Row(
            name: "an unknown that cannot change the verdict (HMAC, rotation unknown)",
            cloudFormation: IaCFixture.key(["KeySpec: HMAC_256", "EnableKeyRotation: !ImportValue flag"]),
            terraform: IaCFixture.tfKey(
                ["customer_master_key_spec": "HMAC_256"], unknown: ["enable_key_rotation"],
                configured: ["enable_key_rotation": ["references": ["var.x"]]]),
            reason: .hmacKey),
        Row(
            name: "a wrongly typed value is not guessed", cloudFormation: IaCFixture.key(["EnableKeyRotation: maybe"]),
            terraform: IaCFixture.tfKey(["enable_key_rotation": "maybe"]), reason: .unresolvedValue, says: ["not a boolean"]),
    ]

    @Test("CloudFormation", arguments: rows.filter { $0.cloudFormation != nil })
    func cloudFormation(_ row: Row) throws {
        let finding = try IaCFixture.finding(try #require(row.cloudFormation), policy: row.policy)
        check(finding, row: row, fix: row.cfnFix)
        // The same template in JSON gives the same verdict (only the fix's spelling differs).
        #expect(finding.location?.resource == "Key")
    }

    @Test("Terraform", arguments: rows.filter { $0.terraform != nil })
    func terraform(_ row: Row) throws {
        let finding = try IaCFixture.finding(try #require(row.terraform), path: "plan.json", policy: row.policy)
        check(finding, row: row, fix: row.tfFix)
        #expect(finding.location?.resource.hasSuffix(".k") == true)
    }

    func check(_ finding: RotationFinding, row: Row, fix: String?) {
        #expect(finding.reason == row.reason, "\(finding.message)")
        #expect(finding.compliance == row.reason.compliance)
        #expect(finding.remediation?.command == fix)
        for text in row.says {
            #expect(finding.message.contains(text), "\(finding.message)")
        }
        #expect(finding.keyArn == nil && finding.region == nil && finding.accountId == nil)
    }

    @Test("The verdict is the live table's: the same key described by DescribeKey gets the same reason")
    func sameAsLive() throws {
        let finding = try IaCFixture.finding(
            IaCFixture.key(["EnableKeyRotation: true", "RotationPeriodInDays: 400"]),
            policy: RotationPolicy(maximumRotationPeriodDays: 365))
        let live = RotationChecker.evaluate(
            key: KMSKey(keyId: "Key", keyState: .enabled, origin: .awsKMS, keyManager: .customer, keySpec: .symmetricDefault),
            rotation: .status(KeyRotationStatus(keyRotationEnabled: true, rotationPeriodInDays: 400)),
            policy: RotationPolicy(maximumRotationPeriodDays: 365), now: Date(timeIntervalSince1970: 0))
        #expect(finding.reason == live.reason)
        #expect(finding.message.hasPrefix(live.message))
    }

    @Test("A parameter's Default decides, and the finding says so")
    func parameterDefault() throws {
        let header = ["Parameters:", "  Rotate:", "    Type: String", "    Default: \"false\""]
        let finding = try IaCFixture.finding(IaCFixture.key(["EnableKeyRotation: !Ref Rotate"], header: header))
        #expect(finding.reason == .rotationDisabled)
        #expect(finding.message.contains("Default of parameter Rotate"))
        let noDefault = ["Parameters:", "  Rotate:", "    Type: String"]
        let unknown = try IaCFixture.finding(IaCFixture.key(["EnableKeyRotation: !Ref Rotate"], header: noDefault))
        #expect(unknown.reason == .unresolvedValue)
        #expect(unknown.message.contains("EnableKeyRotation"))
        #expect(unknown.message.contains("without a Default"))
    }

    @Test("Fn::If: a condition the defaults decide picks its branch; an undecided one must agree on both branches")
    func conditions() throws {
        let header = [
            "Parameters:", "  Env:", "    Type: String", "    Default: prod", "  Other:", "    Type: String",
            "Conditions:", "  IsProd: !Equals [!Ref Env, prod]", "  IsOther: !Equals [!Ref Other, x]",
        ]
        let decided = try IaCFixture.finding(IaCFixture.key(["EnableKeyRotation: !If [IsProd, true, false]"], header: header))
        #expect(decided.reason == .rotationEnabled)
        #expect(decided.message.contains("condition IsProd is true"))
        let agreeing = try IaCFixture.finding(IaCFixture.key(["EnableKeyRotation: !If [IsOther, true, true]"], header: header))
        #expect(agreeing.reason == .rotationEnabled)
        let split = try IaCFixture.finding(IaCFixture.key(["EnableKeyRotation: !If [IsOther, true, !Ref AWS::NoValue]"], header: header))
        #expect(split.reason == .unresolvedValue)
    }

    @Test("Replicas: judged with a primary in the same file, NOT_APPLICABLE with a pointer when it is elsewhere")
    func replicas() throws {
        let template = IaCFixture.yaml([
            ("Primary", "AWS::KMS::Key", ["MultiRegion: true"]),
            ("Replica", "AWS::KMS::ReplicaKey", ["PrimaryKeyArn: !GetAtt Primary.Arn", "KeyPolicy: {}"]),
            ("Disabled", "AWS::KMS::ReplicaKey", ["PrimaryKeyArn: !GetAtt Primary.Arn", "Enabled: false", "KeyPolicy: {}"]),
            ("Other", "AWS::KMS::ReplicaKey", ["PrimaryKeyArn: arn:aws:kms:us-east-1:111122223333:key/mrk-1", "KeyPolicy: {}"]),
            ("Imported", "AWS::KMS::ReplicaKey", ["PrimaryKeyArn: !ImportValue primary-arn", "KeyPolicy: {}"]),
        ])
        let findings = Dictionary(uniqueKeysWithValues: try IaCFixture.findings(template).map { ($0.keyId, $0) })
        let replica = try #require(findings["Replica"])
        #expect(replica.reason == .rotationDisabled)
        #expect(replica.remediation?.keyArn == "Primary")
        #expect(replica.remediation?.command == "EnableKeyRotation: true")
        #expect(replica.key.multiRegionKeyType == .replica)
        #expect(findings["Disabled"]?.reason == .keyDisabled)
        #expect(findings["Other"]?.reason == .primaryKeyElsewhere)
        #expect(findings["Other"]?.message.contains("arn:aws:kms:us-east-1:111122223333:key/mrk-1") == true)
        #expect(findings["Imported"]?.reason == .primaryKeyElsewhere)
        #expect(findings["Imported"]?.message.contains("!ImportValue primary-arn") == true)

        let rotating = template.replacingOccurrences(of: "MultiRegion: true", with: "MultiRegion: true\n      EnableKeyRotation: true")
        let judged = try IaCFixture.findings(rotating).first { $0.keyId == "Replica" }
        #expect(judged?.reason == .rotationEnabled)
    }

    @Test("Terraform replicas: linked by the configuration's reference or a known ARN, else elsewhere")
    func terraformReplicas() throws {
        let plan = IaCFixture.plan([
            ("aws_kms_key.primary", "aws_kms_key", ["multi_region": true, "enable_key_rotation": false], [], [:]),
            (
                "aws_kms_replica_key.linked", "aws_kms_replica_key", ["enabled": true], ["primary_key_arn"],
                ["primary_key_arn": ["references": ["aws_kms_key.primary.arn", "aws_kms_key.primary"]]]
            ),
            (
                "aws_kms_replica_key.elsewhere", "aws_kms_replica_key",
                ["primary_key_arn": "arn:aws:kms:us-east-1:111122223333:key/mrk-9"], [], [:]
            ),
            (
                "aws_kms_replica_external_key.imported", "aws_kms_replica_external_key", ["enabled": true], ["primary_key_arn"],
                ["primary_key_arn": ["references": ["aws_kms_external_key.nowhere.arn"]]]
            ),
        ])
        let findings = Dictionary(uniqueKeysWithValues: try IaCFixture.findings(plan, path: "plan.json").map { ($0.keyId, $0) })
        #expect(findings["aws_kms_replica_key.linked"]?.reason == .rotationDisabled)
        #expect(findings["aws_kms_replica_key.linked"]?.remediation?.keyArn == "aws_kms_key.primary")
        #expect(findings["aws_kms_replica_key.linked"]?.remediation?.command == "enable_key_rotation = true")
        #expect(findings["aws_kms_replica_key.elsewhere"]?.reason == .primaryKeyElsewhere)
        #expect(findings["aws_kms_replica_external_key.imported"]?.reason == .primaryKeyElsewhere)
    }

    @Test("Terraform: an attribute unknown only because the provider computes its default counts as not set")
    func computedDefault() throws {
        let configured = IaCFixture.tfKey(
            ["enable_key_rotation": true], unknown: ["rotation_period_in_days"],
            configured: ["rotation_period_in_days": ["references": ["var.period"]]])
        let unknown = try IaCFixture.finding(configured, path: "plan.json", policy: Self.strict)
        #expect(unknown.reason == .unresolvedValue)
        #expect(unknown.message.contains("rotation_period_in_days is known only after apply"))
        #expect(unknown.location?.attribute == "rotation_period_in_days")
        // Without a maximum, every period passes: the unknown does not matter.
        #expect(try IaCFixture.finding(configured, path: "plan.json").reason == .rotationEnabled)
    }

    @Test("Nothing in an IaC finding depends on the clock")
    func clockFree() throws {
        let text = IaCFixture.key(["EnableKeyRotation: true"])
        let first = try IaCFixture.findings(text)
        let second = try IaCFixture.findings(text)
        #expect(first == second)
        #expect(first.first?.rotation?.nextRotationDate == nil)
    }
}
