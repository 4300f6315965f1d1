import Foundation

// Typed KMS operations. Wire shapes follow reference/kms-service-2.json member names exactly.
extension KMSClient {
    // MARK: Read

    /// Lists the keys of the account in this client's Region (one page).
    ///
    /// An answer without `Keys` is an error (``AWSServiceError/Code/invalidResponse``), never an empty page: KMS
    /// sends `"Keys": []` for a Region without keys, so a missing list means something else answered.
    /// - Parameters:
    ///   - limit: Page size, 1–1000 (KMS's default is 100).
    ///   - marker: The `nextMarker` of the previous page.
    /// - Returns: The page.
    /// - Throws: ``AWSServiceError``, ``TransportError``, or a credentials error.
    package func listKeys(limit: Int? = nil, marker: String? = nil) async throws -> KMSPage<KeyListEntry> {
        let output: ListKeysOutput = try await send("ListKeys", PageInput(Limit: limit, Marker: marker))
        guard let keys = output.Keys else { throw Self.missingMember("Keys", operation: "ListKeys") }
        return KMSPage(items: keys, nextMarker: output.NextMarker, truncated: output.Truncated ?? false)
    }

    /// Every key of the account in this Region, page by page.
    /// - Parameter pageSize: The `Limit` of each ListKeys call (1–1000; 1000 makes the fewest calls).
    /// - Returns: A sequence of keys.
    public func allKeys(pageSize: Int = 1000) -> KMSPaginator<KeyListEntry> {
        KMSPaginator(operation: "ListKeys") { marker in try await self.listKeys(limit: pageSize, marker: marker) }
    }

    /// Describes a key.
    /// - Parameter keyId: A key ID, key ARN, alias name (`alias/…`) or alias ARN.
    /// - Returns: The key's metadata.
    /// - Throws: ``AWSServiceError`` (`NotFoundException`, `InvalidArnException`, …), ``TransportError``.
    public func describeKey(keyId: String) async throws -> KMSKey {
        let output: DescribeKeyOutput = try await send("DescribeKey", KeyIdInput(KeyId: keyId))
        guard let metadata = output.KeyMetadata else {
            throw AWSServiceError(
                service: "kms", code: .invalidResponse, message: "DescribeKey answered without KeyMetadata", operation: "DescribeKey")
        }
        return metadata
    }

    /// Reads a key's automatic rotation status.
    /// - Parameter keyId: A key ID, or a key ARN for another account's key.
    /// - Returns: The status (shared with the primary for a multi-Region replica).
    /// - Throws: ``AWSServiceError``, ``TransportError``.
    public func getKeyRotationStatus(keyId: String) async throws -> KeyRotationStatus {
        try await send("GetKeyRotationStatus", KeyIdInput(KeyId: keyId))
    }

    /// Lists aliases (one page): all of the Region, or those of one key.
    ///
    /// An answer without `Aliases` is an error (``AWSServiceError/Code/invalidResponse``), never an empty page.
    /// - Parameters:
    ///   - keyId: Only aliases of this key; `nil` for all (including `aws/…` aliases with no target).
    ///   - limit: Page size (1–100 per the API reference).
    ///   - marker: The previous page's `nextMarker`.
    /// - Returns: The page.
    package func listAliases(keyId: String? = nil, limit: Int? = nil, marker: String? = nil) async throws -> KMSPage<KMSAlias> {
        let output: ListAliasesOutput = try await send("ListAliases", ListAliasesInput(KeyId: keyId, Limit: limit, Marker: marker))
        guard let aliases = output.Aliases else { throw Self.missingMember("Aliases", operation: "ListAliases") }
        return KMSPage(items: aliases, nextMarker: output.NextMarker, truncated: output.Truncated ?? false)
    }

