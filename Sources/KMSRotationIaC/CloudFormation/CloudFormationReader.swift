import Foundation

/// Reads the `AWS::KMS::Key` and `AWS::KMS::ReplicaKey` resources of a CloudFormation template (JSON or
/// YAML, already a ``TreeNode``), resolving what can be resolved before deploy: literals, `Ref` to a
/// parameter with a `Default` (or `AllowedValues`), `Fn::If` on a condition the defaults decide (else both
/// branches), `Fn::FindInMap`, `Fn::Join`, `Fn::Select`, `Fn::Sub` without variables, `AWS::NoValue`.
struct CloudFormationReader {
    static let maximumResolutionDepth = 32

    let root: TreeNode
    let dialect: Dialect
    private let parameters: [String: TreeNode]
    private let conditions: [String: TreeNode]
    private let mappings: TreeNode?
    private let resourceTypes: [String: String]

    /// Whether the tree is a template: an object whose `Resources` is an object.
    static func isTemplate(_ root: TreeNode) -> Bool {
        root["Resources"]?.isObject == true
    }

    init(root: TreeNode, dialect: Dialect) {
        self.root = root
        self.dialect = dialect
        var parameters: [String: TreeNode] = [:]
        for member in root["Parameters"]?.members ?? [] { parameters[member.key] = member.value }
        self.parameters = parameters
        var conditions: [String: TreeNode] = [:]
        for member in root["Conditions"]?.members ?? [] { conditions[member.key] = member.value }
        self.conditions = conditions
        self.mappings = root["Mappings"]
        var types: [String: String] = [:]
        for member in root["Resources"]?.members ?? [] {
            if let type = member.value["Type"]?.string { types[member.key] = type }
        }
        self.resourceTypes = types
    }

    func declarations() -> [KeyDeclaration] {
        var result: [KeyDeclaration] = []
        for member in root["Resources"]?.members ?? [] {
            guard let type = member.value["Type"]?.string, let kind = ResourceKind(rawValue: type),
                kind == .cloudFormationKey || kind == .cloudFormationReplica
            else { continue }
            var declaration = KeyDeclaration(id: member.key, kind: kind, position: member.keyPosition)
            if let condition = member.value["Condition"]?.string {
                declaration.notes.append("The resource is created only when condition \(condition) is true; it is judged as if created.")
            }
            let properties = member.value["Properties"]
            if let properties, !properties.isObject, !properties.isNull {
                // Properties from an intrinsic (Fn::If at the top): nothing can be read before deploy.
                let why = "Properties is \(Self.describe(properties)), which cannot be resolved before deploy"
                for attribute in KeyAttribute.allCases {
                    declaration.attributes[attribute] = .unknown(why, at: properties.position)
                }
                result.append(declaration)
                continue
            }
            let names: [KeyAttribute] =
                kind == .cloudFormationReplica
                ? [.enabled]
                : [.rotationEnabled, .rotationPeriod, .keySpec, .origin, .enabled]
            for attribute in names {
                let name = dialect.name(of: attribute)
                guard let property = properties?.member(name) else { continue }
                var value = resolve(property.value, depth: 0)
                value.position = property.keyPosition
                declaration.attributes[attribute] = value
            }
            if let property = properties?.member("Tags") {
                declaration.tags = tags(property.value)
                declaration.tags.position = property.keyPosition
            }
            if kind == .cloudFormationReplica {
                if let property = properties?.member("PrimaryKeyArn") {
                    declaration.primary = primaryReference(property.value)
                    declaration.primaryPosition = property.keyPosition
                } else {
                    declaration.primary = .elsewhere("(PrimaryKeyArn is not set)")
                }
            }
            result.append(declaration)
        }
        let aliases = aliasesByKey()
        for index in result.indices {
            result[index].aliases = aliases[result[index].id] ?? []
        }
        return result
    }

    // MARK: - Tags and aliases

