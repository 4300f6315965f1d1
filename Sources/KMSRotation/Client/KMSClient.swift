import Foundation
import Logging

/// A client for the KMS operations this library uses, in one Region.
///
/// Every request goes through the same fixed layers: credentials → SigV4 signing (service `kms`) →
/// retries (the AWS SDKs' standard mode) → error decoding by `__type` → ``HTTPTransport``. Requests are
/// JSON 1.1 (`POST /`, `X-Amz-Target: TrentService.<Operation>`, `application/x-amz-json-1.1`).
///
/// ```swift
/// let client = try KMSClient(region: "eu-west-1", credentialProvider: CredentialProviderChain.default())
/// for try await key in client.allKeys() { print(key.keyArn ?? "") }
/// ```
///
/// Copies share the retry quota and the clock-skew correction. The client logs each attempt at debug
/// level (operation, Region, status, request ID); it never logs headers, bodies or credentials.
public struct KMSClient: Sendable {
    /// The Region requests are signed for.
    public let region: String
    /// The endpoint requests are sent to.
    public let endpoint: URL
    /// Where credentials come from.
    public let credentialProvider: any CredentialProvider
    /// The HTTP boundary.
    public let transport: any HTTPTransport
    /// How long one attempt may take; `nil` uses the transport's default.
    public let requestTimeout: Duration?

    let caller: SignedServiceCaller

    /// Creates a client.
    /// - Parameters:
    ///   - region: The Region, e.g. `us-east-1`.
    ///   - endpoint: A custom endpoint (`AWS_ENDPOINT_URL_KMS`, moto, LocalStack); `nil` resolves the
    ///     Region's standard endpoint. Plain `http://` is accepted for loopback hosts only.
    ///   - useFIPS: Use the FIPS endpoint.
    ///   - useDualStack: Use the dual-stack endpoint.
    ///   - credentialProvider: Where credentials come from.
    ///   - transport: The HTTP transport; a ``URLSessionTransport`` by default.
    ///   - retryStrategy: The retry policy; ``RetryStrategy/standard`` by default.
    ///   - retryQuota: A retry token bucket to share with other clients; a new one by default.
    ///   - sleeper: How to wait between retries (inject one in tests).
    ///   - requestTimeout: How long one attempt may take.
    ///   - logger: Where to log; nothing is logged by default.
    ///   - now: The clock used for signing.
    ///   - rateLimiter: The adaptive retry mode's client-side limiter (``AdaptiveRateLimiter``), shared by
    ///     the clients of one account, Region and service; `nil` (standard mode) by default.
    ///   - retryPatience: Retry throttling (and failed listing pages) until a scan-wide deadline instead of
    ///     after `retryStrategy.maxAttempts` (``RetryPatience``); `nil` by default.
    /// - Throws: ``EndpointError`` for an invalid Region or endpoint.
    public init(
        region: String, endpoint: String? = nil, useFIPS: Bool = false, useDualStack: Bool = false,
        credentialProvider: any CredentialProvider, transport: any HTTPTransport = URLSessionTransport(),
        retryStrategy: RetryStrategy = .standard, retryQuota: RetryQuota? = nil,
        sleeper: @escaping RetryingExecutor.Sleeper = RetryingExecutor.taskSleeper, requestTimeout: Duration? = .seconds(30),
        logger: Logger = Logger(label: "kms-rotation", factory: { _ in SwiftLogNoOpLogHandler() }),
        now: @escaping @Sendable () -> Date = { Date() },
        rateLimiter: AdaptiveRateLimiter? = nil, retryPatience: RetryPatience? = nil
    ) throws {
        self.region = region
        self.endpoint = try EndpointResolver().resolve(region: region, useFIPS: useFIPS, useDualStack: useDualStack, customEndpoint: endpoint)
        self.credentialProvider = credentialProvider
        self.transport = transport
        self.requestTimeout = requestTimeout
        self.caller = SignedServiceCaller(service: "kms", signingRegion: region, endpoint: self.endpoint, credentialProvider: credentialProvider,
                                          transport: transport, retryStrategy: retryStrategy, retryQuota: retryQuota, sleeper: sleeper,
                                          requestTimeout: requestTimeout, logger: logger, now: now,
                                          rateLimiter: rateLimiter, patience: retryPatience)
    }

    /// The user agent sent with every request.
    public static let userAgent = "swift-kms-rotation/\(KMSRotationVersion.current)"

    /// Sends one operation: encodes the input, signs, retries, decodes the output or the error.
    func send<Input: Encodable, Output: Decodable>(_ operation: String, _ input: Input) async throws -> Output {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]  // deterministic bodies: reproducible signatures and logs
        let body = try encoder.encode(input)
        let headers: HTTPHeaders = ["Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService.\(operation)"]
        let response = try await caller.send(operation: operation, headers: headers, body: body) { response in
            KMSError.decode(from: response, operation: operation)
        }
        try Self.checkAnswer(response, operation: operation)
        do {
            return try JSONDecoder().decode(Output.self, from: response.body.isEmpty ? Data("{}".utf8) : response.body)
        } catch {
            throw KMSError(code: .invalidResponse, message: "Could not read the \(operation) answer: \(readableDescription(of: error))",
                           httpStatus: response.status, requestId: response.headers["x-amzn-RequestId"], operation: operation)
        }
    }

    static func summary(of outcome: RetryEvent.Outcome) -> String {
        switch outcome {
        case .succeeded: "succeeded"
        case .willRetry(let kind, let delay, let error): "retrying (\(kind)) in \(delay) after \(error)"
        case .failed(let reason, let error): "failed (\(reason)): \(error)"
        }
    }

    static func hostHeader(for url: URL) -> String {
        let host = url.host ?? ""
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        if let port = url.port, !(url.scheme == "https" && port == 443) && !(url.scheme == "http" && port == 80) {
            return "\(bracketed):\(port)"
        }
        return bracketed
    }

    /// Parses an HTTP `Date` header (RFC 7231 IMF-fixdate, e.g. `Sun, 29 Nov 2026 06:00:00 GMT`).
    static func parseHTTPDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}

extension KMSError: RetryClassifiable {
    /// The error code, for the retry classifier.
    public var retryCode: String? { code.rawValue }
}
