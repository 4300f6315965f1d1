import Foundation

/// One ``AdaptiveRateLimiter`` per account, Region and service, shared by every client that sends to
/// that quota: KMS's request quotas are per account and Region, so two clients of the same account and
/// Region must slow down together, and two Regions must not slow each other down.
///
/// ```swift
/// let limiters = RateLimiterRegistry(configuration: .init(maximumRequestsPerSecond: 20))
/// var configuration = AWSClientConfiguration(region: "eu-west-1", credentialProvider: credentials)
/// configuration.rateLimiter = limiters.limiter(account: "111122223333", region: "eu-west-1", service: "kms")
/// let client = try KMSClient(configuration)
/// ```
package final class RateLimiterRegistry: Sendable {
    /// The configuration every limiter gets.
    package let configuration: AdaptiveRateLimiter.Configuration
    private let limiters = LockedValue<[String: AdaptiveRateLimiter]>([:])

    /// Creates a registry.
    /// - Parameter configuration: The configuration of every limiter it makes.
    package init(configuration: AdaptiveRateLimiter.Configuration = .init()) {
        self.configuration = configuration
    }

    /// The limiter of one quota, made on first use.
    /// - Parameters:
    ///   - account: The account (an ID, or any stable name for the caller's own account).
    ///   - region: The Region.
    ///   - service: The service, e.g. `kms`.
    /// - Returns: The same limiter for the same three values.
    package func limiter(account: String, region: String, service: String) -> AdaptiveRateLimiter {
        limiters.withLock { limiters in
            let key = "\(account)\u{1F}\(region)\u{1F}\(service)"
            if let existing = limiters[key] { return existing }
            let made = AdaptiveRateLimiter(configuration: configuration)
            limiters[key] = made
            return made
        }
    }

    /// The sum over every limiter: the rate being sent, and the throttling answers seen.
    package var totals: (requestsPerSecond: Double, throttles: Int) {
        let all = limiters.withLock { Array($0.values) }
        return all.reduce((0, 0)) { sum, limiter in
            let snapshot = limiter.snapshot
            return (sum.0 + snapshot.measuredRate, sum.1 + snapshot.throttles)
        }
    }
}
