import Foundation

/// A KMS key as DescribeKey describes it: every member of the service model's `KeyMetadata`.
///
/// Only ``keyId`` is required by the model; every other member may be absent on the wire and is optional
/// here. Decodes straight from KMS JSON (PascalCase member names, timestamps as epoch seconds) and
/// encodes back to the same shape, whatever date strategy the coder uses.
public struct KMSKey: Sendable, Hashable, Codable {
    /// The twelve-digit account that owns the key.
    public var awsAccountId: String?
    /// The globally unique key ID (a UUID, or `mrk-…` for multi-Region keys).
    public var keyId: String
    /// The key ARN.
    public var arn: String?
    /// When the key was created.
    public var creationDate: Date?
    /// Whether the key is enabled (`true` exactly when ``keyState`` is `Enabled`).
    public var enabled: Bool?
    /// The description set by its owner.
    public var description: String?
    /// What the key is for.
    public var keyUsage: KeyUsage?
    /// The key's state.
    public var keyState: KeyState?
    /// When KMS deletes the key; present only while it is pending deletion.
    public var deletionDate: Date?
    /// When imported key material expires.
    package var validTo: Date?
    /// Where the key material comes from.
    public var origin: KeyOrigin?
    /// The custom key store that holds the key.
    public var customKeyStoreId: String?
    /// The CloudHSM cluster of a CloudHSM key store key.
    package var cloudHsmClusterId: String?
    /// Whether imported key material expires.
    package var expirationModel: ExpirationModel?
    /// Who manages the key.
    public var keyManager: KeyManager?
    /// Deprecated by AWS in favour of ``keySpec``; kept because older responses carry only this.
    public var customerMasterKeySpec: KeySpec?
    /// The type of key material.
    public var keySpec: KeySpec?
    /// Encryption algorithms the key supports.
    package var encryptionAlgorithms: [EncryptionAlgorithmSpec]?
    /// Signing algorithms the key supports.
    package var signingAlgorithms: [SigningAlgorithmSpec]?
    /// Key agreement algorithms the key supports.
    package var keyAgreementAlgorithms: [KeyAgreementAlgorithmSpec]?
    /// MAC algorithms the key supports.
    package var macAlgorithms: [MacAlgorithmSpec]?
    /// Whether this is a multi-Region key.
    public var multiRegion: Bool?
    /// The primary and replicas of a multi-Region key.
    public var multiRegionConfiguration: MultiRegionConfiguration?
    /// The waiting period of a replica pending deletion; present only in state `PendingReplicaDeletion`.
    public var pendingDeletionWindowInDays: Int?
    /// The external key of an external key store key.
    package var xksKeyConfiguration: XksKeyConfiguration?
    /// The identifier of the current key material (64 hex characters).
    package var currentKeyMaterialId: String?

    /// Creates key metadata; every member but the key ID is optional, as in the service model.
    ///
    /// The members the verdict never reads (validity, CloudHSM cluster, algorithm lists, XKS configuration,
    /// key material ID) are decoded and kept, but are not part of the public API.
    public init(
        keyId: String, arn: String? = nil, awsAccountId: String? = nil, creationDate: Date? = nil, enabled: Bool? = nil,
        description: String? = nil, keyUsage: KeyUsage? = nil, keyState: KeyState? = nil, deletionDate: Date? = nil,
        origin: KeyOrigin? = nil, customKeyStoreId: String? = nil, keyManager: KeyManager? = nil, customerMasterKeySpec: KeySpec? = nil,
        keySpec: KeySpec? = nil, multiRegion: Bool? = nil, multiRegionConfiguration: MultiRegionConfiguration? = nil,
        pendingDeletionWindowInDays: Int? = nil
    ) {
        self.keyId = keyId
        self.arn = arn
        self.awsAccountId = awsAccountId
        self.creationDate = creationDate
        self.enabled = enabled
        self.description = description
        self.keyUsage = keyUsage
        self.keyState = keyState
        self.deletionDate = deletionDate
        self.origin = origin
        self.customKeyStoreId = customKeyStoreId
        self.keyManager = keyManager
        self.customerMasterKeySpec = customerMasterKeySpec
        self.keySpec = keySpec
        self.multiRegion = multiRegion
        self.multiRegionConfiguration = multiRegionConfiguration
        self.pendingDeletionWindowInDays = pendingDeletionWindowInDays
    }

