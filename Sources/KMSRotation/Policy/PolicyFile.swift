import Foundation

/// A policy file that cannot be used, with what is wrong and which rule says it.
public struct PolicyFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, naming the rule (`rule 2 'pci': …`).
    public var message: String
    /// What is wrong.
    public var description: String { message }
}

extension PolicyResolver {
    /// The largest policy file read: rules are a few hundred bytes each.
    static let maximumFileSize = 1 << 20

    /// Reads a policy file (JSON):
    /// ```json
    /// {
    ///   "default": "cis",
    ///   "rules": [
    ///     { "name": "pci", "match": { "tags": { "data-classification": "pci" } }, "policy": { "maximumRotationPeriodDays": 365 } },
    ///     { "name": "sandbox", "match": { "accountIds": ["111122223333"] }, "policy": "cis" },
    ///     { "name": "legacy", "match": { "aliases": ["alias/legacy-*"] }, "policy": { "evaluateDisabledKeys": true } }
    ///   ]
    /// }
    /// ```
    /// A policy is `"cis"` or an object with `maximumRotationPeriodDays` (90–2560), `evaluateDisabledKeys` and
    /// `maximumKeyMaterialAgeDays` (at least 1).
    /// A match has `accountIds`, `regions`, `aliases` (patterns with `*` and `?`) and `tags` (key → value
    /// pattern); each is optional, and a rule without any covers every key.
    /// - Parameter data: The file's contents.
    /// - Returns: The resolver.
    /// - Throws: ``PolicyFileError`` naming the rule and the member at fault: unknown members, wrong types,
    ///   invalid account IDs, Regions or periods, duplicate names, and rules that can never be reached.
    public init(policyFile data: Data) throws {
        guard data.count <= Self.maximumFileSize else {
            throw PolicyFileError(message: "the policy file is larger than \(Self.maximumFileSize) bytes")
        }
        guard !JSONNesting.isTooDeep(data) else { throw PolicyFileError(message: "the policy file is nested too deeply") }
        let root: JSONValue
        do {
            root = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw PolicyFileError(message: "the policy file is not JSON: \(readableDescription(of: error))")
        }
        guard case .dictionary(let object) = root else { throw PolicyFileError(message: "the policy file must be a JSON object") }
        try Self.refuseUnknown(object, allowed: ["default", "rules", "$schema", "description"], at: "the policy file")
        let defaultPolicy = try object["default"].map { try Self.policy($0, at: "default") } ?? .cis
        var list: [JSONValue] = []
        if let raw = object["rules"] {
            guard case .array(let items) = raw else { throw PolicyFileError(message: "rules must be a list of rules") }
            list = items
        }
        var rules: [PolicyRule] = []
        for (index, raw) in list.enumerated() {
            let rule = try Self.rule(raw, number: index + 1)
            if let shadow = rules.first(where: { $0.coversEveryKey }) {
                throw PolicyFileError(
                    message: "rule \(index + 1) '\(rule.name)' is never used: rule '\(shadow.name)' before it covers every key")
            }
            if rules.contains(where: { $0.name == rule.name }) {
                throw PolicyFileError(
                    message: "rule \(index + 1) '\(rule.name)': the name is used by an earlier rule; names must be unique")
            }
            rules.append(rule)
        }
        self.init(rules: rules, default: defaultPolicy)
    }

