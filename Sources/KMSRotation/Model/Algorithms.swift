/// An encryption algorithm a KMS key supports (`EncryptionAlgorithms`).
package enum EncryptionAlgorithmSpec: OpenEnum {
    case symmetricDefault, rsaesOaepSha1, rsaesOaepSha256, sm2pke
    /// A value this library does not model yet, kept verbatim.
    case unknown(String)

    package static let knownCases: [EncryptionAlgorithmSpec] = [.symmetricDefault, .rsaesOaepSha1, .rsaesOaepSha256, .sm2pke]

    package var rawValue: String {
        switch self {
        case .symmetricDefault: "SYMMETRIC_DEFAULT"
        case .rsaesOaepSha1: "RSAES_OAEP_SHA_1"
        case .rsaesOaepSha256: "RSAES_OAEP_SHA_256"
        case .sm2pke: "SM2PKE"
        case .unknown(let value): value
        }
    }
}

/// A signing algorithm a KMS key supports (`SigningAlgorithms`).
package enum SigningAlgorithmSpec: OpenEnum {
    case rsassaPssSha256, rsassaPssSha384, rsassaPssSha512
    case rsassaPkcs1V15Sha256, rsassaPkcs1V15Sha384, rsassaPkcs1V15Sha512
    case ecdsaSha256, ecdsaSha384, ecdsaSha512
    case sm2dsa, mlDsaShake256, ed25519Sha512, ed25519PhSha512
    /// A value this library does not model yet, kept verbatim.
    case unknown(String)

    package static let knownCases: [SigningAlgorithmSpec] = [
        .rsassaPssSha256, .rsassaPssSha384, .rsassaPssSha512, .rsassaPkcs1V15Sha256, .rsassaPkcs1V15Sha384, .rsassaPkcs1V15Sha512,
        .ecdsaSha256, .ecdsaSha384, .ecdsaSha512, .sm2dsa, .mlDsaShake256, .ed25519Sha512, .ed25519PhSha512,
    ]

    package var rawValue: String {
        switch self {
        case .rsassaPssSha256: "RSASSA_PSS_SHA_256"
        case .rsassaPssSha384: "RSASSA_PSS_SHA_384"
        case .rsassaPssSha512: "RSASSA_PSS_SHA_512"
        case .rsassaPkcs1V15Sha256: "RSASSA_PKCS1_V1_5_SHA_256"
        case .rsassaPkcs1V15Sha384: "RSASSA_PKCS1_V1_5_SHA_384"
        case .rsassaPkcs1V15Sha512: "RSASSA_PKCS1_V1_5_SHA_512"
        case .ecdsaSha256: "ECDSA_SHA_256"
        case .ecdsaSha384: "ECDSA_SHA_384"
        case .ecdsaSha512: "ECDSA_SHA_512"
        case .sm2dsa: "SM2DSA"
        case .mlDsaShake256: "ML_DSA_SHAKE_256"
        case .ed25519Sha512: "ED25519_SHA_512"
        case .ed25519PhSha512: "ED25519_PH_SHA_512"
        case .unknown(let value): value
        }
    }
}

/// A MAC algorithm an HMAC key supports (`MacAlgorithms`).
package enum MacAlgorithmSpec: OpenEnum {
    case hmacSha224, hmacSha256, hmacSha384, hmacSha512
    /// A value this library does not model yet, kept verbatim.
    case unknown(String)

    package static let knownCases: [MacAlgorithmSpec] = [.hmacSha224, .hmacSha256, .hmacSha384, .hmacSha512]

    package var rawValue: String {
        switch self {
        case .hmacSha224: "HMAC_SHA_224"
        case .hmacSha256: "HMAC_SHA_256"
        case .hmacSha384: "HMAC_SHA_384"
        case .hmacSha512: "HMAC_SHA_512"
        case .unknown(let value): value
        }
    }
}

/// A key agreement algorithm a KMS key supports (`KeyAgreementAlgorithms`).
package enum KeyAgreementAlgorithmSpec: OpenEnum {
    case ecdh
    /// A value this library does not model yet, kept verbatim.
    case unknown(String)

    package static let knownCases: [KeyAgreementAlgorithmSpec] = [.ecdh]

    package var rawValue: String {
        switch self {
        case .ecdh: "ECDH"
        case .unknown(let value): value
        }
    }
}