    enum CodingKeys: String, CodingKey {
        case awsAccountId = "AWSAccountId", keyId = "KeyId", arn = "Arn", creationDate = "CreationDate", enabled = "Enabled"
        case description = "Description", keyUsage = "KeyUsage", keyState = "KeyState", deletionDate = "DeletionDate"
        case validTo = "ValidTo", origin = "Origin", customKeyStoreId = "CustomKeyStoreId", cloudHsmClusterId = "CloudHsmClusterId"
        case expirationModel = "ExpirationModel", keyManager = "KeyManager", customerMasterKeySpec = "CustomerMasterKeySpec"
        case keySpec = "KeySpec", encryptionAlgorithms = "EncryptionAlgorithms", signingAlgorithms = "SigningAlgorithms"
        case keyAgreementAlgorithms = "KeyAgreementAlgorithms", macAlgorithms = "MacAlgorithms", multiRegion = "MultiRegion"
        case multiRegionConfiguration = "MultiRegionConfiguration", pendingDeletionWindowInDays = "PendingDeletionWindowInDays"
        case xksKeyConfiguration = "XksKeyConfiguration", currentKeyMaterialId = "CurrentKeyMaterialId"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        keyId = try c.decode(String.self, forKey: .keyId)
        awsAccountId = try c.decodeIfPresent(String.self, forKey: .awsAccountId)
        arn = try c.decodeIfPresent(String.self, forKey: .arn)
        creationDate = try c.decodeEpochSecondsIfPresent(forKey: .creationDate)
        enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        keyUsage = try c.decodeIfPresent(KeyUsage.self, forKey: .keyUsage)
        keyState = try c.decodeIfPresent(KeyState.self, forKey: .keyState)
        deletionDate = try c.decodeEpochSecondsIfPresent(forKey: .deletionDate)
        validTo = try c.decodeEpochSecondsIfPresent(forKey: .validTo)
        origin = try c.decodeIfPresent(KeyOrigin.self, forKey: .origin)
        customKeyStoreId = try c.decodeIfPresent(String.self, forKey: .customKeyStoreId)
        cloudHsmClusterId = try c.decodeIfPresent(String.self, forKey: .cloudHsmClusterId)
        expirationModel = try c.decodeIfPresent(ExpirationModel.self, forKey: .expirationModel)
        keyManager = try c.decodeIfPresent(KeyManager.self, forKey: .keyManager)
        customerMasterKeySpec = try c.decodeIfPresent(KeySpec.self, forKey: .customerMasterKeySpec)
        keySpec = try c.decodeIfPresent(KeySpec.self, forKey: .keySpec)
        encryptionAlgorithms = try c.decodeIfPresent([EncryptionAlgorithmSpec].self, forKey: .encryptionAlgorithms)
        signingAlgorithms = try c.decodeIfPresent([SigningAlgorithmSpec].self, forKey: .signingAlgorithms)
        keyAgreementAlgorithms = try c.decodeIfPresent([KeyAgreementAlgorithmSpec].self, forKey: .keyAgreementAlgorithms)
        macAlgorithms = try c.decodeIfPresent([MacAlgorithmSpec].self, forKey: .macAlgorithms)
        multiRegion = try c.decodeIfPresent(Bool.self, forKey: .multiRegion)
        multiRegionConfiguration = try c.decodeIfPresent(MultiRegionConfiguration.self, forKey: .multiRegionConfiguration)
        pendingDeletionWindowInDays = try c.decodeIfPresent(Int.self, forKey: .pendingDeletionWindowInDays)
        xksKeyConfiguration = try c.decodeIfPresent(XksKeyConfiguration.self, forKey: .xksKeyConfiguration)
        currentKeyMaterialId = try c.decodeIfPresent(String.self, forKey: .currentKeyMaterialId)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(awsAccountId, forKey: .awsAccountId)
        try c.encode(keyId, forKey: .keyId)
        try c.encodeIfPresent(arn, forKey: .arn)
        try c.encodeEpochSecondsIfPresent(creationDate, forKey: .creationDate)
        try c.encodeIfPresent(enabled, forKey: .enabled)
        try c.encodeIfPresent(description, forKey: .description)
        try c.encodeIfPresent(keyUsage, forKey: .keyUsage)
        try c.encodeIfPresent(keyState, forKey: .keyState)
        try c.encodeEpochSecondsIfPresent(deletionDate, forKey: .deletionDate)
        try c.encodeEpochSecondsIfPresent(validTo, forKey: .validTo)
        try c.encodeIfPresent(origin, forKey: .origin)
        try c.encodeIfPresent(customKeyStoreId, forKey: .customKeyStoreId)
        try c.encodeIfPresent(cloudHsmClusterId, forKey: .cloudHsmClusterId)
        try c.encodeIfPresent(expirationModel, forKey: .expirationModel)
        try c.encodeIfPresent(keyManager, forKey: .keyManager)
        try c.encodeIfPresent(customerMasterKeySpec, forKey: .customerMasterKeySpec)
        try c.encodeIfPresent(keySpec, forKey: .keySpec)
        try c.encodeIfPresent(encryptionAlgorithms, forKey: .encryptionAlgorithms)
        try c.encodeIfPresent(signingAlgorithms, forKey: .signingAlgorithms)
        try c.encodeIfPresent(keyAgreementAlgorithms, forKey: .keyAgreementAlgorithms)
        try c.encodeIfPresent(macAlgorithms, forKey: .macAlgorithms)
        try c.encodeIfPresent(multiRegion, forKey: .multiRegion)
        try c.encodeIfPresent(multiRegionConfiguration, forKey: .multiRegionConfiguration)
        try c.encodeIfPresent(pendingDeletionWindowInDays, forKey: .pendingDeletionWindowInDays)
        try c.encodeIfPresent(xksKeyConfiguration, forKey: .xksKeyConfiguration)
        try c.encodeIfPresent(currentKeyMaterialId, forKey: .currentKeyMaterialId)
    }
}

