import Foundation
import KMSRotation

/// A scalar as a template or plan writes it.
enum ScalarValue: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case number(String)
    case bool(Bool)

    init?(_ node: TreeNode) {
        switch node.value {
        case .string(let text): self = .string(text)
        case .number(let text): self = .number(text)
        case .bool(let flag): self = .bool(flag)
        case .null, .object, .array: return nil
        }
    }

    /// As a boolean, the way CloudFormation and Terraform coerce `"true"` / `"false"`.
    var bool: Bool? {
        switch self {
        case .bool(let flag): flag
        case .string(let text), .number(let text):
            switch text.lowercased() {
            case "true": true
            case "false": false
            default: nil
            }
        }
    }

    /// As a whole number (`365`, `"365"`, `365.0`).
    var int: Int? {
        switch self {
        case .bool: nil
        case .string(let text), .number(let text):
            Int(text) ?? Double(text).flatMap { $0.rounded() == $0 && abs($0) < 1e9 ? Int($0) : nil }
        }
    }

    var text: String {
        switch self {
        case .string(let text), .number(let text): text
        case .bool(let flag): flag ? "true" : "false"
        }
    }

    var description: String {
        switch self {
        case .string(let text): "'\(text)'"
        case .number(let text): text
        case .bool(let flag): flag ? "true" : "false"
        }
    }
}

/// What one attribute of a key declaration holds before deploy.
struct AttributeValue: Sendable {
    /// The values it can take: `nil` inside means "not set" (the service's default applies). `nil` for the
    /// whole list means anything (known only after apply, or an intrinsic that cannot be resolved).
    var candidates: [ScalarValue?]?
    /// Why the value is not one known literal (`known only after apply`, `!GetAtt Key.Arn cannot be…`).
    var why: String?
    /// A note the finding must carry when the value came from somewhere other than a literal
    /// (`the Default of parameter Rotate`).
    var note: String?
    /// Where the attribute is written.
    var position: TextPosition?

    static let absent = AttributeValue(candidates: [nil])

    static func known(_ value: ScalarValue, at position: TextPosition?) -> AttributeValue {
        AttributeValue(candidates: [value], position: position)
    }

    static func unknown(_ why: String, at position: TextPosition?) -> AttributeValue {
        AttributeValue(candidates: nil, why: why, position: position)
    }

    /// Whether this is exactly one value (set or not).
    var isSettled: Bool { candidates?.count == 1 }
}

/// The attributes of a key that the decision table reads, whatever the dialect calls them.
enum KeyAttribute: String, Sendable, CaseIterable {
    case rotationEnabled, rotationPeriod, keySpec, origin, enabled, customKeyStore, xksKey
}

/// The kinds of resource read.
enum ResourceKind: String, Sendable {
    case cloudFormationKey = "AWS::KMS::Key"
    case cloudFormationReplica = "AWS::KMS::ReplicaKey"
    case terraformKey = "aws_kms_key"
    case terraformExternalKey = "aws_kms_external_key"
    case terraformReplica = "aws_kms_replica_key"
    case terraformReplicaExternal = "aws_kms_replica_external_key"

    var isReplica: Bool {
        self == .cloudFormationReplica || self == .terraformReplica || self == .terraformReplicaExternal
    }

    /// Keys whose material is imported whatever their attributes say.
    var isExternal: Bool { self == .terraformExternalKey || self == .terraformReplicaExternal }

    var isTerraform: Bool { !rawValue.hasPrefix("AWS::") }
}

/// How a replica names its primary.
enum PrimaryReference: Sendable, Hashable {
    /// A key declared in the same document, by its ID (logical ID or address).
    case declared(String)
    /// A key outside the document: what the file says (an ARN, `Fn::ImportValue x`).
    case elsewhere(String)
}

/// One KMS key resource as a template or plan declares it.
struct KeyDeclaration: Sendable {
    /// The logical ID or the resource instance address.
    var id: String
    var kind: ResourceKind
    var position: TextPosition?
    var attributes: [KeyAttribute: AttributeValue] = [:]
    /// For replicas: where the primary is.
    var primary: PrimaryReference?
    /// The known ARN (Terraform resources that already exist), to link replicas by ARN.
    var arn: String?
    /// Where the replica's primary reference is written.
    var primaryPosition: TextPosition?
    /// Notes the finding carries (a resource condition, a deleted-and-recreated key…).
    var notes: [String] = []
    /// The tags the resource sets, as far as they are known before deploy (policy rules read them).
    var tags = DeclaredTags()
    /// The aliases that target this key in the same document (policy rules read them).
    var aliases: [String] = []
    /// The `key_id` a Terraform plan already knows (an existing key), to link aliases by it.
    var knownKeyId: String?

    func attribute(_ key: KeyAttribute) -> AttributeValue { attributes[key] ?? .absent }
}

/// The tags a key declaration sets, as far as they are known before deploy.
struct DeclaredTags: Sendable {
    /// Tags whose key and value are both known.
    var known: [String: String] = [:]
    /// Tags present whose value is not known, with why (`!Ref Team names a parameter without a Default`).
    var unknown: [String: String] = [:]
    /// Why other tags may exist that the file does not show (a `Tags` that is an intrinsic, `tags_all`
    /// known only after apply); `nil` when the known and unknown tags are all there is.
    var others: String?
    /// Where the tags are written.
    var position: TextPosition?

    /// Whether the resource sets no tag at all that could be read or guessed.
    var isEmpty: Bool { known.isEmpty && unknown.isEmpty && others == nil }
}

/// The dialect a document writes attributes in, for names and fixes.
enum Dialect: Sendable {
    case cloudFormationJSON, cloudFormationYAML, terraform

    /// The attribute's name; `replica` picks Terraform's `enabled` over `is_enabled` (every type but
    /// `aws_kms_key` says `enabled`).
    func name(of attribute: KeyAttribute, replica: Bool = false) -> String {
        switch self {
        case .cloudFormationJSON, .cloudFormationYAML:
            switch attribute {
            case .rotationEnabled: "EnableKeyRotation"
            case .rotationPeriod: "RotationPeriodInDays"
            case .keySpec: "KeySpec"
            case .origin: "Origin"
            case .enabled: "Enabled"
            case .customKeyStore: "CustomKeyStoreId"
            case .xksKey: "XksKeyId"
            }
        case .terraform:
            switch attribute {
            case .rotationEnabled: "enable_key_rotation"
            case .rotationPeriod: "rotation_period_in_days"
            case .keySpec: "customer_master_key_spec"
            case .origin: "origin"
            case .enabled: replica ? "enabled" : "is_enabled"
            case .customKeyStore: "custom_key_store_id"
            case .xksKey: "xks_key_id"
            }
        }
    }

    var tagsAttributeName: String {
        self == .terraform ? "tags" : "Tags"
    }

    var primaryAttributeName: String {
        self == .terraform ? "primary_key_arn" : "PrimaryKeyArn"
    }

    /// The exact text to set rotation (and the period when `period` is given).
    func rotationFix(enable: Bool, period: Int?) -> String {
        var parts: [String] = []
        switch self {
        case .cloudFormationYAML:
            if enable { parts.append("EnableKeyRotation: true") }
            if let period { parts.append("RotationPeriodInDays: \(period)") }
        case .cloudFormationJSON:
            if enable { parts.append("\"EnableKeyRotation\": true") }
            if let period { parts.append("\"RotationPeriodInDays\": \(period)") }
        case .terraform:
            if enable { parts.append("enable_key_rotation = true") }
            if let period { parts.append("rotation_period_in_days = \(period)") }
        }
        return parts.joined(separator: ", ")
    }
}
