/// Whether imported key material expires (`ExpirationModel`).
package enum ExpirationModel: OpenEnum {
    case keyMaterialExpires, keyMaterialDoesNotExpire
    /// A value this library does not model yet, kept verbatim.
    case unknown(String)

    package static let knownCases: [ExpirationModel] = [.keyMaterialExpires, .keyMaterialDoesNotExpire]

    package var rawValue: String {
        switch self {
        case .keyMaterialExpires: "KEY_MATERIAL_EXPIRES"
        case .keyMaterialDoesNotExpire: "KEY_MATERIAL_DOES_NOT_EXPIRE"
        case .unknown(let value): value
        }
    }
}
