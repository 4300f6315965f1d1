import Foundation

/// Reads the KMS keys of a Terraform plan in the JSON output format (`terraform show -json PLAN`,
/// `format_version` 1.x) in one streaming pass: only the resources of the four KMS key types are kept;
/// everything else (other resources, `prior_state`, `before` values) is skipped without being built.
///
/// - `resource_changes[].change.after` / `after_unknown` give each instance's planned values and which
///   are known only after apply; instances being only deleted, data sources and deposed objects are
///   left out.
/// - `planned_values` (with nested `child_modules`) covers instances without a change entry.
/// - `configuration` tells which attributes the configuration sets, so that an attribute unknown only
///   because the provider computes its default (`rotation_period_in_days`) counts as not set, and which
///   key a replica's `primary_key_arn` references when that ARN is known only after apply.
struct TerraformPlanReader {
    static let types: Set<String> = ["aws_kms_key", "aws_kms_external_key", "aws_kms_replica_key", "aws_kms_replica_external_key"]
    /// Aliases are read too: policy rules match keys by alias.
    static let aliasType = "aws_kms_alias"
    static let readTypes = types.union([aliasType])

    /// Whether a document's top-level member names are a plan's.
    static func isPlan(topLevelKeys keys: Set<String>) -> Bool {
        keys.contains("format_version") && (keys.contains("planned_values") || keys.contains("resource_changes"))
    }

    struct Instance {
        var address: String
        var type: String?
        var mode: String?
        var values: TreeNode?
        var unknown: TreeNode?
        var position: TextPosition
        var actions: [String] = []
        var deposed = false
    }

    struct Configured {
        var attributes: Set<String>
        var primaryReferences: [String]
        var targetReferences: [String] = []
    }

    private(set) var formatVersion: String?
    private(set) var changes: [Instance] = []
    private(set) var planned: [Instance] = []
    /// Configuration resources by configuration address (`module.a.aws_kms_key.k`).
    private(set) var configured: [String: Configured] = [:]

    // MARK: - Reading

    mutating func read(_ scanner: inout JSONScanner) throws {
        try scanner.forEachMember(depth: 0) { scanner, key, _ in
            switch key {
            case "format_version":
                formatVersion = try scanner.parseValue(depth: 1).scalarText
            case "resource_changes":
                try scanner.forEachElement(depth: 1) { scanner in
                    if let instance = try readInstance(&scanner, depth: 2, changeEntry: true) { changes.append(instance) }
                }
            case "planned_values":
                try scanner.forEachMember(depth: 1) { scanner, key, _ in
                    if key == "root_module" { try readModule(&scanner, depth: 2) } else { try scanner.skipValue(depth: 2) }
                }
            case "configuration":
                try scanner.forEachMember(depth: 1) { scanner, key, _ in
                    if key == "root_module" {
                        try readConfigModule(&scanner, prefix: "", depth: 2)
                    } else {
                        try scanner.skipValue(depth: 2)
                    }
                }
            default:
                try scanner.skipValue(depth: 1)
            }
        }
        try scanner.expectEnd()
    }

    /// One resource object (`planned_values` module resource, or a `resource_changes` entry). Terraform
    /// writes `type` before `values` and `change`, so other types' values are skipped unread.
    private func readInstance(_ scanner: inout JSONScanner, depth: Int, changeEntry: Bool) throws -> Instance? {
        guard scanner.peek() == UInt8(ascii: "{") else {
            try scanner.skipValue(depth: depth)
            return nil
        }
        var instance = Instance(address: "", position: scanner.position())
        try scanner.forEachMember(depth: depth) { scanner, key, _ in
            let relevant = instance.type.map(Self.readTypes.contains) ?? true
            switch key {
            case "address": instance.address = try scanner.parseValue(depth: depth + 1).scalarText ?? ""
            case "type": instance.type = try scanner.parseValue(depth: depth + 1).scalarText
            case "mode": instance.mode = try scanner.parseValue(depth: depth + 1).scalarText
            case "deposed": instance.deposed = true; try scanner.skipValue(depth: depth + 1)
            case "values" where !changeEntry && relevant:
                instance.values = try scanner.parseValue(depth: depth + 1)
            case "change" where changeEntry && relevant:
                try scanner.forEachMember(depth: depth + 1) { scanner, key, _ in
                    switch key {
                    case "actions": instance.actions = try scanner.parseValue(depth: depth + 2).elements.compactMap(\.scalarText)
                    case "after": instance.values = try scanner.parseValue(depth: depth + 2)
                    case "after_unknown": instance.unknown = try scanner.parseValue(depth: depth + 2)
                    default: try scanner.skipValue(depth: depth + 2)
                    }
                }
            default:
                try scanner.skipValue(depth: depth + 1)
            }
        }
        guard let type = instance.type, Self.readTypes.contains(type), instance.mode != "data", !instance.address.isEmpty else {
            return nil
        }
        return instance
    }

