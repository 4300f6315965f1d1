import Foundation

// The decision table. Every rule here is documented, with its AWS source, in Docs/decision-table.md;
// Tests/KMSRotationTests/Policy/DecisionTableTests.swift pins each row. The rules decide; the words are
// FindingReason+Text.swift's.
extension RotationPolicy {
    /// Decides one key. Pure: no I/O, no clock, no prose.
    ///
    /// The rules, first match wins:
    /// 1. AWS managed → `awsManagedKey`; an unknown or missing manager → `unrecognizedKeyMetadata`.
    /// 2. Out of service whatever its kind: pending deletion, pending replica deletion, pending import,
    ///    unavailable.
    /// 3. Kinds KMS cannot rotate: HMAC, asymmetric, an unknown spec, imported material, a custom key store;
    ///    a missing spec or an unknown or missing origin → `unrecognizedKeyMetadata`.
    /// 4. Creating or updating → `keyStateTransitional`; an unknown or missing state → `unrecognizedKeyMetadata`.
    /// 5. Disabled (unless the policy judges disabled keys) → `keyDisabled`, the stored setting kept.
    /// 6. The rotation status: not gathered, failed, or incomplete → INSUFFICIENT_DATA; off →
    ///    `rotationDisabled`; a period above the maximum → `rotationPeriodTooLong`; else `rotationEnabled`.
    /// 7. With a ``maximumKeyMaterialAgeDays``, a key that can rotate whose current material is older →
    ///    `keyMaterialTooOld`: imported material (instead of `importedKeyMaterial`, rule 3), rotation off
    ///    (instead of `rotationDisabled`), rotation on but stalled (older than the period plus
    ///    ``rotationGraceDays``) or at a period longer than the maximum age (instead of `rotationEnabled`). A history that was
    ///    not read or failed is INSUFFICIENT_DATA only where the age decides: never for rotation off.
    /// - Parameters:
    ///   - key: The key, as DescribeKey described it.
    ///   - rotation: The GetKeyRotationStatus answer, its failure, or `.notGathered` when
    ///     ``needsRotationStatus(for:)`` said the verdict does not need it.
    ///   - materialAge: The current material's age from ListKeyRotations, when
    ///     ``needsKeyMaterialAge(for:)`` says the verdict reads it.
    /// - Returns: The decision.
    public func decide(key: KMSKey, rotation: RotationEvidence, materialAge: KeyMaterialAge = .notGathered) -> RotationDecision {
        var facts = RotationDecision.Facts(key: key, policy: self)
        if case .days(let days) = materialAge { facts.keyMaterialAgeDays = days }
        switch rotation {
        case .status(let status): facts.rotation = status; facts.rotationStatusGathered = true
        case .failed: facts.rotationStatusGathered = true
        case .notGathered: break
        }
        func decision(_ reason: FindingReason, remediation: Remediation? = nil) -> RotationDecision {
            RotationDecision(reason: reason, facts: facts, remediation: remediation)
        }
        func unrecognized(_ field: String, _ value: String?) -> RotationDecision {
            facts.unrecognizedField = field
            facts.unrecognizedValue = value
            return decision(.unrecognizedKeyMetadata)
        }

        // 1. Who manages the key. AWS managed keys rotate yearly by AWS; some deny GetKeyRotationStatus.
        switch key.keyManager {
        case .aws: return decision(.awsManagedKey)
        case .customer: break
        case .unknown(let value): return unrecognized("KeyManager", value)
        case nil: return unrecognized("KeyManager", nil)
        }
        // 2. States that take the key out of service whatever its kind (they explain more than the kind does).
        let state = KeyStateRule(key.keyState)
        if case .outOfService(let reason) = state { return decision(reason) }
        // 3. What kind of key: only SYMMETRIC_DEFAULT keys with KMS-generated material rotate automatically.
        guard let spec = key.effectiveKeySpec else { return unrecognized("KeySpec", nil) }
        if spec.isHMAC { return decision(.hmacKey) }
        if spec.isAsymmetric { return decision(.asymmetricKey) }
        if !spec.isSymmetricEncryption { return decision(.unsupportedKeySpec) }
        switch key.origin {
        case .awsKMS: break
        case .external:
            // 7. Imported material rotates on demand only; with a cryptoperiod, its age decides.
            guard maximumKeyMaterialAgeDays != nil, Self.isJudgedState(key.keyState, evaluateDisabledKeys) else {
                return decision(.importedKeyMaterial)
            }
            switch ageVerdict(materialAge, facts: &facts, kind: .importedMaterial) {
            case .tooOld:
                return decision(.keyMaterialTooOld, remediation: remediationTarget(for: key, period: nil, action: .rotateKeyOnDemand))
            case .unknown(let reason): return decision(reason)
            case .acceptable: return decision(.importedKeyMaterial)
            }
        case .awsCloudHSM, .externalKeyStore: return decision(.customKeyStore)
        case .unknown(let value): return unrecognized("Origin", value)
        case nil: return unrecognized("Origin", nil)
        }
        // 4. The remaining states of a rotatable key.
        let disabled: Bool
        switch state {
        case .inService(let isDisabled): disabled = isDisabled
        case .transitional: return decision(.keyStateTransitional)
        case .unrecognized(let value): return unrecognized("KeyState", value)
        case .outOfService(let reason): return decision(reason)
        }
        // 5. A disabled key does not rotate; the status call only gathers its stored setting, so its failure
        // is recorded and never turns the verdict into INSUFFICIENT_DATA.
        if disabled && !evaluateDisabledKeys {
            if case .failed(let error) = rotation { facts.error = error }
            return decision(.keyDisabled)
        }
        // 6. The rotation status.
        let status: KeyRotationStatus
        switch rotation {
        case .notGathered: return decision(.serviceError)
        case .failed(let error):
            facts.error = error
            return decision(error.reason)
        case .status(let answer): status = answer
        }
        guard let enabled = status.keyRotationEnabled else { return decision(.serviceError) }
        guard enabled else {
            // Set the maximum only when it is stricter than AWS's default, to keep the command minimal.
            let period = maximumRotationPeriodDays.flatMap { $0 < KeyRotationStatus.defaultRotationPeriodInDays ? $0 : nil }
            // 7. Old material with rotation off: NON_COMPLIANT either way, so an unread history changes nothing.
            if maximumKeyMaterialAgeDays != nil, case .tooOld = ageVerdict(materialAge, facts: &facts, kind: .rotationOff) {
                return decision(.keyMaterialTooOld, remediation: remediationTarget(for: key, period: period))
            }
            facts.keyMaterialCase = nil
            facts.error = nil
            facts.keyMaterialAgeNotGathered = false
            return decision(.rotationDisabled, remediation: remediationTarget(for: key, period: period))
        }
        let period = status.rotationPeriodInDays ?? KeyRotationStatus.defaultRotationPeriodInDays
        facts.rotationPeriodInDays = period
        if let maximum = maximumRotationPeriodDays, period > maximum {
            // Calling EnableKeyRotation again with a period changes the period.
            return decision(.rotationPeriodTooLong, remediation: remediationTarget(for: key, period: maximum))
        }
        // 7. Rotation on: the material should be at most one period (plus a grace) old.
        if let maximumAge = maximumKeyMaterialAgeDays {
            let stalled = facts.keyMaterialAgeDays.map { $0 > period + Self.rotationGraceDays } ?? false
            switch ageVerdict(materialAge, facts: &facts, kind: stalled ? .stalled : .periodLongerThanMaximumAge) {
            case .tooOld:
                if stalled {
                    return decision(.keyMaterialTooOld, remediation: remediationTarget(for: key, period: nil, action: .rotateKeyOnDemand))
                }
                // On schedule and due within the grace: the next rotation replaces the material.
                guard period > maximumAge else { break }
                let shorter = min(max(maximumAge, Self.allowedRotationPeriodDays.lowerBound), Self.allowedRotationPeriodDays.upperBound)
                return decision(.keyMaterialTooOld, remediation: remediationTarget(for: key, period: shorter))
            case .unknown(let reason): return decision(reason)
            case .acceptable: break
            }
        }
        return decision(.rotationEnabled)
    }

