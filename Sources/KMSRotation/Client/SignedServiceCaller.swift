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
    let configuration: AWSClientConfiguration
    let executor: RetryingExecutor
    let clockSkew = LockedValue<TimeInterval>(0)
    /// The `Host` header of ``endpoint``, computed once (parsing the URL on every attempt showed in profiles).
    let hostHeader: String

    var credentialProvider: any CredentialProvider { configuration.credentialProvider }
    var transport: any HTTPTransport { configuration.transport }
    var logger: Logger { configuration.logger }
    var now: @Sendable () -> Date { configuration.now }

    init(service: String, signingRegion: String, endpoint: URL, configuration: AWSClientConfiguration) {
        self.service = service
        self.signingRegion = signingRegion
        self.endpoint = endpoint
        self.configuration = configuration
        self.hostHeader = Self.hostHeader(for: endpoint)
        self.executor = RetryingExecutor(
            strategy: configuration.retryStrategy, quota: configuration.retryQuota, sleeper: configuration.sleeper,
            rateLimiter: configuration.rateLimiter, patience: configuration.retryPatience)
    }

    /// Sends one operation with retries and returns the successful (2xx) answer.
    /// - Parameters:
    ///   - operation: The operation name, for retry classification and logs.
    ///   - headers: The protocol headers (`Content-Type`, `X-Amz-Target`).
    ///   - body: The request body.
    ///   - decodeError: Turns a non-2xx answer into the service's error.
    /// - Returns: The 2xx answer.
    /// - Throws: What `decodeError` returns for the last attempt, a ``TransportError``, or the
    ///   credential provider's error.
    func send(
        operation: String, headers: HTTPHeaders, body: Data,
        decodeError: @escaping @Sendable (HTTPResponse) -> any Error
    ) async throws -> HTTPResponse {
        let logger = self.logger
        let service = self.service
        let region = self.signingRegion
        return try await executor.execute(
            operation: operation,
            onEvent: { event in
                logger.debug(
                    "\(service) attempt",
                    metadata: [
                        "operation": "\(operation)", "region": "\(region)", "attempt": "\(event.attempt)",
                        "outcome": "\(Self.summary(of: event.outcome))",
                    ])
            }
        ) { _ in
            try await attempt(operation: operation, headers: headers, body: body, decodeError: decodeError)
        }
    }

    /// One attempt: sign with the clock corrected for skew, send, turn a non-2xx answer into the service's
    /// error; a clock-skew rejection resyncs from the answer's `Date` header and resends once.
    private func attempt(
        operation: String, headers: HTTPHeaders, body: Data,
        decodeError: @Sendable (HTTPResponse) -> any Error
    ) async throws -> HTTPResponse {
        let credentials = try await credentialProvider.credentials()
        var request = HTTPRequest(method: "POST", url: endpoint, headers: headers, body: body, timeout: configuration.requestTimeout)
        request.headers["User-Agent"] = Self.userAgent
        request.headers["Host"] = hostHeader
        let signer = SigV4Signer(service: service, region: signingRegion)
        var resynced = false
        while true {
            let signed = signer.sign(request, credentials: credentials, date: now().addingTimeInterval(clockSkew.current))
            let response = try await transport.send(signed)
            if response.isSuccess { return response }
            let error = decodeError(response)
            if !resynced, Self.isClockSkewError(error), let serverDate = response.headers["Date"].flatMap(Self.parseHTTPDate) {
                resynced = true
                let skew = serverDate.timeIntervalSince(now())
                clockSkew.withLock { $0 = skew }
                logger.debug(
                    "clock skew corrected", metadata: ["service": "\(service)", "operation": "\(operation)", "skewSeconds": "\(Int(skew))"])
                continue
            }
            throw error
        }
    }

    /// Whether an error answer says the request's time is too far from the server's.
    static func isClockSkewError(_ error: any Error) -> Bool {
        guard let classifiable = error as? any RetryClassifiable, let code = classifiable.retryCode.flatMap(AWSErrorCodes.sanitized) else {
            return false
        }
        if AWSErrorCodes.clockSkew.contains(code) { return true }
        guard AWSErrorCodes.clockSkewWhenMessageSaysSo.contains(code) else { return false }
        let text = String(describing: error)
        return text.localizedCaseInsensitiveContains("expired") || text.localizedCaseInsensitiveContains("skew")
    }

    /// The user agent sent with every request.
    static let userAgent = "swift-kms-rotation/\(LibraryVersion.current)"

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

    /// Parses an HTTP `Date` header (RFC 7231 IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`).
    static func parseHTTPDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
