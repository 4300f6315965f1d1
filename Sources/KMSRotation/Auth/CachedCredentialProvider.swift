import Foundation

/// Caches another provider's credentials and refreshes them shortly before they expire.
///
/// Wrap any provider that makes a network call or runs a process, so that a scan of hundreds of keys
/// fetches credentials once, not per request. Credentials are refreshed when they expire within
/// `refreshMargin` (5 minutes, as in the AWS SDKs), leaving time for requests already signed with
/// them to complete. Concurrent callers that find the cache stale share one in-flight refresh. If a
/// refresh fails while the cached credentials have not yet expired, the cached ones are returned and
/// the next call tries again; credentials without an expiration are cached for good.
package actor CachedCredentialProvider: CredentialProvider, CustomStringConvertible {
    /// The wrapped provider's name.
    package nonisolated let name: String
    /// The wrapped provider.
    package nonisolated let base: any CredentialProvider
    /// How long before expiration credentials are refreshed.
    package nonisolated let refreshMargin: TimeInterval
    private let now: @Sendable () -> Date
    /// The cached credentials, behind a lock so that they are read without entering the actor (every request
    /// asks for credentials, and a hop onto the actor and back is two task switches). Written only by the actor.
    private let cached = LockedValue<AWSCredentials?>(nil)
    private var inFlight: Task<AWSCredentials, any Error>?

    /// Creates a cache around a provider.
    /// - Parameters:
    ///   - base: The provider to cache.
    ///   - refreshMargin: Refresh credentials that expire within this many seconds (default 300).
    ///   - now: The clock; inject a fixed one in tests.
    package init(_ base: any CredentialProvider, refreshMargin: TimeInterval = 300, now: @escaping @Sendable () -> Date = { Date() }) {
        self.base = base
        self.name = base.name
        self.refreshMargin = refreshMargin
        self.now = now
    }

    /// Returns the cached credentials, refreshing them first when they are missing or about to expire.
    /// Fresh cached credentials are returned without entering the actor.
    /// - Returns: Credentials valid for at least `refreshMargin`, unless only older ones are available.
    /// - Throws: The wrapped provider's error when there are no usable cached credentials.
    package nonisolated func credentials() async throws -> AWSCredentials {
        if let cached = cached.current, !cached.expires(within: refreshMargin, of: now()) {
            return cached
        }
        return try await refreshed()
    }

    /// The cached credentials if still fresh (another caller may have refreshed them), else fresh ones
    /// from the wrapped provider, one refresh shared by concurrent callers.
    private func refreshed() async throws -> AWSCredentials {
        if let cached = cached.current, !cached.expires(within: refreshMargin, of: now()) {
            return cached
        }
        let task: Task<AWSCredentials, any Error>
        if let inFlight {
            task = inFlight
        } else {
            // An unstructured task, so that one caller's cancellation does not fail the refresh that
            // other callers are waiting on.
            let base = self.base
            task = Task { try await base.credentials() }
            inFlight = task
        }
        do {
            let fresh = try await task.value
            if inFlight == task { inFlight = nil }
            cached.withLock { $0 = fresh }
            return fresh
        } catch {
            if inFlight == task { inFlight = nil }
            if let cached = cached.current, !cached.expires(within: 0, of: now()) {
                return cached
            }
            throw error
        }
    }

    /// Drops the cached credentials, so the next call fetches new ones (after an `ExpiredToken` error).
    package func invalidate() {
        cached.withLock { $0 = nil }
    }

    /// The wrapped provider's description; cached credentials are never shown.
    package nonisolated var description: String { "CachedCredentialProvider(\(base))" }
}
