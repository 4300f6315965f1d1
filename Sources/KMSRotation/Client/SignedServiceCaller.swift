import Foundation
import Logging

/// The request pipeline of the clients for services other than KMS (STS, Organizations), in the same
/// fixed order as ``KMSClient``: credentials → SigV4 signing → retries (standard mode) → error decoding
/// → ``HTTPTransport``. The protocol (Query or JSON 1.1) is the caller's: it passes the body, the
/// headers and how to read an error answer.
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

    init(service: String, signingRegion: String, endpoint: URL, credentialProvider: any CredentialProvider, transport: any HTTPTransport,
         retryStrategy: RetryStrategy, retryQuota: RetryQuota?, sleeper: @escaping RetryingExecutor.Sleeper, requestTimeout: Duration?,
         logger: Logger, now: @escaping @Sendable () -> Date) {
        self.service = service
        self.signingRegion = signingRegion
        self.endpoint = endpoint
        self.credentialProvider = credentialProvider
        self.transport = transport
        self.executor = RetryingExecutor(strategy: retryStrategy, quota: retryQuota, sleeper: sleeper)
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
            let credentials = try await credentialProvider.credentials()
            var request = HTTPRequest(method: "POST", url: endpoint, headers: headers, body: body, timeout: requestTimeout)
            request.headers["User-Agent"] = KMSClient.userAgent
            request.headers["Host"] = KMSClient.hostHeader(for: endpoint)
            let signed = SigV4Signer(service: service, region: signingRegion).sign(request, credentials: credentials, date: now())
            let response = try await transport.send(signed)
            guard response.isSuccess else { throw decodeError(response) }
            return response
        }
    }
}
