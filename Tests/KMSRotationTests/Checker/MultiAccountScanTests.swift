import Foundation
import Logging
import Testing
@testable import KMSRotation
import KMSRotationTesting

/// A fake AWS for multi-account scans: STS answers AssumeRole with credentials whose access key ID names
/// the role's account (or AccessDenied for denied accounts), and KMS requests go to the in-memory KMS of
/// the account whose access key signed them (the caller's key → the caller's account). That is how
/// accounts are told apart in AWS too: by the credentials, not the endpoint.
final class FakeOrganization: HTTPTransport, @unchecked Sendable {
    static let callerAccount = "111111111111"
    /// Role credentials expire an hour after the scan's injected clock (`SampleAccount.referenceDate`).
    static let expiration = ISO8601DateFormatter().string(from: SampleAccount.referenceDate.addingTimeInterval(3600))
    let accounts: [String: InMemoryKMS]
    let denied: Set<String>
    let kmsDelay: Duration?
    private let lock = NSLock()
    private var active: [String: Int] = [:]
    private var maxActiveAccounts = 0
    private var assumed: [String] = []

    init(accounts: [String], denied: Set<String> = [], kmsDelay: Duration? = nil) {
        var kms: [String: InMemoryKMS] = [:]
        for account in accounts + [Self.callerAccount] {
            kms[account] = InMemoryKMS(accountId: account, clock: { SampleAccount.referenceDate })
        }
        self.accounts = kms
        self.denied = denied
        self.kmsDelay = kmsDelay
    }

