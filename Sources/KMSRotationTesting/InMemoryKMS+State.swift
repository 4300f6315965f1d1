import Foundation

// The in-memory KMS's data: keys per Region, aliases, rotation state and history, the rules that
// decide what a key supports, and KeyMetadata rendering. All of it is mutated under InMemoryKMS's lock.

/// A key's rotation state. For a multi-Region replica this is only a stale copy: reads go to the primary.
struct RotationState {
    var enabled: Bool
    var periodInDays: Int
    /// The start of the current period: when rotation was enabled, or the last automatic rotation.
    var scheduleStart: Date
    /// Completed rotations.
    var history: [InMemoryKMS.RotationEvent]
    /// When an on-demand rotation that is still in progress started.
    var onDemandStartedAt: Date?

    var nextRotationDate: Date { scheduleStart.addingTimeInterval(TimeInterval(periodInDays) * 86_400) }
    var onDemandCount: Int { history.filter { $0.type == .onDemand }.count }
}

enum MultiRegionRole: Equatable {
    case none
    case primary
    case replica(primaryRegion: String)
}

struct StoredKey {
    let keyId: String
    let region: String
    let arn: String
    var creationDate: Date
    var description: String
    var keyManager: String
    var keySpec: String
    var keyUsage: String
    var origin: String
    var keyState: String
    var role: MultiRegionRole
    var customKeyStoreId: String?
    var cloudHsmClusterId: String?
    var xksKeyId: String?
    var validTo: Date?
    var deletionDate: Date?
    var pendingWindowInDays: Int?
    var tags: [String: String]
    var deniedOperations: Set<String>
    var rotation: RotationState
    /// When the key was last used for a cryptographic operation (GetKeyLastUsage); `nil` for never.
    var lastUsedDate: Date? = nil

    var isAWSManaged: Bool { keyManager == InMemoryKMS.KeyManager.aws.rawValue }
    var isReplica: Bool { if case .replica = role { return true } else { return false } }
    var isEnabled: Bool { keyState == InMemoryKMS.KeyState.enabled.rawValue }

    /// Why this key cannot rotate automatically (asymmetric, HMAC, imported, custom key store,
    /// unknown spec), or `nil` when it is a symmetric encryption key with `AWS_KMS` origin.
    var rotationIneligibility: String? {
        if origin != InMemoryKMS.Origin.awsKMS.rawValue {
            return "\(arn) origin is \(origin) which is not valid for this operation."
        }
        if keySpec != InMemoryKMS.KeySpec.symmetricDefault.rawValue {
            return "\(arn) key spec is \(keySpec) which is not valid for this operation."
        }
        return nil
    }
}

struct StoredAlias {
    var name: String
    var targetKeyId: String
    var creationDate: Date
    var lastUpdatedDate: Date
}

struct RegionStore {
    var keys: [String: StoredKey] = [:]
    /// Key IDs in creation order, the order ListKeys returns.
    var order: [String] = []
    var aliases: [String: StoredAlias] = [:]
}

struct DenialRule {
    var operation: String
    var keyId: String?
    var region: String?
}

struct FaultRule {
    var fault: InMemoryKMS.Fault
    var operation: String?
    var region: String?
    var schedule: InMemoryKMS.FaultSchedule
    var matched = 0
}

struct KMSState {
    var accountId: String
    var options: InMemoryKMS.Options
    var clock: @Sendable () -> Date
    var clockOffset: TimeInterval = 0
    var regions: [String: RegionStore] = [:]
    var keyCounter = 0
    var requestCounter = 0
    var disabledRegions: Set<String> = []
    var denials: [DenialRule] = []
    var faults: [FaultRule] = []
    var latency: Duration?
    var operationLatency: [String: Duration] = [:]
    var calls: [InMemoryKMS.Call] = []
    /// The key the request being handled is about, for its call-log entry.
    var currentKeyId: String?
    /// Keys in PendingDeletion, checked on every request so deletion happens when its date passes.
    var pendingDeletion: Set<KeyReference> = []

    struct KeyReference: Hashable {
        var region: String
        var keyId: String
    }

    var now: Date { clock().addingTimeInterval(clockOffset) }

