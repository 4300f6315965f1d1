import Foundation

// The decision table. Every rule here is documented, with its AWS source, in Docs/decision-table.md;
// Tests/KMSRotationTests/Policy/DecisionTableTests.swift pins each row.
extension RotationPolicy {
    /// Whether the verdict on this key uses its GetKeyRotationStatus answer.
    ///
    /// A scanner calls GetKeyRotationStatus only when this is `true`: never for AWS managed keys (some
    /// deny the call), keys KMS cannot rotate, or keys being deleted. Disabled keys are asked, because the
    /// stored flag is kept as evidence and tells whether rotation resumes when the key is re-enabled.
    /// - Parameter key: The key, as DescribeKey described it.
    /// - Returns: `true` when ``evaluate(key:rotation:aliases:now:)`` reads the rotation status.
    public func needsRotationStatus(for key: KMSKey) -> Bool {
        if case .rotationStatus = classify(key) { return true }
        return false
    }

    /// Judges one key. Pure: no I/O, no clock but `now`.
    /// - Parameters:
    ///   - key: The key, as DescribeKey described it.
    ///   - rotation: The GetKeyRotationStatus answer or its failure; `.notGathered` when the policy said it
    ///     was not needed (see ``needsRotationStatus(for:)``).
    ///   - aliases: The key's aliases, recorded in the finding.
    ///   - now: The time of the evaluation (used in messages about the next rotation).
    /// - Returns: Exactly one finding.
    public func evaluate(key: KMSKey, rotation: RotationEvidence, aliases: [String] = [], now: Date) -> RotationFinding {
        let summary = RotationFinding.KeySummary(key)
        func finding(_ reason: FindingReason, _ message: String, rotation status: KeyRotationStatus? = nil,
                     error: EvidenceError? = nil, remediation: Remediation? = nil) -> RotationFinding {
            RotationFinding(keyArn: key.arn, keyId: key.keyId, accountId: key.accountId, region: key.region, aliases: aliases,
                            reason: reason, message: message, key: summary, rotation: status.map(RotationFinding.RotationSummary.init),
                            error: error, remediation: remediation)
        }
        let storedStatus: KeyRotationStatus? = if case .status(let status) = rotation { status } else { nil }

        switch classify(key) {
        case .verdict(let reason, let message):
            return finding(reason, message, rotation: storedStatus)
        case .rotationStatus(let disabled) where disabled && !evaluateDisabledKeys:
            // The verdict is keyDisabled whatever the status says: the call only gathers evidence (the stored
            // flag), so its failure is recorded on the finding and never turns it into INSUFFICIENT_DATA.
            switch rotation {
            case .status(let status) where status.keyRotationEnabled != nil:
                return judge(key: key, status: status, keyIsDisabled: true, now: now, finding: finding)
            case .failed(let error):
                return finding(.keyDisabled, "The key is disabled and does not rotate while disabled; its stored rotation setting could not be read "
                               + "(\(error.code)): check it before re-enabling the key.", error: error)
            case .status, .notGathered:
                return finding(.keyDisabled, "The key is disabled and does not rotate while disabled; its stored rotation setting was not read.",
                               rotation: storedStatus)
            }
        case .rotationStatus(let disabled):
            switch rotation {
            case .notGathered:
                return finding(.serviceError, "The rotation status was not gathered, so the verdict cannot be reached; GetKeyRotationStatus is needed for this key.")
            case .failed(let error):
                return finding(error.reason, "Could not read the rotation status: \(error.code): \(error.message)", error: error)
            case .status(let status):
                return judge(key: key, status: status, keyIsDisabled: disabled, now: now, finding: finding)
            }
        }
    }

