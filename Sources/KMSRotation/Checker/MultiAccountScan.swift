import Foundation
import Logging

/// Scans several accounts (an AWS organization's, or a list of role ARNs) and merges everything into
/// one ``RotationReport``.
///
/// Each account is reached through a role assumed with STS (``AssumeRoleCredentialProvider``, cached
/// and refreshed before expiry), except a target marked as the caller's own account, which is scanned
/// with the caller's credentials. Every account is scanned by its own ``RotationChecker`` with the same
/// ``RotationChecker/ScanOptions``; accounts run concurrently, at most ``Options/concurrentAccounts`` at
/// a time.
///
/// Failures stay local: an account whose role cannot be assumed becomes one ``ScanError`` (operation
/// `AssumeRole`, the STS Region, that account's ID) and the other accounts are scanned. Regions that
/// fail inside an account are reported as usual, with the account's ID added. The report's
/// ``RotationReport/outcome`` is therefore `nonCompliant` when any account has a non-compliant key, else `incomplete` when
/// any account or Region could not be scanned.
///
/// ```swift
/// let configuration = AWSClientConfiguration(region: "us-east-1", credentialProvider: caller)
/// let organizations = try OrganizationsClient(configuration)
/// let sts = try STSClient(configuration)
/// let me = try await sts.getCallerIdentity()
/// let targets = MultiAccountScan.organizationTargets(accounts: try await organizations.allAccounts(),
///                                                     roleName: "KMSAudit", partition: me.partition ?? "aws",
///                                                     callerAccountId: me.account)
/// let scan = MultiAccountScan(targets: targets, options: .init(scan: .init(regions: ["us-east-1"])), sts: sts) { credentials, region in
///     try KMSClient(configuration.with(region: region).with(credentialProvider: credentials))
/// }
/// let report = try await scan.report()
/// ```
public struct MultiAccountScan: Sendable {
    /// One account to scan, and how to get credentials for it.
    public struct Target: Sendable, Hashable, CustomStringConvertible {
        /// The 12-digit account ID.
        public var accountId: String
        /// The role to assume in the account; `nil` scans it with the caller's own credentials.
        public var roleArn: String?

        /// Creates a target.
        /// - Parameters:
        ///   - accountId: The account.
        ///   - roleArn: The role to assume, or `nil` for the caller's credentials.
        package init(accountId: String, roleArn: String?) {
            self.accountId = accountId
            self.roleArn = roleArn
        }

        /// The account reached through a role (the account is the role's).
        /// - Parameter role: The role to assume.
        /// - Returns: The target.
        public static func role(_ role: ARN) -> Target {
            Target(accountId: role.accountId ?? "", roleArn: role.description)
        }

        /// The caller's own account, scanned with the caller's credentials (no role).
        /// - Parameter accountId: The caller's account.
        /// - Returns: The target.
        public static func callerAccount(_ accountId: String) -> Target {
            Target(accountId: accountId, roleArn: nil)
        }

        /// `account via role` or `account (caller credentials)`.
        public var description: String { "\(accountId) " + (roleArn.map { "via \($0)" } ?? "(caller credentials)") }
    }

    /// How a multi-account scan runs.
    public struct Options: Sendable {
        /// How each account is scanned (Regions, policy, per-Region concurrency).
        public var scan: RotationChecker.ScanOptions
        /// How many accounts are scanned at once (default 4). Each runs up to
        /// ``RotationChecker/ScanOptions/concurrentRegions`` Regions at once; KMS quotas are per account
        /// and Region, so accounts do not compete for them.
        public var concurrentAccounts: Int
        /// The role session name, visible in each account's CloudTrail.
        public var roleSessionName: String
        /// The external ID the roles' trust policies require, if any.
        public var externalId: String?
        /// The session length requested for each role, in seconds.
        public var durationSeconds: Int