    /// `Tags: [{Key: k, Value: v}]`, each key and value resolved like any property.
    private func tags(_ node: TreeNode) -> DeclaredTags {
        var tags = DeclaredTags()
        guard node.intrinsic == nil, !node.isObject, !node.isNull else {
            tags.others = "Tags is \(Self.describe(node)), which cannot be resolved before deploy"
            return tags
        }
        for element in node.elements {
            let key = element["Key"].map { resolve($0, depth: 0) }
            guard let keys = key?.candidates, keys.count == 1, let name = keys[0]?.text else {
                tags.others = "a tag's Key is \(element["Key"].map(Self.describe) ?? "missing"), which cannot be resolved before deploy"
                continue
            }
            let value = element["Value"].map { resolve($0, depth: 0) } ?? .absent
            if let values = value.candidates, values.count == 1 {
                tags.known[name] = values[0]?.text ?? ""
            } else {
                tags.unknown[name] = value.why ?? "its Value is not known before deploy"
            }
        }
        return tags
    }

    /// The `AWS::KMS::Alias` resources' names by the logical ID of the key they target
    /// (`TargetKeyId: !Ref Key`, `!GetAtt Key.Arn`, `!Sub ${Key}`); aliases whose name or target cannot be
    /// resolved before deploy are left out.
    private func aliasesByKey() -> [String: [String]] {
        var result: [String: [String]] = [:]
        for member in root["Resources"]?.members ?? [] where member.value["Type"]?.string == "AWS::KMS::Alias" {
            guard let properties = member.value["Properties"], let target = properties["TargetKeyId"],
                let name = properties["AliasName"].map({ resolve($0, depth: 0) }), let names = name.candidates, names.count == 1,
                let alias = names[0]?.text, let key = referencedKey(target)
            else { continue }
            result[key, default: []].append(alias)
        }
        return result
    }

    /// The key resource a `Ref`, `Fn::GetAtt` or `Fn::Sub` names, when it is a key of this template.
    private func referencedKey(_ node: TreeNode) -> String? {
        guard let (name, argument) = node.intrinsic else { return nil }
        var target: String?
        switch name {
        case "Ref":
            target = argument.string
        case "Fn::GetAtt":
            target = argument.elements.first?.string ?? argument.string?.split(separator: ".").first.map(String.init)
        case "Fn::Sub":
            if let text = argument.string ?? argument.elements.first?.string, text.hasPrefix("${"), text.hasSuffix("}") {
                target = text.dropFirst(2).dropLast().split(separator: ".").first.map(String.init)
            }
        default:
            break
        }
        guard let target, let type = resourceTypes[target],
            type == ResourceKind.cloudFormationKey.rawValue || type == ResourceKind.cloudFormationReplica.rawValue
        else { return nil }
        return target
    }

    // MARK: - Replicas

    private func primaryReference(_ node: TreeNode) -> PrimaryReference {
        if let (name, argument) = node.intrinsic {
            var target: String?
            switch name {
            case "Fn::GetAtt":
                target = argument.elements.first?.string ?? argument.string?.split(separator: ".").first.map(String.init)
            case "Ref":
                target = argument.string
            case "Fn::Sub":
                // "${PrimaryKey.Arn}" alone names the key.
                if let text = argument.string ?? argument.elements.first?.string, text.hasPrefix("${"), text.hasSuffix("}") {
                    target = text.dropFirst(2).dropLast().split(separator: ".").first.map(String.init)
                }
            default:
                break
            }
            if let target, resourceTypes[target] == ResourceKind.cloudFormationKey.rawValue {
                return .declared(target)
            }
        }
        let value = resolve(node, depth: 0)
        if let candidates = value.candidates, candidates.count == 1, let arn = candidates[0] {
            return .elsewhere(arn.text + (value.note.map { " (\($0))" } ?? ""))
        }
        return .elsewhere(Self.describe(node))
    }

    // MARK: - Resolving values