    // MARK: ARNs and lookups

    func keyArn(_ keyId: String, region: String) -> String {
        "arn:\(Wire.partition(of: region)):kms:\(region):\(accountId):key/\(keyId)"
    }

    func aliasArn(_ aliasName: String, region: String) -> String {
        "arn:\(Wire.partition(of: region)):kms:\(region):\(accountId):\(aliasName)"
    }

    func key(_ keyId: String, region: String) -> StoredKey? {
        regions[region]?.keys[keyId]
    }

    func aliases(of keyId: String, region: String) -> [StoredAlias] {
        (regions[region]?.aliases.values.filter { $0.targetKeyId == keyId } ?? []).sorted { $0.name < $1.name }
    }

    /// The replicas of a multi-Region key, in Region order.
    func replicas(of keyId: String) -> [StoredKey] {
        regions.keys.sorted().compactMap { region in
            guard let key = regions[region]?.keys[keyId], key.isReplica else { return nil }
            return key
        }
    }

    /// The key whose rotation state `key` uses: its primary for a replica, else itself.
    func rotationOwner(of key: StoredKey) -> StoredKey {
        if case .replica(let primaryRegion) = key.role, let primary = self.key(key.keyId, region: primaryRegion) {
            return primary
        }
        return key
    }

    // MARK: Resolving KeyId members

    /// Resolves a `KeyId` member (key ID, key ARN, and when `allowAlias` alias name or alias ARN) to a
    /// key in `region`.
    func resolve(_ raw: String, region: String, allowAlias: Bool) throws -> StoredKey {
        guard (1...2048).contains(raw.count) else {
            throw KMSFault.validation(value: raw, member: "KeyId", constraint: "Member must have length between 1 and 2048")
        }
        if raw.hasPrefix("arn:") {
            let parts = raw.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 6, parts[2] == "kms", !parts[3].isEmpty, !parts[4].isEmpty else {
                throw KMSFault.invalidArn("Invalid arn \(raw)")
            }
            let (arnRegion, account, resource) = (parts[3], parts[4], parts[5])
            if resource.hasPrefix("key/") {
                let keyId = String(resource.dropFirst(4))
                guard arnRegion == region, account == accountId, let key = key(keyId, region: region) else {
                    throw KMSFault.notFound("Key '\(raw)' does not exist")
                }
                return key
            }
            if resource.hasPrefix("alias/") {
                guard allowAlias else {
                    throw KMSFault.notFound("Invalid keyId '\(raw)': this operation accepts a key ID or key ARN, not an alias.")
                }
                guard arnRegion == region, account == accountId else { throw KMSFault.notFound("Alias '\(raw)' is not found.") }
                return try resolveAlias(resource, region: region)
            }
            throw KMSFault.invalidArn("Invalid arn \(raw)")
        }
        if raw.hasPrefix("alias/") {
            guard allowAlias else {
                throw KMSFault.notFound("Invalid keyId '\(raw)': this operation accepts a key ID or key ARN, not an alias.")
            }
            return try resolveAlias(raw, region: region)
        }
        guard let key = key(raw, region: region) else {
            throw KMSFault.notFound("Key '\(keyArn(raw, region: region))' does not exist")
        }
        return key
    }

    private func resolveAlias(_ name: String, region: String) throws -> StoredKey {
        guard let alias = regions[region]?.aliases[name], let key = key(alias.targetKeyId, region: region) else {
            throw KMSFault.notFound("Alias '\(aliasArn(name, region: region))' is not found.")
        }
        return key
    }

    // MARK: Access

    /// Throws `AccessDeniedException` when a denial rule or the key's policy denies `operation`.
    func authorize(_ operation: String, region: String, key: StoredKey?) throws {
        let resource = key?.arn ?? "arn:\(Wire.partition(of: region)):kms:\(region):\(accountId):key/*"
        let caller = "arn:\(Wire.partition(of: region)):iam::\(accountId):user/auditor"
        if let key, key.deniedOperations.contains(operation) {
            throw KMSFault(
                "AccessDeniedException",
                "User: \(caller) is not authorized to perform: kms:\(operation) on resource: \(resource) because no resource-based "
                    + "policy allows the kms:\(operation) action"
            )
        }
        for rule in denials where rule.operation == operation && (rule.region == nil || rule.region == region) {
            if let keyId = rule.keyId {
                guard let key, keyId == key.keyId || keyId == key.arn else { continue }
            }
            throw KMSFault(
                "AccessDeniedException",
                "User: \(caller) is not authorized to perform: kms:\(operation) on resource: \(resource) because no identity-based "
                    + "policy allows the kms:\(operation) action"
            )
        }
    }

