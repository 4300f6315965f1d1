/// Where a KMS key's material comes from (`Origin` in KeyMetadata).
public enum KeyOrigin: OpenEnum {
    /// KMS generated the material: the only origin that supports automatic rotation.
    case awsKMS
    /// Imported key material: rotate by importing new material and calling RotateKeyOnDemand.
    case external
    /// A CloudHSM key store: rotation is manual.
    case awsCloudHSM
    /// An external key store (XKS): rotation happens in the external key manager.
    case externalKeyStore
    /// A value this library does not model yet, kept verbatim.
    case unknown(String)

    public static let knownCases: [KeyOrigin] = [.awsKMS, .external, .awsCloudHSM, .externalKeyStore]

    public var rawValue: String {
        switch self {
        case .awsKMS: "AWS_KMS"
        case .external: "EXTERNAL"
        case .awsCloudHSM: "AWS_CLOUDHSM"
        case .externalKeyStore: "EXTERNAL_KEY_STORE"
        case .unknown(let value): value
        }
    }

    /// Whether the key lives in a custom key store (CloudHSM or external).
    package var isCustomKeyStore: Bool { self == .awsCloudHSM || self == .externalKeyStore }
}