    /// What a property's value can be before deploy.
    func resolve(_ node: TreeNode, depth: Int) -> AttributeValue {
        guard depth < Self.maximumResolutionDepth else {
            return .unknown("\(Self.describe(node)) nests intrinsic functions too deeply to resolve", at: node.position)
        }
        if node.isNull { return .absent }
        if let scalar = ScalarValue(node) { return .known(scalar, at: node.position) }
        guard let (name, argument) = node.intrinsic else {
            return .unknown("the value is \(node.isObject ? "an object" : "a list"), not a scalar", at: node.position)
        }
        let unresolvable = AttributeValue.unknown("\(Self.describe(node)) cannot be resolved before deploy", at: node.position)
        switch name {
        case "Ref":
            guard let target = argument.string else { return unresolvable }
            return resolveRef(target, node: node)
        case "Fn::If":
            let parts = argument.elements
            guard parts.count == 3, let condition = parts[0].string else { return unresolvable }
            if let outcome = evaluateCondition(named: condition, depth: depth + 1) {
                var chosen = resolve(parts[outcome.value ? 1 : 2], depth: depth + 1)
                chosen.note = join("condition \(condition) is \(outcome.value) \(outcome.basis)", chosen.note)
                return chosen
            }
            let whenTrue = resolve(parts[1], depth: depth + 1)
            let whenFalse = resolve(parts[2], depth: depth + 1)
            let why = "!If \(condition) depends on a value known only at deploy"
            guard let a = whenTrue.candidates, let b = whenFalse.candidates else {
                return .unknown(join(why, whenTrue.why ?? whenFalse.why, separator: "; ") ?? why, at: node.position)
            }
            var union: [ScalarValue?] = []
            for value in a + b where !union.contains(value) { union.append(value) }
            return AttributeValue(candidates: union, why: why, note: join(whenTrue.note, whenFalse.note), position: node.position)
        case "Fn::FindInMap":
            return resolveFindInMap(argument, node: node, depth: depth)
        case "Fn::Join":
            let parts = argument.elements
            guard parts.count == 2, let delimiter = parts[0].scalarText else { return unresolvable }
            var texts: [String] = []
            var notes: String?
            for part in parts[1].elements {
                let value = resolve(part, depth: depth + 1)
                guard let candidates = value.candidates, candidates.count == 1, let text = candidates[0]?.text else { return unresolvable }
                texts.append(text)
                notes = join(notes, value.note)
            }
            return AttributeValue(candidates: [.string(texts.joined(separator: delimiter))], note: notes, position: node.position)
        case "Fn::Select":
            let parts = argument.elements
            guard parts.count == 2 else { return unresolvable }
            let index = resolve(parts[0], depth: depth + 1)
            guard let candidates = index.candidates, candidates.count == 1, let position = candidates[0]?.int,
                position >= 0, position < parts[1].elements.count
            else { return unresolvable }
            return resolve(parts[1].elements[position], depth: depth + 1)
        case "Fn::Sub":
            if let text = argument.string, !text.contains("${") { return .known(.string(text), at: node.position) }
            return unresolvable
        default:
            return unresolvable
        }
    }

    private func resolveRef(_ target: String, node: TreeNode) -> AttributeValue {
        if target == "AWS::NoValue" { return .absent }
        if let parameter = parameters[target] {
            if let defaultNode = parameter["Default"], let value = ScalarValue(defaultNode) {
                return AttributeValue(
                    candidates: [value], note: "judged on the Default of parameter \(target) (\(value))",
                    position: node.position)
            }
            let allowed = parameter["AllowedValues"]?.elements.compactMap(ScalarValue.init) ?? []
            if !allowed.isEmpty {
                let listed = allowed.map(\.description).joined(separator: ", ")
                return AttributeValue(
                    candidates: allowed, why: "parameter \(target) has no Default (its AllowedValues are \(listed))",
                    position: node.position)
            }
            return .unknown("!Ref \(target) names a parameter without a Default", at: node.position)
        }
        if target.hasPrefix("AWS::") { return .unknown("!Ref \(target) is known only at deploy", at: node.position) }
        if resourceTypes[target] != nil {
            return .unknown("!Ref \(target) is a resource's physical ID, known only at deploy", at: node.position)
        }
        return .unknown("!Ref \(target) names nothing in the template", at: node.position)
    }