    /// The first injected fault that hits this request, counting it against its schedule.
    mutating func injectedFault(operation: String, region: String) -> InMemoryKMS.Fault? {
        for index in faults.indices {
            let rule = faults[index]
            guard rule.operation == nil || rule.operation == operation, rule.region == nil || rule.region == region else { continue }
            faults[index].matched += 1
            let number = faults[index].matched
            switch rule.schedule {
            case .always: return rule.fault
            case .first(let count): if number <= count { return rule.fault }
            case .everyNth(let step): if step > 0, number % step == 0 { return rule.fault }
            }
        }
        return nil
    }

    // MARK: Rotation over time

    /// Brings a key's rotation history up to `now`: completes a finished on-demand rotation and
    /// performs every automatic rotation whose date has passed (only while the key is Enabled; a
    /// disabled or pending-deletion key does not rotate).
    mutating func catchUpRotations(_ keyId: String, region: String) {
        guard let key = key(keyId, region: region), !key.isReplica else { return }
        let now = self.now
        var rotation = key.rotation
        var changed = false
        if let started = rotation.onDemandStartedAt {
            let finished = started.addingTimeInterval(options.onDemandRotationDuration)
            if finished <= now {
                rotation.history.append(.init(date: finished, type: .onDemand))
                rotation.onDemandStartedAt = nil
                changed = true
            }
        }
        if key.isEnabled, rotation.enabled, rotation.periodInDays > 0 {
            while rotation.nextRotationDate <= now {
                let date = rotation.nextRotationDate
                rotation.history.append(.init(date: date, type: .automatic))
                rotation.scheduleStart = date
                changed = true
            }
        }
        guard changed else { return }
        rotation.history.sort { $0.date < $1.date }
        regions[region]?.keys[keyId]?.rotation = rotation
    }

    /// Removes keys whose deletion date has passed, with their aliases; a primary waiting in
    /// PendingReplicaDeletion starts its own waiting period once its last replica is gone.
    mutating func purgeDeletedKeys() {
        let now = self.now
        var changed = true
        while changed {
            changed = false
            for reference in pendingDeletion {
                guard let key = key(reference.keyId, region: reference.region) else {
                    pendingDeletion.remove(reference)
                    continue
                }
                guard key.keyState == InMemoryKMS.KeyState.pendingDeletion.rawValue, let date = key.deletionDate, date <= now else {
                    continue
                }
                removeKey(reference.keyId, region: reference.region)
                pendingDeletion.remove(reference)
                changed = true
                if case .replica(let primaryRegion) = key.role, var primary = self.key(key.keyId, region: primaryRegion),
                    primary.keyState == InMemoryKMS.KeyState.pendingReplicaDeletion.rawValue, replicas(of: key.keyId).isEmpty
                {
                    let window = primary.pendingWindowInDays ?? 30
                    primary.keyState = InMemoryKMS.KeyState.pendingDeletion.rawValue
                    primary.deletionDate = date.addingTimeInterval(TimeInterval(window) * 86_400)
                    primary.pendingWindowInDays = nil
                    store(primary)
                }
            }
        }
    }

    mutating func removeKey(_ keyId: String, region: String) {
        // Dictionary-valued members are changed through mutating methods so the store is not copied.
        regions[region]?.keys.removeValue(forKey: keyId)
        regions[region]?.order.removeAll { $0 == keyId }
        for alias in aliases(of: keyId, region: region) {
            regions[region]?.aliases.removeValue(forKey: alias.name)
        }
    }

