import Foundation

// The vocabulary for seeding an InMemoryKMS. Every value is an open string wrapper: the modelled values
// are static members, and any other string (a value AWS may add next year) can be served verbatim.
// These types are deliberately separate from the library's model types: the in-memory KMS speaks only
// the wire protocol, so it can test the model's decoding rather than share it.

extension InMemoryKMS {
    /// A key spec as sent on the wire (`KeySpec`), such as `SYMMETRIC_DEFAULT` or `RSA_2048`.
    ///
    /// Any string is accepted (`"FUTURE_SPEC"` is served verbatim), so tests can check how clients
    /// handle specs they do not know yet.
    public struct KeySpec: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
        /// The wire value.
        public var rawValue: String
        /// Creates a key spec from its wire value.
        /// - Parameter rawValue: The wire value.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// Creates a key spec from a string literal.
        /// - Parameter value: The wire value.
        public init(stringLiteral value: String) { self.rawValue = value }
        /// The wire value.
        public var description: String { rawValue }

        /// `SYMMETRIC_DEFAULT`: the only spec that supports automatic rotation.
        public static let symmetricDefault: KeySpec = "SYMMETRIC_DEFAULT"
        /// `RSA_2048`.
        public static let rsa2048: KeySpec = "RSA_2048"
        /// `RSA_3072`.
        public static let rsa3072: KeySpec = "RSA_3072"
        /// `RSA_4096`.
        public static let rsa4096: KeySpec = "RSA_4096"
        /// `ECC_NIST_P256`.
        public static let eccNistP256: KeySpec = "ECC_NIST_P256"
        /// `ECC_NIST_P384`.
        public static let eccNistP384: KeySpec = "ECC_NIST_P384"
        /// `ECC_NIST_P521`.
        public static let eccNistP521: KeySpec = "ECC_NIST_P521"
        /// `ECC_SECG_P256K1`.
        public static let eccSecgP256K1: KeySpec = "ECC_SECG_P256K1"
        /// `ECC_NIST_EDWARDS25519`.
        public static let eccNistEdwards25519: KeySpec = "ECC_NIST_EDWARDS25519"
        /// `SM2` (China Regions only).
        public static let sm2: KeySpec = "SM2"
        /// `HMAC_224`.
        public static let hmac224: KeySpec = "HMAC_224"
        /// `HMAC_256`.
        public static let hmac256: KeySpec = "HMAC_256"
        /// `HMAC_384`.
        public static let hmac384: KeySpec = "HMAC_384"
        /// `HMAC_512`.
        public static let hmac512: KeySpec = "HMAC_512"
        /// `ML_DSA_44`.
        public static let mlDSA44: KeySpec = "ML_DSA_44"
        /// `ML_DSA_65`.
        public static let mlDSA65: KeySpec = "ML_DSA_65"
        /// `ML_DSA_87`.
        public static let mlDSA87: KeySpec = "ML_DSA_87"