    /// Judges a key that ListKeys returned but DescribeKey could not describe: always `INSUFFICIENT_DATA`.
    /// - Parameters:
    ///   - keyId: The key ID from ListKeys.
    ///   - keyArn: The key ARN from ListKeys.
    ///   - error: Why DescribeKey failed.
    ///   - aliases: The key's aliases.
    /// - Returns: One finding, so that the key is never dropped.
    public func evaluateUndescribedKey(keyId: String, keyArn: String?, error: EvidenceError, aliases: [String] = []) -> RotationFinding {
        RotationFinding(keyArn: keyArn, keyId: keyId, accountId: keyArn.flatMap { ARN($0)?.accountId },
                        region: keyArn.flatMap { ARN($0)?.region }, aliases: aliases, reason: error.reason,
                        message: "Could not describe the key: \(error.code): \(error.message)", key: .init(), error: error)
    }

    // MARK: - The table

    private enum Classification {
        /// The verdict follows from the metadata alone.
        case verdict(FindingReason, String)
        /// The verdict needs the rotation status; `keyIsDisabled` when the key is judged despite being disabled.
        case rotationStatus(keyIsDisabled: Bool)
    }

    private func classify(_ key: KMSKey) -> Classification {
        // 1. Who manages the key. AWS managed keys rotate yearly by AWS; some deny GetKeyRotationStatus.
        switch key.keyManager {
        case .aws:
            return .verdict(.awsManagedKey, "AWS managed key: AWS rotates it every year and the schedule cannot be changed.")
        case .customer:
            break
        case .unknown(let value):
            return .verdict(.unrecognizedKeyMetadata, "KeyManager '\(value)' is not one this library knows; check the key by hand.")
        case nil:
            return .verdict(.unrecognizedKeyMetadata, "DescribeKey returned no KeyManager; the verdict cannot be reached.")
        }

        // 2. States that take the key out of service whatever its kind (they explain more than the kind does).
        switch key.keyState {
        case .pendingDeletion:
            return .verdict(.pendingDeletion, "The key is scheduled for deletion and does not rotate; cancelling the deletion restores its rotation setting.")
        case .pendingReplicaDeletion:
            return .verdict(.pendingReplicaDeletion, "The multi-Region replica is scheduled for deletion and does not rotate.")
        case .pendingImport:
            return .verdict(.pendingImport, "The key has no key material yet (imported material pending); it cannot be used or rotated until material is imported.")
        case .unavailable:
            return .verdict(.keyUnavailable, "The key is unavailable because its custom key store is disconnected; it cannot be used or rotated.")
        default:
            break
        }

        // 3. What kind of key: only SYMMETRIC_DEFAULT keys with KMS-generated material rotate automatically.
        guard let spec = key.effectiveKeySpec else {
            return .verdict(.unrecognizedKeyMetadata, "DescribeKey returned no KeySpec; the verdict cannot be reached.")
        }
        if spec.isHMAC {
            return .verdict(.hmacKey, "HMAC keys do not support automatic rotation; rotate manually by creating a new key and moving the alias.")
        }
        if spec.isAsymmetric {
            return .verdict(.asymmetricKey, "Asymmetric keys (\(spec.rawValue)) do not support automatic rotation; rotate manually by creating a new key and moving the alias.")
        }
        if !spec.isSymmetricEncryption {
            return .verdict(.unsupportedKeySpec, "Key spec \(spec.rawValue) is not one this library knows; KMS documents automatic rotation for SYMMETRIC_DEFAULT keys only.")
        }
        switch key.origin {
        case .awsKMS:
            break
        case .external:
            return .verdict(.importedKeyMaterial, "Imported key material cannot rotate automatically; import new material and call RotateKeyOnDemand, or rotate manually.")
        case .awsCloudHSM, .externalKeyStore:
            return .verdict(.customKeyStore, "Keys in a custom key store (\(key.origin?.rawValue ?? "")) do not support automatic rotation; rotate manually.")
        case .unknown(let value):
            return .verdict(.unrecognizedKeyMetadata, "Origin '\(value)' is not one this library knows; check the key by hand.")
        case nil:
            return .verdict(.unrecognizedKeyMetadata, "DescribeKey returned no Origin; the verdict cannot be reached.")
        }

        // 4. The remaining states of a rotatable key.
        switch key.keyState {
        case .enabled:
            return .rotationStatus(keyIsDisabled: false)
        case .disabled:
            return .rotationStatus(keyIsDisabled: true)
        case .creating, .updating:
            return .verdict(.keyStateTransitional, "The key is in state \(key.keyState?.rawValue ?? ""); evaluate it again when the change completes.")
        case .unknown(let value):
            return .verdict(.unrecognizedKeyMetadata, "Key state '\(value)' is not one this library knows; check the key by hand.")
        case nil:
            return .verdict(.unrecognizedKeyMetadata, "DescribeKey returned no KeyState; the verdict cannot be reached.")
        case .pendingDeletion, .pendingReplicaDeletion, .pendingImport, .unavailable:
            preconditionFailure("handled above")
        }
    }

