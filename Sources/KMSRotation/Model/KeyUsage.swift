/// The cryptographic operations a KMS key is for (`KeyUsage` in KeyMetadata).
public enum KeyUsage: OpenEnum {
    case signVerify, encryptDecrypt, generateVerifyMAC, keyAgreement
    /// A value this library does not model yet, kept verbatim.
    case unknown(String)

    public static let knownCases: [KeyUsage] = [.signVerify, .encryptDecrypt, .generateVerifyMAC, .keyAgreement]

    public var rawValue: String {
        switch self {
        case .signVerify: "SIGN_VERIFY"
        case .encryptDecrypt: "ENCRYPT_DECRYPT"
        case .generateVerifyMAC: "GENERATE_VERIFY_MAC"
        case .keyAgreement: "KEY_AGREEMENT"
        case .unknown(let value): value
        }
    }
}