    mutating func store(_ key: StoredKey) {
        if regions[key.region]?.keys[key.keyId] == nil {
            regions[key.region, default: RegionStore()].order.append(key.keyId)
        }
        regions[key.region, default: RegionStore()].keys[key.keyId] = key
        if key.keyState == InMemoryKMS.KeyState.pendingDeletion.rawValue {
            pendingDeletion.insert(KeyReference(region: key.region, keyId: key.keyId))
        } else {
            pendingDeletion.remove(KeyReference(region: key.region, keyId: key.keyId))
        }
    }

    mutating func nextKeyId(multiRegion: Bool) -> String {
        keyCounter += 1
        return Identifiers.keyId(account: accountId, counter: keyCounter, multiRegion: multiRegion)
    }

    mutating func nextRequestId() -> String {
        requestCounter += 1
        return Identifiers.keyId(account: "request:\(accountId)", counter: requestCounter, multiRegion: false)
    }

    // MARK: KeyMetadata

    func metadata(_ key: StoredKey) -> KeyMetadataRecord {
        let owner = rotationOwner(of: key)
        let spec = key.keySpec
        let algorithms = Self.algorithms(spec: spec, usage: key.keyUsage)
        let pendingDeletion = key.keyState == InMemoryKMS.KeyState.pendingDeletion.rawValue
        let hasMaterial =
            (key.origin == InMemoryKMS.Origin.awsKMS.rawValue || key.origin == InMemoryKMS.Origin.external.rawValue)
            && spec == InMemoryKMS.KeySpec.symmetricDefault.rawValue
            && key.keyState != InMemoryKMS.KeyState.pendingImport.rawValue
        var multiRegionConfiguration: MultiRegionConfigurationEntry?
        switch key.role {
        case .none:
            break
        case .primary:
            multiRegionConfiguration = MultiRegionConfigurationEntry(
                MultiRegionKeyType: "PRIMARY",
                PrimaryKey: MultiRegionKeyEntry(Arn: key.arn, Region: key.region),
                ReplicaKeys: replicas(of: key.keyId).map { MultiRegionKeyEntry(Arn: $0.arn, Region: $0.region) }
            )
        case .replica(let primaryRegion):
            multiRegionConfiguration = MultiRegionConfigurationEntry(
                MultiRegionKeyType: "REPLICA",
                PrimaryKey: MultiRegionKeyEntry(Arn: keyArn(key.keyId, region: primaryRegion), Region: primaryRegion),
                ReplicaKeys: replicas(of: key.keyId).map { MultiRegionKeyEntry(Arn: $0.arn, Region: $0.region) }
            )
        }
        return KeyMetadataRecord(
            AWSAccountId: accountId,
            KeyId: key.keyId,
            Arn: key.arn,
            CreationDate: key.creationDate,
            Enabled: key.isEnabled,
            Description: key.description,
            KeyUsage: key.keyUsage,
            KeyState: key.keyState,
            DeletionDate: pendingDeletion ? key.deletionDate : nil,
            ValidTo: key.origin == InMemoryKMS.Origin.external.rawValue ? key.validTo : nil,
            Origin: key.origin,
            CustomKeyStoreId: key.customKeyStoreId,
            CloudHsmClusterId: key.cloudHsmClusterId,
            ExpirationModel: key.origin == InMemoryKMS.Origin.external.rawValue
                ? (key.validTo == nil ? "KEY_MATERIAL_DOES_NOT_EXPIRE" : "KEY_MATERIAL_EXPIRES") : nil,
            KeyManager: key.keyManager,
            CustomerMasterKeySpec: Self.customerMasterKeySpecs.contains(spec) ? spec : nil,
            KeySpec: spec,
            EncryptionAlgorithms: algorithms.encryption,
            SigningAlgorithms: algorithms.signing,
            KeyAgreementAlgorithms: algorithms.keyAgreement,
            MultiRegion: key.role != .none,
            MultiRegionConfiguration: multiRegionConfiguration,
            PendingDeletionWindowInDays: key.keyState == InMemoryKMS.KeyState.pendingReplicaDeletion.rawValue
                ? key.pendingWindowInDays : nil,
            MacAlgorithms: algorithms.mac,
            XksKeyConfiguration: key.xksKeyId.map { XksKeyConfigurationEntry(Id: $0) },
            CurrentKeyMaterialId: hasMaterial ? Identifiers.keyMaterialId(keyId: key.keyId, generation: owner.rotation.history.count) : nil
        )
    }

