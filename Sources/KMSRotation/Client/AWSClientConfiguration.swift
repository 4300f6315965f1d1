import Foundation
import Logging

/// What every AWS client of this library is built from: the identity, the HTTP boundary, the retry
/// behaviour, the endpoint variant, the logger and the clocks. ``KMSClient``, ``STSClient`` and
/// ``OrganizationsClient`` are thin types over it; each adds only its endpoint and its operations.
///
/// Build one per identity and Region, then make the clients you need from it:
/// ```swift
/// let configuration = AWSClientConfiguration(region: "eu-west-1", credentialProvider: CredentialProviderChain.default())
/// let kms = try KMSClient(configuration)
/// let sts = try STSClient(configuration)
/// ```
/// Clients built from the same configuration share its transport (one connection pool) and its rate
/// limiter; each keeps its own retry quota and clock-skew correction.
public struct AWSClientConfiguration: Sendable {
    /// Waits for a duration; throws `CancellationError` when the task is cancelled meanwhile.
    public typealias Sleeper = @Sendable (Duration) async throws -> Void

    /// The Region requests are sent to and signed for (Organizations, a global service, uses its
    /// partition's Region; see ``OrganizationsClient``).
    public var region: String
    /// Where credentials come from.
    public var credentialProvider: any CredentialProvider
    /// The HTTP boundary; a ``URLSessionTransport`` by default.
    public var transport: any HTTPTransport
    /// Use the FIPS endpoints (`AWS_USE_FIPS_ENDPOINT`).
    public var useFIPS: Bool
    /// Use the dual-stack endpoints (`AWS_USE_DUALSTACK_ENDPOINT`).
    public var useDualStack: Bool
    /// The retry policy: ``RetryStrategy/standard`` by default.
    public var retryStrategy: RetryStrategy
    /// The adaptive retry mode's client-side limiter, shared by the clients of one account, Region and
    /// service; `nil` (standard mode) by default. The CLI sets it from `RateLimiterRegistry`.
    package var rateLimiter: AdaptiveRateLimiter?
    /// Retry throttling (and failed listing pages) until a scan-wide deadline instead of after
    /// `retryStrategy.maxAttempts`; `nil` by default.
    public var retryPatience: RetryPatience?
    /// How long one attempt may take; `nil` uses the transport's default.
    public var requestTimeout: Duration?
    /// Where clients log: one debug line per attempt (service, operation, Region, outcome), never a
    /// header, a body or a credential. Nothing is logged by default.
    public var logger: Logger
    /// How to wait between retries; `Task.sleep(for:)` by default (inject one in tests).
    public var sleeper: Sleeper
    /// The clock used for signing; `Date()` by default (inject one in tests).
    public var now: @Sendable () -> Date
    /// A retry token bucket shared by clients; each client makes its own when `nil`.
    var retryQuota: RetryQuota?

    /// Creates a configuration.
    /// - Parameters:
    ///   - region: The Region, e.g. `us-east-1`.
    ///   - credentialProvider: Where credentials come from.
    ///   - transport: The HTTP transport; a ``URLSessionTransport`` by default.
    ///   - useFIPS: Use the FIPS endpoints.
    ///   - useDualStack: Use the dual-stack endpoints.
    ///   - retryStrategy: The retry policy.
    ///   - retryPatience: A scan-wide deadline for retrying throttled calls; `nil` for the attempt limit only.
    ///   - requestTimeout: How long one attempt may take.
    ///   - logger: Where to log; nothing is logged by default.
    ///   - sleeper: How to wait between retries.
    ///   - now: The clock used for signing.
    public init(
        region: String, credentialProvider: any CredentialProvider, transport: any HTTPTransport = URLSessionTransport(),
        useFIPS: Bool = false, useDualStack: Bool = false, retryStrategy: RetryStrategy = .standard,
        retryPatience: RetryPatience? = nil, requestTimeout: Duration? = .seconds(30),
        logger: Logger = Logger(label: "kms-rotation", factory: { _ in SwiftLogNoOpLogHandler() }),
        sleeper: @escaping Sleeper = { duration in try await Task.sleep(for: duration) },
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.region = region
        self.credentialProvider = credentialProvider
        self.transport = transport
        self.useFIPS = useFIPS
        self.useDualStack = useDualStack
        self.retryStrategy = retryStrategy
        self.retryPatience = retryPatience
        self.requestTimeout = requestTimeout
        self.logger = logger
        self.sleeper = sleeper
        self.now = now
    }

    /// This configuration for another Region (the same identity, transport and retry behaviour; no rate
    /// limiter, which belongs to one Region).
    /// - Parameter region: The Region.
    /// - Returns: The configuration.
    public func with(region: String) -> AWSClientConfiguration {
        var copy = self
        copy.region = region
        copy.rateLimiter = nil
        return copy
    }

    /// This configuration with another identity (for example a role assumed in another account).
    /// - Parameter credentialProvider: The identity.
    /// - Returns: The configuration.
    public func with(credentialProvider: any CredentialProvider) -> AWSClientConfiguration {
        var copy = self
        copy.credentialProvider = credentialProvider
        return copy
    }
}