        /// Every key spec in the service model, in model order.
        public static let modelled: [KeySpec] = [
            .rsa2048, .rsa3072, .rsa4096, .eccNistP256, .eccNistP384, .eccNistP521, .eccSecgP256K1,
            .symmetricDefault, .hmac224, .hmac256, .hmac384, .hmac512, .sm2, .mlDSA44, .mlDSA65, .mlDSA87,
            .eccNistEdwards25519,
        ]
    }

    /// A key usage as sent on the wire (`KeyUsage`).
    public struct KeyUsage: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
        /// The wire value.
        public var rawValue: String
        /// Creates a key usage from its wire value.
        /// - Parameter rawValue: The wire value.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// Creates a key usage from a string literal.
        /// - Parameter value: The wire value.
        public init(stringLiteral value: String) { self.rawValue = value }
        /// The wire value.
        public var description: String { rawValue }

        /// `ENCRYPT_DECRYPT`.
        public static let encryptDecrypt: KeyUsage = "ENCRYPT_DECRYPT"
        /// `SIGN_VERIFY`.
        public static let signVerify: KeyUsage = "SIGN_VERIFY"
        /// `GENERATE_VERIFY_MAC`.
        public static let generateVerifyMAC: KeyUsage = "GENERATE_VERIFY_MAC"
        /// `KEY_AGREEMENT`.
        public static let keyAgreement: KeyUsage = "KEY_AGREEMENT"
    }

    /// The source of a key's material as sent on the wire (`Origin`).
    public struct Origin: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
        /// The wire value.
        public var rawValue: String
        /// Creates an origin from its wire value.
        /// - Parameter rawValue: The wire value.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// Creates an origin from a string literal.
        /// - Parameter value: The wire value.
        public init(stringLiteral value: String) { self.rawValue = value }
        /// The wire value.
        public var description: String { rawValue }

        /// `AWS_KMS`: KMS generated the material. The only origin that supports automatic rotation.
        public static let awsKMS: Origin = "AWS_KMS"
        /// `EXTERNAL`: imported key material.
        public static let external: Origin = "EXTERNAL"
        /// `AWS_CLOUDHSM`: a CloudHSM custom key store.
        public static let awsCloudHSM: Origin = "AWS_CLOUDHSM"
        /// `EXTERNAL_KEY_STORE`: an external key store (XKS).
        public static let externalKeyStore: Origin = "EXTERNAL_KEY_STORE"
    }

    /// Who manages a key, as sent on the wire (`KeyManager`).
    public struct KeyManager: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
        /// The wire value.
        public var rawValue: String
        /// Creates a key manager from its wire value.
        /// - Parameter rawValue: The wire value.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// Creates a key manager from a string literal.
        /// - Parameter value: The wire value.
        public init(stringLiteral value: String) { self.rawValue = value }
        /// The wire value.
        public var description: String { rawValue }

        /// `AWS`: an AWS managed key (`aws/<service>`), rotated yearly by AWS.
        public static let aws: KeyManager = "AWS"
        /// `CUSTOMER`: a customer managed key.
        public static let customer: KeyManager = "CUSTOMER"
    }

    /// A key state as sent on the wire (`KeyState`, PascalCase).
    public struct KeyState: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
        /// The wire value.
        public var rawValue: String
        /// Creates a key state from its wire value.
        /// - Parameter rawValue: The wire value.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// Creates a key state from a string literal.
        /// - Parameter value: The wire value.
        public init(stringLiteral value: String) { self.rawValue = value }
        /// The wire value.
        public var description: String { rawValue }

        /// `Creating`: a replica key being created.
        public static let creating: KeyState = "Creating"
        /// `Enabled`.
        public static let enabled: KeyState = "Enabled"
        /// `Disabled`.
        public static let disabled: KeyState = "Disabled"
        /// `PendingDeletion`: scheduled for deletion.
        public static let pendingDeletion: KeyState = "PendingDeletion"
        /// `PendingImport`: an `EXTERNAL` key whose material was not imported yet.
        public static let pendingImport: KeyState = "PendingImport"
        /// `PendingReplicaDeletion`: a multi-Region primary key scheduled for deletion that still has replicas.
        public static let pendingReplicaDeletion: KeyState = "PendingReplicaDeletion"
        /// `Unavailable`: a key in a disconnected custom key store.
        public static let unavailable: KeyState = "Unavailable"
        /// `Updating`: a multi-Region key whose primary is being updated.
        public static let updating: KeyState = "Updating"
    }

    /// How a past rotation was started, as listed by `ListKeyRotations` (`RotationType`).
    public enum RotationType: String, Hashable, Sendable {
        /// `AUTOMATIC`: the rotation schedule fired.
        case automatic = "AUTOMATIC"
        /// `ON_DEMAND`: `RotateKeyOnDemand` was called.
        case onDemand = "ON_DEMAND"
    }

    /// A past rotation to seed into a key's history.
    public struct RotationEvent: Hashable, Sendable {
        /// When the new key material became current.
        public var date: Date
        /// How the rotation was started.
        public var type: RotationType

        /// Creates a rotation event.
        /// - Parameters:
        ///   - date: When the rotation happened.
        ///   - type: Automatic or on demand.
        public init(date: Date, type: RotationType) {
            self.date = date
            self.type = type
        }
    }

    /// Everything about a key that ``InMemoryKMS/addKey(_:region:)`` seeds.
    ///
    /// The defaults describe a fresh customer managed symmetric encryption key in state `Enabled` with
    /// rotation off, as `CreateKey` would make it. Values that AWS derives (key usage, algorithms,
    /// custom key store IDs, deletion dates) are derived when left `nil`.
    ///
    /// ```swift
    /// let kms = InMemoryKMS()
    /// let orders = kms.addKey(.init(rotationEnabled: true, description: "orders", aliases: ["alias/orders"]), region: "us-east-1")
    /// let s3 = kms.addKey(.awsManaged(service: "s3"), region: "us-east-1")
    /// let future = kms.addKey(.init(keySpec: "FUTURE_SPEC"), region: "us-east-1")
    /// ```
    public struct KeySeed: Hashable, Sendable {
        /// `CUSTOMER` or `AWS`. Default `CUSTOMER`.
        public var keyManager: KeyManager
        /// The key spec. Default `SYMMETRIC_DEFAULT`.
        public var keySpec: KeySpec
        /// The key usage; `nil` derives it from the spec (`ENCRYPT_DECRYPT` for symmetric and RSA,
        /// `SIGN_VERIFY` for ECC and ML-DSA, `GENERATE_VERIFY_MAC` for HMAC).
        public var keyUsage: KeyUsage?
        /// Where the key material comes from. Default `AWS_KMS`.
        public var origin: Origin
        /// The key state. Default `Enabled`.
        public var keyState: KeyState
        /// Whether automatic rotation is on. Ignored for AWS managed keys (always on, 365 days).
        public var rotationEnabled: Bool
        /// The rotation period in days, reported when rotation is on. Default 365.
        public var rotationPeriodInDays: Int
        /// The description. Default empty.
        public var description: String
        /// Alias names (`alias/orders`; the `alias/` prefix is added when missing).
        public var aliases: [String]
        /// Tags, listed by `ListResourceTags` sorted by key.
        public var tags: [String: String]
        /// Whether this is a multi-Region primary key (its ID then starts with `mrk-`). Add replicas
        /// with ``InMemoryKMS/addReplica(of:region:keyState:description:aliases:tags:)``.
        public var multiRegion: Bool
        /// When the key was created; `nil` uses the KMS clock at seeding time.
        public var creationDate: Date?
        /// When the current rotation schedule started (rotation enabled, or last automatic rotation);
        /// `nil` uses the creation date. The next rotation is this date plus the period.
        public var rotationScheduleStart: Date?
        /// Past rotations, listed by `ListKeyRotations`. On-demand ones count towards the 25-per-key quota.
        public var rotationHistory: [RotationEvent]
        /// The custom key store ID; `nil` derives one for `AWS_CLOUDHSM` and `EXTERNAL_KEY_STORE` keys.
        public var customKeyStoreId: String?
        /// The CloudHSM cluster ID; `nil` derives one for `AWS_CLOUDHSM` keys.
        public var cloudHsmClusterId: String?
        /// The external key ID; `nil` derives one for `EXTERNAL_KEY_STORE` keys.
        public var xksKeyId: String?
        /// When imported key material expires (`EXTERNAL` keys); `nil` for material that does not expire.
        public var validTo: Date?
        /// The deletion date of a `PendingDeletion` key; `nil` uses the seeding time plus 30 days.
        public var deletionDate: Date?
        /// Operations this key's policy denies (`AccessDeniedException`), such as
        /// `["GetKeyRotationStatus"]` for an AWS managed key that refuses auditors.
        public var deniedOperations: Set<String>
        /// When the key was last used for a cryptographic operation, reported by `GetKeyLastUsage`; `nil`
        /// for a key never used since tracking started (its creation).
        public var lastUsedDate: Date?

        /// Creates a key seed.
        /// - Parameters:
        ///   - keyManager: `CUSTOMER` (default) or `AWS`.
        ///   - keySpec: The key spec. Default `SYMMETRIC_DEFAULT`.
        ///   - keyUsage: The key usage; `nil` derives it from the spec.
        ///   - origin: Default `AWS_KMS`.
        ///   - keyState: Default `Enabled`.
        ///   - rotationEnabled: Whether automatic rotation is on. Default `false`.
        ///   - rotationPeriodInDays: The period when rotation is on. Default 365.
        ///   - description: Default empty.
        ///   - aliases: Alias names. Default none.
        ///   - tags: Tags. Default none.
        ///   - multiRegion: Whether this is a multi-Region primary key. Default `false`.
        ///   - creationDate: Default: the KMS clock at seeding time.
        ///   - rotationScheduleStart: Start of the current rotation period. Default: the creation date.
        ///   - rotationHistory: Past rotations. Default none.
        ///   - customKeyStoreId: Default derived for custom key store origins.
        ///   - cloudHsmClusterId: Default derived for `AWS_CLOUDHSM`.
        ///   - xksKeyId: Default derived for `EXTERNAL_KEY_STORE`.
        ///   - validTo: Expiry of imported material. Default none.
        ///   - deletionDate: For `PendingDeletion`. Default: seeding time plus 30 days.
        ///   - deniedOperations: Operations the key policy denies. Default none.
        ///   - lastUsedDate: The last cryptographic use, for `GetKeyLastUsage`. Default never.
        public init(
            keyManager: KeyManager = .customer,
            keySpec: KeySpec = .symmetricDefault,
            keyUsage: KeyUsage? = nil,
            origin: Origin = .awsKMS,
            keyState: KeyState = .enabled,
            rotationEnabled: Bool = false,
            rotationPeriodInDays: Int = 365,
            description: String = "",
            aliases: [String] = [],
            tags: [String: String] = [:],
            multiRegion: Bool = false,
            creationDate: Date? = nil,
            rotationScheduleStart: Date? = nil,
            rotationHistory: [RotationEvent] = [],
            customKeyStoreId: String? = nil,
            cloudHsmClusterId: String? = nil,
            xksKeyId: String? = nil,
            validTo: Date? = nil,
            deletionDate: Date? = nil,
            deniedOperations: Set<String> = [],
            lastUsedDate: Date? = nil
        ) {
            self.keyManager = keyManager
            self.keySpec = keySpec
            self.keyUsage = keyUsage
            self.origin = origin
            self.keyState = keyState
            self.rotationEnabled = rotationEnabled
            self.rotationPeriodInDays = rotationPeriodInDays
            self.description = description
            self.aliases = aliases
            self.tags = tags
            self.multiRegion = multiRegion
            self.creationDate = creationDate
            self.rotationScheduleStart = rotationScheduleStart
            self.rotationHistory = rotationHistory
            self.customKeyStoreId = customKeyStoreId
            self.cloudHsmClusterId = cloudHsmClusterId
            self.xksKeyId = xksKeyId
            self.validTo = validTo
            self.deletionDate = deletionDate
            self.deniedOperations = deniedOperations
            self.lastUsedDate = lastUsedDate
        }

        /// An AWS managed key for a service, with its `alias/aws/<service>` alias and AWS's description.
        /// - Parameters:
        ///   - service: The service name in the alias, such as `s3`, `ebs` or `acm`.
        ///   - creationDate: Default: the KMS clock at seeding time.
        ///   - deniedOperations: Operations its key policy denies, such as `["GetKeyRotationStatus"]`.
        /// - Returns: The seed.
        public static func awsManaged(service: String, creationDate: Date? = nil, deniedOperations: Set<String> = []) -> KeySeed {
            KeySeed(
                keyManager: .aws,
                rotationEnabled: true,
                description: "Default key that protects my \(service.uppercased()) data when no other key is defined",
                aliases: ["alias/aws/\(service)"],
                creationDate: creationDate,
                deniedOperations: deniedOperations
            )
        }
    }
}
