import Foundation
import KMSRotation

/// One Terraform plan (`terraform show -json PLAN`) or CloudFormation template (JSON or YAML), read and
/// ready to be judged by the same decision table as live keys.
///
/// ```swift
/// let document = try IaCDocument(contentsOf: URL(fileURLWithPath: "stack.yaml"), path: "stack.yaml")
/// for finding in document.findings(policy: .cis) where finding.compliance == .nonCompliant {
///     print(finding.location?.line ?? 0, finding.keyId, finding.remediation?.command ?? "")
/// }
/// ```
///
/// Findings carry a ``KMSRotation/FindingLocation`` (file, logical ID or address, line and column of the
/// resource and of the attribute the verdict turned on), have no key ARN, account or Region, and for
/// `NON_COMPLIANT` keys a remediation whose `command` is the exact attribute to set
/// (`EnableKeyRotation: true`, `enable_key_rotation = true`). Nothing in them depends on the clock.
public struct IaCDocument: Sendable {
    /// What a document is.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A Terraform plan in the JSON output format.
        case terraformPlan
        /// A CloudFormation template written in JSON (including CDK's `cdk.out/*.template.json`).
        case cloudFormationJSON
        /// A CloudFormation template written in YAML.
        case cloudFormationYAML
    }

    /// The largest template read (CloudFormation itself accepts 1 MB).
    public static let maximumTemplateBytes = 16 << 20
    /// The largest plan read. Plans are streamed, so memory stays far below this.
    public static let maximumPlanBytes = 2 << 30

    /// The file, as given; findings name it.
    public let path: String
    /// What the file is.
    public let kind: Kind
    let declarations: [KeyDeclaration]

    /// The logical IDs (templates) or resource instance addresses (plans) of the KMS keys declared.
    public var resourceIDs: [String] { declarations.map(\.id) }

    /// Reads a file. Plans are memory-mapped and streamed, so a 50 MB plan needs little memory.
    /// - Parameters:
    ///   - url: The file.
    ///   - path: How findings name the file (a repository-relative path, for SARIF); the URL's path by default.
    /// - Throws: ``IaCError``: `unreadable`, `tooLarge`, `malformed` (with the line), or
    ///   `notInfrastructureAsCode` for a file that is neither a plan nor a template.
    public init(contentsOf url: URL, path: String? = nil) throws(IaCError) {
        let name = path ?? url.path
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw IaCError(kind: .unreadable, file: name, message: "cannot read the file: \(error.localizedDescription)")
        }
        try self.init(data: data, path: name)
    }

    /// Reads a file's contents.
    /// - Parameters:
    ///   - data: The file's bytes.
    ///   - path: How findings name the file.
    /// - Throws: ``IaCError``, as ``init(contentsOf:path:)``.
    public init(data: Data, path: String) throws(IaCError) {
        self.path = path
        guard data.count <= Self.maximumPlanBytes else {
            throw IaCError(kind: .tooLarge, file: path, message: "the file is larger than \(Self.maximumPlanBytes >> 20) MiB")
        }
        let first = data.withUnsafeBytes { buffer -> UInt8? in
            var scanner = JSONScanner(bytes: buffer)
            return scanner.peek()
        }
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
            (kind, declarations) = try Self.readJSON(data, path: path)
        } else {
            (kind, declarations) = try Self.readYAML(data, path: path)
        }
    }

    /// Judges every KMS key the document declares, with the same decision table as a live scan.
    /// - Parameter policy: The policy; `.cis` by default. Its maximum period is checked against
    ///   `RotationPeriodInDays` / `rotation_period_in_days`.
    /// - Returns: One finding per key (per resource instance for plans), in the order the file declares them.
    public func findings(policy: RotationPolicy = .cis) -> [RotationFinding] {
        findings(policies: PolicyResolver(policy))
    }

    /// Judges every KMS key the document declares by the policy rule that covers it, as a live scan does.
    ///
    /// A rule reads what the file says: the tags the resource sets (CloudFormation `Tags`, Terraform
    /// `tags_all` or `tags`) and the aliases of the same document that target it (`AWS::KMS::Alias`,
    /// `aws_kms_alias`), plus the account and Region you give. When what a rule reads is not known before deploy
    /// (a tag's value from a parameter without a Default or known only after apply, the account or Region not
    /// given), every rule that could apply is tried: if they agree, that is the verdict; if not, the finding is
    /// `INSUFFICIENT_DATA` (`unresolvedValue`) and names what is unknown. Findings record the rule
    /// (`RotationFinding.policyRule`, unless one policy judges every key) and the known tags.
    /// - Parameters:
    ///   - policies: The rules (a `PolicyResolver`, for example from a policy file).
    ///   - accountId: The account the document deploys to; `nil` when not known.
    ///   - region: The Region the document deploys to; `nil` when not known.
    /// - Returns: One finding per key, in the order the file declares them.
    public func findings(policies: PolicyResolver, accountId: String? = nil, region: String? = nil) -> [RotationFinding] {
        DeclarationJudge(
            declarations: declarations, dialect: dialect, file: path, resolver: policies,
            accountId: accountId, region: region
        ).findings()
    }

    var dialect: Dialect {
        switch kind {
        case .terraformPlan: .terraform
        case .cloudFormationJSON: .cloudFormationJSON
        case .cloudFormationYAML: .cloudFormationYAML
        }
    }

    // MARK: - Reading

    private static func malformed(_ error: SyntaxError, path: String, what: String) -> IaCError {
        IaCError(
            kind: .malformed, file: path, line: error.position?.line, column: error.position?.column,
            message: "\(what): \(error.message)")
    }

    /// Whether the start of a file that failed to parse says it meant to be a plan or a template, so that
    /// the failure is an error rather than a skipped file.
    private static func looksLikeIaC(_ data: Data) -> Bool {
        let head = String(decoding: data.prefix(64 << 10), as: UTF8.self)
        return ["\"format_version\"", "\"Resources\"", "AWSTemplateFormatVersion", "\nResources:", "\"resource_changes\""]
            .contains { head.contains($0) } || head.hasPrefix("Resources:")
    }

    private static func readJSON(_ data: Data, path: String) throws(IaCError) -> (Kind, [KeyDeclaration]) {
        // A first pass reads only the top-level member names.
        var keys = Set<String>()
        do {
            try data.withUnsafeBytes { buffer in
                var scanner = JSONScanner(bytes: buffer)
                guard scanner.peek() == UInt8(ascii: "{") else {
                    try scanner.skipValue(depth: 0)
                    try scanner.expectEnd()
                    return
                }
                try scanner.forEachMember(depth: 0) { scanner, key, _ in
                    keys.insert(key)
                    try scanner.skipValue(depth: 1)
                }
                try scanner.expectEnd()
            }
        } catch let error as SyntaxError {
            guard looksLikeIaC(data) else {
                throw IaCError(
                    kind: .notInfrastructureAsCode, file: path, line: error.position?.line,
                    message: "not a Terraform plan or CloudFormation template (not valid JSON: \(error.message))")
            }
            throw malformed(error, path: path, what: "invalid JSON")
        } catch {
            throw IaCError(kind: .malformed, file: path, message: "invalid JSON: \(error)")
        }

        if TerraformPlanReader.isPlan(topLevelKeys: keys) {
            var reader = TerraformPlanReader()
            do {
                try data.withUnsafeBytes { buffer in
                    var scanner = JSONScanner(bytes: buffer)
                    try reader.read(&scanner)
                }
            } catch let error as SyntaxError {
                throw malformed(error, path: path, what: "invalid Terraform plan")
            } catch {
                throw IaCError(kind: .malformed, file: path, message: "invalid Terraform plan: \(error)")
            }
            guard let version = reader.formatVersion, version.split(separator: ".").first == "1" else {
                throw IaCError(
                    kind: .malformed, file: path, line: 1,
                    message: "Terraform plan format_version \(reader.formatVersion.map { "'\($0)'" } ?? "(missing)") is not 1.x")
            }
            return (.terraformPlan, reader.declarations())
        }
        guard keys.contains("Resources") else {
            throw IaCError(
                kind: .notInfrastructureAsCode, file: path,
                message: "not a Terraform plan (no format_version and planned_values) or CloudFormation template (no Resources)")
        }
        guard data.count <= maximumTemplateBytes else {
            throw IaCError(kind: .tooLarge, file: path, message: "a template larger than \(maximumTemplateBytes >> 20) MiB")
        }
        let root: TreeNode
        do {
            root = try TreeNode.parseJSON(data)
        } catch {
            throw malformed(error, path: path, what: "invalid JSON")
        }
        return try template(root, path: path, dialect: .cloudFormationJSON)
    }

    private static func readYAML(_ data: Data, path: String) throws(IaCError) -> (Kind, [KeyDeclaration]) {
        guard data.count <= maximumTemplateBytes else {
            throw IaCError(kind: .tooLarge, file: path, message: "a YAML file larger than \(maximumTemplateBytes >> 20) MiB")
        }
        if data.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            // `terraform plan -out` writes a zip archive.
            throw IaCError(
                kind: .notInfrastructureAsCode, file: path,
                message: "a binary Terraform plan: convert it with terraform show -json PLAN > plan.json")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw IaCError(
                kind: .notInfrastructureAsCode, file: path,
                message: "not a Terraform plan or CloudFormation template (not UTF-8 text)")
        }
        let root: TreeNode?
        do {
            root = try YAMLTree.parse(text)
        } catch {
            guard looksLikeIaC(data) else {
                throw IaCError(
                    kind: .notInfrastructureAsCode, file: path, line: error.position?.line,
                    message: "not a Terraform plan or CloudFormation template (not valid YAML: \(error.message))")
            }
            throw malformed(error, path: path, what: "invalid YAML")
        }
        guard let root, root.isObject, root.member("Resources") != nil else {
            throw IaCError(kind: .notInfrastructureAsCode, file: path, message: "not a CloudFormation template (no Resources)")
        }
        return try template(root, path: path, dialect: .cloudFormationYAML)
    }

    private static func template(_ root: TreeNode, path: String, dialect: Dialect) throws(IaCError) -> (Kind, [KeyDeclaration]) {
        guard CloudFormationReader.isTemplate(root) else {
            let position = root.member("Resources")?.keyPosition
            throw IaCError(
                kind: .malformed, file: path, line: position?.line, column: position?.column,
                message: "invalid CloudFormation template: Resources is not a mapping of logical IDs to resources")
        }
        let declarations = CloudFormationReader(root: root, dialect: dialect).declarations()
        return (dialect == .cloudFormationJSON ? .cloudFormationJSON : .cloudFormationYAML, declarations)
    }
}
