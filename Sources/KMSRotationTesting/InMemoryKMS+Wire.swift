import Foundation

// The JSON 1.1 wire format of the in-memory KMS: request and response records named exactly as the
// members of `kms-service-2.json`, the error record, request parsing (Region, target) and markers.
// Property names are PascalCase on purpose: they are the wire names, so a reader can check them
// against the service model at a glance.

// MARK: - Errors

/// An error response: a KMS (or AWS common) error code, its message and HTTP status.
struct KMSFault: Error {
    var code: String
    var message: String
    /// The status under ``InMemoryKMS/ErrorStatusStyle/observed``; `nil` picks it from the code.
    var status: Int?

    init(_ code: String, _ message: String, status: Int? = nil) {
        self.code = code
        self.message = message
        self.status = status
    }

    /// The HTTP status for this error under a status style.
    func httpStatus(_ style: InMemoryKMS.ErrorStatusStyle) -> Int {
        if let status { return status }
        switch code {
        case "KMSInternalException", "KeyUnavailableException", "InternalFailure": return 500
        case "DependencyTimeoutException", "ServiceUnavailable": return 503
        default: break
        }
        guard style == .modelled else { return 400 }
        switch code {
        case "NotFoundException": return 404
        case "DisabledException", "KMSInvalidStateException", "ConflictException", "AlreadyExistsException": return 409
        default: return 400
        }
    }

    static func notFound(_ message: String) -> KMSFault { KMSFault("NotFoundException", message) }
    static func invalidArn(_ message: String) -> KMSFault { KMSFault("InvalidArnException", message) }
    static func invalidMarker() -> KMSFault {
        KMSFault("InvalidMarkerException", "Invalid marker: the marker is not one this service returned for this request.")
    }
    static func unsupported(_ message: String) -> KMSFault { KMSFault("UnsupportedOperationException", message) }
    static func disabled(_ message: String) -> KMSFault { KMSFault("DisabledException", message) }
    static func invalidState(_ message: String) -> KMSFault { KMSFault("KMSInvalidStateException", message) }
    static func limitExceeded(_ message: String) -> KMSFault { KMSFault("LimitExceededException", message) }
    static func conflict(_ message: String) -> KMSFault { KMSFault("ConflictException", message) }
    static func alreadyExists(_ message: String) -> KMSFault { KMSFault("AlreadyExistsException", message) }
    static func invalidAliasName(_ message: String) -> KMSFault { KMSFault("InvalidAliasNameException", message) }
    static func serialization(_ message: String) -> KMSFault { KMSFault("SerializationException", message) }
    static func unknownOperation(_ message: String) -> KMSFault { KMSFault("UnknownOperationException", message) }
    static func unrecognizedClient() -> KMSFault {
        KMSFault("UnrecognizedClientException", "The security token included in the request is invalid.")
    }
    static func missingAuthenticationToken() -> KMSFault { KMSFault("MissingAuthenticationTokenException", "Missing Authentication Token") }

    /// `ValidationException` in AWS's wording: "1 validation error detected: Value '0' at 'limit'
    /// failed to satisfy constraint: Member must have value greater than or equal to 1".
    static func validation(value: String?, member: String, constraint: String) -> KMSFault {
        let shown = value.map { "'\($0)'" } ?? "null"
        let path = member.prefix(1).lowercased() + member.dropFirst()
        return KMSFault(
            "ValidationException", "1 validation error detected: Value \(shown) at '\(path)' failed to satisfy constraint: \(constraint)")
    }

    static func required(_ member: String) -> KMSFault {
        validation(value: nil, member: member, constraint: "Member must not be null")
    }

    static func range(_ value: Int, member: String, _ range: ClosedRange<Int>) -> KMSFault {
        value < range.lowerBound
            ? validation(
                value: String(value), member: member, constraint: "Member must have value greater than or equal to \(range.lowerBound)")
            : validation(
                value: String(value), member: member, constraint: "Member must have value less than or equal to \(range.upperBound)")
    }

    static func enumValue(_ value: String, member: String, _ allowed: [String]) -> KMSFault {
        validation(value: value, member: member, constraint: "Member must satisfy enum value set: [\(allowed.joined(separator: ", "))]")
    }
}

