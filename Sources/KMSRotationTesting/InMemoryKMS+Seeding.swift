import Foundation

// Turning seeds into stored keys, shared by the public seeding API and CreateKey/ReplicateKey.

extension KMSState {
    /// Stores a key described by `seed` in `region` and returns it.
    mutating func seedKey(_ seed: InMemoryKMS.KeySeed, region: String) -> StoredKey {
        precondition(!region.isEmpty, "InMemoryKMS: a key needs a Region")
        precondition(seed.rotationPeriodInDays > 0, "InMemoryKMS: rotationPeriodInDays must be positive")
        let now = self.now
        let keyId = nextKeyId(multiRegion: seed.multiRegion)
        let creationDate = seed.creationDate ?? now
        let isAWSManaged = seed.keyManager == .aws
        let lastAutomatic = seed.rotationHistory.filter { $0.type == .automatic }.map(\.date).max()
        let state = seed.keyState
        let origin = seed.origin
        let customKeyStore = origin == .awsCloudHSM || origin == .externalKeyStore
        var key = StoredKey(
            keyId: keyId,
            region: region,
            arn: keyArn(keyId, region: region),
            creationDate: creationDate,
            description: seed.description,
            keyManager: seed.keyManager.rawValue,
            keySpec: seed.keySpec.rawValue,
            keyUsage: seed.keyUsage?.rawValue ?? Self.defaultUsage(for: seed.keySpec.rawValue),
            origin: origin.rawValue,
            keyState: state.rawValue,
            role: seed.multiRegion ? .primary : .none,
            customKeyStoreId: seed.customKeyStoreId
                ?? (customKeyStore ? "cks-" + Identifiers.hexDigits(seed: "cks:\(accountId):\(origin)", index: 0, count: 17) : nil),
            cloudHsmClusterId: seed.cloudHsmClusterId
                ?? (origin == .awsCloudHSM ? "cluster-" + Identifiers.hexDigits(seed: "cluster:\(accountId)", index: 0, count: 11) : nil),
            xksKeyId: seed.xksKeyId
                ?? (origin == .externalKeyStore ? "xks-key-" + Identifiers.hexDigits(seed: "xks:\(keyId)", index: 0, count: 16) : nil),
            validTo: seed.validTo,
            deletionDate: state == .pendingDeletion ? (seed.deletionDate ?? now.addingTimeInterval(30 * Self.dayInterval)) : nil,
            pendingWindowInDays: state == .pendingReplicaDeletion ? 30 : nil,
            tags: seed.tags,
            deniedOperations: seed.deniedOperations,
            rotation: RotationState(
                enabled: isAWSManaged || seed.rotationEnabled,
                periodInDays: isAWSManaged ? 365 : seed.rotationPeriodInDays,
                scheduleStart: seed.rotationScheduleStart ?? lastAutomatic ?? creationDate,
                history: seed.rotationHistory.sorted { $0.date < $1.date },
                onDemandStartedAt: nil
            )
        )
        key.lastUsedDate = seed.lastUsedDate
        store(key)
        addAliases(seed.aliases, to: keyId, region: region, date: creationDate)
        return key
    }

    /// Stores a replica of the multi-Region primary key `primaryKeyId` in `region` and returns it.
    mutating func seedReplica(
        of primaryKeyId: String, region: String, keyState: InMemoryKMS.KeyState, description: String?, aliases: [String],
        tags: [String: String]
    ) throws -> StoredKey {
        let allKeys = regions.keys.sorted().flatMap { regions[$0]?.keys.values.map { $0 } ?? [] }
        let primary = allKeys.first { ($0.keyId == primaryKeyId || $0.arn == primaryKeyId) && $0.role == .primary }
        guard let primary else { throw KMSFault.notFound("No multi-Region primary key \(primaryKeyId) exists.") }
        guard primary.region != region else {
            throw KMSFault("ValidationException", "The replica Region must differ from the primary key's Region.")
        }
        guard key(primary.keyId, region: region) == nil else {
            throw KMSFault.alreadyExists("\(keyArn(primary.keyId, region: region)) already exists.")
        }
        let replica = StoredKey(
            keyId: primary.keyId,
            region: region,
            arn: keyArn(primary.keyId, region: region),
            creationDate: now,
            description: description ?? primary.description,
            keyManager: primary.keyManager,
            keySpec: primary.keySpec,
            keyUsage: primary.keyUsage,
            origin: primary.origin,
            keyState: keyState.rawValue,
            role: .replica(primaryRegion: primary.region),
            customKeyStoreId: nil,
            cloudHsmClusterId: nil,
            xksKeyId: nil,
            validTo: primary.validTo,
            deletionDate: keyState == .pendingDeletion ? now.addingTimeInterval(30 * Self.dayInterval) : nil,
            pendingWindowInDays: nil,
            tags: tags,
            deniedOperations: [],
            rotation: primary.rotation
        )
        store(replica)
        addAliases(aliases, to: replica.keyId, region: region, date: now)
        return replica
    }

    private mutating func addAliases(_ names: [String], to keyId: String, region: String, date: Date) {
        for raw in names {
            let name = raw.hasPrefix("alias/") ? raw : "alias/" + raw
            precondition(regions[region]?.aliases[name] == nil, "InMemoryKMS: alias \(name) already exists in \(region)")
            regions[region, default: RegionStore()].aliases[name] = StoredAlias(
                name: name, targetKeyId: keyId, creationDate: date, lastUpdatedDate: date)
        }
    }
}