    /// Every alias of the Region (or of one key), page by page.
    /// - Parameters:
    ///   - keyId: Only aliases of this key; `nil` for all.
    ///   - pageSize: The `Limit` of each call.
    /// - Returns: A sequence of aliases.
    public func allAliases(keyId: String? = nil, pageSize: Int = 100) -> KMSPaginator<KMSAlias> {
        KMSPaginator(operation: "ListAliases") { marker in try await self.listAliases(keyId: keyId, limit: pageSize, marker: marker) }
    }

    /// Lists a key's tags (one page).
    /// - Parameters:
    ///   - keyId: A key ID or ARN.
    ///   - limit: Page size (1–50 per the API reference).
    ///   - marker: The previous page's `nextMarker`.
    /// - Returns: The page.
    package func listResourceTags(keyId: String, limit: Int? = nil, marker: String? = nil) async throws -> KMSPage<KMSTag> {
        let output: ListResourceTagsOutput = try await send("ListResourceTags", KeyPageInput(KeyId: keyId, Limit: limit, Marker: marker))
        return KMSPage(items: output.Tags ?? [], nextMarker: output.NextMarker, truncated: output.Truncated ?? false)
    }

    /// Every tag of a key, page by page.
    /// - Parameters:
    ///   - keyId: A key ID or ARN.
    ///   - pageSize: The `Limit` of each call.
    /// - Returns: A sequence of tags.
    package func allResourceTags(keyId: String, pageSize: Int = 50) -> KMSPaginator<KMSTag> {
        KMSPaginator(operation: "ListResourceTags") { marker in
            try await self.listResourceTags(keyId: keyId, limit: pageSize, marker: marker)
        }
    }

    /// Lists a key's completed rotations (one page).
    /// - Parameters:
    ///   - keyId: A key ID or ARN.
    ///   - includeKeyMaterial: `ALL_KEY_MATERIAL` or `ROTATIONS_ONLY` (KMS's default).
    ///   - limit: Page size, 1–1000.
    ///   - marker: The previous page's `nextMarker`.
    /// - Returns: The page.
    package func listKeyRotations(
        keyId: String, includeKeyMaterial: String? = nil, limit: Int? = nil, marker: String? = nil
    ) async throws -> KMSPage<KeyRotationEntry> {
        let output: ListKeyRotationsOutput = try await send(
            "ListKeyRotations", ListKeyRotationsInput(KeyId: keyId, IncludeKeyMaterial: includeKeyMaterial, Limit: limit, Marker: marker))
        return KMSPage(items: output.Rotations ?? [], nextMarker: output.NextMarker, truncated: output.Truncated ?? false)
    }

    /// Every completed rotation of a key, page by page.
    /// - Parameters:
    ///   - keyId: A key ID or ARN.
    ///   - pageSize: The `Limit` of each call.
    /// - Returns: A sequence of rotations.
    package func allKeyRotations(keyId: String, pageSize: Int = 1000) -> KMSPaginator<KeyRotationEntry> {
        KMSPaginator(operation: "ListKeyRotations") { marker in
            try await self.listKeyRotations(keyId: keyId, limit: pageSize, marker: marker)
        }
    }

    // MARK: Change

    /// Turns on automatic rotation, or changes its period.
    /// - Parameters:
    ///   - keyId: A key ID or ARN in this account (rotation cannot be changed cross-account).
    ///   - rotationPeriodInDays: 90–2560; `nil` for KMS's default (365).
    /// - Throws: ``AWSServiceError`` (`UnsupportedOperationException` for keys that cannot rotate,
    ///   `DisabledException`, `KMSInvalidStateException`), ``TransportError``.
    public func enableKeyRotation(keyId: String, rotationPeriodInDays: Int? = nil) async throws {
        let _: EmptyOutput = try await send(
            "EnableKeyRotation", EnableKeyRotationInput(KeyId: keyId, RotationPeriodInDays: rotationPeriodInDays))
    }

