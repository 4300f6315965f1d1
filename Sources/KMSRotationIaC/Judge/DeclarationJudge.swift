import Foundation
import KMSRotation

/// Turns key declarations into findings with the library's one decision table.
///
/// Each declaration becomes the `KMSKey` and `KeyRotationStatus` that DescribeKey and
/// GetKeyRotationStatus would report once deployed; the library's pure `RotationPolicy.decide` judges it and
/// `RotationFinding(_:key:now:)` renders the finding, as for a live key. A value not known before deploy
/// is tried at every value that can change the verdict (its
/// candidates: both branches of an `Fn::If`, a parameter's `AllowedValues`, or every class of value for
/// one known only after apply): when every try gives the same verdict, that is the verdict; otherwise the
/// finding is `INSUFFICIENT_DATA` (`unresolvedValue`) and names the attributes it turned on.
struct DeclarationJudge {
    /// The evaluation time. No IaC finding depends on it: nothing planned has a next-rotation date.
    static let evaluationDate = Date(timeIntervalSince1970: 0)
    /// The most combinations of unknown values tried for one key.
    static let maximumCombinations = 4096

    let declarations: [KeyDeclaration]
    let dialect: Dialect
    let file: String
    /// Which policy judges each key (the rules of a policy file, or one policy).
    let resolver: PolicyResolver
    /// The account and Region the document deploys to, when given: policy rules read them.
    var accountId: String?
    var region: String?
    /// The policy of the pass under way: the resolver's rule for the key (or each rule that could apply).
    private var policy: RotationPolicy

    init(
        declarations: [KeyDeclaration], dialect: Dialect, file: String, resolver: PolicyResolver,
        accountId: String? = nil, region: String? = nil
    ) {
        self.declarations = declarations
        self.dialect = dialect
        self.file = file
        self.resolver = resolver
        self.accountId = accountId
        self.region = region
        self.policy = resolver.defaultPolicy
    }

    func findings() -> [RotationFinding] {
        declarations.map(finding)
    }

    // MARK: - Policy rules

    /// Judges a declaration by the rule that covers it. When what the rules read (a tag's value, the account,
    /// the Region) is not known, every rule that could apply is tried: one verdict if they agree, else
    /// `INSUFFICIENT_DATA` (`unresolvedValue`) naming what is unknown.
    func finding(for declaration: KeyDeclaration) -> RotationFinding {
        let context = KeyContext(
            accountId: accountId, region: region, aliases: declaration.aliases,
            tags: declaration.tags.known)
        let unknown = UnknownKeyContext(
            account: accountId == nil, region: region == nil,
            tagKeys: Set(declaration.tags.unknown.keys), otherTags: declaration.tags.others != nil)
        let candidates = resolver.candidates(for: context, unknown: unknown)
        let results = candidates.map { rule in
            var judge = self
            judge.policy = rule?.policy ?? resolver.defaultPolicy
            return (rule: rule, finding: judge.judged(declaration))
        }
        var finding: RotationFinding
        var ruleName: String
        if let first = results.first, results.allSatisfy({ $0.finding.reason == first.finding.reason }) {
            finding = first.finding
            ruleName = first.rule?.name ?? "default"
        } else {
            finding = ruleUnresolved(declaration, results: results, unknown: unknown)
            ruleName = candidates.map { $0?.name ?? "default" }.joined(separator: " | ")
        }
        finding.aliases = declaration.aliases.sorted()  // as on live findings, whatever the policy
        if !resolver.isSinglePolicy {
            finding.policyRule = ruleName
            if !declaration.tags.known.isEmpty { finding.tags = declaration.tags.known }
        }
        return finding
    }

    /// The finding of a key whose rule is not known before deploy and whose verdict depends on it.
    private func ruleUnresolved(
        _ declaration: KeyDeclaration, results: [(rule: PolicyRule?, finding: RotationFinding)],
        unknown: UnknownKeyContext
    ) -> RotationFinding {
        var whys: [String] = []
        let rules = results.compactMap(\.rule)
        for (name, why) in declaration.tags.unknown.sorted(by: { $0.key < $1.key })
        where rules.contains(where: { $0.tags?[name] != nil }) {
            whys.append("tag '\(name)': \(why)")
        }
        if let others = declaration.tags.others, rules.contains(where: { $0.tags != nil }) { whys.append(others) }
        if unknown.account, rules.contains(where: { $0.accountIds != nil }) { whys.append("the account (give --account-id)") }
        if unknown.region, rules.contains(where: { $0.regions != nil }) { whys.append("the Region (give --region)") }
        let verdicts = results.map { result in
            let who = result.rule.map { "rule '\($0.name)'" } ?? "the default"
            return "\(who) gives \(result.finding.compliance.rawValue) (\(result.finding.reason.rawValue))"
        }
        let message =
            "Which policy rule judges this key depends on what is not known before deploy: "
            + "\(whys.isEmpty ? "its tags" : whys.joined(separator: "; ")). " + verdicts.joined(separator: ", ") + "."
        let first = results.first?.finding
        var finding = RotationFinding(
            keyArn: nil, keyId: declaration.id, accountId: nil, region: nil, reason: .unresolvedValue,
            message: message, key: first?.key ?? .init(keyManager: .customer))
        let onTags = !declaration.tags.unknown.isEmpty || declaration.tags.others != nil
        finding.location =
            onTags
            ? location(declaration, attribute: dialect.tagsAttributeName, at: declaration.tags.position)
            : location(declaration, attribute: nil, at: nil)
        return finding
    }

