import Foundation
import Logging

/// The request pipeline of the clients for services other than KMS (STS, Organizations), in the same
/// fixed order as ``KMSClient``: credentials → SigV4 signing → retries (standard mode) → error decoding
/// → ``HTTPTransport``. The protocol (Query or JSON 1.1) is the caller's: it passes the body, the
/// headers and how to read an error answer.
///
/// A request rejected for clock skew (`RequestExpired`, "Signature expired") resyncs the clock from the
/// answer's `Date` header and is resent once; the correction is kept for later requests (and shared by
/// copies of the caller).
///
/// Logs one debug line per attempt: service, operation, Region, attempt, outcome. Never headers,
/// bodies or credentials.
struct SignedServiceCaller: Sendable {
    let service: String
    let signingRegion: String
    let endpoint: URL
    let credentialProvider: any CredentialProvider
    let transport: any HTTPTransport
    let executor: RetryingExecutor
    let requestTimeout: Duration?
    let logger: Logger
    let now: @Sendable () -> Date
    let clockSkew = LockedValue<TimeInterval>(0)

    init(service: String, signingRegion: String, endpoint: URL, credentialProvider: any CredentialProvider, transport: any HTTPTransport,
         retryStrategy: RetryStrategy, retryQuota: RetryQuota?, sleeper: @escaping RetryingExecutor.Sleeper, requestTimeout: Duration?,
         logger: Logger, now: @escaping @Sendable () -> Date, rateLimiter: AdaptiveRateLimiter? = nil, patience: RetryPatience? = nil) {
        self.service = service
        self.signingRegion = signingRegion
        self.endpoint = endpoint
        self.credentialProvider = credentialProvider
        self.transport = transport
        self.executor = RetryingExecutor(strategy: retryStrategy, quota: retryQuota, sleeper: sleeper, rateLimiter: rateLimiter, patience: patience)
        self.requestTimeout = requestTimeout
        self.logger = logger
        self.now = now
    }

    /// Sends one operation with retries and returns the successful (2xx) answer.
    /// - Parameters:
    ///   - operation: The operation name, for retry classification and logs.
    ///   - headers: The protocol headers (`Content-Type`, `X-Amz-Target`).
    ///   - body: The request body.
    ///   - classifier: Retry classification; the standard one when `nil`.
    ///   - decodeError: Turns a non-2xx answer into the service's error.
    /// - Returns: The 2xx answer.
    /// - Throws: What `decodeError` returns for the last attempt, a ``TransportError``, or the
    ///   credential provider's error.
    func send(operation: String, headers: HTTPHeaders, body: Data,
              classifier: (@Sendable (_ error: any Error, _ operation: String) -> RetryDecision)? = nil,
              decodeError: @escaping @Sendable (HTTPResponse) -> any Error) async throws -> HTTPResponse {
        let logger = self.logger
        let service = self.service
        let region = self.signingRegion
        return try await executor.execute(operation: operation, classifier: classifier, onEvent: { event in
            logger.debug("\(service) attempt", metadata: [
                "operation": "\(operation)", "region": "\(region)", "attempt": "\(event.attempt)",
                "outcome": "\(KMSClient.summary(of: event.outcome))",
            ])
        }) { _ in
            try await attempt(operation: operation, headers: headers, body: body, decodeError: decodeError)
        }
    }

    /// One attempt: sign with the clock corrected for skew, send, turn a non-2xx answer into the service's
    /// error; a clock-skew rejection resyncs from the answer's `Date` header and resends once.
    private func attempt(operation: String, headers: HTTPHeaders, body: Data,
                         decodeError: @Sendable (HTTPResponse) -> any Error) async throws -> HTTPResponse {
        let credentials = try await credentialProvider.credentials()
        var request = HTTPRequest(method: "POST", url: endpoint, headers: headers, body: body, timeout: requestTimeout)
        request.headers["User-Agent"] = KMSClient.userAgent
        request.headers["Host"] = KMSClient.hostHeader(for: endpoint)
        let signer = SigV4Signer(service: service, region: signingRegion)
        var resynced = false
        while true {
            let signed = signer.sign(request, credentials: credentials, date: now().addingTimeInterval(clockSkew.current))
            let response = try await transport.send(signed)
            if response.isSuccess { return response }
            let error = decodeError(response)
            if !resynced, Self.isClockSkewError(error), let serverDate = response.headers["Date"].flatMap(KMSClient.parseHTTPDate) {
                resynced = true
                let skew = serverDate.timeIntervalSince(now())
                clockSkew.withLock { $0 = skew }
                logger.debug("clock skew corrected", metadata: ["service": "\(service)", "operation": "\(operation)", "skewSeconds": "\(Int(skew))"])
                continue
            }
            throw error
        }
    }

    /// Whether an error answer says the request's time is too far from the server's.
    static func isClockSkewError(_ error: any Error) -> Bool {
        guard let classifiable = error as? any RetryClassifiable, let code = classifiable.retryCode else { return false }
        switch code {
        case "RequestExpired", "RequestTimeTooSkewed", "RequestInTheFuture":
            return true
        case "InvalidSignatureException", "SignatureDoesNotMatch":
            let text = String(describing: error)
            return text.localizedCaseInsensitiveContains("expired") || text.localizedCaseInsensitiveContains("skew")
        default:
            return false
        }
    }
}
