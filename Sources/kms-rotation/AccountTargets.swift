import ArgumentParser
import Foundation
import KMSRotation
import Logging

/// The account selection flags: `--role-arn ARN` (one account, through a role) or
/// `--organization --role-name NAME` (every ACTIVE account of the caller's organization), with
/// `--external-id` for roles whose trust policy requires one. Without them the caller's own account
/// is scanned, as before. See Docs/multi-account.md.
struct AccountSelection: ParsableArguments {
    @Flag(
        help: ArgumentHelp(
            "Scan every ACTIVE account of the caller's AWS organization (requires --role-name; run from the management or a delegated "
                + "administrator account)."
        ))
    var organization = false

    @Option(
        name: .customLong("role-name"),
        help: ArgumentHelp(
            "With --organization: the role to assume in each account, e.g. OrganizationAccountAccessRole (path/Name for a role with a "
                + "path).",
            valueName: "name"))
    var roleName: String?

    @Option(
        name: .customLong("role-arn"),
        help: ArgumentHelp("Scan the account of this IAM role, with credentials from assuming it.", valueName: "arn"))
    var roleArn: String?

    @Option(
        name: .customLong("external-id"),
        help: ArgumentHelp("The external ID the role's trust policy requires (with --role-arn or --organization).", valueName: "id"))
    var externalId: String?

    /// Whether any account selection flag was given.
    var isSelected: Bool { organization || roleName != nil || roleArn != nil || externalId != nil }

    func validate() throws {
        if organization && roleArn != nil {
            throw ValidationError(
                "--role-arn and --organization cannot be combined: --role-arn scans one account, --organization all of them (with "
                    + "--role-name)."
            )
        }
        if organization && roleName == nil {
            throw ValidationError(
                "--organization requires --role-name NAME: the role to assume in each account (for example OrganizationAccountAccessRole).")
        }
        if roleName != nil && !organization {
            throw ValidationError("--role-name requires --organization; to scan a single account through a role, use --role-arn ARN.")
        }
        if externalId != nil && !organization && roleArn == nil {
            throw ValidationError("--external-id applies only with --role-arn or --organization.")
        }
        do {
            if let roleName { try ARN.validateRoleName(roleName) }
            if let roleArn { _ = try ARN(iamRole: roleArn) }
        } catch let error as ARN.ParseError {
            throw ValidationError(error.message)
        }
        if let externalId {
            do {
                try STSClient.validateAssumeRole(
                    roleArn: "arn:aws:iam::000000000000:role/x", roleSessionName: AssumeRoleCredentialProvider.defaultSessionName,
                    durationSeconds: nil, externalId: externalId)
            } catch let error as AWSServiceError {
                throw ValidationError("--external-id: \(error.message)")
            }
        }
    }

    /// Runs the selected multi-account scan and returns the merged report.
    ///
    /// What makes the whole scan impossible (the caller cannot be identified, the organization's accounts
    /// cannot be listed, the `--role-arn` role cannot be assumed, a bad STS or Organizations endpoint) is
    /// printed and exits 1. A member account whose role cannot be assumed is a scan error in the report
    /// (exit 4 unless a key is non-compliant), and the other accounts are scanned.
    func report(
        setup: ScanSetup, options: RotationChecker.ScanOptions, logger: Logger,
        progress: (@Sendable (ScanProgress) -> Void)?
    ) async throws -> RotationReport {
        guard let live = setup.live else {
            throw ValidationError("--demo uses a built-in account: the account selection flags do not apply.")
        }
        do {
            return try await scan(live, options: options, logger: logger, progress: progress)
        } catch let error as SetupError {
            Terminal.writeError("kms-rotation: \(error)\n")
            throw ExitCode(ExitStatus.failure)
        }
    }