    /// Whether the verdict on this key reads the age of its current key material (rule 7): the policy sets
    /// ``maximumKeyMaterialAgeDays`` and the key can rotate, automatically or on demand.
    /// - Parameter key: The key, as DescribeKey described it.
    /// - Returns: `true` when a scanner should read the key's rotation history for the verdict.
    public func needsKeyMaterialAge(for key: KMSKey) -> Bool {
        maximumKeyMaterialAgeDays != nil && Self.canRotate(key) && Self.isJudgedState(key.keyState, evaluateDisabledKeys)
    }

    /// Whether KMS keeps a rotation history for the key: customer managed symmetric encryption keys with
    /// KMS-generated or imported material (ListKeyRotations refuses every other kind).
    /// - Parameter key: The key.
    /// - Returns: `true` for a key that can rotate automatically or on demand.
    package static func canRotate(_ key: KMSKey) -> Bool {
        guard key.keyManager == .customer, let spec = key.effectiveKeySpec, spec.isSymmetricEncryption, !spec.isHMAC else { return false }
        guard key.origin == .awsKMS || key.origin == .external else { return false }
        switch key.keyState {
        case .enabled?, .disabled?: return true
        default: return false
        }
    }

    private static func isJudgedState(_ state: KeyState?, _ evaluateDisabledKeys: Bool) -> Bool {
        state == .enabled || (state == .disabled && evaluateDisabledKeys)
    }

    private enum AgeVerdict { case tooOld, acceptable, unknown(FindingReason) }