    /// When the key was last used for a cryptographic operation (GetKeyLastUsage, since 2026; 5 requests per
    /// second per account and Region).
    /// - Parameter keyId: A key ID or ARN in this account.
    /// - Returns: The last use (nil members when none since tracking started) and when tracking started.
    /// - Throws: ``AWSServiceError``, ``TransportError``.
    package func getKeyLastUsage(keyId: String) async throws -> KeyLastUsage {
        try await send("GetKeyLastUsage", KeyIdInput(KeyId: keyId))
    }

    /// Starts an on-demand rotation (25 per key, ever: `LimitExceededException` is never retried). Used by
    /// `remediate --rotate-now`.
    /// - Parameter keyId: A key ID or ARN in this account.
    /// - Returns: The key ID KMS reports.
    /// - Throws: ``AWSServiceError`` (`LimitExceededException`, `ConflictException`, …), ``TransportError``.
    @discardableResult
    package func rotateKeyOnDemand(keyId: String) async throws -> String? {
        let output: RotateKeyOnDemandOutput = try await send("RotateKeyOnDemand", KeyIdInput(KeyId: keyId))
        return output.KeyId
    }
}

// MARK: - Reading answers

extension AWSServiceError {
    /// Reads a 2xx JSON answer as `Output`, or throws the error it is: JSON nested deeper than
    /// ``JSONNesting/maximumDepth`` (``AWSServiceError/Code/invalidResponse``, naming the cap); an AWS error
    /// body (a top-level `__type` member in any case, or an `X-Amzn-Errortype` header) served with a success
    /// status, which becomes that error, so that an error is never read as an empty result; or an answer
    /// that is not JSON or not the operation's shape (``AWSServiceError/Code/invalidResponse``, saying
    /// where). KMS and Organizations answers both.
    ///
    /// The body is parsed once, by ``AnswerJSON``, and decoded by ``AnswerDecoder``; an empty body reads as
    /// `{}`.
    /// - Parameters:
    ///   - type: The operation's output shape.
    ///   - response: The 2xx answer.
    ///   - service: The service that sent it (`kms`, `organizations`).
    ///   - operation: The operation it answers.
    /// - Returns: The output.
    /// - Throws: ``AWSServiceError``.
    static func readJSONAnswer<Output: Decodable>(
        _ type: Output.Type, from response: HTTPResponse, service: String, operation: String
    ) throws -> Output {
        func unreadable(_ why: String) -> AWSServiceError {
            AWSServiceError(
                service: service, code: .invalidResponse, message: "Could not read the \(operation) answer: \(why)",
                httpStatus: response.status, requestId: response.headers["x-amzn-RequestId"], operation: operation)
        }
        let hasErrorHeader = response.headers["X-Amzn-Errortype"] != nil
        let document: AnswerJSON
        do {
            document = try AnswerJSON.parse(response.body.isEmpty ? Data("{}".utf8) : response.body)
        } catch {
            if error.isTooDeep { throw unreadable(JSONNesting.tooDeepDescription) }
            if hasErrorHeader { throw AWSServiceError.decodeJSON(service: service, from: response, operation: operation) }
            throw unreadable(readableDescription(of: error.decodingError))
        }
        if hasErrorHeader || document.hasErrorType {
            throw AWSServiceError.decodeJSON(service: service, from: response, operation: operation)
        }
        do {
            return try AnswerDecoder.decode(type, from: document)
        } catch {
            throw unreadable(readableDescription(of: error))
        }
    }
}

extension KMSClient {

    /// The error for an answer that lacks the member the operation exists to return.
    static func missingMember(_ member: String, operation: String) -> AWSServiceError {
        AWSServiceError(
            service: "kms", code: .invalidResponse,
            message: "\(operation) answered without \(member); the answer is not read as an empty result", operation: operation)
    }
}

// MARK: - Wire shapes (member names as in the service model)