    // MARK: - One policy

    private var byID: [String: KeyDeclaration] {
        Dictionary(declarations.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Judges a declaration by ``policy``.
    func judged(_ declaration: KeyDeclaration) -> RotationFinding {
        // A replica is judged with its primary's rotation, spec and origin, and its own state.
        var source = declaration
        if declaration.kind.isReplica {
            guard case .declared(let primaryID) = declaration.primary, let primary = byID[primaryID], !primary.kind.isReplica else {
                return primaryElsewhere(declaration)
            }
            source = primary
        }
        var attributes: [KeyAttribute: AttributeValue] = [:]
        for attribute in KeyAttribute.allCases {
            attributes[attribute] = normalized(attribute, (attribute == .enabled ? declaration : source).attribute(attribute))
        }

        // Every combination of the candidates of the attributes not settled before deploy.
        let open = KeyAttribute.allCases.filter { !(attributes[$0]?.isSettled ?? true) }
        let domains = open.map { attribute in attributes[attribute]?.candidates ?? domain(of: attribute) }
        var combinations: [[KeyAttribute: ScalarValue?]] = [[:]]
        for (attribute, values) in zip(open, domains) {
            combinations = combinations.flatMap { partial in values.map { value in partial.merging([attribute: value]) { _, new in new } } }
            if combinations.count > Self.maximumCombinations { break }
        }
        let settled = attributes.compactMapValues { $0.isSettled ? $0.candidates?.first ?? nil : nil }
        var results: [(values: [KeyAttribute: ScalarValue?], judged: Judged)] = []
        for combination in combinations.prefix(Self.maximumCombinations) {
            var values: [KeyAttribute: ScalarValue?] = settled.mapValues { Optional($0) }
            values.merge(combination) { _, new in new }
            results.append((values, evaluate(values, declaration: declaration, source: source)))
        }
        let reasons = Set(results.map(\.judged.reason))
        guard reasons.count == 1, var finding = results.first?.judged.finding else {
            return unresolved(declaration, attributes: attributes, open: open, results: results)
        }
        decorate(&finding, declaration: declaration, source: source, attributes: attributes)
        return finding
    }

    // MARK: - Building the key

    private func evaluate(_ values: [KeyAttribute: ScalarValue?], declaration: KeyDeclaration, source: KeyDeclaration) -> Judged {
        func value(_ attribute: KeyAttribute) -> ScalarValue? { values[attribute] ?? nil }
        let enabled = value(.enabled)?.bool ?? true
        var origin = value(.origin).map { KeyOrigin(rawValue: $0.text) } ?? .awsKMS
        if source.kind.isExternal || declaration.kind.isExternal { origin = .external }
        let customKeyStore = value(.customKeyStore)?.text
        if customKeyStore != nil { origin = value(.xksKey) != nil ? .externalKeyStore : .awsCloudHSM }
        var multiRegion: MultiRegionConfiguration?
        if declaration.kind.isReplica {
            multiRegion = MultiRegionConfiguration(
                multiRegionKeyType: .replica,
                primaryKey: MultiRegionKey(arn: source.arn ?? source.id, region: nil))
        }
        let key = KMSKey(
            keyId: declaration.id, enabled: enabled, keyState: enabled ? .enabled : .disabled, origin: origin,
            customKeyStoreId: customKeyStore, keyManager: .customer,
            keySpec: value(.keySpec).map { KeySpec(rawValue: $0.text) } ?? .symmetricDefault,
            multiRegion: declaration.kind.isReplica ? true : nil, multiRegionConfiguration: multiRegion)
        let status = KeyRotationStatus(
            keyRotationEnabled: value(.rotationEnabled)?.bool ?? false,
            rotationPeriodInDays: value(.rotationPeriod)?.int)
        return Judged(key: key, decision: policy.decide(key: key, rotation: .status(status)))
    }

    /// One try: the key as it would be described, and the table's decision on it.
    private struct Judged {
        var key: KMSKey
        var decision: RotationDecision
        var reason: FindingReason { decision.reason }
        /// The finding the library renders from the decision (messages live in one place, FindingText).
        var finding: RotationFinding { RotationFinding(decision, key: key, now: DeclarationJudge.evaluationDate) }
    }

    /// The values an attribute known only after apply is tried at: one of each class the table tells apart.
    private func domain(of attribute: KeyAttribute) -> [ScalarValue?] {
        switch attribute {
        case .rotationEnabled:
            return [.bool(false), .bool(true)]
        case .rotationPeriod:
            var periods = [365, 90, 2560]
            if let maximum = policy.maximumRotationPeriodDays {
                periods += [maximum, maximum + 1].filter { RotationPolicy.allowedRotationPeriodDays.contains($0) }
            }
            return [nil] + periods.map { .number(String($0)) }
        case .keySpec:
            return [nil, .string("HMAC_256"), .string("RSA_2048")]
        case .origin:
            return [nil, .string("EXTERNAL")]
        case .enabled:
            return [.bool(true), .bool(false)]
        case .customKeyStore:
            return [nil, .string("cks-known-after-apply")]
        case .xksKey:
            return [nil, .string("xks-known-after-apply")]
        }
    }

    /// A value of the wrong type (`EnableKeyRotation: maybe`) is treated as unknown, never guessed.
    private func normalized(_ attribute: KeyAttribute, _ value: AttributeValue) -> AttributeValue {
        guard let candidates = value.candidates else { return value }
        let name = dialect.name(of: attribute)
        for candidate in candidates.compactMap({ $0 }) {
            switch attribute {
            case .rotationEnabled, .enabled:
                if candidate.bool == nil { return .unknown("\(name) is \(candidate), not a boolean", at: value.position) }
            case .rotationPeriod:
                if candidate.int == nil { return .unknown("\(name) is \(candidate), not a whole number", at: value.position) }
            default:
                break
            }
        }
        return value
    }

    // MARK: - Findings

    private func location(_ declaration: KeyDeclaration, attribute: String?, at position: TextPosition?) -> FindingLocation {
        FindingLocation(
            file: file, resource: declaration.id, line: declaration.position?.line, column: declaration.position?.column,
            attribute: attribute, attributeLine: position?.line, attributeColumn: position?.column)
    }

    /// Adds what only a file can say to a finding of the table: where, the exact attribute to set, and
    /// where a value came from.
    private func decorate(
        _ finding: inout RotationFinding, declaration: KeyDeclaration, source: KeyDeclaration,
        attributes: [KeyAttribute: AttributeValue]
    ) {
        let replica = declaration.kind.isReplica
        let turnedOn: KeyAttribute? =
            switch finding.reason {
            case .rotationDisabled: .rotationEnabled
            case .rotationPeriodTooLong, .rotationEnabled: attributes[.rotationPeriod]?.position != nil ? .rotationPeriod : .rotationEnabled
            case .hmacKey, .asymmetricKey, .unsupportedKeySpec: .keySpec
            case .importedKeyMaterial: source.kind.isExternal ? nil : .origin
            case .customKeyStore: .customKeyStore
            case .keyDisabled: .enabled
            default: nil
            }
        if replica && turnedOn != .enabled {
            finding.location = location(declaration, attribute: dialect.primaryAttributeName, at: declaration.primaryPosition)
        } else {
            let name = turnedOn.map { dialect.name(of: $0, replica: declaration.kind != .terraformKey) }
            finding.location = location(declaration, attribute: name, at: turnedOn.flatMap { attributes[$0]?.position })
        }

        var notes: [String] = []
        if finding.reason == .rotationDisabled {
            let name = dialect.name(of: .rotationEnabled)
            let where_ = replica ? " on the primary \(source.id)" : ""
            notes.append(
                attributes[.rotationEnabled]?.position == nil
                    ? "\(name) is not set\(where_) (its default is false)."
                    : "\(name) is false\(where_).")
        }
        if finding.reason == .rotationPeriodTooLong && attributes[.rotationPeriod]?.position == nil {
            notes.append("\(dialect.name(of: .rotationPeriod)) is not set (its default is 365).")
        }
        if finding.remediation != nil || finding.reason.compliance == .nonCompliant {
            let period = finding.remediation?.rotationPeriodInDays
            let fix = dialect.rotationFix(enable: finding.reason == .rotationDisabled, period: period)
            let target = replica ? source : declaration
            var remediation = Remediation(
                action: .enableKeyRotation, keyArn: target.id, region: nil, rotationPeriodInDays: period,
                note: "Set \(fix) on \(target.id) in \(file)"
                    + (target.position.map { " (line \($0.line))" } ?? "") + "; rotation is set there.")
            remediation.command = fix
            finding.remediation = remediation
        }
        for attribute in KeyAttribute.allCases {
            if let note = attributes[attribute]?.note { notes.append("\(dialect.name(of: attribute)): \(note).") }
        }
        notes += declaration.notes
        if replica { notes.insert("Judged with its primary \(source.id), declared in the same file.", at: 0) }
        if !notes.isEmpty { finding.message += " " + Self.unique(notes).joined(separator: " ") }
    }

    private func unresolved(
        _ declaration: KeyDeclaration, attributes: [KeyAttribute: AttributeValue], open: [KeyAttribute],
        results: [(values: [KeyAttribute: ScalarValue?], judged: Judged)]
    ) -> RotationFinding {
        // An attribute matters when two tries that differ only in it reach different verdicts.
        let mattering = open.filter { attribute in
            var groups: [String: Set<FindingReason>] = [:]
            for result in results {
                let others = open.filter { $0 != attribute }
                    .map { "\(result.values[$0].map { $0?.text ?? "-" } ?? "-")" }
                    .joined(separator: "|")
                groups[others, default: []].insert(result.judged.reason)
            }
            return groups.values.contains { $0.count > 1 }
        }
        let named = mattering.isEmpty ? open : mattering
        let replica = declaration.kind.isReplica
        let whys = named.map { attribute in
            let name = dialect.name(of: attribute, replica: declaration.kind != .terraformKey)
            return attributes[attribute]?.why.map { $0.hasPrefix(name) ? $0 : "\(name): \($0)" } ?? "\(name) is not known before deploy"
        }
        let possible = Set(results.map(\.judged.reason.rawValue)).sorted().joined(separator: ", ")
        var message =
            "A value the verdict depends on is not known before deploy: \(Self.unique(whys).joined(separator: "; ")). "
            + "Possible verdicts: \(possible)."
        if !declaration.notes.isEmpty { message += " " + declaration.notes.joined(separator: " ") }
        let first = named.first
        let position = first.flatMap { attributes[$0]?.position }
        func settled(_ attribute: KeyAttribute) -> String? {
            guard let candidates = attributes[attribute]?.candidates, candidates.count == 1 else { return nil }
            return candidates[0]?.text
        }
        let spec: KeySpec? = attributes[.keySpec]?.isSettled == true ? KeySpec(rawValue: settled(.keySpec) ?? "SYMMETRIC_DEFAULT") : nil
        var finding = RotationFinding(
            keyArn: nil, keyId: declaration.id, accountId: nil, region: nil, reason: .unresolvedValue,
            message: message,
            key: .init(
                keySpec: spec, keyManager: .customer,
                multiRegionKeyType: replica ? .replica : nil))
        let name = first.map { dialect.name(of: $0, replica: declaration.kind != .terraformKey) }
        finding.location = location(declaration, attribute: name, at: position)
        return finding
    }

    private func primaryElsewhere(_ declaration: KeyDeclaration) -> RotationFinding {
        let description: String =
            switch declaration.primary {
            case .elsewhere(let text): text
            case .declared(let id): "\(id) (not a key in this file)"
            case nil: "(not set)"
            }
        var message =
            "A multi-Region replica shares the rotation setting of its primary key, \(description), "
            + "which is not declared in this file: "
            + "rotation is set on the primary and judged where the primary is declared."
        if !declaration.notes.isEmpty { message += " " + declaration.notes.joined(separator: " ") }
        let enabled = declaration.attribute(.enabled)
        let state: KeyState? = enabled.isSettled ? ((enabled.candidates?.first ?? nil)?.bool ?? true ? .enabled : .disabled) : nil
        let arn = description.hasPrefix("arn:") ? String(description.prefix { $0 != " " }) : nil
        var finding = RotationFinding(
            keyArn: nil, keyId: declaration.id, accountId: nil, region: nil, reason: .primaryKeyElsewhere,
            message: message,
            key: .init(keyManager: .customer, keyState: state, multiRegionKeyType: .replica, primaryKeyArn: arn))
        finding.location = location(declaration, attribute: dialect.primaryAttributeName, at: declaration.primaryPosition)
        return finding
    }

    private static func unique(_ texts: [String]) -> [String] {
        var seen = Set<String>()
        return texts.filter { seen.insert($0).inserted }
    }
}
