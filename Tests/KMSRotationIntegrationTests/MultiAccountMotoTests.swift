import Foundation
import Testing
import KMSRotation
import KMSRotationTesting

/// Multi-account audits against moto_server: an organization made with the AWS CLI, keys seeded in
/// member accounts through roles assumed with the library, and the real `kms-rotation` binary.
///
/// What moto 5.2.1 does, and what these tests rely on:
/// - Credentials are tied to accounts by their access key: keys unknown to moto (the caller's
///   `AKIDMOTOTEST`) act in the default account 123456789012, which becomes the organization's
///   management account; AssumeRole returns credentials whose access key belongs to the role's
///   account, so KMS calls signed with them see that account's keys only (checked below with the AWS
///   CLI, not assumed).
/// - `organizations create-account` creates `OrganizationAccountAccessRole` (or `--role-name`) in the
///   new account; the management account has no such role, as in AWS.
/// - moto lets AssumeRole succeed for roles that do not exist and evaluates no trust policy or external
///   ID. The launcher `Support/moto_server_accounts.py` adds AWS's rule that the role must exist
///   (AccessDenied otherwise), so an account without the role is a real failure here; trust policies and
///   external IDs are still not enforced, so those are checked as request contents, not as denials.
@Suite(
    "Multi-account audit against moto_server",
    .enabled(if: MotoServer.isAvailable && CLIBinary.path != nil && which("aws") != nil, Comment(rawValue: MotoServer.skipMessage)),
    .serialized)
struct MultiAccountMotoTests {
    static let caller = StaticCredentialProvider(AWSCredentials(accessKeyId: "AKIDMOTOTEST", secretAccessKey: "moto-secret-key-for-tests"))
    /// moto's default account: where unknown access keys act, and so the management account here.
    static let management = "123456789012"
    static let roleName = "OrganizationAccountAccessRole"

