import Foundation
import Testing
@testable import KMSRotation

/// Row 6 of the hostile-server review: a 200 answer with `{}` or with an error body was read as "no
/// keys", a clean pass with exit status 0. Each case is served by a loopback server and scanned over
/// ``URLSessionTransport``.
@Suite("Bounded: required members and error bodies with 200")
struct BoundedAnswerTests {
    @Test("ListKeys answering {} is a ScanError for the Region (exit 4), never an empty Region", arguments: ["empty-object", "error-200"])
    func listKeysWithoutKeys(scenario: String) async throws {
        try await BoundedHostileServer.with { server in
            let report = try await BoundedSupport.scan(server, scenario: scenario)
            #expect(report.findings.isEmpty)
            let error = try #require(report.errors.first)
            #expect(report.errors.count == 1)
            #expect(error.region == "us-east-1")
            #expect(error.operation == "ListKeys")
            if scenario == "error-200" {
                #expect(error.code == "AccessDeniedException")
                #expect(error.message.contains("not authorized"))
            } else {
                #expect(error.code == "InvalidResponse")
                #expect(error.message.contains("without Keys"))
            }
            #expect(report.outcome == .incomplete)
        }
    }

    @Test("ListAliases answering {} is a ScanError for the Region; the keys keep their verdicts")
    func listAliasesWithoutAliases() async throws {
        try await BoundedHostileServer.with { server in
            let report = try await BoundedSupport.scan(server, scenario: "aliases-empty-object")
            #expect(report.findings.count == 1)
            #expect(report.findings.first?.compliance == .compliant)
            #expect(report.errors.map(\.operation) == ["ListAliases"])
            #expect(report.errors.first?.message.contains("without Aliases") == true)
            #expect(report.outcome == .incomplete)
        }
    }

    @Test(
        "DescribeKey or GetKeyRotationStatus answering {} or an error with 200: INSUFFICIENT_DATA for that key",
        arguments: ["describe-empty-object", "describe-error-200", "status-empty-object", "status-error-200"])
    func keyEvidenceMissing(scenario: String) async throws {
        try await BoundedHostileServer.with { server in
            let report = try await BoundedSupport.scan(server, scenario: scenario)
            #expect(report.errors.isEmpty)
            let finding = try #require(report.findings.first)
            #expect(report.findings.count == 1)
            #expect(finding.compliance == .insufficientData)
            if scenario.hasSuffix("error-200") {
                #expect(finding.reason == .accessDenied)
            }
            #expect(report.outcome == .incomplete)
        }
    }

    @Test("The client itself: required members are required, an error body with 200 is that error")
    func clientErrors() async throws {
        try await BoundedHostileServer.with { server in
            let empty = try BoundedSupport.kms(server, scenario: "empty-object")
            let error = await #expect(throws: AWSServiceError.self) { try await empty.listKeys() }
            #expect(error?.code == .invalidResponse)
            let aliases = try BoundedSupport.kms(server, scenario: "aliases-empty-object")
            await #expect(throws: AWSServiceError.self) { try await aliases.listAliases() }
            let describe = try BoundedSupport.kms(server, scenario: "describe-empty-object")
            await #expect(throws: AWSServiceError.self) { try await describe.describeKey(keyId: "k") }
            let denied = try BoundedSupport.kms(server, scenario: "error-200")
            let deniedError = await #expect(throws: AWSServiceError.self) { try await denied.listKeys() }
            #expect(deniedError?.code == .accessDenied)
            #expect(deniedError?.httpStatus == 200)
        }
    }

    @Test("A ListKeys answer nested 100,000 arrays deep is refused, naming the cap")
    func deepJSON() async throws {
        try await BoundedHostileServer.with { server in
            let report = try await BoundedSupport.scan(server, scenario: "deep-json")
            let error = try #require(report.errors.first)
            #expect(error.operation == "ListKeys")
            #expect(error.code == "InvalidResponse")
            #expect(error.message.contains("deeper than the cap of \(JSONNesting.maximumDepth) levels"))
            #expect(report.outcome == .incomplete)
        }
    }

    @Test("The nesting scan: strings and escapes are skipped; the depth is exact up to the limit")
    func nestingScan() {
        #expect(JSONNesting.depth(of: Data(#"{"a":[{"b":"[[[[\"{{"}]}"#.utf8)) == 3)
        #expect(JSONNesting.depth(of: Data("[]".utf8)) == 1)
        #expect(JSONNesting.depth(of: Data()) == 0)
        #expect(JSONNesting.depth(of: Data(String(repeating: "[", count: 1000).utf8), limit: 10) == 11)
        #expect(!JSONNesting.isTooDeep(Data((String(repeating: "[", count: 32) + String(repeating: "]", count: 32)).utf8)))
        #expect(JSONNesting.isTooDeep(Data(String(repeating: "{\"a\":", count: 33).utf8)))
    }

    @Test(
        "Organizations ListAccounts: {} and an error body with 200 are errors, never an empty organization",
        arguments: ["empty-object", "error-200"])
    func listAccounts(scenario: String) async throws {
        try await BoundedHostileServer.with { server in
            let organizations = try OrganizationsClient(
                AWSClientConfiguration(
                    region: "us-east-1", credentialProvider: BoundedSupport.credentials, transport: URLSessionTransport(),
                    sleeper: BoundedSupport.noSleep, now: BoundedSupport.now),
                endpoint: try server.url("/organizations/\(scenario)").absoluteString)
            let error = await #expect(throws: AWSServiceError.self) { try await organizations.allAccounts() }
            if scenario == "error-200" {
                #expect(error?.code.rawValue == "AccessDeniedException")
            } else {
                #expect(error?.code == .invalidResponse)
                #expect(error?.message.contains("without Accounts") == true)
            }
        }
    }
}
