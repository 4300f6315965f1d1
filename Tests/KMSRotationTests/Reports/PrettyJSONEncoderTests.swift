import Foundation
import Testing

@testable import KMSRotation

/// ``PrettyJSONEncoder`` against `JSONEncoder` itself: the same bytes for every value the reports hold,
/// and `JSONEncoder`'s bytes through the fallback for every value it does not support.
@Suite struct PrettyJSONEncoderTests {
    /// `JSONEncoder`'s bytes with the report's options.
    static func foundation(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    /// The new encoder's bytes, with no fallback.
    static func direct(_ value: some Encodable, indentLevel: Int = 0) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try PrettyJSONEncoder.encodeWithoutFallback(value, appendingTo: &bytes, indentLevel: indentLevel)
        return bytes
    }

    static func expectSame(_ value: some Encodable, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let expected = try foundation(value)
        let actual = try direct(value)
        // Bytes, not Strings: String equality would equate canonically equivalent keys ("é", "e\u{301}").
        let same = actual == expected
        #expect(
            same, "\(String(decoding: actual, as: UTF8.self))\n  differs from JSONEncoder's\n\(String(decoding: expected, as: UTF8.self))",
            sourceLocation: sourceLocation)
    }

    // MARK: The report's values

    @Test func sampleReportAndEachOfItsFindings() throws {
        let report = SampleReport.report
        try Self.expectSame(report)
        var frame = report
        frame.findings = []
        try Self.expectSame(frame)
        for finding in report.findings { try Self.expectSame(finding) }
        try Self.expectSame(RotationReport(findings: [], generatedAt: SampleReport.generatedAt))
        for finding in report.findings.prefix(4) { try Self.expectSame(SampleReport.single(finding, errors: report.errors)) }
    }

    @Test("The JSON report is JSONEncoder's whole document, plus a newline")
    func jsonReportEqualsJSONEncoder() throws {
        let reports = [
            SampleReport.report,
            SampleReport.single(Self.fullFinding(), errors: SampleReport.report.errors),
            SampleReport.single(Self.minimalFinding()),
            RotationReport(findings: [], errors: SampleReport.report.errors, generatedAt: SampleReport.generatedAt),
            Self.randomReport(seed: 7, count: 40),
        ]
        for report in reports {
            let expected = String(decoding: try Self.foundation(report), as: UTF8.self) + "\n"
            #expect(try SampleReport.render(.json, report) == expected)
        }
    }

    @Test func findingWithEveryOptionalMemberPresent() throws {
        let finding = Self.fullFinding()
        try Self.expectSame(finding)
        try Self.expectSame(finding.evidence)
        try Self.expectSame(finding.location)
        try Self.expectSame(finding.suppression)
        try Self.expectSame(finding.remediation)
        try Self.expectSame(finding.rotation)
        try Self.expectSame(finding.error)
    }

    @Test func findingWithEveryOptionalMemberAbsent() throws {
        let finding = Self.minimalFinding()
        try Self.expectSame(finding)
        try Self.expectSame(finding.key)
        try Self.expectSame(KeyMaterialEvidence())
        try Self.expectSame(RotationFinding.RotationSummary(enabled: nil))
        try Self.expectSame(FindingLocation(file: "", resource: ""))
        try Self.expectSame(RotationPolicy(maximumRotationPeriodDays: 90, evaluateDisabledKeys: true, maximumKeyMaterialAgeDays: 1))
    }

    @Test("Many generated findings (seeded, deterministic)", arguments: [1, 2, 3, 4] as [UInt64])
    func generatedFindings(seed: UInt64) throws {
        let report = Self.randomReport(seed: seed, count: 150)
        for finding in report.findings { try Self.expectSame(finding) }
        try Self.expectSame(report)
    }

    @Test func indentationLevelsMatchTheValueNestedThatDeep() throws {
        let finding = Self.fullFinding()
        for level in [0, 1, 2, 5, 12] {
            var expected: [UInt8] = []
            try PrettyJSONEncoder.appendFoundationEncoding(of: finding, to: &expected, indentLevel: level)
            #expect(try Self.direct(finding, indentLevel: level) == expected)
        }
        // And appendFoundationEncoding's indentation is JSONEncoder's own for a nested value.
        let nested = ["a": ["b": [finding]]]
        let whole = String(decoding: try Self.foundation(nested), as: UTF8.self)
        var inner: [UInt8] = []
        try PrettyJSONEncoder.appendFoundationEncoding(of: finding, to: &inner, indentLevel: 3)
        #expect(whole.contains(String(decoding: inner, as: UTF8.self)))
    }

    // MARK: Strings, keys, numbers, containers

    static let awkward: [String] = [
        "", "plain", "\"quoted\"", "back\\slash", "slash / and //", "https://example.com/a?b=c",
        String((0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) }), "\u{7F}", "nul\u{0}mid",
        "line\nbreak\r\n\ttab", "\u{8}\u{C}", "line separator \u{2028} paragraph \u{2029}", "é e\u{301} ß Ä 中文",
        "🔑🏳️‍🌈👩🏽‍💻", "\u{FEFF}bom", "\u{FFFD}", "tail\\", "\\\"", "</script>", "{ } [ ] : ,",
    ]

    @Test func stringsWithEveryEscapeClass() throws {
        for string in Self.awkward {
            try Self.expectSame(string)
            try Self.expectSame([string])
            try Self.expectSame(["key": string])
        }
        try Self.expectSame(Self.awkward)
        let escaped = String(decoding: try Self.direct("/\u{1}\u{1F}\u{7F}\u{2028}"), as: UTF8.self)
        #expect(escaped == "\"/\\u0001\\u001f\u{7F}\u{2028}\"")
    }

    /// Keys whose order differs by bytes, by Unicode scalars, by UTF-16, with case folded, numerically,
    /// or with canonical equivalence (as tags, which are user data).
    static let awkwardKeys: [String] = [
        "a", "A", "b", "B", "Z", "z", "_", "-", " ", "a b", "aa", "a-", "a_", "A_", "ab", "a1", "a10", "a2", "1", "10", "9",
        "09", "é", "e\u{300}", "f", "ë", "Ä", "ß", "ss", "中", "\u{FF5E}", "😀", "\u{E000}", "\u{10FFFF}", "aws:cloudformation:stack-name",
        "cost/centre", "\"q\"", "back\\slash", "tab\t", "\u{1}", "İ", "i", "ı", "",
        // Equal in their first eight bytes, which the encoder compares first.
        "aws:cloudformation:logical-id", "aws:cloudformation:stack-id", "12345678", "12345678\u{0}", "12345678\u{0}\u{0}", "1234567",
        "1234567\u{0}", "12345678a", "12345678B", "1234567é",
    ]

    @Test func tagKeysSortedByUTF8Bytes() throws {
        var tags: [String: String] = [:]
        for (index, key) in Self.awkwardKeys.enumerated() { tags[key] = "v\(index)" }
        try Self.expectSame(tags)
        var finding = Self.minimalFinding()
        finding.tags = tags
        try Self.expectSame(finding)
        // The orders that differ from bytes are really exercised: Swift's String order, case-folded, UTF-16.
        let bytes = Self.awkwardKeys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        #expect(bytes != Self.awkwardKeys.sorted())
        #expect(bytes != Self.awkwardKeys.sorted { $0.lowercased() < $1.lowercased() })
        #expect(bytes != Self.awkwardKeys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) })
        // Every subset order is the same whatever the insertion order.
        var generator = SplitMix64(seed: 99)
        for _ in 0..<50 {
            let keys = Self.awkwardKeys.filter { _ in generator.next() % 2 == 0 }
            try Self.expectSame(Dictionary(uniqueKeysWithValues: keys.shuffled(using: &generator).map { ($0, $0) }))
        }
    }

    /// Apple's older `JSONEncoder` sorts keys as `NSString` compares them; where that order is not certainly
    /// the UTF-8 order, the encoder leaves the object to `JSONEncoder` on Apple platforms.
    @Test func appleOrderIsJudgedOnlyForLetterKeys() throws {
        let agree = PrettyJSONEncoder.Writer.caseInsensitiveOrderAgrees
        #expect(agree("keyArn", "keyId"))
        #expect(agree("rotation", "rotationPeriodInDays"))
        #expect(agree("Team", "owner") == false)  // "owner" first, case ignored
        #expect(agree("a10", "a2") == false)  // numeric order differs
        #expect(agree("NON_COMPLIANT", "NOT_APPLICABLE") == false)  // punctuation: not judged
        #expect(agree("keyId", "keyid") == false)
        #expect(agree("caf", "café") == false)
        // Every object of a finding but its tags (user data) has letter keys: findings keep the fast path there.
        let finding = try #require(
            try JSONSerialization.jsonObject(with: Data(Self.foundation(Self.fullFinding()))) as? [String: Any])
        func check(_ object: [String: Any], _ path: String) {
            let keys = object.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (a, b) in zip(keys, keys.dropFirst()) { #expect(agree(a, b), "\(path): \(a), \(b)") }
            for (key, value) in object where key != "tags" {
                if let nested = value as? [String: Any] { check(nested, path + "." + key) }
            }
        }
        check(finding, "finding")
    }

    @Test func emptyArraysAndObjectsAtSeveralDepths() throws {
        try Self.expectSame([String]())
        try Self.expectSame([String: String]())
        try Self.expectSame([[String]]())
        try Self.expectSame([[String]()])
        try Self.expectSame([[[String: String]()]])
        try Self.expectSame(["a": [String: [String]]()])
        try Self.expectSame(["a": ["b": [String]()], "c": [:]])
        try Self.expectSame([[[[[[String]()]]]], [[[]]], [[]], []])
        var finding = Self.minimalFinding()
        finding.tags = [:]
        try Self.expectSame(finding)
        try Self.expectSame(RotationReport(findings: [], policy: .cis, regions: [], generatedAt: SampleReport.generatedAt))
    }

    @Test func integersAtTheirLimits() throws {
        try Self.expectSame([Int.min, Int.max, 0, -1, 1, 10, -10, 999, 1000])
        try Self.expectSame(["min": Int.min, "max": Int.max])
        try Self.expectSame(Int.min)
        try Self.expectSame(Limits())
        var finding = Self.fullFinding()
        finding.rotation?.rotationPeriodInDays = Int.min
        finding.evidence?.keyMaterialAgeDays = Int.max
        try Self.expectSame(finding)
    }

    @Test func topLevelValuesAndBooleansAndNulls() throws {
        try Self.expectSame("top")
        try Self.expectSame(true)
        try Self.expectSame(Int?.none)
        try Self.expectSame([true, false])
        try Self.expectSame([String?.none, "x"])
        try Self.expectSame(
            JSONValue.object(["n": .null, "b": .bool(false), "a": .array([.int(-3), .strings(["x"])]), "o": .object([:])]))
    }

    @Test func nestedContainersAndSuperEncoders() throws {
        try Self.expectSame(Nested())
        try Self.expectSame([Nested(), Nested()])
        try Self.expectSame(["k": Nested()])
    }

    // MARK: Fallback

    @Test("Each unsupported value throws, and the fallback writes JSONEncoder's bytes")
    func unsupportedValuesFallBack() throws {
        // fixed-clock: an arbitrary fixed date, encoded; nothing compares it with a clock.
        let date = Date(timeIntervalSince1970: 1_795_932_000.25)
        try Self.expectFallback(1.5)
        try Self.expectFallback(["d": 0.1])
        try Self.expectFallback([Float(2.5)])
        try Self.expectFallback(date)
        try Self.expectFallback(["at": date])
        try Self.expectFallback([Date?.some(date)])
        try Self.expectFallback(Data([0, 1, 2, 255]))
        try Self.expectFallback(["u": URL(string: "https://example.com/a?b=/c")!])
        try Self.expectFallback(Decimal(string: "3.14159")!)
        try Self.expectFallback(["big": Int128.max])
        // At the top, JSONEncoder throws for a value that encodes nothing; so does the fallback.
        #expect(throws: PrettyJSONEncoder.Unsupported.self) { try Self.direct(Silent()) }
        var none: [UInt8] = []
        #expect(throws: EncodingError.self) { try PrettyJSONEncoder.encode(Silent(), appendingTo: &none) }
        try Self.expectFallback(["empty": Silent()])
        try Self.expectFallback(DuplicateKey())
        try Self.expectFallback(ReadsCodingPath())
        try Self.expectFallback(LateWrite())
        try Self.expectFallback(LateSuperEncoder())
        var finding = Self.fullFinding()
        finding.tags = ["é": "precomposed"]
        try Self.expectSame(finding)
        try Self.expectFallback(MixedFinding(finding: finding, ratio: 0.25))
    }

    @Test func aValuesOwnErrorIsJSONEncodersError() throws {
        var bytes: [UInt8] = Array("prefix".utf8)
        #expect(throws: Failing.Failure.self) { try PrettyJSONEncoder.encode(Failing(), appendingTo: &bytes) }
        #expect(throws: EncodingError.self) { try PrettyJSONEncoder.encode(Double.nan, appendingTo: &bytes) }
        #expect(bytes == Array("prefix".utf8))
    }

    static func expectFallback(_ value: some Encodable, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(throws: PrettyJSONEncoder.Unsupported.self, sourceLocation: sourceLocation) { try Self.direct(value) }
        var bytes: [UInt8] = Array("kept".utf8)
        try PrettyJSONEncoder.encode(value, appendingTo: &bytes)
        #expect(bytes == Array("kept".utf8) + (try Self.foundation(value)), sourceLocation: sourceLocation)
        // Nested, the fallback's bytes are indented like the rest.
        var nested: [UInt8] = []
        try PrettyJSONEncoder.encode(["outer": [value]], appendingTo: &nested)
        #expect(nested == (try Self.foundation(["outer": [value]])), sourceLocation: sourceLocation)
    }
}