    /// `CustomerMasterKeySpec` is deprecated and was never extended: ML-DSA and Ed25519 keys omit it.
    static let customerMasterKeySpecs: Set<String> = [
        "RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1",
        "SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512", "SM2",
    ]

    static let keyUsages = ["SIGN_VERIFY", "ENCRYPT_DECRYPT", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"]
    static let origins = ["AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"]

    /// The usage AWS gives a key of `spec` when none is chosen (for seeds), or the first valid one.
    static func defaultUsage(for spec: String) -> String {
        validUsages(for: spec)?.first ?? "ENCRYPT_DECRYPT"
    }

    /// The usages a spec allows, or `nil` for a spec this emulation does not know.
    static func validUsages(for spec: String) -> [String]? {
        switch spec {
        case "SYMMETRIC_DEFAULT": return ["ENCRYPT_DECRYPT"]
        case "RSA_2048", "RSA_3072", "RSA_4096": return ["ENCRYPT_DECRYPT", "SIGN_VERIFY"]
        case "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521": return ["SIGN_VERIFY", "KEY_AGREEMENT"]
        case "ECC_SECG_P256K1", "ML_DSA_44", "ML_DSA_65", "ML_DSA_87", "ECC_NIST_EDWARDS25519": return ["SIGN_VERIFY"]
        case "SM2": return ["ENCRYPT_DECRYPT", "SIGN_VERIFY", "KEY_AGREEMENT"]
        case "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512": return ["GENERATE_VERIFY_MAC"]
        default: return nil
        }
    }

    /// The algorithm lists DescribeKey reports for a spec and usage; `nil` lists are omitted.
    static func algorithms(
        spec: String, usage: String
    ) -> (encryption: [String]?, signing: [String]?, keyAgreement: [String]?, mac: [String]?) {
        switch (spec, usage) {
        case ("SYMMETRIC_DEFAULT", _):
            return (["SYMMETRIC_DEFAULT"], nil, nil, nil)
        case ("RSA_2048", "ENCRYPT_DECRYPT"), ("RSA_3072", "ENCRYPT_DECRYPT"), ("RSA_4096", "ENCRYPT_DECRYPT"):
            return (["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"], nil, nil, nil)
        case ("RSA_2048", "SIGN_VERIFY"), ("RSA_3072", "SIGN_VERIFY"), ("RSA_4096", "SIGN_VERIFY"):
            return (
                nil,
                [
                    "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512", "RSASSA_PSS_SHA_256",
                    "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512",
                ], nil, nil
            )
        case ("ECC_NIST_P256", "SIGN_VERIFY"), ("ECC_SECG_P256K1", "SIGN_VERIFY"):
            return (nil, ["ECDSA_SHA_256"], nil, nil)
        case ("ECC_NIST_P384", "SIGN_VERIFY"):
            return (nil, ["ECDSA_SHA_384"], nil, nil)
        case ("ECC_NIST_P521", "SIGN_VERIFY"):
            return (nil, ["ECDSA_SHA_512"], nil, nil)
        case (_, "KEY_AGREEMENT"):
            return validUsages(for: spec) == nil ? (nil, nil, nil, nil) : (nil, nil, ["ECDH"], nil)
        case ("SM2", "ENCRYPT_DECRYPT"):
            return (["SM2PKE"], nil, nil, nil)
        case ("SM2", "SIGN_VERIFY"):
            return (nil, ["SM2DSA"], nil, nil)
        case ("ML_DSA_44", _), ("ML_DSA_65", _), ("ML_DSA_87", _):
            return (nil, ["ML_DSA_SHAKE_256"], nil, nil)
        case ("ECC_NIST_EDWARDS25519", _):
            return (nil, ["ED25519_SHA_512", "ED25519_PH_SHA_512"], nil, nil)
        case ("HMAC_224", _), ("HMAC_256", _), ("HMAC_384", _), ("HMAC_512", _):
            return (nil, nil, nil, ["HMAC_SHA_" + spec.dropFirst("HMAC_".count)])
        default:
            return (nil, nil, nil, nil)
        }
    }
}
