import Foundation

/// An accepted exception: a finding a person has decided to live with, with a justification and usually an
/// expiry date. A suppressed finding keeps its verdict and stays in every report, marked as suppressed
/// (SARIF `suppressions`, Security Hub `Workflow.Status` SUPPRESSED, OCSF status Suppressed, JUnit
/// skipped); it no longer makes the CLI exit with 3 or 4.
///
/// A suppression selects keys by ARN, key ID or alias (at least one), optionally only for one reason, and
/// applies to `NON_COMPLIANT` and `INSUFFICIENT_DATA` findings only. An expired suppression does not apply.
///
/// A key ID or an alias is unique only within one account and Region (`alias/app` in every Region names a
/// different key, and can be re-pointed), so a suppression by key ID or alias matches only in the
/// ``accountId`` and ``region`` it names. Where it leaves one out, the report must have exactly one
/// account (or Region) for it to apply; otherwise `SuppressionList/apply(to:now:)` rejects the file.
/// A key ARN names its own account and Region.
package struct Suppression: Sendable, Hashable, Codable {
    /// The key ARN this suppression is for.
    package var keyArn: String?
    /// The key ID this suppression is for, in ``accountId`` and ``region``.
    package var keyId: String?
    /// An alias (`alias/…`) of the key this suppression is for, in ``accountId`` and ``region``.
    package var alias: String?
    /// The account a suppression by key ID or alias applies in; needed when the report spans accounts.
    package var accountId: String?
    /// The Region a suppression by key ID or alias applies in; needed when the report spans Regions.
    package var region: String?
    /// Only findings with this reason are suppressed; `nil` for any non-compliant or insufficient-data reason.
    package var reason: FindingReason?
    /// Why the exception is accepted (a ticket, an owner); required.
    package var justification: String
    /// When the exception stops applying (the start of that day, UTC, for a bare date); `nil` for never.
    package var expires: Date?

    /// Creates a suppression.
    package init(
        keyArn: String? = nil, keyId: String? = nil, alias: String? = nil, accountId: String? = nil, region: String? = nil,
        reason: FindingReason? = nil, justification: String, expires: Date? = nil
    ) {
        self.keyArn = keyArn
        self.keyId = keyId
        self.alias = alias
        self.accountId = accountId
        self.region = region
        self.reason = reason
        self.justification = justification
        self.expires = expires
    }

    /// Whether this suppression selects the finding (ignoring expiry).
    /// - Parameter finding: A finding.
    /// - Returns: `true` when every selector given matches, and the finding is one that may be suppressed.
    package func matches(_ finding: RotationFinding) -> Bool {
        guard finding.compliance == .nonCompliant || finding.compliance == .insufficientData else { return false }
        if let keyArn, finding.keyArn != keyArn { return false }
        if let keyId, finding.keyId != keyId { return false }
        if let alias, !finding.aliases.contains(alias) { return false }
        if let accountId, finding.accountId != accountId { return false }
        if let region, finding.region != region { return false }
        if let reason, finding.reason != reason { return false }
        return true
    }

    /// Whether the suppression has expired at `now`.
    package func isExpired(at now: Date) -> Bool { expires.map { $0 <= now } ?? false }

    /// Whether the suppression names its account and Region through a key ARN.
    var isScopedByARN: Bool { keyArn != nil }

    /// What the suppression leaves ambiguous in a report with these accounts and Regions, if anything.
    func scopeProblem(accountCount: Int?, regionCount: Int) -> String? {
        guard !isScopedByARN else { return nil }
        var missing: [String] = []
        if accountId == nil && (accountCount.map { $0 > 1 } ?? true) { missing.append("accountId") }
        if region == nil && regionCount > 1 { missing.append("region") }
        guard !missing.isEmpty else { return nil }
        return
            "the suppression for \(alias ?? keyId ?? "?") needs \(missing.joined(separator: " and ")): a key ID or alias names a "
            + "different key in each account and Region, and this audit spans more than one"
    }

    enum CodingKeys: String, CodingKey { case keyArn, keyId, alias, accountId, region, reason, justification, expires }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        keyArn = try c.decodeIfPresent(String.self, forKey: .keyArn)
        keyId = try c.decodeIfPresent(String.self, forKey: .keyId)
        alias = try c.decodeIfPresent(String.self, forKey: .alias)
        accountId = try c.decodeIfPresent(String.self, forKey: .accountId)
        region = try c.decodeIfPresent(String.self, forKey: .region)
        if let accountId, accountId.count != 12 || !accountId.allSatisfy({ $0.isASCII && $0.isNumber }) {
            throw DecodingError.dataCorruptedError(
                forKey: .accountId, in: c, debugDescription: "'\(accountId)' is not an account ID (12 digits)")
        }
        if let region, (try? EndpointResolver.validateRegion(region)) == nil {
            throw DecodingError.dataCorruptedError(forKey: .region, in: c, debugDescription: "'\(region)' is not a Region name")
        }
        if let keyArn, accountId != nil || region != nil {
            let arn = ARN(keyArn)
            if let accountId, arn?.accountId != accountId {
                throw DecodingError.dataCorruptedError(
                    forKey: .accountId, in: c,
                    debugDescription: "accountId \(accountId) contradicts keyArn (leave it out: the ARN names the account)")
            }
            if let region, arn?.region != region {
                throw DecodingError.dataCorruptedError(
                    forKey: .region, in: c, debugDescription: "region \(region) contradicts keyArn (leave it out: the ARN names the Region)"
                )
            }
        }
        if let raw = try c.decodeIfPresent(String.self, forKey: .reason) {
            guard let reason = FindingReason(rawValue: raw) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .reason, in: c,
                    debugDescription: "'\(raw)' is not a reason code (\(FindingReason.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            self.reason = reason
        }
        justification = try c.decode(String.self, forKey: .justification)
        if let text = try c.decodeIfPresent(String.self, forKey: .expires) {
            guard let date = ISO8601.date(from: text) ?? Self.day(text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .expires, in: c, debugDescription: "'\(text)' is not a date (2027-01-31) or an ISO 8601 time")
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

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(keyArn, forKey: .keyArn)
        try c.encodeIfPresent(keyId, forKey: .keyId)
        try c.encodeIfPresent(alias, forKey: .alias)
        try c.encodeIfPresent(accountId, forKey: .accountId)
        try c.encodeIfPresent(region, forKey: .region)
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
package struct SuppressionList: Sendable, Hashable, Codable {
    /// The suppressions, in file order (the first that matches a finding applies).
    package var suppressions: [Suppression]

    /// Creates a list.
    package init(suppressions: [Suppression]) { self.suppressions = suppressions }

    /// Reads a suppression file.
    /// - Parameter data: The file's JSON.
    /// - Returns: The list.
    /// - Throws: ``SuppressionListError`` naming the entry and what is wrong with it.
    package static func decode(_ data: Data) throws -> SuppressionList {
        do {
            return try JSONDecoder().decode(SuppressionList.self, from: data)
        } catch let error as DecodingError {
            throw SuppressionListError(message: readableDescription(of: error))
        }
    }

    /// What applying a list to a report did.
    package struct Outcome: Sendable, Hashable {
        /// The report with matching findings marked as suppressed.
        package var report: RotationReport
        /// Suppressions that matched nothing (a typo, a deleted key, a key that is now compliant).
        package var unused: [Suppression]
        /// Suppressions that matched a finding but have expired, so did not apply.
        package var expired: [Suppression]
    }

    /// Checks, before a scan, that every suppression by key ID or alias names the account and Region it
    /// applies in wherever the audit could span several.
    /// - Parameters:
    ///   - accountCount: How many accounts the audit covers; `nil` when it is not known yet (an
    ///     organization), which counts as several.
    ///   - regions: The Regions the audit covers.
    /// - Throws: ``SuppressionListError`` naming the first ambiguous entry.
    package func validateScope(accountCount: Int?, regions: [String]) throws {
        for (index, suppression) in suppressions.enumerated() {
            if let problem = suppression.scopeProblem(accountCount: accountCount, regionCount: Set(regions).count) {
                throw SuppressionListError(message: "suppressions[\(index)]: \(problem)")
            }
        }
    }

    /// Marks the findings that a live suppression selects.
    /// - Parameters:
    ///   - report: The report.
    ///   - now: The time expiry is judged at.
    /// - Returns: The marked report and the suppressions that did nothing.
    /// - Throws: ``SuppressionListError`` when a suppression by key ID or alias leaves out an account or
    ///   Region and the report has more than one (see ``validateScope(accountCount:regions:)``).
    package func apply(to report: RotationReport, now: Date) throws -> Outcome {
        let accounts = Set(report.findings.compactMap(\.accountId) + report.errors.compactMap(\.accountId))
        let regions = Set(report.regions + report.findings.compactMap(\.region))
        try validateScope(accountCount: accounts.count, regions: Array(regions))
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
                marked.findings[index].suppression = RotationFinding.AppliedSuppression(
                    justification: suppression.justification, expires: suppression.expires)
                break
            }
        }
        let unused = suppressions.indices.filter { !used.contains($0) && !expired.contains($0) }.map { suppressions[$0] }
        return Outcome(report: marked, unused: unused, expired: expired.sorted().map { suppressions[$0] })
    }
}

/// A suppression file that cannot be used.
package struct SuppressionListError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, and where.
    package var message: String
    package var description: String { "invalid suppression file: \(message)" }
}