// MARK: - Values

extension PrettyJSONEncoderTests {
    static func fullFinding() -> RotationFinding {
        // fixed-clock: dates written into the finding; nothing compares them with a clock.
        let date = Date(timeIntervalSince1970: 1_795_932_000)
        let error = EvidenceError(
            operation: "ListKeyRotations", code: "AccessDeniedException", message: "denied \"here\" / there", httpStatus: 400,
            requestId: "req-1")
        var finding = RotationFinding(
            keyArn: "arn:aws:kms:us-east-1:111122223333:key/k", keyId: "k", accountId: "111122223333", region: "us-east-1",
            aliases: ["alias/b", "alias/a"], reason: .rotationDisabled, message: "Turn rotation on.\n\t🔑",
            key: .init(
                keySpec: .symmetricDefault, keyManager: .customer, keyState: .enabled, origin: .awsKMS, multiRegionKeyType: .replica,
                primaryKeyArn: "arn:aws:kms:us-west-2:111122223333:key/mrk-1"),
            rotation: .init(enabled: false, rotationPeriodInDays: 365, nextRotationDate: date, onDemandRotationStartDate: date),
            error: error,
            remediation: Remediation(
                action: .enableKeyRotation, keyArn: "arn:aws:kms:us-east-1:111122223333:key/k", region: "us-east-1",
                rotationPeriodInDays: 180, note: "Imported material: rotate on demand."))
        finding.suppression = .init(justification: "Accepted by ops", expires: date)
        finding.policyRule = "default"
        finding.tags = ["Team": "ops", "cost-centre": "42", "aws:x": "/y/"]
        finding.location = FindingLocation(
            file: "infra/main.tf", resource: "aws_kms_key.orders", line: 3, column: 1, attribute: "enable_key_rotation",
            attributeLine: 7, attributeColumn: 3)
        var evidence = KeyMaterialEvidence(creationDate: date)
        evidence.rotationCount = 3
        evidence.lastRotationDate = date
        evidence.lastRotationType = .onDemand
        evidence.lastKeyMaterialId = "material-1"
        evidence.keyMaterialAgeDays = 12
        evidence.historyError = error
        evidence.lastUsedDate = date
        evidence.usageTrackingStartDate = date
        evidence.daysSinceLastUse = 0
        evidence.lastUsageError = EvidenceError(operation: "GetKeyLastUsage", code: "Throttling", message: "slow down")
        finding.evidence = evidence
        return finding
    }

