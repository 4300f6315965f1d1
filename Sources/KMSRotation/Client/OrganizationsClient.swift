import Foundation
import Logging

/// A client for AWS Organizations' `ListAccounts`: the accounts a multi-account audit scans.
///
/// Requests are JSON 1.1 (`POST /`, `X-Amz-Target: AWSOrganizationsV20161128.ListAccounts`), signed
/// with SigV4 (signing name `organizations`) for the partition's Organizations Region: the service is
/// global, so a caller configured for `eu-west-1` still talks to `organizations.us-east-1.amazonaws.com`
/// (see ``EndpointResolver/resolveOrganizations(region:useFIPS:useDualStack:customEndpoint:)``). Only
/// the management account and a delegated administrator may call it.
///
/// ```swift
/// let organizations = try OrganizationsClient(region: "eu-west-1", credentialProvider: caller)
/// let active = try await organizations.allAccounts().filter(\.isActive)
/// ```
public struct OrganizationsClient: Sendable {
    /// The endpoint and the Region requests are signed for.
    public let endpoint: ServiceEndpoint
    /// The caller's credentials.
    public var credentialProvider: any CredentialProvider { caller.credentialProvider }

    /// The largest page `ListAccounts` returns (the API model's `MaxResults` maximum).
    public static let maximumPageSize = 20

    let caller: SignedServiceCaller

