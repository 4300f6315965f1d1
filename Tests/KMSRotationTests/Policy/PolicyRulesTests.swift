import Foundation
import Testing
@testable import KMSRotation
import KMSRotationTesting

@Suite("Policy rules: one policy per key group")
struct PolicyRulesTests {
    static let pci = PolicyRule(name: "pci", tags: ["pci": "true"], policy: RotationPolicy(maximumRotationPeriodDays: 365))
    static let sandbox = PolicyRule(name: "sandbox", accountIds: ["444455556666"], policy: .cis)
    static let legacy = PolicyRule(name: "legacy", aliases: ["alias/legacy-*"], policy: RotationPolicy(evaluateDisabledKeys: true))
    static let resolver = PolicyResolver(rules: [sandbox, pci, legacy], default: RotationPolicy(maximumRotationPeriodDays: 730))

    @Test("The first rule that covers a key wins; the default judges the rest")
    func firstMatchWins() {
        let sandboxKey = KeyContext(accountId: "444455556666", region: "us-east-1", aliases: ["alias/legacy-x"], tags: ["pci": "true"])
        #expect(Self.resolver.rule(for: sandboxKey)?.name == "sandbox")
        let pciKey = KeyContext(accountId: "111122223333", region: "us-east-1", aliases: ["alias/legacy-x"], tags: ["pci": "true"])
        #expect(Self.resolver.rule(for: pciKey)?.name == "pci")
        let legacyKey = KeyContext(accountId: "111122223333", region: "us-east-1", aliases: ["alias/legacy-x"], tags: [:])
        #expect(Self.resolver.rule(for: legacyKey)?.name == "legacy")
        let other = KeyContext(accountId: "111122223333", region: "us-east-1", aliases: ["alias/orders"], tags: [:])
        #expect(Self.resolver.rule(for: other) == nil)
        #expect(Self.resolver.policy(for: other).maximumRotationPeriodDays == 730)
    }

