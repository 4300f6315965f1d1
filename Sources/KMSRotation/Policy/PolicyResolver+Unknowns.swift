import Foundation

/// What is not known of a key that is not deployed yet (a template or a plan): its account or Region when
/// they were not given, the value of some tags (`!Ref Param`, known only after apply), or whether more tags
/// exist (a whole `Tags` that is an intrinsic, `tags_all` known only after apply).
package struct UnknownKeyContext: Sendable, Hashable {
    /// The account is not known: a rule that names accounts may or may not cover the key.
    package var account: Bool
    /// The Region is not known.
    package var region: Bool
    /// Tag keys present whose value is not known.
    package var tagKeys: Set<String>
    /// Whether tags other than the known ones (and `tagKeys`) may exist.
    package var otherTags: Bool

    package init(account: Bool = false, region: Bool = false, tagKeys: Set<String> = [], otherTags: Bool = false) {
        self.account = account
        self.region = region
        self.tagKeys = tagKeys
        self.otherTags = otherTags
    }

    /// Whether everything a rule can read is known.
    package var isEmpty: Bool { !account && !region && tagKeys.isEmpty && !otherTags }
}

extension PolicyRule {
    /// Whether the rule covers a key of which some things are unknown: `nil` when only those could tell.
    /// A tag whose value is unknown matches a `*` pattern (the tag is there), and nothing else for sure.
    package func matches(_ key: KeyContext, unknown: UnknownKeyContext) -> Bool? {
        var undecided = false
        if let accountIds {
            if unknown.account { undecided = true } else if !accountIds.contains(where: { $0 == key.accountId }) { return false }
        }
        if let regions {
            if unknown.region { undecided = true } else if !regions.contains(where: { $0 == key.region }) { return false }
        }
        if let aliases, !key.aliases.contains(where: { alias in aliases.contains { Glob.matches(alias, pattern: $0) } }) { return false }
        for (name, pattern) in tags ?? [:] {
            if let value = key.tags?[name] {
                if !Glob.matches(value, pattern: pattern) { return false }
            } else if unknown.tagKeys.contains(name) {
                if pattern != "*" { undecided = true }
            } else if unknown.otherTags || key.tags == nil {
                undecided = true
            } else {
                return false
            }
        }
        return undecided ? nil : true
    }
}

extension PolicyResolver {
    /// Every rule that could judge a key of which some things are unknown, in order, up to the first that
    /// surely covers it; `nil` in the list stands for the default policy. One element when the rule is known.
    /// A resolver built from a function (``init(default:needsTags:resolve:)``) is asked with what is known.
    package func candidates(for key: KeyContext, unknown: UnknownKeyContext) -> [PolicyRule?] {
        if rules.isEmpty && !isSinglePolicy { return [rule(for: key)] }  // a function of the embedder's
        var found: [PolicyRule?] = []
        for rule in rules {
            switch rule.matches(key, unknown: unknown) {
            case true: return found + [rule]
            case false: continue
            case nil: found.append(rule)
            }
        }
        return found + [nil]
    }
}
