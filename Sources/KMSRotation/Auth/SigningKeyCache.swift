import Crypto
import Foundation

/// Derived SigV4 signing keys, per secret key, day, Region and service, kept as HMAC-SHA256 states already
/// keyed with them.
///
/// The signing key of a request is four chained HMACs of the secret key; it changes only when the day,
/// the Region, the service or the credentials do, so a scan derives it once per Region instead of once per
/// request. What is kept is the HMAC with the key already absorbed (its inner and outer hash states), so a
/// signature copies that state instead of hashing the key's two padded blocks again. The cache is bounded (it is emptied when full: rotating credentials add entries, and an old
/// entry is only wasted memory, never a wrong key) and locked, so every client of the process shares it.
///
/// Neither the secret nor the derived key is ever logged or printed: the entry key describes itself as
/// its scope only, and the cache has no description of its own.
package final class SigningKeyCache: @unchecked Sendable {
    /// What a signing key is derived from.
    package struct Entry: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
        let secretAccessKey: String
        let day: String
        let region: String
        let service: String

        /// The scope only: `20261129/us-east-1/kms`; never the secret.
        package var description: String { "\(day)/\(region)/\(service)" }
        package var debugDescription: String { description }
        package var customMirror: Mirror { Mirror(self, children: ["scope": description]) }
    }

    /// The process-wide cache every signer uses.
    package static let shared = SigningKeyCache(capacity: 64)

    /// The most entries kept.
    package let capacity: Int
    private let lock = NSLock()
    private var keys: [Entry: HMAC<SHA256>] = [:]

    /// Creates an empty cache.
    /// - Parameter capacity: The most entries kept (at least 1).
    package init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// An HMAC-SHA256 keyed with the signing key of `entry`, derived (outside the lock) and stored when it
    /// is not cached. Copy it and feed it the string to sign: the copy is independent.
    package func mac(for entry: Entry, derive: () -> SymmetricKey) -> HMAC<SHA256> {
        if let cached = lock.withLock({ keys[entry] }) { return cached }
        let mac = HMAC<SHA256>(key: derive())
        lock.withLock {
            if keys.count >= capacity { keys.removeAll(keepingCapacity: true) }
            keys[entry] = mac
        }
        return mac
    }

    /// How many keys are cached.
    package var count: Int { lock.withLock { keys.count } }
}