    static func minimalFinding() -> RotationFinding {
        RotationFinding(keyArn: nil, keyId: "", accountId: nil, region: nil, reason: .keyDisabled, message: "", key: .init())
    }

    /// A report of `count` findings with members present or absent and strings drawn at random.
    static func randomReport(seed: UInt64, count: Int) -> RotationReport {
        var generator = SplitMix64(seed: seed)
        func chance(_ generator: inout SplitMix64) -> Bool { generator.next() % 2 == 0 }
        func text(_ generator: inout SplitMix64) -> String {
            let pieces = awkward + awkwardKeys + ["arn:aws:kms:eu-west-1:111122223333:key/", "alias/", "mrk-", "x"]
            return (0..<Int(generator.next() % 4)).map { _ in pieces.randomElement(using: &generator)! }.joined()
        }
        func maybe(_ generator: inout SplitMix64) -> String? { chance(&generator) ? text(&generator) : nil }
        func number(_ generator: inout SplitMix64) -> Int? {
            chance(&generator) ? [Int.min, -1, 0, 7, 365, Int.max].randomElement(using: &generator)! : nil
        }
        // fixed-clock: generated dates written into findings; nothing compares them with a clock.
        func date(_ generator: inout SplitMix64) -> Date? {
            chance(&generator) ? Date(timeIntervalSince1970: Double(generator.next() % 4_000_000_000)) : nil
        }
        func error(_ generator: inout SplitMix64) -> EvidenceError? {
            chance(&generator)
                ? EvidenceError(
                    operation: text(&generator), code: text(&generator), message: text(&generator), httpStatus: number(&generator),
                    requestId: maybe(&generator)) : nil
        }
        let findings = (0..<count).map { index -> RotationFinding in
            let full = fullFinding()
            var finding = RotationFinding(
                keyArn: maybe(&generator), keyId: "key-\(index)-" + text(&generator), accountId: maybe(&generator),
                region: maybe(&generator),
                aliases: (0..<Int(generator.next() % 3)).map { _ in text(&generator) },
                reason: FindingReason.allCases.randomElement(using: &generator)!, message: text(&generator),
                key: chance(&generator) ? full.key : .init(keySpec: .unknown(text(&generator)), primaryKeyArn: maybe(&generator)),
                rotation: chance(&generator)
                    ? .init(
                        enabled: chance(&generator) ? chance(&generator) : nil, rotationPeriodInDays: number(&generator),
                        nextRotationDate: date(&generator), onDemandRotationStartDate: date(&generator)) : nil,
                error: error(&generator),
                remediation: chance(&generator)
                    ? Remediation(
                        action: chance(&generator) ? .enableKeyRotation : .rotateKeyOnDemand, keyArn: text(&generator),
                        region: maybe(&generator), rotationPeriodInDays: number(&generator), note: maybe(&generator)) : nil)
            if chance(&generator) { finding.suppression = .init(justification: text(&generator), expires: date(&generator)) }
            if chance(&generator) { finding.policyRule = text(&generator) }
            if chance(&generator) {
                finding.tags = Dictionary(
                    (0..<Int(generator.next() % 6)).map { _ in (awkwardKeys.randomElement(using: &generator)!, text(&generator)) },
                    uniquingKeysWith: { first, _ in first })
            }
            if chance(&generator) {
                finding.location = FindingLocation(
                    file: text(&generator), resource: text(&generator), line: number(&generator), column: number(&generator),
                    attribute: maybe(&generator), attributeLine: number(&generator), attributeColumn: number(&generator))
            }
            if chance(&generator) {
                var evidence = KeyMaterialEvidence(creationDate: date(&generator))
                evidence.rotationCount = number(&generator)
                evidence.lastRotationDate = date(&generator)
                evidence.lastRotationType = chance(&generator) ? .automatic : nil
                evidence.lastKeyMaterialId = maybe(&generator)
                evidence.keyMaterialAgeDays = number(&generator)
                evidence.historyError = error(&generator)
                evidence.lastUsedDate = date(&generator)
                evidence.usageTrackingStartDate = date(&generator)
                evidence.daysSinceLastUse = number(&generator)
                evidence.lastUsageError = error(&generator)
                finding.evidence = evidence
            }
            return finding
        }
        let errors = (0..<Int(generator.next() % 3)).map { _ in
            ScanError(
                region: text(&generator), operation: text(&generator), code: text(&generator), message: text(&generator),
                accountId: maybe(&generator))
        }
        return RotationReport(
            findings: findings, errors: errors,
            policy: RotationPolicy(maximumRotationPeriodDays: number(&generator), maximumKeyMaterialAgeDays: number(&generator)),
            regions: (0..<Int(generator.next() % 4)).map { _ in text(&generator) }, generatedAt: SampleReport.generatedAt)
    }
}

