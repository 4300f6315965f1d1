import Foundation

/// What `remediate --rotate-now` would rotate: one RotateKeyOnDemand per key whose material is too old
/// (``FindingReason/keyMaterialTooOld`` with a ``Remediation/Action/rotateKeyOnDemand`` fix), on the primary
/// for a replica. Suppressed and disabled keys, and keys outside the audited account, are skipped with why.
///
/// Kept apart from ``RemediationPlan`` (EnableKeyRotation): an on-demand rotation uses one of the key's 25
/// rotations for ever, so it is asked for on its own flag.
package struct OnDemandRotationPlan: Sendable, Hashable, Codable {
    /// One key to rotate.
    package struct Action: Sendable, Hashable, Codable {
        /// The key to rotate (the primary for a replica).
        package var keyArn: String
        /// Its Region.
        package var region: String
        /// The findings it fixes (the key and its replicas).
        package var fixes: [String]
        /// The key's current material age when audited, in days.
        package var keyMaterialAgeDays: Int?
        /// The AWS CLI equivalent.
        package var command: String
    }

    /// The rotations, in the report's order.
    package var actions: [Action]
    /// Findings whose material is too old but that are not rotated, with why.
    package var skipped: [RemediationPlan.Skipped]

    /// Builds the plan from a report's unsuppressed `keyMaterialTooOld` findings.
    /// - Parameter report: The audit (run with a maximum key-material age).
    package init(report: RotationReport) {
        var actions: [Action] = []
        var index: [String: Int] = [:]
        var skipped: [RemediationPlan.Skipped] = []
        for finding in report.findings where finding.reason == .keyMaterialTooOld {
            let name = finding.keyArn ?? finding.keyId
            func skip(_ why: String) { skipped.append(.init(key: name, reason: finding.reason, why: why)) }
            if let suppression = finding.suppression { skip("suppressed: \(suppression.justification)"); continue }
            guard let remediation = finding.remediation, remediation.action == .rotateKeyOnDemand else {
                skip("rotation is off: enable it first (kms-rotation remediate without --rotate-now)")
                continue
            }
            if finding.key.keyState == .disabled {
                skip("the key is disabled: KMS refuses on-demand rotation until it is enabled"); continue
            }
            guard let region = remediation.region, let target = ARN(remediation.keyArn), target.kmsKeyId != nil else {
                skip("the key ARN to rotate is not a valid KMS key ARN")
                continue
            }
            if let audited = finding.accountId, audited != target.accountId {
                skip("primary in account \(target.accountId ?? "unknown"): rotate it there")
                continue
            }
            if let existing = index[remediation.keyArn] {
                actions[existing].fixes.append(name)
                continue
            }
            index[remediation.keyArn] = actions.count
            actions.append(
                Action(
                    keyArn: remediation.keyArn, region: region, fixes: [name],
                    keyMaterialAgeDays: finding.evidence?.keyMaterialAgeDays, command: remediation.command))
        }
        self.actions = actions
        self.skipped = skipped
    }
}

/// Makes the rotations of an ``OnDemandRotationPlan``, one key at a time, and verifies each.
///
/// `LimitExceededException` (the key has used its 25 on-demand rotations) and `ConflictException` (a rotation
/// is in progress) are never retried: they are results. A rotation counts as applied once KMS reports it:
/// `OnDemandRotationStartDate` in GetKeyRotationStatus while it runs, or one more `ON_DEMAND` entry in
/// ListKeyRotations than before the call once it has completed.
package struct OnDemandRotator: Sendable {
    /// The outcome of one rotation.
    package struct Result: Sendable, Hashable, Codable {
        /// What happened.
        package enum Outcome: String, Sendable, Hashable, Codable {
            /// KMS accepted the rotation and reports it.
            case applied
            /// KMS refused or the call failed; nothing changed.
            case failed
            /// KMS accepted the call but reports no rotation yet.
            case unverified
        }

        /// The operation, for the change log.
        package var operation = "RotateKeyOnDemand"
        /// The rotation.
        package var action: OnDemandRotationPlan.Action
        /// What happened.
        package var outcome: Outcome
        /// When KMS says the rotation started, or the date of the rotation it lists.
        package var rotationStarted: Date?
        /// Why it failed or could not be verified.
        package var error: EvidenceError?
        /// When the result was recorded.
        package var time: Date
    }

    private let now: @Sendable () -> Date
    private let clientFactory: @Sendable (_ region: String) async throws -> KMSClient

    /// Creates a rotator.
    /// - Parameters:
    ///   - now: The clock of the results.
    ///   - clientFactory: Makes the KMS client of a Region.
    package init(
        now: @escaping @Sendable () -> Date = { Date() }, clientFactory: @escaping @Sendable (_ region: String) async throws -> KMSClient
    ) {
        self.now = now
        self.clientFactory = clientFactory
    }

    /// Rotates every key of the plan, in order.
    /// - Parameters:
    ///   - plan: The plan.
    ///   - onResult: Called after each rotation (the change log); a throw stops the run there.
    /// - Returns: One result per action.
    /// - Throws: What `onResult` throws.
    package func apply(_ plan: OnDemandRotationPlan, onResult: (@Sendable (Result) throws -> Void)? = nil) async throws -> [Result] {
        var results: [Result] = []
        for action in plan.actions {
            let result = await rotate(action)
            try onResult?(result)
            results.append(result)
        }
        return results
    }

    private func rotate(_ action: OnDemandRotationPlan.Action) async -> Result {
        func result(_ outcome: Result.Outcome, started: Date? = nil, error: EvidenceError? = nil) -> Result {
            Result(action: action, outcome: outcome, rotationStarted: started, error: error, time: now())
        }
        func onDemand(_ client: KMSClient) async throws -> [Date?] {
            var dates: [Date?] = []
            for try await entry in client.allKeyRotations(keyId: action.keyArn) where entry.rotationType == .onDemand {
                dates.append(entry.rotationDate)
            }
            return dates
        }
        let client: KMSClient
        let before: [Date?]
        do {
            client = try await clientFactory(action.region)
            // Counted first, so that verification compares KMS with itself, never with this machine's clock.
            before = try await onDemand(client)
            try await client.rotateKeyOnDemand(keyId: action.keyArn)
        } catch {
            let operation = (error as? AWSServiceError)?.operation ?? "RotateKeyOnDemand"
            return result(.failed, error: EvidenceError(error, operation: operation))
        }
        do {
            if let started = try await client.getKeyRotationStatus(keyId: action.keyArn).onDemandRotationStartDate {
                return result(.applied, started: started)
            }
            // Already complete: ListKeyRotations must list one more on-demand rotation than before the call.
            let after = try await onDemand(client)
            if after.count > before.count { return result(.applied, started: after.compactMap { $0 }.max()) }
            return result(
                .unverified,
                error: EvidenceError(
                    operation: "ListKeyRotations", code: "NotYetListed",
                    message: "KMS accepted RotateKeyOnDemand but lists no new on-demand rotation"))
        } catch {
            return result(.unverified, error: EvidenceError(error, operation: "GetKeyRotationStatus"))
        }
    }
}