    private func scan(
        _ live: LiveAccess, options: RotationChecker.ScanOptions, logger: Logger,
        progress: (@Sendable (ScanProgress) -> Void)?
    ) async throws -> RotationReport {
        let sts = try Self.makeSTS(live, logger: logger)

        if let roleArn {
            // One account through one role, merged like every multi-account scan: the role is the scan's
            // own identity (assumed once up front, so a role that cannot be assumed stops the run).
            let role = try await assumedRole(roleArn, sts: sts)
            let roleSTS = try STSClient(sts.configuration.with(credentialProvider: role), endpoint: live.stsEndpoint?.url)
            let scan = MultiAccountScan(
                targets: [.callerAccount(role.accountId ?? "")], options: MultiAccountScan.Options(scan: options),
                sts: roleSTS, logger: logger
            ) { credentials, region in try live.kmsClient(credentials, region) }
            return try await scan.report(progress: progress)
        }

        guard let roleName else { throw SetupError("--organization requires --role-name") }
        let identity: CallerIdentity
        do {
            identity = try await sts.getCallerIdentity()
        } catch {
            throw SetupError("cannot identify the caller with STS in \(sts.region) (GetCallerIdentity): \(error)")
        }
        let accounts: [OrganizationAccount]
        do {
            let organizations = try OrganizationsClient(live.caller.with(region: live.stsRegion), endpoint: live.organizationsEndpoint?.url)
            accounts = try await organizations.allAccounts()
        } catch {
            throw SetupError("cannot list the organization's accounts (organizations:ListAccounts, as \(identity.arn)): \(error)")
        }
        let partition = identity.partition ?? EndpointResolver().partition(for: live.stsRegion).id
        let targets = MultiAccountScan.organizationTargets(
            accounts: accounts, roleName: roleName, partition: partition, callerAccountId: identity.account)
        // A real organization always lists at least the caller's account; an empty list (a member account
        // without the organizations:ListAccounts view, an emulator) would otherwise be a clean, empty report.
        guard !targets.isEmpty else {
            throw SetupError(
                "the organization lists no ACTIVE account to scan (ListAccounts returned \(accounts.count) accounts, as \(identity.arn))")
        }
        for account in accounts where !account.isActive {
            logger.info(
                "account not scanned: not ACTIVE",
                metadata: [
                    "account": "\(account.id)", "state": "\(account.state?.rawValue ?? account.status?.rawValue ?? "unknown")",
                ])
        }
        let scan = MultiAccountScan(
            targets: targets, options: MultiAccountScan.Options(scan: options, externalId: externalId), sts: sts,
            logger: logger
        ) { credentials, region in try live.kmsClient(credentials, region) }
        return try await scan.report(progress: progress)
    }
}

extension AccountSelection {
    static func makeSTS(_ live: LiveAccess, logger: Logger) throws -> STSClient {
        do {
            return try STSClient(live.caller.with(region: live.stsRegion), endpoint: live.stsEndpoint?.url)
        } catch {
            throw SetupError("STS endpoint\(live.stsEndpoint.map { " (from \($0.source))" } ?? ""): \(error)")
        }
    }

    /// The role's credentials, assumed once up front so that a role that cannot be assumed stops the run.
    func assumedRole(_ roleArn: String, sts: STSClient) async throws -> AssumeRoleCredentialProvider {
        let role = AssumeRoleCredentialProvider(roleArn: roleArn, externalId: externalId, sts: sts)
        do {
            _ = try await role.credentials()
        } catch {
            throw SetupError("cannot assume role \(roleArn) with STS in \(sts.region): \(error)")
        }
        return role
    }

    /// The KMS clients that change keys in the selected account: the caller's own, or the `--role-arn`
    /// role's. `remediate` changes one account at a time, so `--organization` is refused.
    func changeClientFactory(setup: ScanSetup, logger: Logger) async throws -> @Sendable (String) async throws -> KMSClient {
        if organization {
            throw ValidationError(
                "remediate changes one account at a time: run it with --role-arn for each account (audit --organization lists them).")
        }
        guard let roleArn, let live = setup.live else { return setup.clientFactory }
        do {
            let role = try await assumedRole(roleArn, sts: try Self.makeSTS(live, logger: logger))
            return { region in try live.kmsClient(role, region) }
        } catch let error as SetupError {
            Terminal.writeError("kms-rotation: \(error)\n")
            throw ExitCode(ExitStatus.failure)
        }
    }
}

/// What a live (not demo) setup knows that a multi-account scan also needs: the caller's client
/// configuration (credentials, transport, retries, endpoint variant, logger), where STS and Organizations
/// are, and how to make a KMS client with other credentials.
struct LiveAccess: Sendable {
    var configuration: AWSConfiguration
    /// The caller's identity and everything else every client of the run shares.
    var caller: AWSClientConfiguration
    /// STS is called in the configured Region, else in the partition's main Region (us-east-1 for aws).
    var stsRegion: String
    var stsEndpoint: ConfiguredEndpoint?
    var organizationsEndpoint: ConfiguredEndpoint?
    var kmsClient: @Sendable (_ credentials: any CredentialProvider, _ region: String) throws -> KMSClient

    init(
        environment: [String: String], files: SharedConfigFiles, profile: String?, configuration: AWSConfiguration, regions: [String],
        caller: AWSClientConfiguration, kmsEndpoint: String?, limiters: RateLimiterRegistry?
    ) throws {
        self.configuration = configuration
        self.caller = caller
        self.stsRegion = configuration.region ?? EndpointResolver().partition(for: regions.first ?? "us-east-1").implicitGlobalRegion
        self.stsEndpoint = try AWSConfiguration.endpointURL(forService: "STS", environment: environment, files: files, profile: profile)
        self.organizationsEndpoint = try AWSConfiguration.endpointURL(
            forService: "Organizations", environment: environment, files: files, profile: profile)
        self.kmsClient = { credentials, region in
            // Each account's quota is its own: one limiter per account and Region.
            let account = (credentials as? AssumeRoleCredentialProvider)?.accountId ?? "caller"
            var configuration = caller.with(region: region).with(credentialProvider: credentials)
            configuration.rateLimiter = limiters?.limiter(account: account, region: region, service: "kms")
            return try KMSClient(configuration, endpoint: kmsEndpoint)
        }
    }
}