/// The error body: `{"__type":"<Code>","message":"..."}`.
struct ErrorBody: Encodable {
    var type: String
    var message: String
    enum CodingKeys: String, CodingKey {
        case type = "__type"
        case message
    }
}

// MARK: - Request records

struct KeyIdInput: Decodable {
    var KeyId: String?
}

struct PagedInput: Decodable {
    var KeyId: String?
    var Limit: Int?
    var Marker: String?
}

struct ListKeyRotationsInput: Decodable {
    var KeyId: String?
    var IncludeKeyMaterial: String?
    var Limit: Int?
    var Marker: String?
}

struct EnableKeyRotationInput: Decodable {
    var KeyId: String?
    var RotationPeriodInDays: Int?
}

struct CreateKeyInput: Decodable {
    var Policy: String?
    var Description: String?
    var KeyUsage: String?
    var CustomerMasterKeySpec: String?
    var KeySpec: String?
    var Origin: String?
    var CustomKeyStoreId: String?
    var BypassPolicyLockoutSafetyCheck: Bool?
    var Tags: [TagEntry]?
    var MultiRegion: Bool?
    var XksKeyId: String?
}

struct ScheduleKeyDeletionInput: Decodable {
    var KeyId: String?
    var PendingWindowInDays: Int?
}

struct CreateAliasInput: Decodable {
    var AliasName: String?
    var TargetKeyId: String?
}

struct ReplicateKeyInput: Decodable {
    var KeyId: String?
    var ReplicaRegion: String?
    var Policy: String?
    var BypassPolicyLockoutSafetyCheck: Bool?
    var Description: String?
    var Tags: [TagEntry]?
}

struct GetKeyPolicyInput: Decodable {
    var KeyId: String?
    var PolicyName: String?
}

// MARK: - Response records

struct TagEntry: Codable {
    var TagKey: String
    var TagValue: String
}

struct KeyListEntry: Encodable {
    var KeyId: String
    var KeyArn: String
}

struct ListKeysOutput: Encodable {
    var Keys: [KeyListEntry]
    var NextMarker: String?
    var Truncated: Bool
}

struct MultiRegionKeyEntry: Encodable {
    var Arn: String
    var Region: String
}

struct MultiRegionConfigurationEntry: Encodable {
    var MultiRegionKeyType: String
    var PrimaryKey: MultiRegionKeyEntry?
    var ReplicaKeys: [MultiRegionKeyEntry]
}

struct XksKeyConfigurationEntry: Encodable {
    var Id: String
}

/// `KeyMetadata`, member for member in model order.
struct KeyMetadataRecord: Encodable {
    var AWSAccountId: String
    var KeyId: String
    var Arn: String
    var CreationDate: Date
    var Enabled: Bool
    var Description: String
    var KeyUsage: String
    var KeyState: String
    var DeletionDate: Date?
    var ValidTo: Date?
    var Origin: String
    var CustomKeyStoreId: String?
    var CloudHsmClusterId: String?
    var ExpirationModel: String?
    var KeyManager: String
    var CustomerMasterKeySpec: String?
    var KeySpec: String
    var EncryptionAlgorithms: [String]?
    var SigningAlgorithms: [String]?
    var KeyAgreementAlgorithms: [String]?
    var MultiRegion: Bool
    var MultiRegionConfiguration: MultiRegionConfigurationEntry?
    var PendingDeletionWindowInDays: Int?
    var MacAlgorithms: [String]?
    var XksKeyConfiguration: XksKeyConfigurationEntry?
    var CurrentKeyMaterialId: String?
}

struct DescribeKeyOutput: Encodable {
    var KeyMetadata: KeyMetadataRecord
}

struct GetKeyLastUsageOutput: Encodable {
    struct Usage: Encodable { var Operation: String; var Timestamp: Date }
    var KeyId: String
    var KeyLastUsage: Usage?
    var TrackingStartDate: Date
    var KeyCreationDate: Date
}

struct GetKeyRotationStatusOutput: Encodable {
    var KeyRotationEnabled: Bool
    var KeyId: String
    var RotationPeriodInDays: Int?
    var NextRotationDate: Date?
    var OnDemandRotationStartDate: Date?
}