    /// Creates a client.
    /// - Parameters:
    ///   - region: The caller's Region; it selects the partition (and signs requests to a custom endpoint).
    ///   - endpoint: A custom endpoint (`AWS_ENDPOINT_URL_ORGANIZATIONS`, moto); `nil` resolves the
    ///     partition's endpoint. Plain `http://` is accepted for loopback hosts only.
    ///   - useFIPS: Use the FIPS endpoint.
    ///   - useDualStack: Use the dual-stack endpoint.
    ///   - credentialProvider: The caller's credentials (the management account or a delegated administrator).
    ///   - transport: The HTTP transport; a ``URLSessionTransport`` by default.
    ///   - retryStrategy: The retry policy; ``RetryStrategy/standard`` by default.
    ///   - retryQuota: A retry token bucket to share with other clients; a new one by default.
    ///   - sleeper: How to wait between retries (inject one in tests).
    ///   - requestTimeout: How long one attempt may take.
    ///   - logger: Where to log (debug, one line per attempt; never credentials); nothing by default.
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
        self.endpoint = try EndpointResolver().resolveOrganizations(region: region, useFIPS: useFIPS, useDualStack: useDualStack, customEndpoint: endpoint)
        self.caller = SignedServiceCaller(service: "organizations", signingRegion: self.endpoint.signingRegion, endpoint: self.endpoint.url,
                                          credentialProvider: credentialProvider, transport: transport, retryStrategy: retryStrategy,
                                          retryQuota: retryQuota, sleeper: sleeper, requestTimeout: requestTimeout, logger: logger, now: now,
                                          rateLimiter: rateLimiter, patience: retryPatience)
    }

    /// One page of the organization's accounts.
    public struct AccountsPage: Sendable, Hashable {
        /// The accounts on this page.
        public var accounts: [OrganizationAccount]
        /// The token for the next page; `nil` on the last page.
        public var nextToken: String?

        /// Creates a page.
        public init(accounts: [OrganizationAccount], nextToken: String?) {
            self.accounts = accounts
            self.nextToken = nextToken
        }
    }

    /// Lists one page of the organization's accounts, every state included.
    /// - Parameters:
    ///   - maxResults: The page size, 1–20; `nil` lets Organizations choose.
    ///   - nextToken: The previous page's ``AccountsPage/nextToken``.
    /// - Returns: The page.
    /// - Throws: ``OrganizationsError`` (`AccessDeniedException`, `AWSOrganizationsNotInUseException`, …),
    ///   ``TransportError``, or the caller's credential error.
    public func listAccounts(maxResults: Int? = nil, nextToken: String? = nil) async throws -> AccountsPage {
        struct Input: Encodable { var MaxResults: Int?; var NextToken: String? }
        struct Output: Decodable { var Accounts: [OrganizationAccount]?; var NextToken: String? }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = try encoder.encode(Input(MaxResults: maxResults, NextToken: nextToken))
        let operation = "ListAccounts"
        let response = try await caller.send(
            operation: operation,
            headers: ["Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSOrganizationsV20161128.\(operation)"],
            body: body,
            classifier: Self.classify(error:operation:),
            decodeError: { OrganizationsError.decode(from: $0, operation: operation) })
        let requestId = response.headers["x-amzn-RequestId"]
        if JSONNesting.isTooDeep(response.body) {
            throw OrganizationsError(code: .invalidResponse, message: "Could not read the ListAccounts answer: \(JSONNesting.tooDeepDescription)",
                                     httpStatus: response.status, requestId: requestId, operation: operation)
        }
        // An error body served with a success status is that error, never an empty organization.
        if JSONNesting.isErrorAnswer(response) {
            throw OrganizationsError.decode(from: response, operation: operation)
        }
        let output: Output
        do {
            output = try JSONDecoder().decode(Output.self, from: response.body.isEmpty ? Data("{}".utf8) : response.body)
        } catch {
            throw OrganizationsError(code: .invalidResponse, message: "Could not read the ListAccounts answer: \(readableDescription(of: error))",
                                     httpStatus: response.status, requestId: requestId, operation: operation)
        }
        guard let accounts = output.Accounts else {
            throw OrganizationsError(code: .invalidResponse, message: "ListAccounts answered without Accounts; the answer is not read as an empty organization",
                                     httpStatus: response.status, requestId: requestId, operation: operation)
        }
        let token = output.NextToken.flatMap { $0.isEmpty ? nil : $0 }
        return AccountsPage(accounts: accounts, nextToken: token)
    }

    /// The default cap on the pages of one account listing: 10,000 pages of 20 accounts, 200,000
    /// accounts, far beyond any organization's account quota.
    public static let defaultMaximumPages = 10_000

    /// Lists every account of the organization, following `NextToken` to the last page.
    /// - Parameters:
    ///   - pageSize: The `MaxResults` of each call (1–20; 20 makes the fewest calls).
    ///   - maximumPages: The most pages fetched; a token that changes forever is stopped there.
    ///     Default ``defaultMaximumPages``.
    /// - Returns: Every account, every state included, in the order Organizations returned them.
    ///   Filter with ``OrganizationAccount/isActive`` for the accounts that can be scanned.
    /// - Throws: The first page's error; ``OrganizationsError/Code/invalidResponse`` when a token repeats
    ///   or the page cap is reached (the walk would never end).
    public func allAccounts(pageSize: Int = OrganizationsClient.maximumPageSize,
                            maximumPages: Int = OrganizationsClient.defaultMaximumPages) async throws -> [OrganizationAccount] {
        var accounts: [OrganizationAccount] = []
        var token: String?
        var seen = Set<String>()
        var pages = 0
        repeat {
            try Task.checkCancellation()
            guard pages < max(1, maximumPages) else {
                throw OrganizationsError(code: .invalidResponse,
                                         message: "Stopped after \(max(1, maximumPages)) pages, the cap on pages per listing (NextToken kept changing)",
                                         operation: "ListAccounts")
            }
            pages += 1
            let page = try await listAccounts(maxResults: pageSize, nextToken: token)
            accounts += page.accounts
            token = page.nextToken
            if let token, !seen.insert(token).inserted {
                throw OrganizationsError(code: .invalidResponse, message: "NextToken repeated; stopping to avoid an endless loop", operation: "ListAccounts")
            }
        } while token != nil
        return accounts
    }

    /// The standard classification, plus `ServiceException` as transient.
    static func classify(error: any Error, operation: String) -> RetryDecision {
        if let error = error as? OrganizationsError, error.code == .serviceException { return .retry(kind: .transient) }
        return RetryStrategy.classify(error: error, operation: operation)
    }
}
