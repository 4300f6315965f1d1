import ArgumentParser
import Foundation
import KMSRotation
import KMSRotationIaC

/// `kms-rotation iac PATH...`: the decision table on Terraform plans and CloudFormation templates, before
/// deploy (Docs/iac.md).
struct IaCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iac",
        abstract: "Judge the KMS keys of Terraform plans and CloudFormation templates before deploy.",
        discussion: """
            PATH is a Terraform plan in JSON (terraform show -json PLAN > plan.json), a CloudFormation template \
            (JSON or YAML), or a directory to search for them (cdk.out included). Same formats, suppressions \
            and exit statuses as audit; exit 1 when no plan or template could be read. See Docs/iac.md.
            """
    )

    @Argument(help: "Plan and template files, or directories to search.")
    var paths: [String]

    @Option(help: "Output format: \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", ")). Default: table.")
    var format: ReportFormat?

    @Option(name: .shortAndLong, help: "Write the report to this file instead of standard output.")
    var output: String?

    @Option(name: .customLong("max-rotation-period-days"), help: "Fail keys that rotate less often than this (90-2560).")
    var maxRotationPeriodDays: Int?

    @Flag(name: .customLong("evaluate-disabled-keys"), help: "Judge disabled keys like enabled ones.")
    var evaluateDisabledKeys = false

    @Option(
        name: .customLong("policy"),
        help: ArgumentHelp(
            "A JSON file of policy rules (see Docs/custom-policies.md): tags and aliases come from the file, the "
                + "account and Region from --account-id and --region; replaces --max-rotation-period-days and --evaluate-disabled-keys."))
    var policyFile: String?

    @Option(
        help: ArgumentHelp("A JSON file of accepted exceptions (keyId = the logical ID or resource address); see Docs/suppressions.md."))
    var suppressions: String?

    @Flag(
        name: .customLong("sarif-problems-only"),
        help: ArgumentHelp("SARIF: list only NON_COMPLIANT and INSUFFICIENT_DATA results (for GitHub code scanning)."))
    var sarifProblemsOnly = false

    @Option(
        name: .customLong("region"),
        help: ArgumentHelp("The Region the templates deploy to: policy rules by Region read it, and ASFF imports into it."))
    var securityHubRegion: String?

    @Option(
        name: .customLong("account-id"),
        help: ArgumentHelp("The account the templates deploy to: policy rules by account read it, and ASFF imports under it."))
    var accountId: String?

    func validate() throws {
        if policyFile != nil, maxRotationPeriodDays != nil || evaluateDisabledKeys {
            throw ValidationError(
                "--policy sets every policy: put the maximum period and disabled keys in the file's default instead of "
                    + "--max-rotation-period-days / --evaluate-disabled-keys.")
        }
        if let days = maxRotationPeriodDays, !RotationPolicy.allowedRotationPeriodDays.contains(days) {
            throw ValidationError("--max-rotation-period-days must be between 90 and 2560 (the periods KMS accepts); got \(days).")
        }
        if paths.isEmpty { throw ValidationError("give at least one plan, template or directory.") }
        if let accountId, accountId.count != 12 || !accountId.allSatisfy({ $0.isASCII && $0.isNumber }) {
            throw ValidationError("--account-id must be 12 digits; got '\(accountId)'.")
        }
        if let securityHubRegion {
            do { try EndpointResolver.validateRegion(securityHubRegion) } catch { throw ValidationError("--region: \(error)") }
        }
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let suppressionList = try suppressions.map(ScanArguments.loadSuppressions)
        let policies =
            try policyFile.map(ScanArguments.loadPolicyFile)
            ?? PolicyResolver(RotationPolicy(maximumRotationPeriodDays: maxRotationPeriodDays, evaluateDisabledKeys: evaluateDisabledKeys))
        let scan: IaCScan
        do {
            scan = try IaCScan.read(paths: paths)
        } catch {
            throw ValidationError("\(error)")
        }
        for skipped in scan.skipped {
            Terminal.writeError("kms-rotation: warning: skipped \(skipped)\n")
        }
        for failure in scan.failures {
            Terminal.writeError("kms-rotation: error: \(failure)\n")
        }
        guard !scan.documents.isEmpty else {
            let what =
                scan.failures.isEmpty
                ? "no Terraform plan or CloudFormation template found in \(paths.joined(separator: " "))"
                : "nothing could be read"
            Terminal.writeError("kms-rotation: \(what)\n")
            throw ExitCode(ExitStatus.failure)
        }

        // SOURCE_DATE_EPOCH makes the report byte-for-byte reproducible (its only time is generatedAt).
        let generatedAt = environment["SOURCE_DATE_EPOCH"].flatMap(TimeInterval.init).map(Date.init(timeIntervalSince1970:)) ?? Date()
        var report = scan.report(policies: policies, accountId: accountId, region: securityHubRegion, generatedAt: generatedAt)
        if let suppressionList {
            let outcome: SuppressionList.Outcome
            do {
                outcome = try suppressionList.apply(to: report, now: Date())
            } catch {
                throw ValidationError("--suppressions \(suppressions ?? ""): \(error)")
            }
            report = outcome.report
            for expired in outcome.expired {
                let day = expired.expires?.formatted(.iso8601) ?? "?"
                Terminal.writeError(
                    "kms-rotation: warning: suppression for \(ScanArguments.describe(expired)) expired on \(day); "
                        + "its finding counts again\n")
            }
            for unused in outcome.unused {
                Terminal.writeError(
                    "kms-rotation: warning: suppression for \(ScanArguments.describe(unused)) "
                        + "matched no NON_COMPLIANT or INSUFFICIENT_DATA finding\n")
            }
        }

        let toFile = output != nil
        let renderOptions = RenderOptions(
            color: !toFile && Terminal.wantsColor(fd: Terminal.standardOutput, environment: environment),
            terminalWidth: toFile ? nil : Terminal.width(fd: Terminal.standardOutput),
            sarifProblemsOnly: sarifProblemsOnly, securityHubRegion: securityHubRegion,
            fallbackAccountId: accountId, exitStatus: ExitStatus.of(report.outcome))
        let text: String
        do {
            text = try ReportRenderer().render(report, as: format ?? .table, options: renderOptions)
        } catch let error as ReportRenderingError {
            throw ValidationError("\(error) (for IaC findings: --region and --account-id)")
        }
        try AuditCommand.deliver(text, to: output)
        throw ExitCode(ExitStatus.of(report.outcome))
    }
}
