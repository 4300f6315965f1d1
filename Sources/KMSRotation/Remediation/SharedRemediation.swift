import Foundation

/// Non-compliant findings that one command fixes: a multi-Region primary and its replicas share one
/// rotation setting, set on the primary, so a report lists one `EnableKeyRotation` for all of them.
///
/// The command is listed under the ``lead``: the primary's own finding when the report has it, else the
/// first of the group by Region and ARN. The others point at it. Pure and deterministic, like
/// ``RemediationPlan``, which applies the same rule to what `remediate` changes.
package struct SharedRemediation: Sendable, Hashable {
    /// The finding the command is listed under.
    package var lead: RotationFinding
    /// The fix; the strictest rotation period any member asks for, so that the one call fixes them all.
    package var remediation: Remediation
    /// The other findings the same call fixes, by Region then ARN.
    package var others: [RotationFinding]

    /// `also fixes the replica in eu-west-1`; `nil` when the command fixes only the lead.
    package var alsoFixesNote: String? {
        Self.alsoFixesNote(regions: others.map { $0.region ?? $0.keyArn.flatMap(ARN.init)?.region ?? "an unknown Region" })
    }

    /// `also fixes the replica in eu-west-1`, `also fixes the replicas in ap-south-1 and eu-west-1`.
    /// - Parameter regions: The Regions of the other keys fixed.
    /// - Returns: The note, or `nil` when `regions` is empty.
    package static func alsoFixesNote(regions: [String]) -> String? {
        var unique: [String] = []
        for region in regions where !unique.contains(region) { unique.append(region) }
        switch unique.count {
        case 0: return nil
        case 1: return regions.count == 1 ? "also fixes the replica in \(unique[0])" : "also fixes the replicas in \(unique[0])"
        default: return "also fixes the replicas in \(unique.dropLast().joined(separator: ", ")) and \(unique[unique.count - 1])"
        }
    }

    /// Groups the unsuppressed `NON_COMPLIANT` findings that have a remediation by the key the fix targets.
    /// - Parameter findings: Any findings; the others are ignored.
    /// - Returns: One group per command, by the lead's Region then ARN.
    package static func groups(_ findings: [RotationFinding]) -> [SharedRemediation] {
        var byTarget: [String: [RotationFinding]] = [:]
        var order: [String] = []
        for finding in findings where finding.compliance == .nonCompliant && !finding.isSuppressed {
            guard let remediation = finding.remediation else { continue }
            let target = "\(remediation.keyArn)\n\(remediation.region ?? "")"
            if byTarget[target] == nil { order.append(target) }
            byTarget[target, default: []].append(finding)
        }
        return order.compactMap { target -> SharedRemediation? in
            guard let members = byTarget[target]?.sorted(by: Self.precedes), let first = members.first,
                let remediation = first.remediation
            else { return nil }
            let lead = members.first { $0.keyArn == remediation.keyArn } ?? first
            let periods = members.compactMap { $0.remediation?.rotationPeriodInDays }
            var merged = lead.remediation ?? remediation
            if let strictest = periods.min(), strictest != merged.rotationPeriodInDays {
                merged = Remediation(
                    action: merged.action, keyArn: merged.keyArn, region: merged.region,
                    rotationPeriodInDays: strictest, note: merged.note)
            }
            return SharedRemediation(lead: lead, remediation: merged, others: members.filter { $0 != lead })
        }.sorted { precedes($0.lead, $1.lead) }
    }

    static func precedes(_ a: RotationFinding, _ b: RotationFinding) -> Bool {
        (a.region ?? "", a.keyArn ?? "", a.keyId) < (b.region ?? "", b.keyArn ?? "", b.keyId)
    }
}