private struct Limits: Encodable {
    func encode(to encoder: any Encoder) throws {
        var keyed = encoder.container(keyedBy: PlainKey.self)
        try keyed.encode(Int8.min, forKey: PlainKey("int8"))
        try keyed.encode(Int16.min, forKey: PlainKey("int16"))
        try keyed.encode(Int32.min, forKey: PlainKey("int32"))
        try keyed.encode(Int64.min, forKey: PlainKey("int64"))
        try keyed.encode(UInt.max, forKey: PlainKey("uint"))
        try keyed.encode(UInt8.max, forKey: PlainKey("uint8"))
        try keyed.encode(UInt16.max, forKey: PlainKey("uint16"))
        try keyed.encode(UInt32.max, forKey: PlainKey("uint32"))
        try keyed.encode(UInt64.max, forKey: PlainKey("uint64"))
        var list = keyed.nestedUnkeyedContainer(forKey: PlainKey("list"))
        try list.encode(Int8.max)
        try list.encode(UInt64.max)
        try list.encode(Int64.min)
        try list.encode([UInt8.min, UInt8.max])
    }
}

private struct PlainKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// Every kind of nested container, and super encoders used at once.
private struct Nested: Encodable {
    func encode(to encoder: any Encoder) throws {
        var keyed = encoder.container(keyedBy: PlainKey.self)
        try keyed.encode("last", forKey: PlainKey("z"))
        var inner = keyed.nestedContainer(keyedBy: PlainKey.self, forKey: PlainKey("inner"))
        try inner.encode(1, forKey: PlainKey("b"))
        try inner.encodeNil(forKey: PlainKey("a"))
        var deeper = inner.nestedUnkeyedContainer(forKey: PlainKey("c"))
        try deeper.encode("x")
        var objectInArray = deeper.nestedContainer(keyedBy: PlainKey.self)
        try objectInArray.encode(true, forKey: PlainKey("t"))
        _ = deeper.nestedUnkeyedContainer()
        let element = deeper.superEncoder()
        var single = element.singleValueContainer()
        try single.encode(["in", "super"])
        try keyed.encode([String: Int](), forKey: PlainKey("emptyObject"))
        _ = keyed.nestedContainer(keyedBy: PlainKey.self, forKey: PlainKey("emptyNested"))
        let parent = keyed.superEncoder()
        var parentKeyed = parent.container(keyedBy: PlainKey.self)
        try parentKeyed.encode("base", forKey: PlainKey("kind"))
        let named = keyed.superEncoder(forKey: PlainKey("named"))
        try "value".encode(to: named)
        try keyed.encode(Limits(), forKey: PlainKey("limits"))
    }
}