        /// Creates options.
        /// - Parameters:
        ///   - scan: How each account is scanned.
        ///   - concurrentAccounts: Accounts scanned at once; 4 by default.
        ///   - roleSessionName: ``AssumeRoleCredentialProvider/defaultSessionName`` by default.
        ///   - externalId: The roles' external ID, if any.
        ///   - durationSeconds: ``AssumeRoleCredentialProvider/defaultDurationSeconds`` by default.
        public init(
            scan: RotationChecker.ScanOptions, concurrentAccounts: Int = 4,
            roleSessionName: String = AssumeRoleCredentialProvider.defaultSessionName, externalId: String? = nil,
            durationSeconds: Int = AssumeRoleCredentialProvider.defaultDurationSeconds
        ) {
            self.scan = scan
            self.concurrentAccounts = concurrentAccounts
            self.roleSessionName = roleSessionName
            self.externalId = externalId
            self.durationSeconds = durationSeconds
        }
    }

    /// The accounts to scan (duplicates of an account ID are scanned once, the first target winning).
    package let targets: [Target]
    /// How the scan runs.
    package let options: Options
    /// The STS client: the caller's credentials, and the Region roles are assumed in.
    package let sts: STSClient
    let logger: Logger
    let clientFactory: @Sendable (_ credentials: any CredentialProvider, _ region: String) async throws -> KMSClient

    /// Creates a multi-account scan.
    /// - Parameters:
    ///   - targets: The accounts to scan.
    ///   - options: How the scan runs.
    ///   - sts: The STS client; its credential provider is the caller's identity, used directly for a
    ///     ``Target/callerAccount(_:)`` target and as the source of every `AssumeRole`.
    ///   - logger: Where the scan logs (debug: per account and Region; never credentials).
    ///   - clientFactory: Makes the KMS client of one account in one Region, signing with the given
    ///     credentials. A throw becomes a ``ScanError`` for that account and Region.
    public init(
        targets: [Target], options: Options, sts: STSClient,
        logger: Logger = Logger(label: "kms-rotation", factory: { _ in SwiftLogNoOpLogHandler() }),
        clientFactory: @escaping @Sendable (_ credentials: any CredentialProvider, _ region: String) async throws -> KMSClient
    ) {
        var seen = Set<String>()
        self.targets = targets.filter { seen.insert($0.accountId).inserted }
        self.options = options
        self.sts = sts
        self.logger = logger
        self.clientFactory = clientFactory
    }

    /// The targets for an organization: one per `ACTIVE` account (see ``OrganizationAccount/isActive``;
    /// suspended, closing and closed accounts cannot be signed into and are left out), each reached
    /// through `arn:{partition}:iam::{account}:role/{roleName}`, except the caller's own account, which
    /// is scanned with the caller's credentials (the management account usually has no
    /// `OrganizationAccountAccessRole`, and the caller needs no role to read its own account).
    /// - Parameters:
    ///   - accounts: The organization's accounts (``OrganizationsClient/allAccounts(pageSize:maximumPages:)``).
    ///   - roleName: The role to assume in each account, optionally with its path (`path/Name`).
    ///   - partition: The partition of the role ARNs (``CallerIdentity/partition``).
    ///   - callerAccountId: The caller's account (``CallerIdentity/account``); `nil` assumes the role in
    ///     every account.
    /// - Returns: The targets, in the order of `accounts`, each account once.
    public static func organizationTargets(
        accounts: [OrganizationAccount], roleName: String, partition: String, callerAccountId: String?
    ) -> [Target] {
        var seen = Set<String>()
        return accounts.filter { $0.isActive && seen.insert($0.id).inserted }.map { account in
            account.id == callerAccountId
                ? .callerAccount(account.id)
                : .role(ARN.iamRole(partition: partition, accountId: account.id, roleName: roleName))
        }
    }

