import Foundation

/// An alias, as ListAliases reports it (`AliasListEntry`).
///
/// AWS managed keys have `aws/<service>` aliases; predefined aliases of keys not created yet have no
/// ``targetKeyId``.
public struct KMSAlias: Sendable, Hashable, Codable {
    /// The alias name, `alias/…`.
    public var aliasName: String?
    /// The alias ARN.
    public var aliasArn: String?
    /// The key ID the alias points at; absent for predefined AWS aliases with no key yet.
    public var targetKeyId: String?
    /// When the alias was created.
    package var creationDate: Date?
    /// When the alias last changed target.
    package var lastUpdatedDate: Date?

    /// Creates an alias entry.
    package init(
        aliasName: String?, aliasArn: String? = nil, targetKeyId: String? = nil, creationDate: Date? = nil, lastUpdatedDate: Date? = nil
    ) {
        self.aliasName = aliasName
        self.aliasArn = aliasArn
        self.targetKeyId = targetKeyId
        self.creationDate = creationDate
        self.lastUpdatedDate = lastUpdatedDate
    }

    enum CodingKeys: String, CodingKey {
        case aliasName = "AliasName", aliasArn = "AliasArn", targetKeyId = "TargetKeyId", creationDate = "CreationDate", lastUpdatedDate =
            "LastUpdatedDate"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        aliasName = try c.decodeIfPresent(String.self, forKey: .aliasName)
        aliasArn = try c.decodeIfPresent(String.self, forKey: .aliasArn)
        targetKeyId = try c.decodeIfPresent(String.self, forKey: .targetKeyId)
        creationDate = try c.decodeEpochSecondsIfPresent(forKey: .creationDate)
        lastUpdatedDate = try c.decodeEpochSecondsIfPresent(forKey: .lastUpdatedDate)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(aliasName, forKey: .aliasName)
        try c.encodeIfPresent(aliasArn, forKey: .aliasArn)
        try c.encodeIfPresent(targetKeyId, forKey: .targetKeyId)
        try c.encodeEpochSecondsIfPresent(creationDate, forKey: .creationDate)
        try c.encodeEpochSecondsIfPresent(lastUpdatedDate, forKey: .lastUpdatedDate)
    }
}

/// A key as ListKeys lists it (`KeyListEntry`): its ID and ARN only.
public struct KeyListEntry: Sendable, Hashable, Codable {
    /// The key ID.
    public var keyId: String?
    /// The key ARN.
    public var keyArn: String?

    /// Creates a list entry.
    package init(keyId: String?, keyArn: String?) {
        self.keyId = keyId
        self.keyArn = keyArn
    }

    enum CodingKeys: String, CodingKey { case keyId = "KeyId", keyArn = "KeyArn" }
}

/// A resource tag on a key (`Tag`); both members are required by the model.
package struct KMSTag: Sendable, Hashable, Codable {
    /// The tag key.
    package var tagKey: String
    /// The tag value.
    package var tagValue: String

    /// Creates a tag.
    package init(tagKey: String, tagValue: String) {
        self.tagKey = tagKey
        self.tagValue = tagValue
    }

    enum CodingKeys: String, CodingKey { case tagKey = "TagKey", tagValue = "TagValue" }
}
