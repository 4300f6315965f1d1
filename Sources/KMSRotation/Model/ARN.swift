import Foundation

/// An Amazon Resource Name, `arn:{partition}:{service}:{region}:{account}:{resource}`: the one ARN type of
/// the library, for KMS keys and aliases, IAM roles and the caller's identity.
///
/// ```swift
/// let key = ARN("arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
/// key?.region       // "us-east-1"
/// key?.kmsKeyId     // "1234abcd-12ab-34cd-56ef-1234567890ab"
/// let role = try ARN(iamRole: "arn:aws:iam::111122223333:role/security/Audit")
/// role.roleName     // "security/Audit"
/// ARN.iamRole(partition: "aws", accountId: "444455556666", roleName: "OrganizationAccountAccessRole").description
/// // "arn:aws:iam::444455556666:role/OrganizationAccountAccessRole"
/// ```
///
/// ``init(_:)`` splits any ARN into its six fields without judging them (an empty field reads as `nil`);
/// the typed views (``kmsKeyId``, `kmsAliasName`, `roleName`) answer only for a well-formed ARN of
/// their kind, and ``init(iamRole:)`` says what is wrong with user input.
public struct ARN: Sendable, Hashable, Codable, LosslessStringConvertible {
    /// Why a string is not a role ARN, or a role name is not valid.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong, for people.
        public var message: String
        /// Creates an error.
        package init(_ message: String) { self.message = message }
        /// What is wrong, for people.
        public var description: String { message }
    }

    /// The partition (`aws`, `aws-cn`, `aws-us-gov`, …).
    public var partition: String
    /// The service namespace (`kms`, `iam`, `sts`).
    public var service: String
    /// The Region; `nil` for global resources (IAM).
    public var region: String?
    /// The 12-digit account ID; `nil` when the ARN has none.
    public var accountId: String?
    /// The resource (`key/1234abcd-…`, `alias/orders`, `role/Audit`, `assumed-role/Audit/session`).
    public var resource: String

    /// Creates an ARN from its parts.
    /// - Parameters:
    ///   - partition: The partition.
    ///   - service: The service namespace.
    ///   - region: The Region, or `nil` for a global resource.
    ///   - accountId: The account ID.
    ///   - resource: The resource.
    public init(partition: String, service: String, region: String?, accountId: String?, resource: String) {
        self.partition = partition
        self.service = service
        self.region = region
        self.accountId = accountId
        self.resource = resource
    }

    /// Splits an ARN into its fields. The resource may contain `:`.
    /// - Parameter description: The ARN text.
    /// - Returns: `nil` unless the text starts with `arn:` and has six fields with a partition, a service
    ///   and a resource.
    public init?(_ description: String) {
        // One pass over the UTF-8 for the first five colons, and no array of fields: every key of a scan is
        // read through its ARN several times (Region, account, remediation), and the split was 1.6% of the
        // CLI's CPU. Fields end at colon bytes, as AWS splits them (ARN fields are ASCII); a colon is a whole
        // scalar, so each index is a scalar boundary.
        let utf8 = description.utf8
        guard utf8.count <= 2_048, utf8.starts(with: "arn:".utf8) else { return nil }
        var bounds: (String.Index, String.Index, String.Index, String.Index, String.Index) =
            (utf8.startIndex, utf8.startIndex, utf8.startIndex, utf8.startIndex, utf8.startIndex)
        var found = 0
        var index = utf8.startIndex
        while index != utf8.endIndex, found < 5 {
            if utf8[index] == UInt8(ascii: ":") {
                switch found {
                case 0: bounds.0 = index
                case 1: bounds.1 = index
                case 2: bounds.2 = index
                case 3: bounds.3 = index
                default: bounds.4 = index
                }
                found += 1
            }
            index = utf8.index(after: index)
        }
        guard found == 5 else { return nil }
        func field(after start: String.Index, upTo end: String.Index) -> Substring {
            description[utf8.index(after: start)..<end]
        }
        let partition = field(after: bounds.0, upTo: bounds.1)
        let service = field(after: bounds.1, upTo: bounds.2)
        let region = field(after: bounds.2, upTo: bounds.3)
        let accountId = field(after: bounds.3, upTo: bounds.4)
        let resource = description[utf8.index(after: bounds.4)...]
        guard !partition.isEmpty, !service.isEmpty, !resource.isEmpty else { return nil }
        self.init(
            partition: String(partition), service: String(service), region: region.isEmpty ? nil : String(region),
            accountId: accountId.isEmpty ? nil : String(accountId), resource: String(resource))
    }

    /// The ARN text.
    public var description: String {
        "arn:\(partition):\(service):\(region ?? ""):\(accountId ?? ""):\(resource)"
    }

    /// Decodes an ARN from a JSON string.
    /// - Parameter decoder: The decoder.
    /// - Throws: `DecodingError.dataCorrupted` when the string is not an ARN.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let arn = ARN(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "Not an ARN: \(Self.shown(text))")
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

    // MARK: - KMS

    /// The key ID when this is a well-formed KMS key ARN (`arn:…:kms:{Region}:{12 digits}:key/{id}`), else
    /// `nil`: the test a remediation passes before it may change a key.
    public var kmsKeyId: String? {
        guard isWellFormedKMS, resource.hasPrefix("key/") else { return nil }
        let id = resource.dropFirst("key/".count)
        guard !id.isEmpty, id.unicodeScalars.allSatisfy(Self.isKeyIDCharacter) else { return nil }
        return String(id)
    }

    /// The alias name with its `alias/` prefix when this is a well-formed KMS alias ARN, else `nil`.
    package var kmsAliasName: String? {
        guard isWellFormedKMS, resource.hasPrefix("alias/") else { return nil }
        let name = resource.dropFirst("alias/".count)
        guard !name.isEmpty, name.unicodeScalars.allSatisfy(Self.isAliasCharacter) else { return nil }
        return resource
    }

    /// Whether this is a well-formed KMS key ARN of a multi-Region key (`mrk-…`).
    package var isMultiRegionKey: Bool { kmsKeyId?.hasPrefix("mrk-") ?? false }

    private var isWellFormedKMS: Bool {
        service == "kms" && partition.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || $0 == "-" })
            && region.map { (try? EndpointResolver.validateRegion($0)) != nil } == true
            && accountId.map(Self.isAccountId) == true
    }

    private static func isKeyIDCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "-": true
        default: false
        }
    }

    /// Alias names allow letters, digits, `/`, `_` and `-` (KMS `CreateAlias`).
    private static func isAliasCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "/", "_", "-": true
        default: false
        }
    }

    // MARK: - IAM roles

    /// Parses and checks an IAM role ARN, `arn:{partition}:iam::{12 digits}:role/{path}{name}`: what
    /// `AssumeRole` takes.
    /// - Parameter text: The ARN.
    /// - Throws: `ParseError` saying what is wrong.
    public init(iamRole text: String) throws {
        guard let arn = ARN(text), arn.service == "iam", arn.region == nil, arn.resource.hasPrefix("role/") else {
            throw ParseError("'\(Self.shown(text))' is not an IAM role ARN; expected arn:aws:iam::111122223333:role/RoleName.")
        }
        guard arn.partition.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw ParseError("'\(Self.shown(text))' has no valid partition (aws, aws-cn, aws-us-gov, …).")
        }
        guard let account = arn.accountId, Self.isAccountId(account) else {
            throw ParseError("'\(Self.shown(text))' has no valid account ID: expected 12 digits, got '\(Self.shown(arn.accountId ?? ""))'.")
        }
        try Self.validateRoleName(String(arn.resource.dropFirst("role/".count)))
        self = arn
    }

    /// The ARN of a role, from its parts. The parts are not validated: use `validateRoleName(_:)` for
    /// user input.
    /// - Parameters:
    ///   - partition: The partition.
    ///   - accountId: The account.
    ///   - roleName: The role name, optionally prefixed with its path (`path/Name`).
    /// - Returns: `arn:{partition}:iam::{accountId}:role/{roleName}`.
    public static func iamRole(partition: String, accountId: String, roleName: String) -> ARN {
        ARN(partition: partition, service: "iam", region: nil, accountId: accountId, resource: "role/\(roleName)")
    }

    /// The role's name with its path (`security/Audit` for path `/security/`), when this is an IAM role ARN.
    package var roleName: String? {
        service == "iam" && resource.hasPrefix("role/") ? String(resource.dropFirst("role/".count)) : nil
    }

    /// Checks a role name as IAM allows it: 1–64 characters of `[A-Za-z0-9_+=,.@-]`, optionally
    /// preceded by a path (`path/to/Name`, at most 512 characters in all, no empty segment).
    /// - Parameter name: The role name, with its path if any.
    /// - Throws: `ParseError` saying what is wrong.
    package static func validateRoleName(_ name: String) throws {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+=,.@-")
        let segments = name.split(separator: "/", omittingEmptySubsequences: false)
        guard let last = segments.last, !name.isEmpty, name.count <= 512 + 64,
            segments.allSatisfy({ !$0.isEmpty && $0.allSatisfy(allowed.contains) }), (1...64).contains(last.count)
        else {
            throw ParseError(
                "'\(shown(name))' is not a valid IAM role name: use 1 to 64 letters, digits and _+=,.@- "
                    + "(optionally after a path, path/Name).")
        }
    }

    /// Whether a string is a 12-digit account ID.
    /// - Parameter text: The candidate.
    /// - Returns: `true` for exactly 12 ASCII digits.
    package static func isAccountId(_ text: String) -> Bool {
        text.utf8.count == 12 && text.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// The text as safe to print: control characters replaced, length bounded.
    private static func shown(_ text: String) -> String {
        let printable = String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
        return printable.count > 120 ? String(printable.prefix(120)) + "…" : printable
    }
}
