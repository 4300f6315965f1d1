/// The parts of a KMS key or alias ARN:
/// `arn:{partition}:kms:{region}:{account}:key/{key-id}` or `arn:{partition}:kms:{region}:{account}:alias/{name}`.
///
/// Use it to learn which region and account a key lives in, for example to point a remediation at the
/// primary key of a Multi-Region replica. Parsing is strict: anything that is not a KMS key or alias
/// ARN is refused.
///
/// ```swift
/// let arn = KMSARN("arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
/// arn?.region     // "us-east-1"
/// arn?.accountID  // "111122223333"
/// ```
public struct KMSARN: Sendable, Hashable, Codable, LosslessStringConvertible {
    /// What the ARN names.
    public enum Resource: Sendable, Hashable {
        /// A key, by key ID (`1234abcd-…`, or `mrk-…` for Multi-Region keys).
        case key(id: String)
        /// An alias, by its full alias name as KMS writes it, including the prefix (`alias/orders`).
        case alias(name: String)
    }

    /// The partition identifier (`aws`, `aws-cn`, `aws-us-gov`, ...).
    public let partition: String
    /// The region, for example `us-east-1`.
    public let region: String
    /// The 12-digit AWS account ID.
    public let accountID: String
    /// The key or alias the ARN names.
    public let resource: Resource

    /// Parses a KMS key or alias ARN.
    /// - Parameter description: The ARN text.
    /// - Returns: `nil` when the text is not a well-formed KMS key or alias ARN: wrong prefix or
    ///   service, invalid region, an account ID that is not 12 digits, or a resource that is neither
    ///   `key/{id}` nor `alias/{name}`.
    public init?(_ description: String) {
        // The resource may not contain ':' (KMS key IDs and alias names never do), so exactly six fields.
        let fields = description.split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count == 6, fields[0] == "arn", fields[2] == "kms" else { return nil }
        let partition = String(fields[1])
        let region = String(fields[3])
        let account = String(fields[4])
        let resource = fields[5]

        guard !partition.isEmpty, partition.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || $0 == "-" }),
              (try? EndpointResolver.validateRegion(region)) != nil,
              account.utf8.count == 12, account.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }

        if resource.hasPrefix("key/") {
            let id = resource.dropFirst("key/".count)
            guard !id.isEmpty, id.unicodeScalars.allSatisfy(Self.isKeyIDCharacter) else { return nil }
            self.resource = .key(id: String(id))
        } else if resource.hasPrefix("alias/") {
            let name = resource.dropFirst("alias/".count)
            guard !name.isEmpty, name.unicodeScalars.allSatisfy(Self.isAliasCharacter) else { return nil }
            self.resource = .alias(name: String(resource))
        } else {
            return nil
        }
        self.partition = partition
        self.region = region
        self.accountID = account
    }

    /// Creates an ARN from its parts.
    /// - Parameters:
    ///   - partition: The partition identifier.
    ///   - region: The region.
    ///   - accountID: The 12-digit account ID.
    ///   - resource: The key or alias.
    public init(partition: String, region: String, accountID: String, resource: Resource) {
        self.partition = partition
        self.region = region
        self.accountID = accountID
        self.resource = resource
    }

    /// The key ID, when the ARN names a key.
    public var keyID: String? {
        if case .key(let id) = resource { return id }
        return nil
    }

    /// The alias name including its `alias/` prefix, when the ARN names an alias.
    public var aliasName: String? {
        if case .alias(let name) = resource { return name }
        return nil
    }

    /// Whether the key ID is a Multi-Region key ID (`mrk-…`).
    public var isMultiRegionKey: Bool { keyID?.hasPrefix("mrk-") ?? false }

    /// The ARN text.
    public var description: String {
        let tail: String
        switch resource {
        case .key(let id): tail = "key/\(id)"
        case .alias(let name): tail = name.hasPrefix("alias/") ? name : "alias/\(name)"
        }
        return "arn:\(partition):kms:\(region):\(accountID):\(tail)"
    }

    /// Decodes an ARN from a JSON string.
    /// - Parameter decoder: The decoder.
    /// - Throws: `DecodingError.dataCorrupted` when the string is not a KMS key or alias ARN.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let arn = KMSARN(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "Not a KMS key or alias ARN: \(text)")
        }
        self = arn
    }

    /// Encodes the ARN as a JSON string.
    /// - Parameter encoder: The encoder.
    /// - Throws: Whatever the encoder throws.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    private static func isKeyIDCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "-": return true
        default: return false
        }
    }

    /// Alias names allow letters, digits, `/`, `_` and `-` (KMS `CreateAlias`).
    private static func isAliasCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "/", "_", "-": return true
        default: return false
        }
    }
}
