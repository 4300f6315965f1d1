import Foundation
import KMSRotation

// KMS operations that set up test accounts (moto, the in-memory KMS) and that the library itself never
// calls: an auditing library has no business creating, disabling or deleting keys.
// (KMSTag and the tag listing are the library's: policy rules read tags.)

extension KMSClient {
    /// Turns off automatic rotation.
    /// - Parameter keyId: A key ID or ARN in this account.
    /// - Throws: ``AWSServiceError``, ``TransportError``.
    public func disableKeyRotation(keyId: String) async throws {
        let _: ClientEmpty = try await send("DisableKeyRotation", ClientKeyId(KeyId: keyId))
    }

    /// Creates a key (used to seed test servers).
    /// - Parameters:
    ///   - keySpec: The key spec (`SYMMETRIC_DEFAULT` by default).
    ///   - keyUsage: The key usage; `nil` for KMS's default for the spec.
    ///   - origin: The origin; `nil` for `AWS_KMS`.
    ///   - description: A description.
    ///   - multiRegion: Whether to create a multi-Region primary key.
    ///   - tags: Tags to set, tag key to tag value.
    /// - Returns: The new key's metadata.
    public func createKey(
        keySpec: KeySpec = .symmetricDefault, keyUsage: KeyUsage? = nil, origin: KeyOrigin? = nil, description: String? = nil,
        multiRegion: Bool? = nil, tags: [String: String] = [:]
    ) async throws -> KMSKey {
        let input = ClientCreateKey(
            KeySpec: keySpec, KeyUsage: keyUsage, Origin: origin, Description: description, MultiRegion: multiRegion,
            Tags: tags.isEmpty ? nil : tags.sorted { $0.key < $1.key }.map { KMSTag(tagKey: $0.key, tagValue: $0.value) })
        let output: ClientKeyMetadata = try await send("CreateKey", input)
        guard let metadata = output.KeyMetadata else {
            throw AWSServiceError(
                service: "kms", code: .invalidResponse, message: "CreateKey answered without KeyMetadata", operation: "CreateKey")
        }
        return metadata
    }

    /// Creates an alias for a key.
    /// - Parameters:
    ///   - aliasName: `alias/…`.
    ///   - targetKeyId: The key ID or ARN.
    public func createAlias(aliasName: String, targetKeyId: String) async throws {
        let _: ClientEmpty = try await send("CreateAlias", ClientCreateAlias(AliasName: aliasName, TargetKeyId: targetKeyId))
    }

    /// Disables a key.
    /// - Parameter keyId: A key ID or ARN.
    public func disableKey(keyId: String) async throws {
        let _: ClientEmpty = try await send("DisableKey", ClientKeyId(KeyId: keyId))
    }

    /// Schedules a key for deletion.
    /// - Parameters:
    ///   - keyId: A key ID or ARN.
    ///   - pendingWindowInDays: 7–30.
    public func scheduleKeyDeletion(keyId: String, pendingWindowInDays: Int? = nil) async throws {
        let _: ClientEmpty = try await send(
            "ScheduleKeyDeletion", ClientScheduleKeyDeletion(KeyId: keyId, PendingWindowInDays: pendingWindowInDays))
    }
}

// MARK: - Wire shapes (private: InMemoryKMS has its own, server-side ones)

private struct ClientKeyId: Encodable { var KeyId: String }
private struct ClientScheduleKeyDeletion: Encodable { var KeyId: String; var PendingWindowInDays: Int? }
private struct ClientCreateAlias: Encodable { var AliasName: String; var TargetKeyId: String }
private struct ClientCreateKey: Encodable {
    var KeySpec: KMSRotation.KeySpec?
    var KeyUsage: KMSRotation.KeyUsage?
    var Origin: KeyOrigin?
    var Description: String?
    var MultiRegion: Bool?
    var Tags: [KMSTag]?
}
private struct ClientKeyMetadata: Decodable { var KeyMetadata: KMSKey? }
private struct ClientEmpty: Decodable {}