    private func judge(key: KMSKey, status: KeyRotationStatus, keyIsDisabled: Bool, now: Date,
                       finding: (FindingReason, String, KeyRotationStatus?, EvidenceError?, Remediation?) -> RotationFinding) -> RotationFinding {
        guard let enabled = status.keyRotationEnabled else {
            return finding(.serviceError, "GetKeyRotationStatus answered without KeyRotationEnabled; the verdict cannot be reached.", status, nil, nil)
        }
        if keyIsDisabled && !evaluateDisabledKeys {
            let stored = enabled
                ? "its rotation setting is on and resumes when the key is re-enabled"
                : "its rotation setting is off: enable rotation when you re-enable the key"
            return finding(.keyDisabled, "The key is disabled and does not rotate while disabled; \(stored).", status, nil, nil)
        }
        let replicaNote = key.isMultiRegionReplica ? " (a multi-Region replica shares its primary's rotation setting)" : ""
        guard enabled else {
            // Set the maximum only when it is stricter than AWS's default, to keep the command minimal.
            let period = maximumRotationPeriodDays.flatMap { $0 < KeyRotationStatus.defaultRotationPeriodInDays ? $0 : nil }
            let remediation = makeRemediation(for: key, period: period, keyIsDisabled: keyIsDisabled)
            var message = "Automatic rotation is disabled\(replicaNote); enable it"
            if key.isMultiRegionReplica { message += " on the primary key \(key.primaryKeyArn ?? "(unknown)")" }
            if keyIsDisabled { message += " after re-enabling the key (KMS refuses rotation changes on disabled keys)" }
            return finding(.rotationDisabled, message + ".", status, nil, remediation)
        }
        let period = status.rotationPeriodInDays ?? KeyRotationStatus.defaultRotationPeriodInDays
        if let maximum = maximumRotationPeriodDays, period > maximum {
            // Calling EnableKeyRotation again with a period changes the period.
            let remediation = makeRemediation(for: key, period: maximum, keyIsDisabled: keyIsDisabled)
            return finding(.rotationPeriodTooLong, "Rotation is enabled every \(period) days\(replicaNote), longer than the policy's maximum of \(maximum) days.", status, nil, remediation)
        }
        var message = "Automatic rotation is enabled every \(period) days\(replicaNote)"
        if let next = status.nextRotationDate {
            let days = Int((next.timeIntervalSince(now) / 86_400).rounded(.down))
            message += days >= 0 ? "; next rotation in \(days) days" : "; the scheduled rotation is \(-days) days overdue"
        }
        return finding(.rotationEnabled, message + ".", status, nil, nil)
    }

    private func makeRemediation(for key: KMSKey, period: Int?, keyIsDisabled: Bool) -> Remediation? {
        let note = keyIsDisabled ? "The key is disabled: enable it (aws kms enable-key) before enabling rotation." : nil
        if key.isMultiRegionReplica {
            guard let primary = key.primaryKeyArn else { return nil }
            let region = key.multiRegionConfiguration?.primaryKey?.region ?? ARN(primary)?.region
            return Remediation(action: .enableKeyRotation, keyArn: primary, region: region, rotationPeriodInDays: period,
                               note: note ?? "Rotation of a multi-Region key is set on its primary and shared with every replica.")
        }
        // --key-id accepts a key ID too, when DescribeKey gave no ARN.
        return Remediation(action: .enableKeyRotation, keyArn: key.arn ?? key.keyId, region: key.region, rotationPeriodInDays: period, note: note)
    }
}