/// Encodes nothing: JSONEncoder writes `{}` for it (nested) or throws (at the top).
private struct Silent: Encodable {
    func encode(to encoder: any Encoder) throws {}
}

/// The same key twice: JSONEncoder keeps the last value.
private struct DuplicateKey: Encodable {
    func encode(to encoder: any Encoder) throws {
        var keyed = encoder.container(keyedBy: PlainKey.self)
        try keyed.encode("first", forKey: PlainKey("k"))
        try keyed.encode("other", forKey: PlainKey("j"))
        try keyed.encode("second", forKey: PlainKey("k"))
    }
}

private struct ReadsCodingPath: Encodable {
    func encode(to encoder: any Encoder) throws {
        var single = encoder.singleValueContainer()
        try single.encode("depth \(encoder.codingPath.count)")
    }
}

/// Writes to a nested container after its parent moved on, which JSONEncoder allows.
private struct LateWrite: Encodable {
    func encode(to encoder: any Encoder) throws {
        var keyed = encoder.container(keyedBy: PlainKey.self)
        var inner = keyed.nestedContainer(keyedBy: PlainKey.self, forKey: PlainKey("inner"))
        try keyed.encode("after", forKey: PlainKey("sibling"))
        try inner.encode("late", forKey: PlainKey("x"))
    }
}

/// Fills a super encoder after its container moved on.
private struct LateSuperEncoder: Encodable {
    func encode(to encoder: any Encoder) throws {
        var list = encoder.unkeyedContainer()
        let element = list.superEncoder()
        try list.encode("next")
        try "late".encode(to: element)
    }
}

/// A finding next to a Double: the whole value falls back, the finding included.
private struct MixedFinding: Encodable {
    var finding: RotationFinding
    var ratio: Double
}

private struct Failing: Encodable {
    struct Failure: Error {}
    func encode(to encoder: any Encoder) throws { throw Failure() }
}