    private mutating func readModule(_ scanner: inout JSONScanner, depth: Int) throws {
        try scanner.forEachMember(depth: depth) { scanner, key, _ in
            switch key {
            case "resources":
                try scanner.forEachElement(depth: depth + 1) { scanner in
                    if let instance = try readInstance(&scanner, depth: depth + 2, changeEntry: false) { planned.append(instance) }
                }
            case "child_modules":
                try scanner.forEachElement(depth: depth + 1) { scanner in
                    guard scanner.peek() == UInt8(ascii: "{") else { return try scanner.skipValue(depth: depth + 2) }
                    try readModule(&scanner, depth: depth + 2)
                }
            default:
                try scanner.skipValue(depth: depth + 1)
            }
        }
    }

    private mutating func readConfigModule(_ scanner: inout JSONScanner, prefix: String, depth: Int) throws {
        guard depth < JSONScanner.maximumDepth - 8 else { return try scanner.skipValue(depth: depth) }
        try scanner.forEachMember(depth: depth) { scanner, key, _ in
            switch key {
            case "resources":
                try scanner.forEachElement(depth: depth + 1) { scanner in
                    let node = try scanner.parseValue(depth: depth + 2)
                    guard let type = node["type"]?.string, Self.readTypes.contains(type), node["mode"]?.string != "data",
                        let address = node["address"]?.string
                    else { return }
                    let expressions = node["expressions"]
                    let references = expressions?["primary_key_arn"]?["references"]?.elements.compactMap(\.string) ?? []
                    configured[prefix + address] = Configured(
                        attributes: Set(expressions?.members.map(\.key) ?? []), primaryReferences: references,
                        targetReferences: expressions?["target_key_id"]?["references"]?.elements.compactMap(\.string) ?? [])
                }
            case "module_calls":
                try scanner.forEachMember(depth: depth + 1) { scanner, name, _ in
                    try scanner.forEachMember(depth: depth + 2) { scanner, key, _ in
                        if key == "module" {
                            try readConfigModule(&scanner, prefix: prefix + "module.\(name).", depth: depth + 3)
                        } else {
                            try scanner.skipValue(depth: depth + 3)
                        }
                    }
                }
            default:
                try scanner.skipValue(depth: depth + 1)
            }
        }
    }

    // MARK: - Declarations

