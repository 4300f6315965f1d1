/// The type of key material of a KMS key (`KeySpec` in KeyMetadata; also used for the deprecated
/// `CustomerMasterKeySpec`).
///
/// Only `SYMMETRIC_DEFAULT` keys support automatic rotation.
public enum KeySpec: OpenEnum {
    case rsa2048, rsa3072, rsa4096
    case eccNistP256, eccNistP384, eccNistP521, eccSecgP256K1, eccNistEdwards25519
    case symmetricDefault
    case hmac224, hmac256, hmac384, hmac512
    case sm2
    case mlDsa44, mlDsa65, mlDsa87
    /// A value this library does not model yet, kept verbatim.
    case unknown(String)

    public static let knownCases: [KeySpec] = [
        .rsa2048, .rsa3072, .rsa4096, .eccNistP256, .eccNistP384, .eccNistP521, .eccSecgP256K1, .eccNistEdwards25519, .symmetricDefault,
        .hmac224, .hmac256, .hmac384, .hmac512, .sm2, .mlDsa44, .mlDsa65, .mlDsa87,
    ]

    public var rawValue: String {
        switch self {
        case .rsa2048: "RSA_2048"
        case .rsa3072: "RSA_3072"
        case .rsa4096: "RSA_4096"
        case .eccNistP256: "ECC_NIST_P256"
        case .eccNistP384: "ECC_NIST_P384"
        case .eccNistP521: "ECC_NIST_P521"
        case .eccSecgP256K1: "ECC_SECG_P256K1"
        case .eccNistEdwards25519: "ECC_NIST_EDWARDS25519"
        case .symmetricDefault: "SYMMETRIC_DEFAULT"
        case .hmac224: "HMAC_224"
        case .hmac256: "HMAC_256"
        case .hmac384: "HMAC_384"
        case .hmac512: "HMAC_512"
        case .sm2: "SM2"
        case .mlDsa44: "ML_DSA_44"
        case .mlDsa65: "ML_DSA_65"
        case .mlDsa87: "ML_DSA_87"
        case .unknown(let value): value
        }
    }

    /// Whether this is a symmetric encryption key (`SYMMETRIC_DEFAULT`), the only spec KMS rotates
    /// automatically.
    package var isSymmetricEncryption: Bool { self == .symmetricDefault }

    /// Whether this is a modelled asymmetric spec (RSA, elliptic curve, SM2, ML-DSA). `false` for unknown
    /// values: the library does not guess.
    package var isAsymmetric: Bool {
        switch self {
        case .rsa2048, .rsa3072, .rsa4096, .eccNistP256, .eccNistP384, .eccNistP521, .eccSecgP256K1,
            .eccNistEdwards25519, .sm2, .mlDsa44, .mlDsa65, .mlDsa87:
            return true
        case .symmetricDefault, .hmac224, .hmac256, .hmac384, .hmac512, .unknown:
            return false
        }
    }

    /// Whether this is an HMAC key spec.
    package var isHMAC: Bool {
        switch self {
        case .hmac224, .hmac256, .hmac384, .hmac512: return true
        default: return false
        }
    }
}