    private func resolveFindInMap(_ argument: TreeNode, node: TreeNode, depth: Int) -> AttributeValue {
        let parts = argument.elements
        let unresolvable = AttributeValue.unknown("\(Self.describe(node)) cannot be resolved before deploy", at: node.position)
        guard parts.count >= 3, let mapName = parts[0].string, let map = mappings?[mapName] else { return unresolvable }
        let first = resolve(parts[1], depth: depth + 1)
        let second = resolve(parts[2], depth: depth + 1)
        // Unknown keys range over every key the map has at that level.
        let topKeys = first.candidates.map { $0.compactMap { $0?.text } } ?? map.members.map(\.key)
        var values: [ScalarValue?] = []
        for top in topKeys {
            guard let level = map[top] else { continue }
            let secondKeys = second.candidates.map { $0.compactMap { $0?.text } } ?? level.members.map(\.key)
            for key in secondKeys {
                guard let leaf = level[key], let value = ScalarValue(leaf) else { continue }
                if !values.contains(value) { values.append(value) }
            }
        }
        guard !values.isEmpty else { return unresolvable }
        let settled = first.candidates?.count == 1 && second.candidates?.count == 1
        return AttributeValue(
            candidates: values, why: settled ? nil : "\(Self.describe(node)) depends on a key known only at deploy",
            note: join(first.note, second.note), position: node.position)
    }

    /// A condition's value when the parameters' defaults decide it, with what decided it.
    private func evaluateCondition(named name: String, depth: Int) -> (value: Bool, basis: String)? {
        guard depth < Self.maximumResolutionDepth, let node = conditions[name] else { return nil }
        return evaluateCondition(node, depth: depth + 1).map { ($0, "with the parameters' defaults") }
    }

    private func evaluateCondition(_ node: TreeNode, depth: Int) -> Bool? {
        guard depth < Self.maximumResolutionDepth else { return nil }
        if case .bool(let flag) = node.value { return flag }
        guard let (name, argument) = node.intrinsic else { return nil }
        switch name {
        case "Condition":
            guard let other = argument.string, let target = conditions[other] else { return nil }
            return evaluateCondition(target, depth: depth + 1)
        case "Fn::Equals":
            let parts = argument.elements
            guard parts.count == 2 else { return nil }
            let a = resolve(parts[0], depth: depth + 1), b = resolve(parts[1], depth: depth + 1)
            guard let x = a.candidates, let y = b.candidates, x.count == 1, y.count == 1 else { return nil }
            return (x[0]?.text ?? "") == (y[0]?.text ?? "")
        case "Fn::Not":
            return argument.elements.first.flatMap { evaluateCondition($0, depth: depth + 1) }.map { !$0 }
        case "Fn::And":
            let values = argument.elements.map { evaluateCondition($0, depth: depth + 1) }
            if values.contains(false) { return false }
            return values.contains(nil) ? nil : true
        case "Fn::Or":
            let values = argument.elements.map { evaluateCondition($0, depth: depth + 1) }
            if values.contains(true) { return true }
            return values.contains(nil) ? nil : false
        default:
            return nil
        }
    }

    // MARK: - Text

    /// An intrinsic as people write it in YAML: `!GetAtt Key.Arn`, `!Ref Param`, `!ImportValue …`.
    static func describe(_ node: TreeNode) -> String {
        guard let (name, argument) = node.intrinsic else { return node.scalarText.map { "'\($0)'" } ?? "a structured value" }
        let short = name == "Ref" || name == "Condition" ? name : String(name.dropFirst(4))
        switch name {
        case "Ref", "Condition":
            return "!\(short) \(argument.scalarText ?? "…")"
        case "Fn::GetAtt":
            let parts = argument.elements.compactMap(\.scalarText)
            return "!GetAtt \(parts.isEmpty ? argument.scalarText ?? "…" : parts.joined(separator: "."))"
        default:
            if let text = argument.scalarText { return "!\(short) \(text.count > 60 ? String(text.prefix(57)) + "…" : text)" }
            if let first = argument.elements.first?.scalarText { return "!\(short) [\(first), …]" }
            return "!\(short) …"
        }
    }

    private func join(_ a: String?, _ b: String?, separator: String = "; ") -> String? {
        switch (a, b) {
        case (nil, nil): nil
        case (let x?, nil): x
        case (nil, let y?): y
        case (let x?, let y?): x == y ? x : x + separator + y
        }
    }
}