extension KMSKey {
    /// The key spec, falling back to the deprecated `CustomerMasterKeySpec` that older responses carry alone.
    public var effectiveKeySpec: KeySpec? { keySpec ?? customerMasterKeySpec }

    /// The key's multi-Region role, or `nil` for a single-Region key.
    public var multiRegionKeyType: MultiRegionKeyType? { multiRegionConfiguration?.multiRegionKeyType }

    /// Whether this is a multi-Region replica (its rotation is set on the primary).
    package var isMultiRegionReplica: Bool { multiRegionKeyType == .replica }

    /// The ARN of the multi-Region primary key, when this key is multi-Region.
    public var primaryKeyArn: String? { multiRegionConfiguration?.primaryKey?.arn }

    /// The Region of the key, read from its ARN.
    public var region: String? { arn.flatMap { ARN($0)?.region } }

    /// The owning account: `AWSAccountId`, or the account in the ARN.
    public var accountId: String? { awsAccountId ?? arn.flatMap { ARN($0)?.accountId } }
}

/// The primary and replicas of a multi-Region key (`MultiRegionConfiguration`).
public struct MultiRegionConfiguration: Sendable, Hashable, Codable {
    /// Whether the described key is the primary or a replica.
    public var multiRegionKeyType: MultiRegionKeyType?
    /// The primary key.
    public var primaryKey: MultiRegionKey?
    /// The replicas.
    public var replicaKeys: [MultiRegionKey]?

    /// Creates a multi-Region configuration.
    public init(multiRegionKeyType: MultiRegionKeyType? = nil, primaryKey: MultiRegionKey? = nil, replicaKeys: [MultiRegionKey]? = nil) {
        self.multiRegionKeyType = multiRegionKeyType
        self.primaryKey = primaryKey
        self.replicaKeys = replicaKeys
    }

    enum CodingKeys: String, CodingKey {
        case multiRegionKeyType = "MultiRegionKeyType", primaryKey = "PrimaryKey", replicaKeys = "ReplicaKeys"
    }
}

/// One key of a multi-Region key set: its ARN and Region (`MultiRegionKey`).
public struct MultiRegionKey: Sendable, Hashable, Codable {
    /// The key ARN.
    public var arn: String?
    /// The Region.
    public var region: String?

    /// Creates a multi-Region key reference.
    public init(arn: String?, region: String?) {
        self.arn = arn
        self.region = region
    }

    enum CodingKeys: String, CodingKey { case arn = "Arn", region = "Region" }
}

/// The external key behind an external key store key (`XksKeyConfigurationType`).
package struct XksKeyConfiguration: Sendable, Hashable, Codable {
    /// The ID of the external key in the external key manager.
    package var id: String?

    /// Creates an XKS key configuration.
    package init(id: String?) { self.id = id }

    enum CodingKeys: String, CodingKey { case id = "Id" }
}