    func declarations() -> [KeyDeclaration] {
        var instances: [Instance] = []
        var aliases: [Instance] = []
        var seen = Set<String>()
        for change in changes where !change.deposed {
            // A key only being destroyed is not judged; a replaced one is judged on its new values.
            guard !(change.actions == ["delete"]), change.values.map({ !$0.isNull }) ?? false else {
                seen.insert(change.address)
                continue
            }
            if seen.insert(change.address).inserted { instances.append(change) }
        }
        for instance in planned where seen.insert(instance.address).inserted { instances.append(instance) }
        aliases = instances.filter { $0.type == Self.aliasType }
        instances.removeAll { $0.type == Self.aliasType }

        var declarations = instances.map(declaration)
        // Link replicas to their primaries.
        let byAddress = Dictionary(declarations.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let byARN = Dictionary(declarations.compactMap { d in d.arn.map { ($0, d.id) } }, uniquingKeysWith: { first, _ in first })
        for index in declarations.indices where declarations[index].kind.isReplica {
            declarations[index].primary = primary(of: declarations[index], instance: instances[index], byAddress: byAddress, byARN: byARN)
        }
        for alias in aliases {
            guard let name = alias.values?["name"]?.string, !name.isEmpty, let target = target(of: alias, declarations: declarations),
                let index = declarations.firstIndex(where: { $0.id == target })
            else { continue }
            declarations[index].aliases.append(name)
        }
        return declarations
    }

    /// The address of the key an `aws_kms_alias` targets: by a known `target_key_id` (an existing key), else by
    /// the configuration's reference (`aws_kms_key.k.key_id`) within the alias's module instance.
    private func target(of alias: Instance, declarations: [KeyDeclaration]) -> String? {
        if let id = alias.values?["target_key_id"]?.string, !id.isEmpty {
            return declarations.first { $0.knownKeyId == id || $0.arn == id }?.id
        }
        let modulePrefix = Self.moduleInstancePrefix(alias.address)
        let configPrefix = Self.configAddress(modulePrefix)
        for reference in configured[Self.configAddress(alias.address)]?.targetReferences ?? [] {
            var candidate = reference
            for suffix in [".key_id", ".arn", ".id"] where candidate.hasSuffix(suffix) { candidate.removeLast(suffix.count) }
            if declarations.contains(where: { $0.id == modulePrefix + candidate }) { return modulePrefix + candidate }
            let matches = declarations.filter { Self.configAddress($0.id) == configPrefix + candidate && $0.id.hasPrefix(modulePrefix) }
            if matches.count == 1, let match = matches.first { return match.id }
        }
        return nil
    }

    /// `tags_all` (the resource's tags with the provider's `default_tags`), else `tags`: known values, values known
    /// only after apply, and whether the whole map is known only after apply.
    private func tags(of instance: Instance) -> DeclaredTags {
        var tags = DeclaredTags()
        let name = instance.values?.member("tags_all") != nil || instance.unknown?["tags_all"] != nil ? "tags_all" : "tags"
        tags.position = instance.values?.member(name)?.keyPosition
        for source in name == "tags" ? ["tags"] : ["tags", "tags_all"] {
            for member in instance.values?[source]?.members ?? [] {
                if let scalar = ScalarValue(member.value) { tags.known[member.key] = scalar.text }
            }
            if Self.isUnknown(instance.unknown?[source]) {
                if source == name { tags.others = "\(name) is known only after apply" }
            } else {
                for member in instance.unknown?[source]?.members ?? [] where Self.isUnknown(member.value) {
                    tags.known[member.key] = nil
                    tags.unknown[member.key] = "the value of tag '\(member.key)' is known only after apply"
                }
            }
        }
        return tags
    }

    private func declaration(_ instance: Instance) -> KeyDeclaration {
        let kind = ResourceKind(rawValue: instance.type ?? "") ?? .terraformKey
        var declaration = KeyDeclaration(id: instance.address, kind: kind, position: instance.position)
        let config = configured[Self.configAddress(instance.address)]
        let names: [KeyAttribute] =
            kind.isReplica
            ? [.enabled]
            : [.rotationEnabled, .rotationPeriod, .keySpec, .enabled, .customKeyStore, .xksKey]
        for attribute in names {
            // aws_kms_key says is_enabled; the other three types say enabled.
            let name = Dialect.terraform.name(of: attribute, replica: kind != .terraformKey)
            declaration.attributes[attribute] = value(named: name, in: instance, config: config)
        }
        if let arn = instance.values?["arn"]?.string, !arn.isEmpty { declaration.arn = arn }
        if let keyId = instance.values?["key_id"]?.string, !keyId.isEmpty { declaration.knownKeyId = keyId }
        declaration.tags = tags(of: instance)
        if instance.actions.contains("delete") && instance.actions.contains("create") {
            declaration.notes.append("The plan replaces this key (a new key with new material).")
        }
        return declaration
    }

    private func value(named name: String, in instance: Instance, config: Configured?) -> AttributeValue {
        let member = instance.values?.member(name)
        if Self.isUnknown(instance.unknown?[name]) {
            // Unknown only because the provider computes the default: the configuration does not set it.
            if let config, !config.attributes.contains(name) { return AttributeValue(candidates: [nil]) }
            return .unknown("\(name) is known only after apply", at: member?.keyPosition)
        }
        guard let member, !member.value.isNull else { return .absent }
        guard let scalar = ScalarValue(member.value) else {
            return .unknown("\(name) is not a single value", at: member.keyPosition)
        }
        return .known(scalar, at: member.keyPosition)
    }

    private static func isUnknown(_ node: TreeNode?) -> Bool {
        guard let node else { return false }
        if case .bool(let flag) = node.value { return flag }
        return false
    }

    private func primary(
        of replica: KeyDeclaration, instance: Instance, byAddress: [String: KeyDeclaration],
        byARN: [String: String]
    ) -> PrimaryReference {
        if let arn = instance.values?["primary_key_arn"]?.string, !arn.isEmpty {
            return byARN[arn].map(PrimaryReference.declared) ?? .elsewhere(arn)
        }
        // Known only after apply: follow the configuration's reference (`aws_kms_key.primary.arn`).
        let modulePrefix = Self.moduleInstancePrefix(instance.address)
        let configPrefix = Self.configAddress(modulePrefix)
        for reference in configured[Self.configAddress(instance.address)]?.primaryReferences ?? [] {
            var candidate = reference
            if candidate.hasSuffix(".arn") { candidate.removeLast(4) }
            if byAddress[modulePrefix + candidate] != nil { return .declared(modulePrefix + candidate) }
            let matches = byAddress.keys.filter { Self.configAddress($0) == configPrefix + candidate && $0.hasPrefix(modulePrefix) }
            if matches.count == 1, let match = matches.first { return .declared(match) }
        }
        return .elsewhere("a key outside this plan (primary_key_arn is known only after apply)")
    }

    // MARK: - Addresses

    /// An instance address without its instance keys: `module.a["x"].aws_kms_key.k[0]` → `module.a.aws_kms_key.k`.
    static func configAddress(_ address: String) -> String {
        String(topLevelIndices(of: address).map { address[$0] })
    }

    /// The module instance part of an address, with its trailing dot (`module.a["x"].`), or "".
    static func moduleInstancePrefix(_ address: String) -> String {
        // The resource part is the last two dot-separated segments outside brackets and quotes.
        let dots = topLevelIndices(of: address).filter { address[$0] == "." }
        guard dots.count >= 2 else { return "" }
        return String(address[...dots[dots.count - 2]])
    }

    /// The indices of an address's characters outside instance keys: not inside `[…]`, nor in a quoted key.
    private static func topLevelIndices(of address: String) -> [String.Index] {
        var result: [String.Index] = []
        var depth = 0
        var inQuotes = false
        var escaped = false
        for index in address.indices {
            let character = address[index]
            if inQuotes {
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inQuotes = false }
                continue
            }
            switch character {
            case "[": depth += 1
            case "]": depth = max(0, depth - 1)
            case "\"" where depth > 0: inQuotes = true
            default: if depth == 0 { result.append(index) }
            }
        }
        return result
    }
}
