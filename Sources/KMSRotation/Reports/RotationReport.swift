import Foundation

/// The result of a scan: one finding per key listed, and the Regions or operations that could not be
/// scanned. Every output format is rendered from this one model.
///
/// Encodes to the versioned JSON report documented in `Docs/output-formats.md` (`schemaVersion` "1.0").
/// Findings are sorted deterministically: by Region, then key ARN, then key ID.
public struct RotationReport: Sendable, Hashable, Codable {
    /// The version of the JSON report model this library writes.
    public static let currentSchemaVersion = "1.0"

    /// The version of the JSON report model.
    public var schemaVersion: String
    /// When the report was produced.
    public var generatedAt: Date
    /// Counts of findings per verdict (every verdict present, zero included).
    public var summary: Summary
    /// One finding per key, sorted by Region, key ARN, key ID.
    public var findings: [RotationFinding]
    /// What could not be scanned (a Region not enabled, AccessDenied on ListKeys), sorted.
    public var errors: [ScanError]
    /// The policy the findings were judged by.
    public var policy: RotationPolicy
    /// The Regions the scan covered, sorted.
    public var regions: [String]

    /// Creates a report; findings and errors are sorted and the summary is computed.
    public init(
        findings: [RotationFinding], errors: [ScanError] = [], policy: RotationPolicy = .cis, regions: [String] = [],
        generatedAt: Date = Date()
    ) {
        self.schemaVersion = Self.currentSchemaVersion
        self.generatedAt = generatedAt
        // Positions are sorted, not the findings: a finding is large, and a sort moves its elements many times.
        self.findings = findings.indices.sorted { Self.findingOrder(findings[$0], findings[$1]) }.map { findings[$0] }
        // The account ID breaks ties, so a multi-account report with the same error in two accounts is deterministic.
        self.errors = errors.sorted {
            ($0.region, $0.operation, $0.code, $0.message, $0.accountId ?? "") < (
                $1.region, $1.operation, $1.code, $1.message, $1.accountId ?? ""
            )
        }
        self.summary = Summary(findings)
        self.policy = policy
        self.regions = Array(Set(regions + findings.compactMap(\.region))).sorted()
    }

    /// The deterministic order of findings: Region, then key ARN, then key ID.
    package static func findingOrder(_ a: RotationFinding, _ b: RotationFinding) -> Bool {
        (a.region ?? "", a.keyArn ?? "", a.keyId) < (b.region ?? "", b.keyArn ?? "", b.keyId)
    }

    /// What the report says as a whole, for a gate: a non-compliant key is open, else some key or Region
    /// has no verdict, else every key passes or is out of scope. Suppressed findings do not count. (The CLI
    /// maps it to its exit status: 3, 4, 0.)
    public var outcome: Outcome {
        let open = findings.filter { !$0.isSuppressed }
        if open.contains(where: { $0.compliance == .nonCompliant }) { return .nonCompliant }
        if open.contains(where: { $0.compliance == .insufficientData }) || !errors.isEmpty { return .incomplete }
        return .passed
    }

    /// What a report says as a whole.
    public enum Outcome: String, Sendable, Hashable, CaseIterable {
        /// Every unsuppressed key passes or is out of scope, and every Region was scanned.
        case passed
        /// An unsuppressed key is `NON_COMPLIANT`.
        case nonCompliant
        /// No key is non-compliant, but a key is `INSUFFICIENT_DATA` or a Region could not be scanned.
        case incomplete
    }

    /// The number of findings under an accepted exception.
    public var suppressedCount: Int { findings.count { $0.isSuppressed } }

    /// Counts of findings per verdict.
    public struct Summary: Sendable, Hashable, Codable {
        /// Findings that are `COMPLIANT`.
        public var compliant: Int
        /// Findings that are `NON_COMPLIANT`.
        public var nonCompliant: Int
        /// Findings that are `NOT_APPLICABLE`.
        public var notApplicable: Int
        /// Findings that are `INSUFFICIENT_DATA`.
        public var insufficientData: Int

        /// Counts the findings.
        package init(_ findings: [RotationFinding]) {
            compliant = findings.count { $0.compliance == .compliant }
            nonCompliant = findings.count { $0.compliance == .nonCompliant }
            notApplicable = findings.count { $0.compliance == .notApplicable }
            insufficientData = findings.count { $0.compliance == .insufficientData }
        }

        /// The count for one verdict.
        public subscript(compliance: Compliance) -> Int {
            switch compliance {
            case .compliant: compliant
            case .nonCompliant: nonCompliant
            case .notApplicable: notApplicable
            case .insufficientData: insufficientData
            }
        }

        /// The number of findings.
        public var total: Int { compliant + nonCompliant + notApplicable + insufficientData }

        enum CodingKeys: String, CodingKey {
            case compliant = "COMPLIANT", nonCompliant = "NON_COMPLIANT", notApplicable = "NOT_APPLICABLE", insufficientData =
                "INSUFFICIENT_DATA"
        }
    }

    enum CodingKeys: String, CodingKey { case schemaVersion, generatedAt, summary, findings, errors, policy, regions }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try c.decode(String.self, forKey: .schemaVersion)
        guard schemaVersion.hasPrefix("1.") else {
            throw DecodingError.dataCorruptedError(
                forKey: .schemaVersion, in: c, debugDescription: "Unsupported report schemaVersion \(schemaVersion); this library reads 1.x"
            )
        }
        let generated = try c.decode(String.self, forKey: .generatedAt)
        guard let date = ISO8601.date(from: generated) else {
            throw DecodingError.dataCorruptedError(forKey: .generatedAt, in: c, debugDescription: "'\(generated)' is not an ISO 8601 date")
        }
        generatedAt = date
        summary = try c.decode(Summary.self, forKey: .summary)
        findings = try c.decode([RotationFinding].self, forKey: .findings)
        errors = try c.decodeIfPresent([ScanError].self, forKey: .errors) ?? []
        policy = try c.decodeIfPresent(RotationPolicy.self, forKey: .policy) ?? .cis
        regions = try c.decodeIfPresent([String].self, forKey: .regions) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(schemaVersion, forKey: .schemaVersion)
        try c.encode(ISO8601.string(from: generatedAt), forKey: .generatedAt)
        try c.encode(summary, forKey: .summary)
        try c.encode(findings, forKey: .findings)
        try c.encode(errors, forKey: .errors)
        try c.encode(policy, forKey: .policy)
        try c.encode(regions, forKey: .regions)
    }
}

/// Something a scan could not do: list a Region's keys (Region not enabled, AccessDenied on ListKeys),
/// or assume a role into an account. Keys that were listed but not judged are findings, not scan errors.
public struct ScanError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The Region concerned.
    public var region: String
    /// The operation that failed (`ListKeys`, `ListAliases`, `AssumeRole`).
    public var operation: String
    /// The AWS error code or transport error kind.
    public var code: String
    /// The message.
    public var message: String
    /// The account concerned, when known.
    public var accountId: String?

    /// Creates a scan error.
    package init(region: String, operation: String, code: String, message: String, accountId: String? = nil) {
        self.region = region
        self.operation = operation
        self.code = code
        self.message = message
        self.accountId = accountId
    }

    public var description: String { "\(region): \(operation) failed: \(code): \(message)" }
}
