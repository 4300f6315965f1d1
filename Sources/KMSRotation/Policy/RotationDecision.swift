/// What the decision table decided about one key, before any prose: the reason, the facts the verdict
/// rests on, and what to change. ``RotationPolicy/decide(key:rotation:materialAge:)`` makes it; ``RotationFinding``
/// renders it (``FindingReason`` holds every text).
///
/// A decision has no clock and no message, so tools that want their own wording, or a verdict for a key
/// described some other way (an IaC template), can use it as it is:
/// ```swift
/// let decision = RotationPolicy.cis.decide(key: key, rotation: .status(status))
/// if decision.reason.compliance == .nonCompliant { fix(decision.remediation) }
/// ```
public struct RotationDecision: Sendable, Hashable {
    /// Why the key has its verdict; its ``FindingReason/compliance`` is the verdict.
    public var reason: FindingReason
    /// What the verdict rests on.
    package var facts: Facts
    /// The change that fixes a non-compliant key (on the primary for a multi-Region replica); `nil` for
    /// every other verdict, and for a replica whose primary is unknown.
    public var remediation: Remediation?

    /// Creates a decision.
    /// - Parameters:
    ///   - reason: The reason.
    ///   - facts: The facts.
    ///   - remediation: The fix, for a non-compliant key.
    package init(reason: FindingReason, facts: Facts, remediation: Remediation? = nil) {
        self.reason = reason
        self.facts = facts
        self.remediation = remediation
    }

    /// The facts a verdict rests on: what a message, a report or another tool needs to explain it.
    package struct Facts: Sendable, Hashable {
        /// The metadata field that is missing or has a value this library does not know (`KeyManager`,
        /// `KeyState`, `KeySpec`, `Origin`), for ``FindingReason/unrecognizedKeyMetadata``.
        package var unrecognizedField: String?
        /// That field's value; `nil` when it was missing.
        package var unrecognizedValue: String?
        /// The key spec, state and origin as AWS spelled them.
        package var keySpec: String?, keyState: String?, origin: String?
        /// Whether the key is disabled.
        package var keyIsDisabled: Bool
        /// Whether the key is a multi-Region replica (its rotation is its primary's).
        package var isMultiRegionReplica: Bool
        /// The primary key of a replica, when known.
        package var primaryKeyArn: String?
        /// The GetKeyRotationStatus answer, when it was read: the stored setting of a disabled key, the
        /// setting of every other judged key.
        package var rotation: KeyRotationStatus?
        /// The failure of the call the verdict needed, when it failed.
        package var error: EvidenceError?
        /// Whether GetKeyRotationStatus was called for this key.
        package var rotationStatusGathered: Bool
        /// The rotation period in effect (365 when KMS did not say), for a key with rotation on.
        package var rotationPeriodInDays: Int?
        /// The policy's maximum period.
        package var maximumRotationPeriodDays: Int?
        /// The current key material's age in days, when the history was read.
        package var keyMaterialAgeDays: Int?
        /// The policy's maximum key-material age.
        package var maximumKeyMaterialAgeDays: Int?
        /// Which case of rule 7 the key is in, when the age was judged.
        package var keyMaterialCase: KeyMaterialCase?
        /// Whether the verdict needed the rotation history and it was not read.
        package var keyMaterialAgeNotGathered = false

        /// Facts with nothing known yet but the key's own metadata.
        /// - Parameters:
        ///   - key: The key.
        ///   - policy: The policy it is judged by.
        package init(key: KMSKey, policy: RotationPolicy) {
            keySpec = key.effectiveKeySpec?.rawValue
            keyState = key.keyState?.rawValue
            origin = key.origin?.rawValue
            keyIsDisabled = key.keyState == .disabled
            isMultiRegionReplica = key.isMultiRegionReplica
            primaryKeyArn = key.primaryKeyArn
            rotationStatusGathered = false
            maximumRotationPeriodDays = policy.maximumRotationPeriodDays
            maximumKeyMaterialAgeDays = policy.maximumKeyMaterialAgeDays
        }
    }

    /// Why a key's material can be too old: each has its own message and fix.
    package enum KeyMaterialCase: Sendable, Hashable {
        /// Rotation is on, but the material is older than the period plus a grace: rotations stopped.
        case stalled
        /// Rotation is on and on time, but the period is longer than the maximum age.
        case periodLongerThanMaximumAge
        /// Automatic rotation is off.
        case rotationOff
        /// Imported material, which rotates only on demand after new material is imported.
        case importedMaterial
    }
}

extension RotationDecision {
    /// The key's tags could not be read, and a policy rule that reads tags could change its verdict.
    static func tagsUnreadable(key: KMSKey, policy: RotationPolicy, error: EvidenceError) -> RotationDecision {
        var facts = Facts(key: key, policy: policy)
        facts.error = error
        return RotationDecision(reason: error.reason, facts: facts)
    }
}
