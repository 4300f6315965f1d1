import Foundation

/// The JSON shape shared by `credential_process` output, the container credentials endpoint and IMDS.
///
/// The three differ only in detail (`SessionToken` vs `Token`, `Version`, `Code`), so one lenient
/// decoder reads them all and each provider checks what its own format requires. Decoding errors are
/// replaced by fixed messages because Foundation's would quote the document, which holds the secret.
struct CredentialsDocument: Decodable, Sendable {
    var version: Int?
    var accessKeyId: String?
    var secretAccessKey: String?
    var sessionToken: String?
    var token: String?
    var expiration: String?
    var accountId: String?
    var code: String?

    enum CodingKeys: String, CodingKey {
        case version = "Version"
        case accessKeyId = "AccessKeyId"
        case secretAccessKey = "SecretAccessKey"
        case sessionToken = "SessionToken"
        case token = "Token"
        case expiration = "Expiration"
        case accountId = "AccountId"
        case code = "Code"
    }

    /// Decodes a document, failing with a message that names the source but quotes nothing.
    static func decode(_ data: Data, provider: String, source: String) throws -> CredentialsDocument {
        do {
            return try JSONDecoder().decode(CredentialsDocument.self, from: data)
        } catch {
            throw CredentialProviderError.failed(provider, "\(source) is not a valid credentials JSON object")
        }
    }

    /// The credentials in the document; the session token is `SessionToken` or `Token`, whichever is set.
    func credentials(provider: String, source: String) throws -> AWSCredentials {
        guard let accessKeyId, !accessKeyId.isEmpty else {
            throw CredentialProviderError.failed(provider, "\(source) has no AccessKeyId")
        }
        guard let secretAccessKey, !secretAccessKey.isEmpty else {
            throw CredentialProviderError.failed(provider, "\(source) has no SecretAccessKey")
        }
        var expirationDate: Date?
        if let expiration, !expiration.isEmpty {
            guard let date = CredentialsDocument.parseISO8601(expiration) else {
                throw CredentialProviderError.failed(provider, "\(source) has an Expiration that is not an ISO 8601 date-time")
            }
            expirationDate = date
        }
        let session = [sessionToken, token].compactMap { $0 }.first { !$0.isEmpty }
        return AWSCredentials(
            accessKeyId: accessKeyId,
            secretAccessKey: secretAccessKey,
            sessionToken: session,
            expiration: expirationDate,
            accountId: accountId.flatMap { $0.isEmpty ? nil : $0 }
        )
    }

    /// Parses `2026-11-29T06:00:00Z`, with or without fractional seconds, with `Z` or an offset.
    static func parseISO8601(_ text: String) -> Date? {
        // A formatter per call: these documents arrive once per credential refresh, and
        // ISO8601DateFormatter is not Sendable, so it cannot be a shared static.
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