    /// Runs the AWS CLI against moto as the caller (or with other credentials) and parses its JSON output.
    @discardableResult
    static func aws(_ moto: MotoServer, _ arguments: [String], credentials: AWSCredentials? = nil) throws -> [String: Any] {
        let aws = try #require(which("aws"))
        var environment = moto.clientEnvironment
        if let credentials {
            environment["AWS_ACCESS_KEY_ID"] = credentials.accessKeyId
            environment["AWS_SECRET_ACCESS_KEY"] = credentials.secretAccessKey
            environment["AWS_SESSION_TOKEN"] = credentials.sessionToken
        }
        let result = try runProcess(aws, arguments + ["--output", "json"], environment: environment)
        #expect(result.status == 0, "aws \(arguments.joined(separator: " ")): \(result.stderr)")
        guard !result.stdout.isEmpty else { return [:] }
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    static func sts(_ moto: MotoServer, transport: any HTTPTransport = URLSessionTransport()) throws -> STSClient {
        try STSClient(
            AWSClientConfiguration(region: "us-east-1", credentialProvider: caller, transport: transport), endpoint: moto.endpoint)
    }

    /// A KMS client acting in `account`: through its OrganizationAccountAccessRole, or as the caller in
    /// the management account.
    static func kms(_ moto: MotoServer, account: String, region: String = "us-east-1") throws -> KMSClient {
        let credentials: any CredentialProvider =
            account == management
            ? caller
            : AssumeRoleCredentialProvider(roleArn: "arn:aws:iam::\(account):role/\(roleName)", sts: try sts(moto))
        return try KMSClient(
            AWSClientConfiguration(region: region, credentialProvider: credentials, transport: URLSessionTransport()),
            endpoint: moto.endpoint)
    }

    static func createAccount(_ moto: MotoServer, _ name: String, roleName: String? = nil) throws -> String {
        let extra = roleName.map { ["--role-name", $0] } ?? []
        let created = try aws(moto, ["organizations", "create-account", "--email", "\(name)@example.com", "--account-name", name] + extra)
        let status = try #require(created["CreateAccountStatus"] as? [String: Any])
        return try #require(status["AccountId"] as? String)
    }

    /// The organization: management, two members with the role, one member without it, one closed
    /// member (with a key that must never be reported).
    struct Organization {
        var memberA = "", memberB = "", noRole = "", closed = ""
        /// Seeded keys: ARN → expected reason.
        var expected: [String: FindingReason] = [:]
        var closedKeyArn = ""
        var nonCompliantInA = ""
    }

    static func makeOrganization(_ moto: MotoServer) async throws -> Organization {
        var org = Organization()
        try aws(moto, ["organizations", "create-organization", "--feature-set", "ALL"])
        org.memberA = try createAccount(moto, "member-a")
        org.memberB = try createAccount(moto, "member-b")
        org.noRole = try createAccount(moto, "member-no-role", roleName: "SomeOtherRole")
        org.closed = try createAccount(moto, "member-closed")

        let management = try kms(moto, account: Self.management)
        let managementKey = try #require(try await management.createKey(description: "management").arn)
        try await management.enableKeyRotation(keyId: managementKey)
        org.expected[managementKey] = .rotationEnabled

        let a = try kms(moto, account: org.memberA)
        let rotating = try #require(try await a.createKey(description: "a rotating").arn)
        try await a.enableKeyRotation(keyId: rotating)
        org.expected[rotating] = .rotationEnabled
        org.nonCompliantInA = try #require(try await a.createKey(description: "a not rotating").arn)
        org.expected[org.nonCompliantInA] = .rotationDisabled
        let hmac = try #require(try await a.createKey(keySpec: .hmac256, keyUsage: .generateVerifyMAC, description: "a hmac").arn)
        org.expected[hmac] = .hmacKey

        let bEast = try kms(moto, account: org.memberB)
        let bKey = try #require(try await bEast.createKey(description: "b east").arn)
        try await bEast.enableKeyRotation(keyId: bKey)
        org.expected[bKey] = .rotationEnabled
        let bWest = try kms(moto, account: org.memberB, region: "eu-west-1")
        let bWestKey = try #require(try await bWest.createKey(description: "b west").arn)
        try await bWest.enableKeyRotation(keyId: bWestKey, rotationPeriodInDays: 180)
        org.expected[bWestKey] = .rotationEnabled

        org.closedKeyArn = try #require(try await kms(moto, account: org.closed).createKey(description: "closed").arn)
        try aws(moto, ["organizations", "close-account", "--account-id", org.closed])
        return org
    }

    @Test("moto isolates accounts by the credentials of the assumed role (checked with the AWS CLI)")
    func motoIsolatesAccounts() async throws {
        let moto = try await MotoServer(launcher: MotoServer.accountsLauncher)
        defer { moto.stop() }
        let org = try await Self.makeOrganization(moto)
        let callerKeys = try #require(try Self.aws(moto, ["kms", "list-keys"])["Keys"] as? [[String: Any]])
        #expect(callerKeys.compactMap { $0["KeyArn"] as? String }.allSatisfy { $0.contains(":\(Self.management):") })
        #expect(callerKeys.count == 1)

        let role = try await Self.sts(moto).assumeRole(
            roleArn: "arn:aws:iam::\(org.memberA):role/\(Self.roleName)", roleSessionName: "cross-check")
        #expect(role.credentials.accountId == org.memberA)
        let identity = try Self.aws(moto, ["sts", "get-caller-identity"], credentials: role.credentials)
        #expect(identity["Account"] as? String == org.memberA)
        let memberKeys = try #require(try Self.aws(moto, ["kms", "list-keys"], credentials: role.credentials)["Keys"] as? [[String: Any]])
        #expect(memberKeys.count == 3)
        #expect(memberKeys.compactMap { $0["KeyArn"] as? String }.allSatisfy { $0.contains(":\(org.memberA):") })
    }

    @Test("The library's clients against moto: ListAccounts pages, GetCallerIdentity, AssumeRole denied without the role")
    func libraryClients() async throws {
        let moto = try await MotoServer(launcher: MotoServer.accountsLauncher)
        defer { moto.stop() }
        let org = try await Self.makeOrganization(moto)
        let recorder = RequestRecorder()
        let organizations = try OrganizationsClient(
            AWSClientConfiguration(
                region: "eu-west-1", credentialProvider: Self.caller,
                transport: MockTransport.recording(URLSessionTransport(), into: recorder)), endpoint: moto.endpoint)
        let accounts = try await organizations.allAccounts(pageSize: 2)
        #expect(await recorder.count == 3, "5 accounts at 2 per page")
        let cli = try #require(try Self.aws(moto, ["organizations", "list-accounts"])["Accounts"] as? [[String: Any]])
        #expect(Set(accounts.map(\.id)) == Set(cli.compactMap { $0["Id"] as? String }))
        #expect(Set(accounts.filter(\.isActive).map(\.id)) == [Self.management, org.memberA, org.memberB, org.noRole])
        #expect(accounts.first { $0.id == org.closed }?.state == .suspended)

        let sts = try Self.sts(moto)
        let identity = try await sts.getCallerIdentity()
        #expect(identity.account == Self.management)
        let cliIdentity = try Self.aws(moto, ["sts", "get-caller-identity"])
        #expect(identity.account == cliIdentity["Account"] as? String)
        let denied = try await #require(throws: AWSServiceError.self) {
            try await sts.assumeRole(roleArn: "arn:aws:iam::\(org.noRole):role/\(Self.roleName)", roleSessionName: "kms-rotation-audit")
        }
        #expect(denied.code == .stsAccessDenied)
    }

