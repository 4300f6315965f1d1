// OrganizationReport: every account of an organization (or a list of accounts) scanned through a role in each,
// merged into one report, written as JSON (for dashboards) and SARIF (for code scanning), with a line per account.
// Exit status: 0 pass, 3 a key is non-compliant, 4 a verdict or an account is missing, 1 could not run, 64 usage.
// Run: swift run OrganizationReport              (three in-memory accounts, one refusing the role; no AWS)
//      swift run OrganizationReport --role-name KMSRotationAudit --region us-east-1 [--account 444455556666]...
//          (your AWS credentials: the organization's accounts, or the ones listed; read-only)
import Foundation
import KMSRotation
import KMSRotationTesting

// MARK: - Arguments

struct Arguments {
    var roleName: String?
    var accounts: [String] = []
    var regions: [String] = []
    var outputDirectory = "."

    init?(_ list: [String]) {
        var rest = list[...]
        while let argument = rest.popFirst() {
            guard let value = rest.popFirst(), !value.hasPrefix("--") else { return nil }
            switch argument {
            case "--role-name": roleName = value
            case "--account": accounts.append(value)
            case "--region": regions.append(value)
            case "--output-dir": outputDirectory = value
            default: return nil
            }
        }
    }
}

guard let options = Arguments(Array(CommandLine.arguments.dropFirst())) else {
    FileHandle.standardError.write(
        Data(
            """
            usage: OrganizationReport [--role-name NAME [--account ID]...] [--region R]... [--output-dir DIR]
            without --role-name: a built-in organization of in-memory accounts\n
            """.utf8))
    exit(64)
}

// MARK: - The scan

let scan: MultiAccountScan
do {
    if let roleName = options.roleName {
        scan = try await live(roleName: roleName, accounts: options.accounts, regions: options.regions)
    } else {
        scan = try demo(regions: options.regions)
    }
} catch {
    FileHandle.standardError.write(Data("OrganizationReport: \(error)\n".utf8))
    exit(1)
}

/// Your organization: each listed account (else every ACTIVE account of the organization) through the role,
/// your own account with your own credentials.
func live(roleName: String, accounts: [String], regions: [String]) async throws -> MultiAccountScan {
    let environment = ProcessInfo.processInfo.environment
    let transport = URLSessionTransport()
    let caller = try CredentialProviderChain.default(environment: environment, transport: transport)
    let home = environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? "us-east-1"
    let configuration = AWSClientConfiguration(region: home, credentialProvider: caller, transport: transport)
    let sts = try STSClient(configuration)
    let targets: [MultiAccountScan.Target]
    if accounts.isEmpty {
        let me = try await sts.getCallerIdentity()
        targets = MultiAccountScan.organizationTargets(
            accounts: try await OrganizationsClient(configuration).allAccounts(),
            roleName: roleName, partition: me.partition ?? "aws", callerAccountId: me.account)
    } else {
        targets = accounts.map { MultiAccountScan.Target.role(.iamRole(partition: "aws", accountId: $0, roleName: roleName)) }
    }
    let options = MultiAccountScan.Options(scan: .init(regions: regions.isEmpty ? [home] : regions))
    return MultiAccountScan(targets: targets, options: options, sts: sts) { credentials, region in
        try KMSClient(configuration.with(region: region).with(credentialProvider: credentials))
    }
}

/// Three accounts served in memory: the sample account, a small one, and one whose role cannot be assumed.
func demo(regions: [String]) throws -> MultiAccountScan {
    let small = InMemoryKMS(accountId: "444455556666", clock: { SampleAccount.referenceDate })
    small.addKey(.init(rotationEnabled: true, aliases: ["alias/shop"], tags: ["pci": "true"]), region: "us-east-1")
    small.addKey(.init(aliases: ["alias/shop-logs"]), region: "us-east-1")
    let organization = InMemoryOrganization(
        accounts: ["111122223333": SampleAccount.demo(), "444455556666": small],
        refusing: ["777788889999"])
    let caller = StaticCredentialProvider(AWSCredentials(accessKeyId: "AKIDORGANIZATION", secretAccessKey: "not-a-secret"))
    let configuration = AWSClientConfiguration(
        region: "us-east-1", credentialProvider: caller, transport: organization,
        sleeper: { _ in }, now: { SampleAccount.referenceDate })
    let targets = ["111122223333", "444455556666", "777788889999"].map {
        MultiAccountScan.Target.role(.iamRole(partition: "aws", accountId: $0, roleName: "KMSRotationAudit"))
    }
    let scanOptions = RotationChecker.ScanOptions(
        regions: regions.isEmpty ? ["us-east-1", "eu-west-1"] : regions,
        now: { SampleAccount.referenceDate })
    return MultiAccountScan(targets: targets, options: .init(scan: scanOptions), sts: try STSClient(configuration)) { credentials, region in
        try KMSClient(configuration.with(region: region).with(credentialProvider: credentials))
    }
}

