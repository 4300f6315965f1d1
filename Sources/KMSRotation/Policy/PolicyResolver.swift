import Foundation

/// What a policy rule can see of a key before it is judged: where it lives, its aliases and, when a rule
/// asked for them, its tags.
public struct KeyContext: Sendable, Hashable {
    /// The key's account.
    public var accountId: String?
    /// The key's Region.
    public var region: String?
    /// The key's aliases (`alias/…`).
    public var aliases: [String]
    /// The key's tags; `nil` when they were not fetched (no rule needed them) or could not be read.
    public var tags: [String: String]?

    /// Creates a context.
    /// - Parameters:
    ///   - accountId: The key's account.
    ///   - region: The key's Region.
    ///   - aliases: The key's aliases.
    ///   - tags: The key's tags, when known.
    public init(accountId: String?, region: String?, aliases: [String] = [], tags: [String: String]? = nil) {
        self.accountId = accountId
        self.region = region
        self.aliases = aliases
        self.tags = tags
    }
}

/// One rule of a policy file: which keys it covers and the policy they are judged by.
///
/// Every criterion given must hold (accounts, Regions, aliases, tags); within one criterion, any listed
/// value will do. A rule with no criterion matches every key.
///
/// ```swift
/// let pci = PolicyRule(name: "pci", tags: ["data-classification": "pci"], policy: RotationPolicy(maximumRotationPeriodDays: 365))
/// ```
public struct PolicyRule: Sendable, Hashable, Codable {
    /// The rule's name, recorded on every finding it judges.
    public var name: String
    /// The accounts it covers; `nil` for any.
    public var accountIds: [String]?
    /// The Regions it covers; `nil` for any.
    public var regions: [String]?
    /// Alias patterns (`alias/legacy-*`; `*` any run of characters, `?` one); a key matches when one of its
    /// aliases matches one pattern. `nil` for any key, aliased or not.
    public var aliases: [String]?
    /// Tags the key must carry: each key with a value pattern (`*` for any value). `nil` for any key.
    public var tags: [String: String]?
    /// The policy the keys it covers are judged by.
    public var policy: RotationPolicy

    /// Creates a rule.
    /// - Parameters:
    ///   - name: The rule's name.
    ///   - accountIds: The accounts it covers; `nil` for any.
    ///   - regions: The Regions it covers; `nil` for any.
    ///   - aliases: Alias patterns; `nil` for any key.
    ///   - tags: Tags the key must carry, with value patterns; `nil` for any key.
    ///   - policy: The policy.
    public init(
        name: String, accountIds: [String]? = nil, regions: [String]? = nil, aliases: [String]? = nil,
        tags: [String: String]? = nil, policy: RotationPolicy
    ) {
        self.name = name
        self.accountIds = accountIds
        self.regions = regions
        self.aliases = aliases
        self.tags = tags
        self.policy = policy
    }

    /// Whether the rule covers a key; `nil` when only the key's tags, which are not known, could tell.
    func matches(_ key: KeyContext) -> Bool? {
        matches(key, unknown: UnknownKeyContext())
    }
}

/// Which policy judges each key: one policy for every key, ordered rules (the first that matches wins,
/// else the default), or a function of your own.
///
/// ```swift
/// let policies = PolicyResolver(rules: [
///     PolicyRule(name: "pci", tags: ["data-classification": "pci"], policy: RotationPolicy(maximumRotationPeriodDays: 365)),
///     PolicyRule(name: "legacy", aliases: ["alias/legacy-*"], policy: RotationPolicy(evaluateDisabledKeys: true)),
/// ], default: .cis)
/// let checker = RotationChecker(options: .init(regions: ["eu-west-1"], policy: policies)) { … }
/// ```
/// A scan fetches a key's tags (ListResourceTags) only when a rule that could cover it reads tags.
public struct PolicyResolver: Sendable {
    /// The policy of keys no rule covers (and of the report's header).
    public let defaultPolicy: RotationPolicy
    /// The rules, in order.
    public let rules: [PolicyRule]
    private let custom: (@Sendable (KeyContext) -> PolicyRule?)?
    private let customNeedsTags: Bool

    /// The CIS AWS Foundations Benchmark v3.0.0 control 3.6 policy for every key.
    public static let cis = PolicyResolver(.cis)

    /// One policy for every key.
    /// - Parameter policy: The policy.
    public init(_ policy: RotationPolicy) {
        self.init(rules: [], default: policy)
    }

    /// Ordered rules: the first that covers a key judges it; the default judges the rest.
    /// - Parameters:
    ///   - rules: The rules, in order.
    ///   - default: The policy of keys no rule covers.
    public init(rules: [PolicyRule], default: RotationPolicy = .cis) {
        self.defaultPolicy = `default`
        self.rules = rules
        self.custom = nil
        self.customNeedsTags = false
    }

    /// A function of your own: it returns the rule (name and policy) for a key, or `nil` for the default.
    /// - Parameters:
    ///   - default: The policy when the function returns `nil`.
    ///   - needsTags: Whether the function reads ``KeyContext/tags``: then every key's tags are fetched, and a
    ///     key whose tags cannot be read is `INSUFFICIENT_DATA`.
    ///   - resolve: The function.
    public init(default: RotationPolicy, needsTags: Bool = false, resolve: @escaping @Sendable (KeyContext) -> PolicyRule?) {
        self.defaultPolicy = `default`
        self.rules = []
        self.custom = resolve
        self.customNeedsTags = needsTags
    }

    /// Whether every key is judged by one policy (no rules, no function): findings then name no rule.
    package var isSinglePolicy: Bool { rules.isEmpty && custom == nil }

    /// The rule that judges a key, or `nil` for the default policy.
    /// - Parameter key: What is known of the key (tags included when a rule needs them).
    /// - Returns: The first rule that covers the key; a rule whose tags are unknown does not cover it.
    public func rule(for key: KeyContext) -> PolicyRule? {
        if let custom { return custom(key) }
        return rules.first { $0.matches(key) == true }
    }

    /// The policy that judges a key.
    /// - Parameter key: What is known of the key.
    /// - Returns: The first covering rule's policy, else the default.
    public func policy(for key: KeyContext) -> RotationPolicy {
        rule(for: key)?.policy ?? defaultPolicy
    }

    /// Whether the key's tags could change which rule judges it, so that they must be fetched.
    func needsTags(for key: KeyContext) -> Bool {
        if custom != nil { return customNeedsTags }
        return candidates(for: key).count > 1  // a rule that reads tags comes before any that surely covers the key
    }

    /// Every rule that could judge the key when its tags are unknown, in order, up to the first one that
    /// covers it whatever its tags; `nil` in the list stands for the default policy. Empty for a function of
    /// the embedder's, which cannot be asked without the tags it reads.
    func candidates(for key: KeyContext) -> [PolicyRule?] {
        if custom != nil { return [] }
        return candidates(for: KeyContext(accountId: key.accountId, region: key.region, aliases: key.aliases), unknown: UnknownKeyContext())
    }
}

/// `*` (any run of characters) and `?` (one character) patterns, matched on whole strings.
enum Glob {
    static func matches(_ text: String, pattern: String) -> Bool {
        let text = Array(text), pattern = Array(pattern)
        var t = 0, p = 0, star = -1, mark = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == "?" || pattern[p] == text[t] {
                t += 1
                p += 1
            } else if p < pattern.count, pattern[p] == "*" {
                star = p
                mark = t
                p += 1
            } else if star >= 0 {
                p = star + 1
                mark += 1
                t = mark
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
