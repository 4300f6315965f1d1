/// Whether imported key material expires (`ExpirationModel`).
public enum ExpirationModel: OpenEnum {
    case keyMaterialExpires, keyMaterialDoesNotExpire
    /// A value this library does not model yet, kept verbatim.
    case unknown(String)

    public static let knownCases: [ExpirationModel] = [.keyMaterialExpires, .keyMaterialDoesNotExpire]

    public var rawValue: String {
        switch self {
        case .keyMaterialExpires: "KEY_MATERIAL_EXPIRES"
        case .keyMaterialDoesNotExpire: "KEY_MATERIAL_DOES_NOT_EXPIRE"
        case .unknown(let value): value
        }
    }
}
