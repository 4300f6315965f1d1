import Foundation

/// Role credentials from IAM Identity Center for a profile written by `aws configure sso`: the access
/// token that `aws sso login` cached, renewed with its refresh token when it is within 15 minutes of
/// expiring (as botocore's `SSOTokenProvider` does, writing the cache back), then exchanged for the
/// role's credentials with the portal's `GetRoleCredentials`.
///
/// Legacy profiles (`sso_start_url` in the profile, no `sso_session`) use the cached token as it is: it
/// has no refresh token. A token that is missing, expired and not renewable, or refused by the portal
/// is an error that says how to sign in again (`aws sso login --sso-session NAME`, or `--profile NAME`
/// for a legacy profile). Tokens, the client secret and the refresh token are registered with
/// `SecretScrubber` the moment they are read.
struct SSOCredentialProvider: CredentialProvider, CustomStringConvertible {
    struct Configuration: Sendable, Hashable {
        var profile: String
        var sessionName: String?
        var startURL: String
        var ssoRegion: String
        var accountId: String
        var roleName: String
    }

    let name: String
    let configuration: Configuration
    let cache: SSOTokenCache?
    let portal: SSOPortalClient
    /// `nil` for legacy profiles, which are never refreshed.
    let oidc: SSOOIDCClient?
    let now: @Sendable () -> Date

    /// Refresh tokens expiring within this many seconds (botocore's `_REFRESH_WINDOW`).
    static let refreshWindow: TimeInterval = 15 * 60

    init(
        configuration: Configuration, cache: SSOTokenCache?, portal: SSOPortalClient, oidc: SSOOIDCClient?,
        now: @escaping @Sendable () -> Date
    ) {
        self.name = "profile \(configuration.profile)"
        self.configuration = configuration
        self.cache = cache
        self.portal = portal
        self.oidc = configuration.sessionName == nil ? nil : oidc
        self.now = now
    }

    var loginAdvice: String {
        if let session = configuration.sessionName { return "run `aws sso login --sso-session \(session)`" }
        return "run `aws sso login --profile \(configuration.profile)`"
    }

    private var subject: String {
        configuration.sessionName.map { "sso-session \($0)" } ?? "start URL \(configuration.startURL)"
    }

    func credentials() async throws -> AWSCredentials {
        guard let cache else {
            throw CredentialProviderError.failed(name, "the IAM Identity Center token cache needs HOME to be set; \(loginAdvice)")
        }
        let path = cache.path(sessionName: configuration.sessionName, startURL: configuration.startURL)
        let token: [String: Any]
        do {
            guard let read = try cache.read(path) else {
                throw CredentialProviderError.failed(
                    name, "no IAM Identity Center token is cached for \(subject) (\(path)); \(loginAdvice)")
            }
            token = read
        } catch let problem as SSOTokenCache.Problem {
            throw CredentialProviderError.failed(name, "the IAM Identity Center token cache \(path) \(problem); \(loginAdvice)")
        }
        for key in ["accessToken", "refreshToken", "clientSecret"] {
            SecretScrubber.register(token[key] as? String)
        }
        guard var accessToken = token["accessToken"] as? String, !accessToken.isEmpty,
            var expiresAt = (token["expiresAt"] as? String).flatMap(Self.parseCacheDate)
        else {
            throw CredentialProviderError.failed(
                name,
                "the cached IAM Identity Center token for \(subject) is invalid "
                    + "(no accessToken or expiresAt); \(loginAdvice)")
        }
        if expiresAt.timeIntervalSince(now()) < Self.refreshWindow, let refreshed = await refresh(token, path: path, cache: cache) {
            accessToken = refreshed.accessToken
            expiresAt = refreshed.expiresAt
        }
        guard expiresAt > now() else {
            throw CredentialProviderError.failed(
                name,
                "the IAM Identity Center token for \(subject) has expired"
                    + (oidc == nil ? "" : " and could not be refreshed") + "; \(loginAdvice)")
        }
        do {
            let credentials = try await portal.getRoleCredentials(
                accessToken: accessToken, accountId: configuration.accountId,
                roleName: configuration.roleName)
            return credentials
        } catch let error as AWSServiceError where error.isSSOUnauthorized {
            throw CredentialProviderError.failed(
                name, "IAM Identity Center refused the token for \(subject) (\(error.code)); \(loginAdvice)")
        } catch let error as AWSServiceError {
            throw CredentialProviderError.failed(
                name, "GetRoleCredentials for role \(configuration.roleName) in account \(configuration.accountId): \(error)")
        } catch let error as TransportError {
            throw CredentialProviderError.failed(name, "GetRoleCredentials: \(error)")
        }
    }

    /// Renews the token with SSO OIDC `CreateToken` and writes the cache back. `nil` when the token has
    /// no refresh token or registration, the registration has expired, or the call fails: the cached
    /// token is then used while it lasts, as botocore does.
    private func refresh(_ token: [String: Any], path: String, cache: SSOTokenCache) async -> (accessToken: String, expiresAt: Date)? {
        guard let oidc,
            let refreshToken = token["refreshToken"] as? String, !refreshToken.isEmpty,
            let clientId = token["clientId"] as? String, !clientId.isEmpty,
            let clientSecret = token["clientSecret"] as? String, !clientSecret.isEmpty,
            let registrationExpiresAt = (token["registrationExpiresAt"] as? String).flatMap(Self.parseCacheDate),
            registrationExpiresAt > now()
        else { return nil }
        guard let fresh = try? await oidc.refresh(clientId: clientId, clientSecret: clientSecret, refreshToken: refreshToken) else {
            return nil
        }
        let expiresAt = now().addingTimeInterval(TimeInterval(fresh.expiresIn))
        var updated = token
        updated["startUrl"] = configuration.startURL
        updated["region"] = configuration.ssoRegion
        updated["accessToken"] = fresh.accessToken
        updated["expiresAt"] = Self.timestamp(expiresAt)
        if let newRefresh = fresh.refreshToken { updated["refreshToken"] = newRefresh }
        // A cache that cannot be written still leaves a usable token for this process.
        try? cache.write(updated, to: path)
        return (fresh.accessToken, expiresAt)
    }

    /// A cache date: `2026-01-01T00:00:00Z` as the AWS CLI v2 writes it today (with or without fractional
    /// seconds or an offset), or `2026-01-01T00:00:00UTC` as its early versions wrote it.
    static func parseCacheDate(_ text: String) -> Date? {
        if let date = CredentialsDocument.parseISO8601(text) { return date }
        guard text.hasSuffix("UTC") else { return nil }
        return CredentialsDocument.parseISO8601(String(text.dropLast(3)) + "Z")
    }

    /// `2026-01-01T00:00:00Z`, as the AWS CLI writes `expiresAt`.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    var description: String { "SSOCredentialProvider(profile: \(configuration.profile), \(subject))" }
}
