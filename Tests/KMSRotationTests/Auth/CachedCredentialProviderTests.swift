import Foundation
import Testing
@testable import KMSRotation

/// A settable clock for the cache.
final class AuthClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    init(_ start: Date) { current = start }
    var now: Date {
        get { lock.withLock { current } }
        set { lock.withLock { current = newValue } }
    }
}

/// A provider that counts its calls and answers through a closure.
struct AuthCountingProvider: CredentialProvider {
    let name = "counting"
    let calls = AuthCounter()
    let answer: @Sendable (Int) async throws -> AWSCredentials

    func credentials() async throws -> AWSCredentials {
        try await answer(calls.increment())
    }
}

@Suite struct CachedCredentialProviderTests {
    static let start = AuthFixtures.now

    private static func credentials(_ n: Int, expiresIn seconds: TimeInterval?) -> AWSCredentials {
        AWSCredentials(
            accessKeyId: "ASIA\(n)", secretAccessKey: "s\(n)", sessionToken: "t\(n)",
            expiration: seconds.map { start.addingTimeInterval($0) })
    }

    @Test func credentialsWithoutExpirationAreFetchedOnce() async throws {
        let base = AuthCountingProvider { n in Self.credentials(n, expiresIn: nil) }
        let cache = CachedCredentialProvider(base, now: { Self.start })
        #expect(cache.name == "counting")
        for _ in 0..<3 { #expect(try await cache.credentials().accessKeyId == "ASIA1") }
        #expect(base.calls.value == 1)
    }

    @Test func refreshesFiveMinutesBeforeExpiry() async throws {
        let clock = AuthClock(Self.start)
        // Each fetch returns credentials valid for 10 minutes from the moment of the fetch.
        let base = AuthCountingProvider { n in
            AWSCredentials(accessKeyId: "ASIA\(n)", secretAccessKey: "s", expiration: clock.now.addingTimeInterval(600))
        }
        let cache = CachedCredentialProvider(base, now: { clock.now })
        #expect(try await cache.credentials().accessKeyId == "ASIA1")
        clock.now = Self.start.addingTimeInterval(299)  // 5 min 1 s left: still fresh
        #expect(try await cache.credentials().accessKeyId == "ASIA1")
        clock.now = Self.start.addingTimeInterval(300)  // exactly 5 min left: refresh
        #expect(try await cache.credentials().accessKeyId == "ASIA2")
        #expect(base.calls.value == 2)
    }

    @Test func fiftyConcurrentCallersShareOneRefresh() async throws {
        let base = AuthCountingProvider { n in
            try await Task.sleep(for: .milliseconds(200))
            return Self.credentials(n, expiresIn: 3_600)
        }
        let cache = CachedCredentialProvider(base, now: { Self.start })
        let keys = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<50 { group.addTask { try await cache.credentials().accessKeyId } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(keys.count == 50)
        #expect(Set(keys) == ["ASIA1"])
        #expect(base.calls.value == 1)
    }

    @Test func failedRefreshFallsBackToUnexpiredCredentialsThenThrows() async throws {
        let clock = AuthClock(Self.start)
        let base = AuthCountingProvider { n in
            if n == 1 { return Self.credentials(1, expiresIn: 600) }
            throw CredentialProviderError.failed("counting", "endpoint down")
        }
        let cache = CachedCredentialProvider(base, now: { clock.now })
        #expect(try await cache.credentials().accessKeyId == "ASIA1")
        clock.now = Self.start.addingTimeInterval(400)  // within the margin, refresh fails, still valid
        #expect(try await cache.credentials().accessKeyId == "ASIA1")
        clock.now = Self.start.addingTimeInterval(600)  // expired: the error surfaces
        let error = try await #require(throws: CredentialProviderError.self) { try await cache.credentials() }
        #expect(error == .failed("counting", "endpoint down"))
        #expect(base.calls.value == 3)
    }

    @Test func errorsAreNotCached() async throws {
        let base = AuthCountingProvider { n in
            if n == 1 { throw CredentialProviderError.failed("counting", "first try fails") }
            return Self.credentials(n, expiresIn: nil)
        }
        let cache = CachedCredentialProvider(base, now: { Self.start })
        await #expect(throws: CredentialProviderError.self) { try await cache.credentials() }
        #expect(try await cache.credentials().accessKeyId == "ASIA2")
    }

    @Test func invalidateForcesAFetch() async throws {
        let base = AuthCountingProvider { n in Self.credentials(n, expiresIn: nil) }
        let cache = CachedCredentialProvider(base, now: { Self.start })
        _ = try await cache.credentials()
        await cache.invalidate()
        #expect(try await cache.credentials().accessKeyId == "ASIA2")
    }
}