    /// Rule 7 for one key: the age against the maximum, recording the case and any failure in the facts.
    private func ageVerdict(
        _ age: KeyMaterialAge, facts: inout RotationDecision.Facts,
        kind: RotationDecision.KeyMaterialCase
    ) -> AgeVerdict {
        facts.keyMaterialCase = kind
        switch age {
        case .days(let days):
            return days > (maximumKeyMaterialAgeDays ?? Int.max) ? .tooOld : .acceptable
        case .failed(let error):
            facts.error = error
            return .unknown(error.reason)
        case .notGathered:
            facts.keyMaterialAgeNotGathered = true
            return .unknown(.serviceError)
        }
    }

    /// Whether the verdict on this key uses its GetKeyRotationStatus answer.
    ///
    /// A scanner calls GetKeyRotationStatus only when this is `true`: never for AWS managed keys (some
    /// deny the call), keys KMS cannot rotate, or keys being deleted. Disabled keys are asked, because the
    /// stored flag is kept as evidence and tells whether rotation resumes when the key is re-enabled.
    /// - Parameter key: The key, as DescribeKey described it.
    /// - Returns: `true` when ``decide(key:rotation:materialAge:)`` reads the rotation status.
    public func needsRotationStatus(for key: KMSKey) -> Bool {
        // Without the status the table stops at rule 5 (keyDisabled) or rule 6 (serviceError, "not
        // gathered") exactly for the keys whose verdict reads it; rules 1-4 never read it.
        // Age 0 keeps rule 7 quiet: the history never makes the status needed.
        switch decide(key: key, rotation: .notGathered, materialAge: .days(0)).reason {
        case .keyDisabled, .serviceError: true
        default: false
        }
    }

    /// Judges one key: ``decide(key:rotation:materialAge:)``, rendered as a finding. Pure: no I/O, no clock
    /// but `now`.
    /// - Parameters:
    ///   - key: The key, as DescribeKey described it.
    ///   - rotation: The GetKeyRotationStatus answer or its failure; `.notGathered` when the policy said it
    ///     was not needed (see ``needsRotationStatus(for:)``).
    ///   - materialAge: The current material's age (see ``needsKeyMaterialAge(for:)``).
    ///   - aliases: The key's aliases, recorded in the finding.
    ///   - now: The time of the evaluation (used in messages about the next rotation).
    /// - Returns: Exactly one finding.
    public func evaluate(
        key: KMSKey, rotation: RotationEvidence, materialAge: KeyMaterialAge = .notGathered, aliases: [String] = [],
        now: Date
    ) -> RotationFinding {
        RotationFinding(decide(key: key, rotation: rotation, materialAge: materialAge), key: key, aliases: aliases, now: now)
    }

    /// Judges a key that ListKeys returned but DescribeKey could not describe: always `INSUFFICIENT_DATA`.
    /// - Parameters:
    ///   - keyId: The key ID from ListKeys.
    ///   - keyArn: The key ARN from ListKeys.
    ///   - error: Why DescribeKey failed.
    ///   - aliases: The key's aliases.
    /// - Returns: One finding, so that the key is never dropped.
    package func evaluateUndescribedKey(keyId: String, keyArn: String?, error: EvidenceError, aliases: [String] = []) -> RotationFinding {
        let arn = keyArn.flatMap(ARN.init)
        return RotationFinding(
            keyArn: keyArn, keyId: keyId, accountId: arn?.accountId, region: arn?.region, aliases: aliases,
            reason: error.reason, message: FindingReason.undescribedKeyMessage(error), key: .init(), error: error)
    }

    /// Where the fix of a non-compliant key goes: the key itself, or the primary of a multi-Region replica.
    private func remediationTarget(for key: KMSKey, period: Int?, action: Remediation.Action = .enableKeyRotation) -> Remediation? {
        if key.isMultiRegionReplica {
            guard let primary = key.primaryKeyArn else { return nil }
            let region = key.multiRegionConfiguration?.primaryKey?.region ?? ARN(primary)?.region
            return Remediation(action: action, keyArn: primary, region: region, rotationPeriodInDays: period)
        }
        // --key-id accepts a key ID too, when DescribeKey gave no ARN.
        return Remediation(action: action, keyArn: key.arn ?? key.keyId, region: key.region, rotationPeriodInDays: period)
    }
}

/// What a key's state means to the table, decided once.
private enum KeyStateRule {
    /// A state that takes the key out of service whatever its kind.
    case outOfService(FindingReason)
    /// Enabled or disabled: the key's kind and rotation status decide.
    case inService(disabled: Bool)
    /// Creating or updating.
    case transitional
    /// A state this library does not know, or none (`nil`).
    case unrecognized(String?)

    init(_ state: KeyState?) {
        switch state {
        case .pendingDeletion: self = .outOfService(.pendingDeletion)
        case .pendingReplicaDeletion: self = .outOfService(.pendingReplicaDeletion)
        case .pendingImport: self = .outOfService(.pendingImport)
        case .unavailable: self = .outOfService(.keyUnavailable)
        case .enabled: self = .inService(disabled: false)
        case .disabled: self = .inService(disabled: true)
        case .creating, .updating: self = .transitional
        case .unknown(let value): self = .unrecognized(value)
        case nil: self = .unrecognized(nil)
        }
    }
}