    @Test(
        "audit --organization: every ACTIVE account, merged and sorted; an account without the role is an AssumeRole error; exit 3, then 4")
    func organizationAudit() async throws {
        let moto = try await MotoServer(launcher: MotoServer.accountsLauncher)
        defer { moto.stop() }
        let org = try await Self.makeOrganization(moto)
        let arguments = [
            "audit", "--organization", "--role-name", Self.roleName, "--region", "us-east-1", "--region", "eu-west-1",
            "--format", "json", "--external-id", "audit-external-id",
        ]

        let result = try CLIBinary.run(arguments, environment: moto.clientEnvironment)
        #expect(result.status == 3, "stderr: \(result.stderr)")
        let report = try JSONDecoder().decode(RotationReport.self, from: Data(result.stdout.utf8))
        #expect(Set(report.findings.compactMap(\.keyArn)) == Set(org.expected.keys))
        for finding in report.findings {
            #expect(finding.reason == org.expected[finding.keyArn ?? ""], "\(finding.keyArn ?? finding.keyId)")
            #expect(finding.keyArn?.contains(":\(finding.accountId ?? "none"):") == true)
        }
        #expect(Set(report.findings.compactMap(\.accountId)) == [Self.management, org.memberA, org.memberB])
        #expect(!report.findings.contains { $0.keyArn == org.closedKeyArn }, "a closed account is not scanned")
        #expect(report.findings == report.findings.sorted(by: RotationReport.findingOrder))
        #expect(report.summary.nonCompliant == 1)
        #expect(report.errors.count == 1)
        let error = try #require(report.errors.first)
        #expect(error.accountId == org.noRole)
        #expect(error.operation == "AssumeRole")
        #expect(error.region == "us-east-1")
        #expect(error.code == "AccessDenied")
        #expect(error.message.contains("arn:aws:iam::\(org.noRole):role/\(Self.roleName)"))

        // What moto recorded: the members' roles were assumed, with the session name and external ID;
        // the management account was scanned with the caller's own credentials, not through a role.
        let assumed = try await Self.assumedRoles(moto)
        let byCLI = assumed.filter {
            $0["session_name"] as? String == AssumeRoleCredentialProvider.defaultSessionName
                && $0["external_id"] as? String == "audit-external-id"
        }
        #expect(Set(byCLI.compactMap { $0["account_id"] as? String }) == [org.memberA, org.memberB])

        // Fix the one non-compliant key: what is left is the account that could not be scanned, exit 4.
        try await Self.kms(moto, account: org.memberA).enableKeyRotation(keyId: org.nonCompliantInA)
        let again = try CLIBinary.run(
            arguments.filter { $0 != "json" && $0 != "--format" } + ["--format", "table"], environment: moto.clientEnvironment)
        #expect(again.status == 4, "stderr: \(again.stderr)")
        #expect(again.stdout.contains("AssumeRole"))
        #expect(again.stdout.contains(org.noRole))
    }

