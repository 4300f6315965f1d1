import Foundation

/// One completed rotation of a key, as ListKeyRotations reports it (`RotationsListEntry`).
package struct KeyRotationEntry: Sendable, Hashable, Codable {
    /// The key ARN or ID.
    package var keyId: String?
    /// The identifier of the key material (64 hex characters).
    package var keyMaterialId: String?
    /// The description of imported key material.
    package var keyMaterialDescription: String?
    /// Whether imported key material is imported or pending import.
    package var importState: ImportState?
    /// The state of the key material.
    package var keyMaterialState: KeyMaterialState?
    /// Whether imported key material expires.
    package var expirationModel: ExpirationModel?
    /// When imported key material expires.
    package var validTo: Date?
    /// When the rotation happened.
    package var rotationDate: Date?
    /// Whether the rotation was automatic or on demand.
    package var rotationType: RotationType?

    /// Creates a rotation entry.
    package init(
        keyId: String? = nil, keyMaterialId: String? = nil, keyMaterialDescription: String? = nil, importState: ImportState? = nil,
        keyMaterialState: KeyMaterialState? = nil, expirationModel: ExpirationModel? = nil, validTo: Date? = nil,
        rotationDate: Date? = nil, rotationType: RotationType? = nil
    ) {
        self.keyId = keyId
        self.keyMaterialId = keyMaterialId
        self.keyMaterialDescription = keyMaterialDescription
        self.importState = importState
        self.keyMaterialState = keyMaterialState
        self.expirationModel = expirationModel
        self.validTo = validTo
        self.rotationDate = rotationDate
        self.rotationType = rotationType
    }

    enum CodingKeys: String, CodingKey {
        case keyId = "KeyId", keyMaterialId = "KeyMaterialId", keyMaterialDescription = "KeyMaterialDescription"
        case importState = "ImportState", keyMaterialState = "KeyMaterialState", expirationModel = "ExpirationModel"
        case validTo = "ValidTo", rotationDate = "RotationDate", rotationType = "RotationType"
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        keyId = try c.decodeIfPresent(String.self, forKey: .keyId)
        keyMaterialId = try c.decodeIfPresent(String.self, forKey: .keyMaterialId)
        keyMaterialDescription = try c.decodeIfPresent(String.self, forKey: .keyMaterialDescription)
        importState = try c.decodeIfPresent(ImportState.self, forKey: .importState)
        keyMaterialState = try c.decodeIfPresent(KeyMaterialState.self, forKey: .keyMaterialState)
        expirationModel = try c.decodeIfPresent(ExpirationModel.self, forKey: .expirationModel)
        validTo = try c.decodeEpochSecondsIfPresent(forKey: .validTo)
        rotationDate = try c.decodeEpochSecondsIfPresent(forKey: .rotationDate)
        rotationType = try c.decodeIfPresent(RotationType.self, forKey: .rotationType)
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(keyId, forKey: .keyId)
        try c.encodeIfPresent(keyMaterialId, forKey: .keyMaterialId)
        try c.encodeIfPresent(keyMaterialDescription, forKey: .keyMaterialDescription)
        try c.encodeIfPresent(importState, forKey: .importState)
        try c.encodeIfPresent(keyMaterialState, forKey: .keyMaterialState)
        try c.encodeIfPresent(expirationModel, forKey: .expirationModel)
        try c.encodeEpochSecondsIfPresent(validTo, forKey: .validTo)
        try c.encodeEpochSecondsIfPresent(rotationDate, forKey: .rotationDate)
        try c.encodeIfPresent(rotationType, forKey: .rotationType)
    }
}

/// Whether imported key material has been imported (`ImportState`).
package enum ImportState: OpenEnum {
    case imported, pendingImport
    /// A value this library does not model yet, kept verbatim.
    case unknown(String)

    package static let knownCases: [ImportState] = [.imported, .pendingImport]

    package var rawValue: String {
        switch self {
        case .imported: "IMPORTED"
        case .pendingImport: "PENDING_IMPORT"
        case .unknown(let value): value
        }
    }
}

/// The state of one version of key material (`KeyMaterialState`).
package enum KeyMaterialState: OpenEnum {
    case nonCurrent, current, pendingRotation, pendingMultiRegionImportAndRotation
    /// A value this library does not model yet, kept verbatim.
    case unknown(String)

    package static let knownCases: [KeyMaterialState] = [.nonCurrent, .current, .pendingRotation, .pendingMultiRegionImportAndRotation]

    package var rawValue: String {
        switch self {
        case .nonCurrent: "NON_CURRENT"
        case .current: "CURRENT"
        case .pendingRotation: "PENDING_ROTATION"
        case .pendingMultiRegionImportAndRotation: "PENDING_MULTI_REGION_IMPORT_AND_ROTATION"
        case .unknown(let value): value
        }
    }
}

/// Whether a rotation was automatic or on demand (`RotationType` of ListKeyRotations), as recorded in
/// ``KeyMaterialEvidence/lastRotationType``.
public enum RotationType: OpenEnum {
    /// `AUTOMATIC`: the rotation schedule fired.
    case automatic
    /// `ON_DEMAND`: RotateKeyOnDemand was called.
    case onDemand
    /// A value this library does not model yet, kept verbatim.
    case unknown(String)

    public static let knownCases: [RotationType] = [.automatic, .onDemand]

    /// The value as AWS spells it.
    public var rawValue: String {
        switch self {
        case .automatic: "AUTOMATIC"
        case .onDemand: "ON_DEMAND"
        case .unknown(let value): value
        }
    }
}
