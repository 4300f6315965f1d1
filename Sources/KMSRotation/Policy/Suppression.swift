import Foundation

/// An accepted exception: a finding a person has decided to live with, with a justification and usually an
/// expiry date. A suppressed finding keeps its verdict and stays in every report, marked as suppressed
/// (SARIF `suppressions`, Security Hub `Workflow.Status` SUPPRESSED, OCSF status Suppressed, JUnit
/// skipped); it no longer makes the CLI exit with 3 or 4.
///
/// A suppression selects keys by ARN, key ID or alias (at least one), optionally only for one reason, and
/// applies to `NON_COMPLIANT` and `INSUFFICIENT_DATA` findings only. An expired suppression does not apply.
public struct Suppression: Sendable, Hashable, Codable {
    /// The key ARN this suppression is for.
    public var keyArn: String?
    /// The key ID this suppression is for (any Region and account).
    public var keyId: String?
    /// An alias (`alias/…`) of the key this suppression is for.
    public var alias: String?
    /// Only findings with this reason are suppressed; `nil` for any non-compliant or insufficient-data reason.
    public var reason: FindingReason?
    /// Why the exception is accepted (a ticket, an owner); required.
    public var justification: String
    /// When the exception stops applying (the start of that day, UTC, for a bare date); `nil` for never.
    public var expires: Date?

    /// Creates a suppression.
    public init(keyArn: String? = nil, keyId: String? = nil, alias: String? = nil, reason: FindingReason? = nil, justification: String, expires: Date? = nil) {
        self.keyArn = keyArn
        self.keyId = keyId
        self.alias = alias
        self.reason = reason
        self.justification = justification
        self.expires = expires
    }

    /// Whether this suppression selects the finding (ignoring expiry).
    /// - Parameter finding: A finding.
    /// - Returns: `true` when every selector given matches, and the finding is one that may be suppressed.
    public func matches(_ finding: RotationFinding) -> Bool {
        guard finding.compliance == .nonCompliant || finding.compliance == .insufficientData else { return false }
        if let keyArn, finding.keyArn != keyArn { return false }
        if let keyId, finding.keyId != keyId { return false }
        if let alias, !finding.aliases.contains(alias) { return false }
        if let reason, finding.reason != reason { return false }
        return true
    }

    /// Whether the suppression has expired at `now`.
    public func isExpired(at now: Date) -> Bool { expires.map { $0 <= now } ?? false }

    enum CodingKeys: String, CodingKey { case keyArn, keyId, alias, reason, justification, expires }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        keyArn = try c.decodeIfPresent(String.self, forKey: .keyArn)
        keyId = try c.decodeIfPresent(String.self, forKey: .keyId)
        alias = try c.decodeIfPresent(String.self, forKey: .alias)
        if let raw = try c.decodeIfPresent(String.self, forKey: .reason) {
            guard let reason = FindingReason(rawValue: raw) else {
                throw DecodingError.dataCorruptedError(forKey: .reason, in: c, debugDescription: "'\(raw)' is not a reason code (\(FindingReason.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            self.reason = reason
        }
        justification = try c.decode(String.self, forKey: .justification)
        if let text = try c.decodeIfPresent(String.self, forKey: .expires) {
            guard let date = ISO8601.date(from: text) ?? Self.day(text) else {
                throw DecodingError.dataCorruptedError(forKey: .expires, in: c, debugDescription: "'\(text)' is not a date (2027-01-31) or an ISO 8601 time")
            }
            expires = date
        }
        guard keyArn != nil || keyId != nil || alias != nil else {
            throw DecodingError.dataCorruptedError(forKey: .keyArn, in: c, debugDescription: "a suppression needs keyArn, keyId or alias")
        }
        guard !justification.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .justification, in: c, debugDescription: "a suppression needs a justification")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(keyArn, forKey: .keyArn)
        try c.encodeIfPresent(keyId, forKey: .keyId)
        try c.encodeIfPresent(alias, forKey: .alias)
        try c.encodeIfPresent(reason, forKey: .reason)
        try c.encode(justification, forKey: .justification)
        try c.encodeIfPresent(expires.map(ISO8601.string(from:)), forKey: .expires)
    }

    /// A bare `yyyy-MM-dd` day, at 00:00 UTC.
    static func day(_ text: String) -> Date? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, text.count == 10 else { return nil }
        var components = DateComponents()
        (components.year, components.month, components.day) = (parts[0], parts[1], parts[2])
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: components), calendar.component(.day, from: date) == parts[2] else { return nil }
        return date
    }
}

/// A suppression file: `{"suppressions": [{"keyArn": "…", "reason": "rotationDisabled", "justification": "…", "expires": "2027-01-31"}]}`.
public struct SuppressionList: Sendable, Hashable, Codable {
    /// The suppressions, in file order (the first that matches a finding applies).
    public var suppressions: [Suppression]

    /// Creates a list.
    public init(suppressions: [Suppression]) { self.suppressions = suppressions }

    /// Reads a suppression file.
    /// - Parameter data: The file's JSON.
    /// - Returns: The list.
    /// - Throws: ``SuppressionListError`` naming the entry and what is wrong with it.
    public static func decode(_ data: Data) throws -> SuppressionList {
        do {
            return try JSONDecoder().decode(SuppressionList.self, from: data)
        } catch let error as DecodingError {
            throw SuppressionListError(message: readableDescription(of: error))
        }
    }

    /// What applying a list to a report did.
    public struct Outcome: Sendable, Hashable {
        /// The report with matching findings marked as suppressed.
        public var report: RotationReport
        /// Suppressions that matched nothing (a typo, a deleted key, a key that is now compliant).
        public var unused: [Suppression]
        /// Suppressions that matched a finding but have expired, so did not apply.
        public var expired: [Suppression]
    }

    /// Marks the findings that a live suppression selects.
    /// - Parameters:
    ///   - report: The report.
    ///   - now: The time expiry is judged at.
    /// - Returns: The marked report and the suppressions that did nothing.
    public func apply(to report: RotationReport, now: Date) -> Outcome {
        var used = Set<Int>(), expired = Set<Int>()
        var marked = report
        for index in marked.findings.indices {
            let finding = marked.findings[index]
            for (position, suppression) in suppressions.enumerated() where suppression.matches(finding) {
                if suppression.isExpired(at: now) {
                    expired.insert(position)
                    continue
                }
                used.insert(position)
                marked.findings[index].suppression = RotationFinding.AppliedSuppression(justification: suppression.justification, expires: suppression.expires)
                break
            }
        }
        let unused = suppressions.indices.filter { !used.contains($0) && !expired.contains($0) }.map { suppressions[$0] }
        return Outcome(report: marked, unused: unused, expired: expired.sorted().map { suppressions[$0] })
    }
}

/// A suppression file that cannot be used.
public struct SuppressionListError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, and where.
    public var message: String
    public var description: String { "invalid suppression file: \(message)" }
}
