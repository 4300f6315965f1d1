import Foundation
import Testing
@testable import KMSRotation

/// Row 7 of the hostile-server review: a listing whose marker changes forever never ended.
@Suite("Bounded: pages per listing")
struct BoundedPaginationTests {
    @Test("The default cap is 10,000 pages, for KMS listings, scans and Organizations")
    func defaults() {
        #expect(KMSPaginator<KeyListEntry>.defaultMaximumPages == 10_000)
        #expect(RotationChecker.ScanOptions(regions: ["us-east-1"]).maximumPagesPerListing == 10_000)
        #expect(OrganizationsClient.defaultMaximumPages == 10_000)
    }

    @Test("ListKeys with a new marker on every page: a ScanError at the cap (exit 4); the keys listed before it keep their verdicts")
    func endlessMarkerScan() async throws {
        try await BoundedHostileServer.with { server in
            let report = try await BoundedSupport.scan(server, scenario: "endless-marker", maximumPages: 5)
            #expect(report.findings.count == 5)
            #expect(report.findings.allSatisfy { $0.compliance == .compliant })
            let error = try #require(report.errors.first)
            #expect(report.errors.count == 1)
            #expect(error.operation == "ListKeys")
            #expect(error.code == AWSServiceError.Code.paginationCapExceeded.rawValue)
            #expect(error.message.contains("Stopped after 5 pages"))
            #expect(report.outcome == .incomplete)
        }
    }

    @Test("The paginator stops at exactly the cap, and a listing that ends at the cap is complete")
    func paginatorCap() async throws {
        let calls = LockedValue(0)
        let endless = KMSPaginator<Int>(operation: "ListAliases", maximumPages: 3) { _ in
            let n = calls.withLock {
                $0 += 1; return $0
            }
            return KMSPage(items: [n], nextMarker: "m\(n)", truncated: true)
        }
        var items: [Int] = []
        let error = await #expect(throws: AWSServiceError.self) { for try await item in endless { items.append(item) } }
        #expect(error?.code == .paginationCapExceeded)
        #expect(error?.operation == "ListAliases")
        #expect(items == [1, 2, 3])
        #expect(calls.current == 3)

        let pages = LockedValue(0)
        let finite = KMSPaginator<Int>(operation: "ListKeys", maximumPages: 3) { _ in
            let n = pages.withLock {
                $0 += 1; return $0
            }
            return KMSPage(items: [n], nextMarker: n < 3 ? "m\(n)" : nil, truncated: n < 3)
        }
        #expect(try await finite.collect() == [1, 2, 3])
    }

    @Test("Organizations ListAccounts with a new token on every page stops at the cap")
    func endlessToken() async throws {
        try await BoundedHostileServer.with { server in
            let organizations = try OrganizationsClient(
                AWSClientConfiguration(
                    region: "us-east-1", credentialProvider: BoundedSupport.credentials, transport: URLSessionTransport(),
                    sleeper: BoundedSupport.noSleep, now: BoundedSupport.now),
                endpoint: try server.url("/organizations/endless-token").absoluteString)
            let error = await #expect(throws: AWSServiceError.self) { try await organizations.allAccounts(maximumPages: 4) }
            #expect(error?.code == .invalidResponse)
            #expect(error?.message.contains("Stopped after 4 pages") == true)
        }
    }
}