    /// The most accounts that had KMS requests in flight at the same time.
    var peakConcurrentAccounts: Int { lock.withLock { maxActiveAccounts } }
    /// The role ARNs assumed, in order.
    var assumedRoles: [String] { lock.withLock { assumed } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        if request.url.host?.hasPrefix("sts.") == true { return assumeRole(request) }
        let authorization = request.headers["Authorization"] ?? ""
        guard let start = authorization.range(of: "Credential=")?.upperBound,
            let slash = authorization[start...].firstIndex(of: "/")
        else { return HTTPResponse(status: 403) }
        let accessKey = String(authorization[start..<slash])
        let account = accessKey == "AKIDCALLERTEST" ? Self.callerAccount : String(accessKey.dropFirst("ASIA".count).prefix(12))
        guard let kms = accounts[account] else {
            return HTTPResponse(
                status: 400,
                body: Data(
                    #"{"__type":"UnrecognizedClientException","message":"The security token included in the request is invalid."}"#.utf8))
        }
        lock.withLock {
            active[account, default: 0] += 1
            maxActiveAccounts = max(maxActiveAccounts, active.count)
        }
        defer {
            lock.withLock {
                active[account, default: 1] -= 1
                if active[account] == 0 { active[account] = nil }
            }
        }
        if let kmsDelay { try await Task.sleep(for: kmsDelay) }
        return try await kms.send(request)
    }

    private func assumeRole(_ request: HTTPRequest) -> HTTPResponse {
        let body = String(decoding: request.body, as: UTF8.self)
        let parameters = Dictionary(
            body.split(separator: "&").map { pair -> (String, String) in
                let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
                return (parts[0], parts.count > 1 ? parts[1] : "")
            }, uniquingKeysWith: { first, _ in first })
        let roleArn = parameters["RoleArn"] ?? ""
        lock.withLock { assumed.append(roleArn) }
        let account = (try? ARN(iamRole: roleArn))?.accountId ?? ""
        if denied.contains(account) || accounts[account] == nil {
            let message =
                "User: arn:aws:iam::\(Self.callerAccount):user/auditor is not authorized to perform: sts:AssumeRole on resource: \(roleArn)"
            return HTTPResponse(status: 403, body: Data(STSFixtures.errorXML(code: "AccessDenied", message: message).utf8))
        }
        return HTTPResponse(
            status: 200,
            body: Data(STSFixtures.assumeRoleXML(account: account, accessKeyId: "ASIA\(account)XYZA", expiration: Self.expiration).utf8))
    }
}

@Suite("MultiAccountScan")
struct MultiAccountScanTests {
    static func scan(
        _ org: FakeOrganization, targets: [MultiAccountScan.Target], regions: [String] = ["us-east-1", "eu-west-1"],
        concurrentAccounts: Int = 4, logs: CapturedLogs? = nil, externalId: String? = nil
    ) throws -> MultiAccountScan {
        let sts = try STSClient(
            AWSClientConfiguration(
                region: "eu-west-1", credentialProvider: STSFixtures.caller, transport: org, sleeper: { _ in },
                now: { SampleAccount.referenceDate }))
        let options = MultiAccountScan.Options(
            scan: .init(regions: regions, now: { SampleAccount.referenceDate }),
            concurrentAccounts: concurrentAccounts, externalId: externalId)
        let logger = logs?.logger ?? Logger(label: "quiet", factory: { _ in SwiftLogNoOpLogHandler() })
        return MultiAccountScan(targets: targets, options: options, sts: sts, logger: logger) { credentials, region in
            try KMSClient(
                AWSClientConfiguration(
                    region: region, credentialProvider: credentials, transport: org, logger: logger, sleeper: { _ in },
                    now: { SampleAccount.referenceDate }))
        }
    }

    static func role(_ account: String) -> MultiAccountScan.Target {
        .role(ARN.iamRole(partition: "aws", accountId: account, roleName: "KMSAudit"))
    }

    @Test("Organization targets: ACTIVE accounts only, each once; the caller's account without a role")
    func organizationTargets() {
        let accounts = [
            OrganizationAccount(id: "111111111111", status: .active, state: .active),
            OrganizationAccount(id: "222222222222", status: .active, state: .active),
            OrganizationAccount(id: "333333333333", status: .suspended, state: .closed),
            OrganizationAccount(id: "444444444444", status: .active),
            OrganizationAccount(id: "555555555555", state: .pendingClosure),
            OrganizationAccount(id: "222222222222", status: .active, state: .active),
        ]
        let targets = MultiAccountScan.organizationTargets(
            accounts: accounts, roleName: "audit/KMSAudit", partition: "aws-us-gov",
            callerAccountId: "111111111111")
        #expect(
            targets == [
                .callerAccount("111111111111"),
                MultiAccountScan.Target(accountId: "222222222222", roleArn: "arn:aws-us-gov:iam::222222222222:role/audit/KMSAudit"),
                MultiAccountScan.Target(accountId: "444444444444", roleArn: "arn:aws-us-gov:iam::444444444444:role/audit/KMSAudit"),
            ])
        let noCaller = MultiAccountScan.organizationTargets(accounts: accounts, roleName: "R", partition: "aws", callerAccountId: nil)
        #expect(noCaller.allSatisfy { $0.roleArn != nil })
    }

    @Test("Findings of every account merge into one sorted report; a denied account is one AssumeRole error; exit 3")
    func mergesAccounts() async throws {
        let org = FakeOrganization(accounts: ["222222222222", "333333333333", "444444444444"], denied: ["444444444444"])
        org.accounts[FakeOrganization.callerAccount]!.addKey(.init(rotationEnabled: true, aliases: ["alias/mgmt"]), region: "us-east-1")
        org.accounts["222222222222"]!.addKey(.init(rotationEnabled: false, aliases: ["alias/app"]), region: "us-east-1")
        org.accounts["222222222222"]!.addKey(.init(rotationEnabled: true), region: "eu-west-1")
        org.accounts["333333333333"]!.addKey(.init(rotationEnabled: true), region: "eu-west-1")
        org.accounts["333333333333"]!.disableRegion("us-east-1")
        org.accounts["444444444444"]!.addKey(.init(rotationEnabled: false), region: "us-east-1")

        let targets = [
            .callerAccount(FakeOrganization.callerAccount), Self.role("222222222222"), Self.role("333333333333"), Self.role("444444444444"),
        ]
        let progress = LockedValue<[ScanProgress]>([])
        let report = try await Self.scan(org, targets: targets).report { value in progress.withLock { $0.append(value) } }

        #expect(report.findings.count == 4)
        #expect(
            report.findings.map { "\($0.region ?? "") \($0.accountId ?? "")" }
                == ["eu-west-1 222222222222", "eu-west-1 333333333333", "us-east-1 111111111111", "us-east-1 222222222222"])
        #expect(report.findings == report.findings.sorted(by: RotationReport.findingOrder))
        #expect(report.summary.nonCompliant == 1)
        #expect(report.findings.first { $0.compliance == .nonCompliant }?.aliases == ["alias/app"])
        #expect(report.errors.count == 2)
        let assume = try #require(report.errors.first { $0.operation == "AssumeRole" })
        #expect(assume.accountId == "444444444444")
        #expect(assume.region == "eu-west-1")
        #expect(assume.code == "AccessDenied")
        #expect(assume.message.contains("sts:AssumeRole on resource: arn:aws:iam::444444444444:role/KMSAudit"))
        let listing = try #require(report.errors.first { $0.operation == "ListKeys" })
        #expect(listing.accountId == "333333333333")
        #expect(listing.region == "us-east-1")
        #expect(report.outcome == .nonCompliant)
        #expect(
            Set(org.assumedRoles) == [
                "arn:aws:iam::222222222222:role/KMSAudit", "arn:aws:iam::333333333333:role/KMSAudit",
                "arn:aws:iam::444444444444:role/KMSAudit",
            ])