    @Test("Tags are needed only when a rule that reads them could cover the key")
    func tagsNeeded() {
        #expect(!Self.resolver.needsTags(for: KeyContext(accountId: "444455556666", region: "eu-west-1")))
        #expect(Self.resolver.needsTags(for: KeyContext(accountId: "111122223333", region: "eu-west-1")))
        let noTags = PolicyResolver(rules: [Self.legacy, Self.sandbox])
        #expect(!noTags.needsTags(for: KeyContext(accountId: "111122223333", region: "eu-west-1")))
        #expect(
            Self.resolver.candidates(for: KeyContext(accountId: "111122223333", region: "eu-west-1", aliases: ["alias/legacy-1"]))
                .map { $0?.name } == ["pci", "legacy"])
    }

    @Test(
        "Glob patterns",
        arguments: [
            ("alias/legacy-app", "alias/legacy-*", true), ("alias/legacy-", "alias/legacy-*", true),
            ("alias/legacy", "alias/legacy-*", false),
            ("alias/a1", "alias/a?", true), ("alias/a12", "alias/a?", false), ("alias/x/y/z", "alias/*/z", true), ("abc", "*", true),
            ("alias/orders", "alias/orders", true), ("alias/orders2", "alias/orders", false), ("aXbXc", "a*b*c", true),
            ("ac", "a*b*c", false),
        ])
    func glob(text: String, pattern: String, expected: Bool) {
        #expect(Glob.matches(text, pattern: pattern) == expected)
    }

    @Test("A policy file: rules, the default, and every error names the rule")
    func policyFile() throws {
        let good = #"""
            {"default": {"maximumRotationPeriodDays": 730}, "rules": [
              {"name": "pci", "match": {"tags": {"pci": "true"}}, "policy": {"maximumRotationPeriodDays": 365}},
              {"name": "legacy", "match": {"aliases": ["alias/legacy-*"], "regions": ["us-east-1"]}, "policy": {"evaluateDisabledKeys": true}},
              {"name": "sandbox", "match": {"accountIds": ["444455556666"]}, "policy": "cis"}
            ]}
            """#
        let resolver = try PolicyResolver(policyFile: Data(good.utf8))
        #expect(resolver.rules.map(\.name) == ["pci", "legacy", "sandbox"])
        #expect(resolver.defaultPolicy.maximumRotationPeriodDays == 730)
        #expect(resolver.rules[1].regions == ["us-east-1"] && resolver.rules[1].policy.evaluateDisabledKeys)

        let bad: [(String, String)] = [
            (#"{"rules": [{"name": "a", "policy": "strict"}]}"#, "rule 1 'a': policy: 'strict' is not a policy name"),
            (
                #"{"rules": [{"name": "a", "policy": {"maximumRotationPeriodDays": 30}}]}"#,
                "rule 1 'a': policy: maximumRotationPeriodDays must be between 90 and 2560"
            ),
            (#"{"rules": [{"name": "a", "policy": {"maximumRotationPeriodDays": 365.5}}]}"#, "not JSON"),
            (
                #"{"rules": [{"name": "a", "policy": {"evaluateDisabledKeys": 1}}]}"#,
                "rule 1 'a': policy: evaluateDisabledKeys must be true or false"
            ),
            (
                #"{"rules": [{"name": "a", "match": {"accountIds": ["1234"]}, "policy": "cis"}]}"#,
                "rule 1 'a': match.accountIds: '1234' is not an account ID"
            ),
            (
                #"{"rules": [{"name": "a", "match": {"regions": ["US EAST"]}, "policy": "cis"}]}"#,
                "rule 1 'a': match.regions: 'US EAST' is not a Region name"
            ),
            (#"{"rules": [{"name": "a", "match": {"aliases": ["legacy-*"]}, "policy": "cis"}]}"#, "must start with alias/"),
            (#"{"rules": [{"name": "a", "match": {"tag": {"x": "y"}}, "policy": "cis"}]}"#, "rule 1 'a': match: unknown member 'tag'"),
            (
                #"{"rules": [{"name": "a", "policy": "cis"}, {"name": "b", "policy": "cis"}]}"#,
                "rule 2 'b' is never used: rule 'a' before it covers every key"
            ),
            (
                #"{"rules": [{"name": "a", "match": {"regions": ["us-east-1"]}, "policy": "cis"}, {"name": "a", "policy": "cis"}]}"#,
                "rule 2 'a': the name is used"
            ),
            (#"{"rules": [{"policy": "cis"}]}"#, "rule 1 needs a name"),
            (#"{"rules": [{"name": "a"}]}"#, "rule 1 'a' has no policy"),
            (#"{"rulez": []}"#, "unknown member 'rulez'"),
            (#"[1, 2]"#, "must be a JSON object"),
            (String(repeating: "[", count: 100) + String(repeating: "]", count: 100), "nested too deeply"),
        ]
        for (text, expected) in bad {
            do {
                _ = try PolicyResolver(policyFile: Data(text.utf8))
                Issue.record("accepted: \(text)")
            } catch let error as PolicyFileError {
                #expect(error.message.contains(expected), "\(error.message)")
            }
        }
    }

    @Test("The example policy file loads")
    func examplePolicy() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../../Examples/policies/estate.json")
        let resolver = try PolicyResolver(policyFile: try Data(contentsOf: url))
        #expect(resolver.rules.map(\.name) == ["pci", "archive-yearly", "legacy"])
    }
}

extension ScannerTests {
    @Suite("Scanner with policy rules")
    struct PolicyRuleScans {
        @Test("Each key is judged by its rule, the rule is recorded, and tags are fetched only where a tag rule could apply")
        func perRuleVerdicts() async throws {
            let kms = SampleAccount.demo()
            let rules = PolicyResolver(rules: [
                PolicyRule(
                    name: "archive-yearly", regions: ["us-east-1"], aliases: ["alias/archive"],
                    policy: RotationPolicy(maximumRotationPeriodDays: 365)),
                PolicyRule(name: "pci", tags: ["pci": "true"], policy: RotationPolicy(maximumRotationPeriodDays: 60)),
                PolicyRule(name: "eu", regions: ["eu-west-1"], policy: RotationPolicy(evaluateDisabledKeys: true)),
            ])
            let report = try await makeScanner(kms, regions: ["us-east-1", "eu-west-1"], policies: rules).report()
            let byAlias = Dictionary(
                report.findings.compactMap { f in f.aliases.first.map { ($0 + "@" + (f.region ?? ""), f) } },
                uniquingKeysWith: { a, _ in a })
            let archive = try #require(byAlias["alias/archive@us-east-1"])
            #expect(archive.reason == .rotationPeriodTooLong && archive.policyRule == "archive-yearly")
            let payments = try #require(byAlias["alias/payments@us-east-1"])
            #expect(payments.reason == .rotationPeriodTooLong && payments.policyRule == "pci" && payments.tags?["pci"] == "true")
            let orders = try #require(byAlias["alias/orders@us-east-1"])
            #expect(orders.reason == .rotationEnabled && orders.policyRule == "default" && orders.tags?["team"] == "orders")
            let eu = try #require(byAlias["alias/eu-analytics@eu-west-1"])
            #expect(eu.policyRule == "pci" || eu.policyRule == "eu")
            #expect(eu.policyRule == "eu" && eu.tags != nil, "a pci tag rule comes first, so EU keys' tags are read too")
            #expect(report.findings.allSatisfy { $0.policyRule != nil })
            // The archive key is covered before any tag rule: its tags are never read.
            #expect(archive.tags == nil)
            #expect(
                kms.callCount(
                    "ListResourceTags",
                    keyId: kms.keyIds(region: "us-east-1").first { kms.keyArn($0, region: "us-east-1") == archive.keyArn } ?? "",
                    region: "us-east-1") == 0)
        }

        @Test("A refused tag call: INSUFFICIENT_DATA only where a tag rule could change the verdict")
        func refusedTags() async throws {
            let kms = SampleAccount.demo()
            kms.denyOperation("ListResourceTags")
            let rules = PolicyResolver(rules: [
                PolicyRule(name: "pci", tags: ["pci": "true"], policy: RotationPolicy(maximumRotationPeriodDays: 60))
            ])
            let report = try await makeScanner(kms, regions: ["us-east-1"], policies: rules).report()
            let byAlias = Dictionary(report.findings.compactMap { f in f.aliases.first.map { ($0, f) } }, uniquingKeysWith: { a, _ in a })
            // Rotation every 90 days: compliant under CIS, too long under pci. The tags decide: no verdict.
            let payments = try #require(byAlias["alias/payments"])
            #expect(payments.reason == .accessDenied && payments.error?.operation == "ListResourceTags")
            #expect(payments.message.contains("tags"))
            // Rotation off: non-compliant under both. The verdict stands.
            let legacy = try #require(byAlias["alias/legacy-app"])
            #expect(legacy.reason == .rotationDisabled)
            // An HMAC key is out of scope under both.
            #expect(byAlias["alias/webhook-mac"]?.reason == .hmacKey)
        }
    }
}

extension ScannerTests.PolicyRuleScans {
    @Test("An embedder's function that reads tags: a refused tag call is INSUFFICIENT_DATA and names no rule")
    func refusedTagsWithAFunction() async throws {
        let kms = SampleAccount.demo()
        kms.denyOperation("ListResourceTags")
        let pci = PolicyRule(name: "pci", policy: RotationPolicy(maximumRotationPeriodDays: 60))
        let resolver = PolicyResolver(default: .cis, needsTags: true) { key in key.tags?["pci"] == "true" ? pci : nil }
        let report = try await makeScanner(kms, regions: ["us-east-1"], policies: resolver).report()
        let payments = try #require(report.findings.first { $0.aliases.contains("alias/payments") })
        #expect(payments.reason == .accessDenied && payments.error?.operation == "ListResourceTags")
        #expect(payments.policyRule == nil)
    }
}
