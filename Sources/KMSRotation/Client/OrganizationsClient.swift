import Foundation
import Logging

/// A client for AWS Organizations' `ListAccounts`: the accounts a multi-account audit scans.
///
/// Requests are JSON 1.1 (`POST /`, `X-Amz-Target: AWSOrganizationsV20161128.ListAccounts`), signed
/// with SigV4 (signing name `organizations`) for the partition's Organizations Region: the service is
/// global, so a caller configured for `eu-west-1` still talks to `organizations.us-east-1.amazonaws.com`
/// (see `EndpointResolver/resolveOrganizations(region:useFIPS:useDualStack:customEndpoint:)`). Only
/// the management account and a delegated administrator may call it.
///
/// ```swift
/// let organizations = try OrganizationsClient(AWSClientConfiguration(region: "eu-west-1", credentialProvider: caller))
/// let active = try await organizations.allAccounts().filter(\.isActive)
/// ```
public struct OrganizationsClient: Sendable {
    /// The endpoint and the Region requests are signed for.
    package var endpoint: ServiceEndpoint { ServiceEndpoint(url: caller.endpoint, signingRegion: caller.signingRegion) }
    /// What the client was built from; its credentials must be the management account's or a delegated
    /// administrator's.
    package var configuration: AWSClientConfiguration { caller.configuration }

    /// The largest page `ListAccounts` returns (the API model's `MaxResults` maximum).
    public static let maximumPageSize = 20

    let caller: SignedServiceCaller

    /// Creates a client.
    /// - Parameters:
    ///   - configuration: The caller's identity, transport, retries, endpoint variant, logger and clocks; its
    ///     Region selects the partition (and signs requests to a custom endpoint).
    ///   - endpoint: A custom endpoint (`AWS_ENDPOINT_URL_ORGANIZATIONS`, moto); `nil` resolves the
    ///     partition's endpoint. Plain `http://` is accepted for loopback hosts only.
    /// - Throws: ``EndpointError`` for an invalid Region or endpoint.
    public init(_ configuration: AWSClientConfiguration, endpoint: String? = nil) throws {
        let resolved = try EndpointResolver().resolveOrganizations(
            region: configuration.region, useFIPS: configuration.useFIPS,
            useDualStack: configuration.useDualStack, customEndpoint: endpoint)
        self.caller = SignedServiceCaller(
            service: "organizations", signingRegion: resolved.signingRegion, endpoint: resolved.url,
            configuration: configuration)
    }

    /// One page of the organization's accounts.
    package struct AccountsPage: Sendable, Hashable {
        /// The accounts on this page.
        package var accounts: [OrganizationAccount]
        /// The token for the next page; `nil` on the last page.
        package var nextToken: String?

        /// Creates a page.
        package init(accounts: [OrganizationAccount], nextToken: String?) {
            self.accounts = accounts
            self.nextToken = nextToken
        }
    }

    /// Lists one page of the organization's accounts, every state included.
    /// - Parameters:
    ///   - maxResults: The page size, 1–20; `nil` lets Organizations choose.
    ///   - nextToken: The previous page's ``AccountsPage/nextToken``.
    /// - Returns: The page.
    /// - Throws: ``AWSServiceError`` (`AccessDeniedException`, `AWSOrganizationsNotInUseException`, …),
    ///   ``TransportError``, or the caller's credential error.
    package func listAccounts(maxResults: Int? = nil, nextToken: String? = nil) async throws -> AccountsPage {
        struct Input: FlatJSONBody {
            var MaxResults: Int?
            var NextToken: String?
            var jsonMembers: [(key: StaticString, value: FlatJSONValue?)] {
                [("MaxResults", MaxResults.map { .integer($0) }), ("NextToken", NextToken.map { .string($0) })]
            }
        }
        struct Output: Decodable { var Accounts: [OrganizationAccount]?; var NextToken: String? }
        let body = Input(MaxResults: maxResults, NextToken: nextToken).jsonBody
        let operation = "ListAccounts"
        let response = try await caller.send(
            operation: operation,
            headers: ["Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSOrganizationsV20161128.\(operation)"],
            body: body,
            decodeError: { AWSServiceError.decodeJSON(service: "organizations", from: $0, operation: operation) })
        let requestId = response.headers["x-amzn-RequestId"]
        // An error body served with a success status is that error, never an empty organization.
        let output = try AWSServiceError.readJSONAnswer(Output.self, from: response, service: "organizations", operation: operation)
        guard let accounts = output.Accounts else {
            throw AWSServiceError(
                service: "organizations", code: .invalidResponse,
                message: "ListAccounts answered without Accounts; the answer is not read as an empty organization",
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
    /// - Throws: The first page's error; ``AWSServiceError/Code/invalidResponse`` when a token repeats
    ///   or the page cap is reached (the walk would never end).
    public func allAccounts(
        pageSize: Int = OrganizationsClient.maximumPageSize,
        maximumPages: Int = OrganizationsClient.defaultMaximumPages
    ) async throws -> [OrganizationAccount] {
        var accounts: [OrganizationAccount] = []
        var token: String?
        var seen = Set<String>()
        var pages = 0
        repeat {
            try Task.checkCancellation()
            guard pages < max(1, maximumPages) else {
                throw AWSServiceError(
                    service: "organizations", code: .invalidResponse,
                    message: "Stopped after \(max(1, maximumPages)) pages, the cap on pages per listing (NextToken kept changing)",
                    operation: "ListAccounts")
            }
            pages += 1
            let page = try await listAccounts(maxResults: pageSize, nextToken: token)
            accounts += page.accounts
            token = page.nextToken
            if let token, !seen.insert(token).inserted {
                throw AWSServiceError(
                    service: "organizations", code: .invalidResponse, message: "NextToken repeated; stopping to avoid an endless loop",
                    operation: "ListAccounts")
            }
        } while token != nil
        return accounts
    }

}