    /// Scans every target and collects one report: findings sorted by Region then key ARN, scan errors
    /// (each with its account ID) sorted too.
    /// - Parameter progress: Called after each change of the counters, summed over the accounts
    ///   (`regionsTotal` is accounts × Regions), one call at a time, in order.
    /// - Returns: The merged report.
    /// - Throws: `CancellationError` when the task is cancelled.
    public func report(progress: (@Sendable (ScanProgress) -> Void)? = nil) async throws -> RotationReport {
        var seenRegions = Set<String>()
        let regionCount = options.scan.regions.filter { seenRegions.insert($0).inserted }.count
        let collected = LockedValue<(findings: [RotationFinding], errors: [ScanError])>(([], []))
        let perAccount = LockedValue<[String: ScanProgress]>([:])
        let total = targets.count * regionCount
        // Only when the caller listens: without a listener the accounts' scans count no progress at all.
        let update: (@Sendable (String, ScanProgress) -> Void)?
        if let progress {
            update = { accountId, value in
                perAccount.withLock { all in
                    all[accountId] = value
                    var sum = ScanProgress(regionsTotal: total)
                    for entry in all.values {
                        sum.regionsDone += entry.regionsDone
                        sum.keysListed += entry.keysListed
                        sum.keysEvaluated += entry.keysEvaluated
                    }
                    progress(sum)
                }
            }
        } else {
            update = nil
        }
        progress?(ScanProgress(regionsTotal: total))

        await targets.concurrentForEach(maxConcurrentTasks: options.concurrentAccounts) { target in
            await self.scan(target, regionCount: regionCount, collected: collected, update: update)
        }
        try Task.checkCancellation()
        let result = collected.current
        return RotationReport(
            findings: result.findings, errors: result.errors, policy: options.scan.policy.defaultPolicy,
            regions: options.scan.regions, generatedAt: options.scan.now())
    }

    private func scan(
        _ target: Target, regionCount: Int, collected: LockedValue<(findings: [RotationFinding], errors: [ScanError])>,
        update: (@Sendable (String, ScanProgress) -> Void)?
    ) async {
        let accountId = target.accountId
        let credentials: any CredentialProvider
        if let roleArn = target.roleArn {
            let role = AssumeRoleCredentialProvider(
                roleArn: roleArn, roleSessionName: options.roleSessionName, externalId: options.externalId,
                durationSeconds: options.durationSeconds, sts: sts, now: options.scan.now)
            logger.debug("assuming role", metadata: ["account": "\(accountId)", "role": "\(roleArn)", "region": "\(sts.region)"])
            do {
                // Assume once before scanning: a role that cannot be assumed is one error for the account,
                // not one per Region; the cache then serves (and refreshes) these credentials.
                _ = try await role.credentials()
            } catch {
                if RotationChecker.isCancellation(error) { return }
                let scanError = ScanError(region: sts.region, accountId: accountId, operation: "AssumeRole", error)
                logger.debug("account not scanned", metadata: ["account": "\(accountId)", "error": "\(scanError.code)"])
                collected.withLock { $0.errors.append(scanError) }
                update?(accountId, ScanProgress(regionsTotal: regionCount, regionsDone: regionCount))
                return
            }
            credentials = role
        } else {
            credentials = sts.configuration.credentialProvider
        }
        logger.debug("scanning account", metadata: ["account": "\(accountId)"])
        let factory = clientFactory
        let checker = RotationChecker(options: options.scan, logger: logger) { region in try await factory(credentials, region) }
        let listener: (@Sendable (ScanProgress) -> Void)?
        if let update { listener = { update(accountId, $0) } } else { listener = nil }
        guard let report = try? await checker.report(progress: listener) else { return }  // throws only when cancelled
        let errors = report.errors.map { error -> ScanError in
            var error = error
            if error.accountId == nil { error.accountId = accountId }
            return error
        }
        collected.withLock {
            $0.findings += report.findings
            $0.errors += errors
        }
    }
}
