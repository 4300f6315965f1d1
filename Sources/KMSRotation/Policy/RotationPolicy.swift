import Foundation

/// What "rotated enough" means: the configuration of the pure decision table.
///
/// `.cis` (the default) is CIS AWS Foundations Benchmark v3.0.0 control 3.6: every customer managed
/// symmetric key that KMS can rotate automatically has automatic rotation enabled, at any period.
/// Stricter programmes add a maximum period (PCI DSS and many internal standards ask for yearly or
/// shorter).
///
/// ```swift
/// let strict = RotationPolicy(maximumRotationPeriodDays: 180)
/// ```
public struct RotationPolicy: Sendable, Hashable, Codable {
    /// The longest acceptable rotation period in days; `nil` accepts any period KMS allows (90–2560).
    /// A key that rotates less often is `NON_COMPLIANT` with ``FindingReason/rotationPeriodTooLong``.
    public var maximumRotationPeriodDays: Int?
    /// Whether disabled keys are judged like enabled ones (`false`: they are `NOT_APPLICABLE`,
    /// ``FindingReason/keyDisabled``, because a disabled key cannot be used and does not rotate).
    /// Set it to catch keys that will come back into service without rotation.
    public var evaluateDisabledKeys: Bool
    /// The oldest acceptable key material in days (a cryptoperiod, NIST SP 800-57; PCI DSS 3.6.4); `nil`
    /// judges no age. A key that can rotate (automatically, or on demand for imported material) whose
    /// current material is older is `NON_COMPLIANT` with ``FindingReason/keyMaterialTooOld``. The verdict
    /// then needs the key's rotation history (ListKeyRotations), which scanners read for such keys.
    public var maximumKeyMaterialAgeDays: Int?

    /// The CIS AWS Foundations Benchmark v3.0.0 control 3.6 policy: rotation on, any period, disabled
    /// keys not applicable.
    public static let cis = RotationPolicy()

    /// The range of rotation periods KMS accepts (`EnableKeyRotation.RotationPeriodInDays`).
    public static let allowedRotationPeriodDays: ClosedRange<Int> = 90...2560

    /// Creates a policy.
    /// - Parameters:
    ///   - maximumRotationPeriodDays: The longest acceptable period, 90–2560, or `nil` for any.
    ///   - evaluateDisabledKeys: Whether disabled keys are judged like enabled ones.
    ///   - maximumKeyMaterialAgeDays: The oldest acceptable key material in days (at least 1), or `nil`.
    public init(maximumRotationPeriodDays: Int? = nil, evaluateDisabledKeys: Bool = false, maximumKeyMaterialAgeDays: Int? = nil) {
        self.maximumRotationPeriodDays = maximumRotationPeriodDays
        self.evaluateDisabledKeys = evaluateDisabledKeys
        self.maximumKeyMaterialAgeDays = maximumKeyMaterialAgeDays
    }

    /// How many days past its period a key with rotation on may go before its rotation counts as stalled
    /// (KMS rotates on the due date, give or take a day; a week leaves room for a delayed run).
    public static let rotationGraceDays = 7

    /// Checks the configuration.
    /// - Throws: ``RotationPolicyError`` when the maximum period is outside 90–2560 days (no key could
    ///   ever satisfy a maximum below 90).
    public func validate() throws {
        if let maximum = maximumRotationPeriodDays, !Self.allowedRotationPeriodDays.contains(maximum) {
            throw RotationPolicyError(
                message: "maximumRotationPeriodDays must be between 90 and 2560 (KMS's allowed rotation periods); got \(maximum)")
        }
        if let age = maximumKeyMaterialAgeDays, age < 1 {
            throw RotationPolicyError(message: "maximumKeyMaterialAgeDays must be at least 1 day; got \(age)")
        }
    }
}

/// An invalid ``RotationPolicy`` configuration.
public struct RotationPolicyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    public var description: String { message }
}