        let last = try #require(progress.current.last)
        #expect(last == ScanProgress(regionsTotal: 8, regionsDone: 8, keysListed: 4, keysEvaluated: 4))
        let done = progress.current.map(\.regionsDone)
        #expect(done == done.sorted(), "progress never goes backwards")
    }

    @Test("Without non-compliant keys, a denied account makes the exit status 4")
    func deniedOnlyIsExit4() async throws {
        let org = FakeOrganization(accounts: ["222222222222"], denied: ["222222222222"])
        org.accounts[FakeOrganization.callerAccount]!.addKey(.init(rotationEnabled: true), region: "us-east-1")
        let report = try await Self.scan(
            org, targets: [.callerAccount(FakeOrganization.callerAccount), Self.role("222222222222")], regions: ["us-east-1"]
        ).report()
        #expect(report.summary.compliant == 1)
        #expect(report.errors.map(\.operation) == ["AssumeRole"])
        #expect(report.outcome == .incomplete)
    }

    @Test("At most concurrentAccounts accounts are scanned at once; each account once")
    func boundedConcurrency() async throws {
        let accounts = (2...7).map { String(repeating: "\($0)", count: 12) }
        let org = FakeOrganization(accounts: accounts, kmsDelay: .milliseconds(20))
        for account in accounts { org.accounts[account]!.addKey(.init(rotationEnabled: true), region: "us-east-1") }
        let targets = accounts.map(Self.role) + [Self.role(accounts[0])]
        let report = try await Self.scan(org, targets: targets, regions: ["us-east-1"], concurrentAccounts: 2).report()
        #expect(report.findings.count == 6)
        #expect(Set(report.findings.compactMap(\.accountId)) == Set(accounts))
        #expect(org.peakConcurrentAccounts <= 2)
        #expect(org.assumedRoles.count == 6)
    }

    @Test("Cancelling the scan stops it with CancellationError")
    func cancellation() async throws {
        let accounts = (2...9).map { String(repeating: "\($0)", count: 12) }
        let org = FakeOrganization(accounts: accounts, kmsDelay: .seconds(120))
        for account in accounts { org.accounts[account]!.addKey(.init(rotationEnabled: true), region: "us-east-1") }
        let scan = try Self.scan(org, targets: accounts.map(Self.role), regions: ["us-east-1"], concurrentAccounts: 2)
        let task = Task { try await scan.report() }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        let started = ContinuousClock.now
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(ContinuousClock.now - started < .seconds(60), "long before the 120 s KMS answers, however loaded the machine")
    }

    @Test("No credential, token or external ID reaches the logs, the report or the errors")
    func noSecrets() async throws {
        let org = FakeOrganization(accounts: ["222222222222", "333333333333"], denied: ["333333333333"])
        org.accounts["222222222222"]!.addKey(.init(rotationEnabled: false), region: "us-east-1")
        let logs = CapturedLogs()
        let scan = try Self.scan(
            org, targets: [Self.role("222222222222"), Self.role("333333333333")], regions: ["us-east-1"],
            logs: logs, externalId: "external-id-value")
        let report = try await scan.report()
        #expect(report.findings.count == 1)
        #expect(logs.text.contains("assuming role"))
        var texts = [logs.text, String(describing: report), report.errors.map(String.init(describing:)).joined()]
        for format in ReportFormat.allCases {
            texts.append(try ReportRenderer().render(report, as: format))
        }
        for text in texts {
            for secret in [STSFixtures.roleSecret, STSFixtures.roleToken, STSFixtures.callerSecret, "external-id-value", "Signature="] {
                #expect(!text.contains(secret), "leaked \(secret)")
            }
        }
    }
}