/// A fake AWS with several accounts: STS answers AssumeRole with credentials whose access key names the account
/// (AccessDenied for the refusing ones), and each KMS request goes to the in-memory KMS of the account whose
/// credentials signed it: in AWS too, the credentials pick the account, not the endpoint.
final class InMemoryOrganization: HTTPTransport, @unchecked Sendable {
    let accounts: [String: InMemoryKMS]
    let refusing: Set<String>

    init(accounts: [String: InMemoryKMS], refusing: Set<String>) {
        self.accounts = accounts
        self.refusing = refusing
    }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        if request.url.host?.hasPrefix("sts.") == true { return assumeRole(request) }
        let authorization = request.headers["Authorization"] ?? ""
        guard let start = authorization.range(of: "Credential=ASIA")?.upperBound,
            let kms = accounts[String(authorization[start...].prefix(12))]
        else {
            return HTTPResponse(status: 400, body: Data(#"{"__type":"UnrecognizedClientException","message":"invalid token"}"#.utf8))
        }
        return try await kms.send(request)
    }

    private func assumeRole(_ request: HTTPRequest) -> HTTPResponse {
        let form = String(decoding: request.body, as: UTF8.self).split(separator: "&")
        let roleArn = form.first { $0.hasPrefix("RoleArn=") }.map { String($0.dropFirst(8)).removingPercentEncoding ?? "" } ?? ""
        let account = (try? ARN(iamRole: roleArn))?.accountId ?? ""
        guard accounts[account] != nil, !refusing.contains(account) else {
            let body =
                "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
                + "<Message>not authorized to perform: sts:AssumeRole on resource: \(roleArn)</Message></Error></ErrorResponse>"
            return HTTPResponse(status: 403, headers: ["Content-Type": "text/xml"], body: Data(body.utf8))
        }
        let expiration = ISO8601DateFormatter().string(from: SampleAccount.referenceDate.addingTimeInterval(3600))
        let body = """
            <AssumeRoleResponse><AssumeRoleResult>
            <AssumedRoleUser><Arn>arn:aws:sts::\(account):assumed-role/KMSRotationAudit/report</Arn>
            <AssumedRoleId>AROAEXAMPLE:report</AssumedRoleId></AssumedRoleUser>
            <Credentials><AccessKeyId>ASIA\(account)ROLE</AccessKeyId><SecretAccessKey>in-memory</SecretAccessKey>
            <SessionToken>in-memory-token</SessionToken><Expiration>\(expiration)</Expiration></Credentials>
            </AssumeRoleResult></AssumeRoleResponse>
            """
        return HTTPResponse(status: 200, headers: ["Content-Type": "text/xml"], body: Data(body.utf8))
    }
}

// MARK: - Report

do {
    let report = try await scan.report()
    let renderer = ReportRenderer()
    let directory = URL(fileURLWithPath: options.outputDirectory)
    for (format, name) in [(ReportFormat.json, "kms-rotation-org.json"), (.sarif, "kms-rotation-org.sarif")] {
        let text = try renderer.render(report, as: format)
        try Data(text.utf8).write(to: directory.appending(path: name), options: .atomic)
        print("wrote \(directory.appending(path: name).path)")
    }
    for (account, findings) in Dictionary(grouping: report.findings, by: { $0.accountId ?? "?" }).sorted(by: { $0.key < $1.key }) {
        let failing = findings.count { $0.compliance == .nonCompliant }
        let unknown = findings.count { $0.compliance == .insufficientData }
        print("account \(account): \(findings.count) keys, \(failing) NON_COMPLIANT, \(unknown) INSUFFICIENT_DATA")
    }
    for error in report.errors {
        print("not scanned: \(error.accountId ?? "?") \(error.region) \(error.operation) \(error.code)")
    }
    switch report.outcome {
    case .passed: exit(0)
    case .nonCompliant: exit(3)
    case .incomplete: exit(4)
    }
} catch {
    FileHandle.standardError.write(Data("OrganizationReport: \(error)\n".utf8))
    exit(1)
}