    @Test("audit --role-arn scans that account only; a role that cannot be assumed exits 1")
    func roleArnAudit() async throws {
        let moto = try await MotoServer(launcher: MotoServer.accountsLauncher)
        defer { moto.stop() }
        let org = try await Self.makeOrganization(moto)

        let result = try CLIBinary.run(
            [
                "audit", "--role-arn", "arn:aws:iam::\(org.memberB):role/\(Self.roleName)", "--region", "us-east-1",
                "--region", "eu-west-1", "--format", "json",
            ], environment: moto.clientEnvironment)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let report = try JSONDecoder().decode(RotationReport.self, from: Data(result.stdout.utf8))
        #expect(report.findings.count == 2)
        #expect(report.findings.allSatisfy { $0.accountId == org.memberB && $0.compliance == .compliant })

        let denied = try CLIBinary.run(
            [
                "audit", "--role-arn", "arn:aws:iam::\(org.noRole):role/\(Self.roleName)", "--region", "us-east-1",
                "--format", "json",
            ], environment: moto.clientEnvironment)
        #expect(denied.status == 1)
        #expect(denied.stdout.isEmpty)
        #expect(denied.stderr.contains("cannot assume role arn:aws:iam::\(org.noRole):role/\(Self.roleName)"), "\(denied.stderr)")
        #expect(denied.stderr.contains("AccessDenied"))
    }

    @Test("audit --organization outside an organization: ListAccounts fails, the scan cannot run, exit 1")
    func notAnOrganization() async throws {
        let moto = try await MotoServer(launcher: MotoServer.accountsLauncher)
        defer { moto.stop() }
        let result = try CLIBinary.run(
            ["audit", "--organization", "--role-name", Self.roleName, "--region", "us-east-1", "--format", "json"],
            environment: moto.clientEnvironment)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("cannot list the organization's accounts"), "\(result.stderr)")
        #expect(result.stderr.contains("AWSOrganizationsNotInUseException"), "\(result.stderr)")
    }

    @Test("The verbose log of a multi-account audit shows the calls and never a secret of any account")
    func verboseLogHasNoSecrets() async throws {
        let moto = try await MotoServer(launcher: MotoServer.accountsLauncher)
        defer { moto.stop() }
        _ = try await Self.makeOrganization(moto)
        let before = Set(try await Self.assumedRoles(moto).compactMap { $0["access_key_id"] as? String })
        let result = try CLIBinary.run(
            [
                "audit", "--organization", "--role-name", Self.roleName, "--region", "us-east-1", "--format", "json",
                "--verbose", "--external-id", "verbose-external-id",
            ], environment: moto.clientEnvironment)
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("AssumeRole"))
        #expect(result.stderr.contains("ListAccounts"))
        // Every secret key and session token moto handed to the CLI.
        let handedOut = try await Self.assumedRoles(moto).filter { !before.contains($0["access_key_id"] as? String ?? "") }
        #expect(handedOut.count == 2)
        var secrets = ["moto-secret-key-for-tests", "Signature=", "verbose-external-id"]
        for role in handedOut {
            secrets += [role["secret_access_key"] as? String, role["session_token"] as? String].compactMap { $0 }
        }
        for secret in secrets {
            #expect(!result.stderr.contains(secret), "stderr leaks \(secret.prefix(8))…")
            #expect(!result.stdout.contains(secret), "stdout leaks \(secret.prefix(8))…")
        }
    }

    /// moto's record of every AssumeRole it answered (its `/moto-api/data.json` state dump).
    static func assumedRoles(_ moto: MotoServer) async throws -> [[String: Any]] {
        let url = try #require(URL(string: "\(moto.endpoint)/moto-api/data.json"))
        let response = try await URLSessionTransport().send(HTTPRequest(method: "GET", url: url, timeout: .seconds(10)))
        let state = try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
        return (state["sts"] as? [String: Any])?["AssumedRole"] as? [[String: Any]] ?? []
    }
}
