import Foundation

/// What `remediate` would change: one `EnableKeyRotation` call per key to fix, built from a report.
///
/// Pure and deterministic. Replicas are fixed through their primary (rotation is set there and shared),
/// so a primary and its replicas give one action. Findings that are suppressed, need a person (a disabled
/// key must be enabled first, KMS refuses rotation changes on it), have no remediation, or would change a
/// key outside the audited account (a replica whose primary is in another account) are listed in
/// ``skipped`` with the reason, never dropped silently.
package struct RemediationPlan: Sendable, Hashable, Codable {
    /// One change: turn on automatic rotation (or change its period) on one key.
    package struct Action: Sendable, Hashable, Codable {
        /// The key to call `EnableKeyRotation` on (a replica's primary).
        package var keyArn: String
        /// The Region to call it in.
        package var region: String
        /// The period to set; `nil` keeps KMS's default (365 days).
        package var rotationPeriodInDays: Int?
        /// Why: `rotationDisabled` or `rotationPeriodTooLong`.
        package var reason: FindingReason
        /// The findings this action fixes (the key, and replicas sharing its rotation), by ARN.
        package var fixes: [String]
        /// The rotation setting before the change, as the scan saw it.
        package var before: RotationFinding.RotationSummary?
        /// The equivalent AWS CLI command.
        package var command: String

        /// Creates an action.
        package init(
            keyArn: String, region: String, rotationPeriodInDays: Int?, reason: FindingReason, fixes: [String],
            before: RotationFinding.RotationSummary?
        ) {
            self.keyArn = keyArn
            self.region = region
            self.rotationPeriodInDays = rotationPeriodInDays
            self.reason = reason
            self.fixes = fixes
            self.before = before
            self.command =
                Remediation(action: .enableKeyRotation, keyArn: keyArn, region: region, rotationPeriodInDays: rotationPeriodInDays).command
        }
    }

    /// A non-compliant finding the plan does not change, and why.
    package struct Skipped: Sendable, Hashable, Codable {
        /// The key.
        package var key: String
        /// The finding's reason.
        package var reason: FindingReason
        /// Why it is not changed.
        package var why: String

        /// Creates a skipped entry.
        package init(key: String, reason: FindingReason, why: String) {
            self.key = key
            self.reason = reason
            self.why = why
        }
    }

    /// The changes, sorted by Region then key ARN.
    package var actions: [Action]
    /// What is not changed, and why.
    package var skipped: [Skipped]

    /// Builds the plan for a report's `NON_COMPLIANT` findings.
    /// - Parameters:
    ///   - report: The audit.
    ///   - rotationPeriodInDays: A period to set on every changed key (90–2560), overriding each finding's
    ///     own remediation; `nil` keeps the finding's (the policy's maximum when stricter than 365, else
    ///     KMS's default).
    package init(report: RotationReport, rotationPeriodInDays: Int? = nil) {
        var byTarget: [String: Action] = [:]
        var skipped: [Skipped] = []
        for finding in report.findings where finding.compliance == .nonCompliant {
            let name = finding.keyArn ?? finding.keyId
            if let suppression = finding.suppression {
                skipped.append(Skipped(key: name, reason: finding.reason, why: "suppressed: \(suppression.justification)"))
                continue
            }
            if finding.key.keyState == .disabled {
                skipped.append(
                    Skipped(
                        key: name, reason: finding.reason,
                        why: "the key is disabled: KMS refuses rotation changes until it is enabled (aws kms enable-key)"))
                continue
            }
            guard let remediation = finding.remediation, let region = remediation.region else {
                skipped.append(
                    Skipped(
                        key: name, reason: finding.reason,
                        why: finding.key.multiRegionKeyType == .replica
                            ? "a replica whose primary key is unknown: fix rotation on its primary"
                            : "no remediation is known for this finding"))
                continue
            }
            guard remediation.action == .enableKeyRotation else {
                skipped.append(
                    Skipped(
                        key: name, reason: finding.reason,
                        why: "its key material is too old: rotate it on demand (\(remediation.command))"))
                continue
            }
            // Only a well-formed key ARN in the audited account is ever changed: a replica whose primary
            // lives in another account is fixed there, by whoever audits that account.
            guard let target = ARN(remediation.keyArn), target.kmsKeyId != nil else {
                skipped.append(Skipped(key: name, reason: finding.reason, why: "the key ARN to change is not a valid KMS key ARN"))
                continue
            }
            if let audited = finding.accountId ?? finding.keyArn.flatMap(ARN.init)?.accountId, audited != target.accountId {
                skipped.append(
                    Skipped(
                        key: name, reason: finding.reason,
                        why:
                            "primary in account \(target.accountId ?? "unknown"): fix it there (rotation is set on the primary and "
                            + "shared by its replicas)"
                    ))
                continue
            }
            let period = rotationPeriodInDays ?? remediation.rotationPeriodInDays
            if var existing = byTarget[remediation.keyArn] {
                existing.fixes.append(name)
                // The strictest period asked for wins, so that every finding the action covers is fixed.
                if let period, existing.rotationPeriodInDays.map({ period < $0 }) ?? true { existing.rotationPeriodInDays = period }
                existing = Action(
                    keyArn: existing.keyArn, region: existing.region, rotationPeriodInDays: existing.rotationPeriodInDays,
                    reason: existing.reason, fixes: existing.fixes, before: existing.before)
                byTarget[remediation.keyArn] = existing
            } else {
                // A replica's "before" is the shared setting, the same as its primary's.
                byTarget[remediation.keyArn] = Action(
                    keyArn: remediation.keyArn, region: region, rotationPeriodInDays: period,
                    reason: finding.reason, fixes: [name], before: finding.rotation)
            }
        }
        actions = byTarget.values.map { action in
            var sorted = action
            sorted.fixes.sort()
            return sorted
        }.sorted { ($0.region, $0.keyArn) < ($1.region, $1.keyArn) }
        self.skipped = skipped.sorted { ($0.key, $0.reason.rawValue) < ($1.key, $1.reason.rawValue) }
    }
}