    private static func rule(_ raw: JSONValue, number: Int) throws -> PolicyRule {
        guard case .dictionary(let object) = raw else { throw PolicyFileError(message: "rule \(number) must be an object") }
        guard case .string(let name)? = object["name"], !name.isEmpty, name.count <= 128,
            name.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F })
        else {
            throw PolicyFileError(message: "rule \(number) needs a name: 1 to 128 printable characters")
        }
        let at = "rule \(number) '\(name)'"
        try refuseUnknown(object, allowed: ["name", "match", "policy", "description"], at: at)
        guard let rawPolicy = object["policy"] else { throw PolicyFileError(message: "\(at) has no policy") }
        var rule = PolicyRule(name: name, policy: try policy(rawPolicy, at: "\(at): policy"))
        guard let rawMatch = object["match"] else { return rule }
        guard case .dictionary(let match) = rawMatch else { throw PolicyFileError(message: "\(at): match must be an object") }
        try refuseUnknown(match, allowed: ["accountIds", "regions", "aliases", "tags"], at: "\(at): match")
        rule.accountIds = try strings(match["accountIds"], at: "\(at): match.accountIds") { id in
            ARN.isAccountId(id) ? nil : "'\(id)' is not an account ID (12 digits)"
        }
        rule.regions = try strings(match["regions"], at: "\(at): match.regions") { region in
            (try? EndpointResolver.validateRegion(region)) == nil ? "'\(region)' is not a Region name" : nil
        }
        rule.aliases = try strings(match["aliases"], at: "\(at): match.aliases") { pattern in
            pattern.hasPrefix("alias/") ? nil : "'\(pattern)' must start with alias/"
        }
        if let rawTags = match["tags"] {
            guard case .dictionary(let tags) = rawTags, !tags.isEmpty else {
                throw PolicyFileError(message: "\(at): match.tags must be an object of tag keys and value patterns")
            }
            var parsed: [String: String] = [:]
            for (key, value) in tags {
                guard !key.isEmpty, case .string(let pattern) = value else {
                    throw PolicyFileError(
                        message: "\(at): match.tags '\(key)' must map a tag key to a value pattern (a string; \"*\" for any)")
                }
                parsed[key] = pattern
            }
            rule.tags = parsed
        }
        return rule
    }

    private static func policy(_ raw: JSONValue, at: String) throws -> RotationPolicy {
        if case .string(let name) = raw {
            guard name == "cis" else { throw PolicyFileError(message: "\(at): '\(name)' is not a policy name (cis), nor an object") }
            return .cis
        }
        guard case .dictionary(let object) = raw else { throw PolicyFileError(message: "\(at) must be \"cis\" or an object") }
        try refuseUnknown(object, allowed: ["maximumRotationPeriodDays", "evaluateDisabledKeys", "maximumKeyMaterialAgeDays"], at: at)
        var policy = RotationPolicy()
        switch object["maximumRotationPeriodDays"] {
        case nil, .null?: break
        case .int(let days)?: policy.maximumRotationPeriodDays = days
        default: throw PolicyFileError(message: "\(at): maximumRotationPeriodDays must be a whole number of days")
        }
        switch object["maximumKeyMaterialAgeDays"] {
        case nil, .null?: break
        case .int(let days)?: policy.maximumKeyMaterialAgeDays = days
        default: throw PolicyFileError(message: "\(at): maximumKeyMaterialAgeDays must be a whole number of days")
        }
        switch object["evaluateDisabledKeys"] {
        case nil: break
        case .bool(let value)?: policy.evaluateDisabledKeys = value
        default: throw PolicyFileError(message: "\(at): evaluateDisabledKeys must be true or false")
        }
        do {
            try policy.validate()
        } catch {
            throw PolicyFileError(message: "\(at): \(error)")
        }
        return policy
    }

    private static func strings(_ raw: JSONValue?, at: String, check: (String) -> String?) throws -> [String]? {
        guard let raw else { return nil }
        guard case .array(let list) = raw, !list.isEmpty, list.count <= 1_000 else {
            throw PolicyFileError(message: "\(at) must be a list of 1 to 1000 strings")
        }
        return try list.map { item in
            guard case .string(let text) = item else { throw PolicyFileError(message: "\(at) must hold strings only") }
            if let problem = check(text) { throw PolicyFileError(message: "\(at): \(problem)") }
            return text
        }
    }

    private static func refuseUnknown(_ object: [String: JSONValue], allowed: Set<String>, at: String) throws {
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw PolicyFileError(message: "\(at): unknown member '\(unknown)' (expected \(allowed.sorted().joined(separator: ", ")))")
        }
    }
}

extension JSONValue: Decodable {
    /// Reads any JSON value; a number that is not a whole number is refused (policy files hold none).
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .dictionary(value)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "a number that is not a whole number")
        }
    }
}

extension PolicyRule {
    /// Whether the rule has no criterion at all.
    var coversEveryKey: Bool { accountIds == nil && regions == nil && aliases == nil && tags == nil }
}