struct AliasListEntry: Encodable {
    var AliasName: String
    var AliasArn: String
    var TargetKeyId: String?
    var CreationDate: Date?
    var LastUpdatedDate: Date?
}

struct ListAliasesOutput: Encodable {
    var Aliases: [AliasListEntry]
    var NextMarker: String?
    var Truncated: Bool
}

struct ListResourceTagsOutput: Encodable {
    var Tags: [TagEntry]
    var NextMarker: String?
    var Truncated: Bool
}

struct RotationsListEntry: Encodable {
    var KeyId: String
    var KeyMaterialId: String?
    var KeyMaterialDescription: String?
    var ImportState: String?
    var KeyMaterialState: String?
    var ExpirationModel: String?
    var ValidTo: Date?
    var RotationDate: Date?
    var RotationType: String?
}

struct ListKeyRotationsOutput: Encodable {
    var Rotations: [RotationsListEntry]
    var NextMarker: String?
    var Truncated: Bool
}

struct RotateKeyOnDemandOutput: Encodable {
    var KeyId: String
}

struct CreateKeyOutput: Encodable {
    var KeyMetadata: KeyMetadataRecord
}

struct ScheduleKeyDeletionOutput: Encodable {
    var KeyId: String
    var DeletionDate: Date?
    var KeyState: String
    var PendingWindowInDays: Int
}

struct CancelKeyDeletionOutput: Encodable {
    var KeyId: String
}

struct ReplicateKeyOutput: Encodable {
    var ReplicaKeyMetadata: KeyMetadataRecord
    var ReplicaPolicy: String
    var ReplicaTags: [TagEntry]
}

struct GetKeyPolicyOutput: Encodable {
    var Policy: String
    var PolicyName: String
}

/// The empty output of EnableKeyRotation, DisableKeyRotation, EnableKey, DisableKey, CreateAlias.
struct EmptyOutput: Encodable {}

// MARK: - Coding

enum Wire {
    static let contentType = "application/x-amz-json-1.1"
    static let targetPrefix = "TrentService."

    static func decode<Input: Decodable>(_ type: Input.Type, from body: Data) throws -> Input {
        guard !body.isEmpty else {
            throw KMSFault.serialization("The request body is empty; an operation without input must send {}.")
        }
        do {
            return try JSONDecoder().decode(Input.self, from: body)
        } catch let error as DecodingError {
            throw KMSFault.serialization(describe(error))
        } catch {
            throw KMSFault.serialization("The request body is not valid JSON.")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(let type, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty
                ? "Start of structure or map expected: the body must be a JSON object."
                : "Member \(path) must be \(type), but a different JSON type was sent."
        case .valueNotFound(_, let context), .keyNotFound(_, let context):
            return "Malformed member \(context.codingPath.map(\.stringValue).joined(separator: "."))."
        case .dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? "The request body is not valid JSON." : "Member \(path) has a value of the wrong type."
        @unknown default:
            return "The request body could not be read."
        }
    }

    static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .secondsSince1970
        // The records hold only strings, numbers, booleans and dates, which always encode.
        return (try? encoder.encode(value)) ?? Data("{}".utf8)
    }

    static func response(_ body: Data, status: Int = 200, requestId: String) -> HTTPResponse {
        HTTPResponse(
            status: status,
            headers: ["Content-Type": contentType, "Content-Length": String(body.count), "x-amzn-RequestId": requestId],
            body: body
        )
    }

    /// The Region a request is addressed to: from the `Host` header (or the URL's host) when it is
    /// `kms[-fips].<region>.<suffix>`, else from the SigV4 credential scope in `Authorization`
    /// (`Credential=AKID/20150830/<region>/kms/aws4_request`). Signatures are not verified.
    static func region(of request: HTTPRequest) -> String? {
        for host in [request.headers["Host"], request.url.host] {
            if let host, let region = region(fromHost: host) { return region }
        }
        if let authorization = request.headers["Authorization"] {
            return region(fromAuthorization: authorization)
        }
        return nil
    }

    static func region(fromHost host: String) -> String? {
        let name = host.split(separator: ":").first.map(String.init) ?? host
        let labels = name.lowercased().split(separator: ".")
        guard labels.count >= 4, labels[0] == "kms" || labels[0] == "kms-fips" else { return nil }
        return String(labels[1])
    }

