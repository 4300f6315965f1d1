/// Why a finding has its verdict: one stable, documented code per finding.
///
/// The raw values are a public contract (reports, suppressions, SARIF rule IDs): they are never renamed
/// once released. See `Docs/decision-table.md` for each code's rule and source.
public enum FindingReason: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    // COMPLIANT
    /// Automatic rotation is enabled (and within the policy's maximum period, if any).
    case rotationEnabled
    // NON_COMPLIANT
    /// Automatic rotation is disabled on a key that supports it.
    case rotationDisabled
    /// Rotation is enabled but its period is longer than the policy's maximum.
    case rotationPeriodTooLong
    // NOT_APPLICABLE
    /// An AWS managed key: AWS rotates it yearly; the schedule cannot be changed.
    case awsManagedKey
    /// An asymmetric key (RSA, ECC, SM2, ML-DSA): automatic rotation is not supported.
    case asymmetricKey
    /// An HMAC key: automatic rotation is not supported.
    case hmacKey
    /// Imported key material (origin `EXTERNAL`): rotate by importing new material and RotateKeyOnDemand.
    case importedKeyMaterial
    /// A key in a custom key store (CloudHSM or external): automatic rotation is not supported.
    case customKeyStore
    /// The key is disabled: it does not rotate while disabled.
    case keyDisabled
    /// The key is scheduled for deletion: it does not rotate.
    case pendingDeletion
    /// A multi-Region replica scheduled for deletion.
    case pendingReplicaDeletion
    /// Imported key material has not been imported yet.
    case pendingImport
    /// The key's custom key store is disconnected: the key cannot be used or rotated.
    case keyUnavailable
    /// A key spec the library does not know: automatic rotation is documented for SYMMETRIC_DEFAULT only.
    case unsupportedKeySpec
    // INSUFFICIENT_DATA
    /// Gathering evidence was denied (IAM, SCP, key policy).
    case accessDenied
    /// Gathering evidence was throttled even after retries.
    case throttled
    /// Gathering evidence failed with a service or transport error, or the answer was incomplete.
    case serviceError
    /// The key is being created or updated; ask again later.
    case keyStateTransitional
    /// The key's state, origin or manager is missing or a value the library does not know yet: a person
    /// must look (an extension of DESIGN.md's list; see Docs/decision-table.md).
    case unrecognizedKeyMetadata
    // Infrastructure as code only (KMSRotationIaC). Declared last so that the SARIF rule indexes of the
    // codes above stay what they were.
    /// NOT_APPLICABLE: a multi-Region replica whose primary key is not in the files read; rotation is
    /// set on the primary and judged where the primary is declared.
    case primaryKeyElsewhere
    /// INSUFFICIENT_DATA: a value the verdict depends on is known only after apply (Terraform) or comes
    /// from an intrinsic function that cannot be resolved before deploy (CloudFormation).
    case unresolvedValue
    // Declared after the IaC codes for the same reason.
    /// NON_COMPLIANT: the key can rotate, but its current key material is older than the policy's
    /// ``RotationPolicy/maximumKeyMaterialAgeDays`` (rotation stalled, never enabled, or imported material
    /// not rotated on demand).
    case keyMaterialTooOld

    /// The verdict every finding with this reason has.
    public var compliance: Compliance {
        switch self {
        case .rotationEnabled:
            return .compliant
        case .rotationDisabled, .rotationPeriodTooLong, .keyMaterialTooOld:
            return .nonCompliant
        case .awsManagedKey, .asymmetricKey, .hmacKey, .importedKeyMaterial, .customKeyStore, .keyDisabled,
            .pendingDeletion, .pendingReplicaDeletion, .pendingImport, .keyUnavailable, .unsupportedKeySpec, .primaryKeyElsewhere:
            return .notApplicable
        case .accessDenied, .throttled, .serviceError, .keyStateTransitional, .unrecognizedKeyMetadata, .unresolvedValue:
            return .insufficientData
        }
    }

    /// The code.
    public var description: String { rawValue }
}