struct PageInput: FlatJSONBody {
    var Limit: Int?
    var Marker: String?
    var jsonMembers: [(key: StaticString, value: FlatJSONValue?)] {
        [("Limit", Limit.map { .integer($0) }), ("Marker", Marker.map { .string($0) })]
    }
}
struct KeyIdInput: FlatJSONBody {
    var KeyId: String
    var jsonMembers: [(key: StaticString, value: FlatJSONValue?)] { [("KeyId", .string(KeyId))] }
}
struct KeyPageInput: FlatJSONBody {
    var KeyId: String
    var Limit: Int?
    var Marker: String?
    var jsonMembers: [(key: StaticString, value: FlatJSONValue?)] {
        [("KeyId", .string(KeyId)), ("Limit", Limit.map { .integer($0) }), ("Marker", Marker.map { .string($0) })]
    }
}
struct ListAliasesInput: FlatJSONBody {
    var KeyId: String?
    var Limit: Int?
    var Marker: String?
    var jsonMembers: [(key: StaticString, value: FlatJSONValue?)] {
        [("KeyId", KeyId.map { .string($0) }), ("Limit", Limit.map { .integer($0) }), ("Marker", Marker.map { .string($0) })]
    }
}
struct ListKeyRotationsInput: FlatJSONBody {
    var KeyId: String
    var IncludeKeyMaterial: String?
    var Limit: Int?
    var Marker: String?
    var jsonMembers: [(key: StaticString, value: FlatJSONValue?)] {
        [
            ("IncludeKeyMaterial", IncludeKeyMaterial.map { .string($0) }), ("KeyId", .string(KeyId)),
            ("Limit", Limit.map { .integer($0) }),
            ("Marker", Marker.map { .string($0) }),
        ]
    }
}
struct EnableKeyRotationInput: FlatJSONBody {
    var KeyId: String
    var RotationPeriodInDays: Int?
    var jsonMembers: [(key: StaticString, value: FlatJSONValue?)] {
        [("KeyId", .string(KeyId)), ("RotationPeriodInDays", RotationPeriodInDays.map { .integer($0) })]
    }
}

struct ListKeysOutput: Decodable { var Keys: [KeyListEntry]?; var NextMarker: String?; var Truncated: Bool? }
struct DescribeKeyOutput: Decodable { var KeyMetadata: KMSKey? }
struct ListAliasesOutput: Decodable { var Aliases: [KMSAlias]?; var NextMarker: String?; var Truncated: Bool? }
struct ListResourceTagsOutput: Decodable { var Tags: [KMSTag]?; var NextMarker: String?; var Truncated: Bool? }
struct ListKeyRotationsOutput: Decodable { var Rotations: [KeyRotationEntry]?; var NextMarker: String?; var Truncated: Bool? }
struct EmptyOutput: Decodable {}
struct RotateKeyOnDemandOutput: Decodable { var KeyId: String? }

/// The GetKeyLastUsage answer: the last successful cryptographic use, if any, since `TrackingStartDate`.
package struct KeyLastUsage: Sendable, Hashable, Decodable {
    /// When the key was last used; `nil` when not since tracking started.
    package var lastUsedDate: Date?
    /// The operation of the last use (`Decrypt`, `GenerateDataKey`, …).
    package var operation: String?
    /// Since when KMS records the key's use (its creation, or when tracking began if later).
    package var trackingStartDate: Date?

    enum CodingKeys: String, CodingKey { case keyLastUsage = "KeyLastUsage", trackingStartDate = "TrackingStartDate" }
    enum UsageKeys: String, CodingKey { case operation = "Operation", timestamp = "Timestamp" }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        trackingStartDate = try c.decodeEpochSecondsIfPresent(forKey: .trackingStartDate)
        if c.contains(.keyLastUsage), try !c.decodeNil(forKey: .keyLastUsage) {
            let usage = try c.nestedContainer(keyedBy: UsageKeys.self, forKey: .keyLastUsage)
            operation = try usage.decodeIfPresent(String.self, forKey: .operation)
            lastUsedDate = try usage.decodeEpochSecondsIfPresent(forKey: .timestamp)
        }
    }
}