    static func region(fromAuthorization authorization: String) -> String? {
        guard let start = authorization.range(of: "Credential=") else { return nil }
        let credential = authorization[start.upperBound...].prefix { $0 != "," && $0 != " " }
        let scope = credential.split(separator: "/", omittingEmptySubsequences: false)
        guard scope.count >= 5, !scope[2].isEmpty else { return nil }
        return String(scope[2])
    }

    /// The partition of a Region, for ARNs.
    static func partition(of region: String) -> String {
        if region.hasPrefix("cn-") { return "aws-cn" }
        if region.hasPrefix("us-gov-") { return "aws-us-gov" }
        return "aws"
    }
}

// MARK: - Pagination

/// Opaque `Marker`/`NextMarker` values: base64 of `<operation>:<scope>:<offset>`, so a marker from
/// another operation, key or Region is rejected with `InvalidMarkerException`, as AWS rejects
/// markers it did not issue.
enum Pager {
    static func marker(operation: String, scope: String, offset: Int) -> String {
        Data("\(operation):\(scope):\(offset)".utf8).base64EncodedString()
    }

    /// Validates `Limit` against `range` (defaulting to `defaultLimit`) and decodes `Marker`.
    static func window(
        limit: Int?, marker: String?, range: ClosedRange<Int>, defaultLimit: Int, operation: String, scope: String, count: Int
    ) throws -> (offset: Int, limit: Int) {
        let limit = limit ?? defaultLimit
        guard range.contains(limit) else { throw KMSFault.range(limit, member: "Limit", range) }
        guard let marker else { return (0, limit) }
        guard (1...1024).contains(marker.count) else {
            throw KMSFault.validation(value: marker, member: "Marker", constraint: "Member must have length between 1 and 1024")
        }
        guard let data = Data(base64Encoded: marker), let text = String(data: data, encoding: .utf8) else { throw KMSFault.invalidMarker() }
        let prefix = "\(operation):\(scope):"
        guard text.hasPrefix(prefix), let offset = Int(text.dropFirst(prefix.count)), offset > 0, offset <= count else {
            throw KMSFault.invalidMarker()
        }
        return (offset, limit)
    }

    /// The page of `items` starting at `offset`, and the marker of the next page if there is one.
    static func page<Item>(
        _ items: [Item], offset: Int, limit: Int, operation: String, scope: String
    ) -> (items: [Item], nextMarker: String?) {
        let end = min(items.count, offset + limit)
        let slice = Array(items[offset..<end])
        let next = end < items.count ? marker(operation: operation, scope: scope, offset: end) : nil
        return (slice, next)
    }
}

// MARK: - Deterministic identifiers

/// Stable pseudo-random identifiers, so that seeded accounts print the same every run.
enum Identifiers {
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    static func splitmix(_ state: inout UInt64) -> UInt64 {
        state = state &+ 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// `hexCount` lower-case hex digits derived from `seed` and `index`.
    static func hexDigits(seed: String, index: Int, count hexCount: Int) -> String {
        var state = fnv1a(seed) &+ UInt64(truncatingIfNeeded: index) &* 0x2545_f491_4f6c_dd1d
        var text = ""
        while text.count < hexCount { text += hex(splitmix(&state)) }
        return String(text.prefix(hexCount))
    }

    /// A UUID-shaped key ID (version 4 layout), or `mrk-` and 32 hex digits for multi-Region keys.
    static func keyId(account: String, counter: Int, multiRegion: Bool) -> String {
        let digits = Array(hexDigits(seed: "key:\(account)", index: counter, count: 32))
        if multiRegion { return "mrk-" + String(digits) }
        let variant = ["8", "9", "a", "b"][(Int(String(digits[16]), radix: 16) ?? 0) % 4]
        return String(digits[0..<8]) + "-" + String(digits[8..<12]) + "-4" + String(digits[13..<16]) + "-"
            + variant + String(digits[17..<20]) + "-" + String(digits[20..<32])
    }

    /// The 64-hex-digit ID of a key's `generation`-th key material (0 = the original material).
    static func keyMaterialId(keyId: String, generation: Int) -> String {
        hexDigits(seed: "material:\(keyId)", index: generation, count: 64)
    }
}
