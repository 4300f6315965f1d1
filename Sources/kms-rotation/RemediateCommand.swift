import ArgumentParser
import Foundation
import KMSRotation

struct RemediateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remediate",
        abstract: "Turn on automatic rotation where the audit finds it off (a dry run unless --apply).",
        discussion: """
        Audits like `audit` (same flags), then plans one EnableKeyRotation per key to fix; a multi-Region \
        replica is fixed through its primary. Without --apply nothing is changed. With --apply the changes \
        are made after a confirmation (or --yes), each verified with GetKeyRotationStatus and, with \
        --change-log, appended to a JSON Lines file. Disabled and suppressed keys are never changed. \
        Needs kms:EnableKeyRotation (Docs/iam-permissions.md). Exit status: 0 nothing left to fix; 3 keys \
        remain non-compliant (skipped, failed or not planned); 4 only INSUFFICIENT_DATA or unscanned Regions \
        remain; 1 the run could not start; 64 usage error.
        """
    )

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var scan: ScanArguments

    @Option(name: .customLong("rotation-period-days"), help: "The rotation period to set on every changed key (90-2560). Default: the policy maximum when stricter than 365, else KMS's default (365).")
    var rotationPeriodDays: Int?

    @Flag(help: "Make the changes (otherwise only print the plan).")
    var apply = false

    @Flag(help: "With --apply: do not ask for confirmation (required when standard input is not a terminal).")
    var yes = false

    @Option(name: .customLong("change-log"), help: "With --apply: append one JSON line per change made or attempted to this file.")
    var changeLog: String?

    @Option(help: "Output: text or json.")
    var format: OutputFormat = .text

    func validate() throws {
        if let days = rotationPeriodDays, !RotationPolicy.allowedRotationPeriodDays.contains(days) {
            throw ValidationError("--rotation-period-days must be between 90 and 2560 (the periods KMS accepts); got \(days).")
        }
        if yes && !apply { throw ValidationError("--yes only confirms --apply.") }
        if changeLog != nil && !apply { throw ValidationError("--change-log records changes: it needs --apply.") }
        if scan.accounts.organization {
            throw ValidationError("remediate changes one account at a time: run it with --role-arn for each account (audit --organization lists them).")
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let outcome = try await scan.scan(environment: environment)
        let report = outcome.report
        let plan = RemediationPlan(report: report, rotationPeriodInDays: rotationPeriodDays)

        guard apply, !plan.actions.isEmpty else {
            try write(plan: plan, results: nil)
            throw ExitCode(Self.exitStatus(report: report, plan: plan, results: nil))
        }
        if !yes {
            guard Terminal.isTTY(0) else {
                throw ValidationError("--apply changes \(plan.actions.count) keys: confirm with --yes when standard input is not a terminal.")
            }
            try write(plan: plan, results: nil)
            Terminal.writeError("Apply \(plan.actions.count) change\(plan.actions.count == 1 ? "" : "s")? [y/N] ")
            guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased().trimmingCharacters(in: .whitespaces)) else {
                Terminal.writeError("kms-rotation: nothing changed.\n")
                throw ExitCode(Self.exitStatus(report: report, plan: plan, results: nil))
            }
        }

        let factory = try await scan.accounts.changeClientFactory(setup: outcome.setup, logger: outcome.logger)
        let log = try changeLog.map(ChangeLog.init(path:))
        let executor = RemediationExecutor(now: { Date() }, clientFactory: factory)
        let results = try await executor.apply(plan) { result in log?.append(result) }
        try write(plan: plan, results: results)
        throw ExitCode(Self.exitStatus(report: report, plan: plan, results: results))
    }

    /// 0 nothing left to fix; 3 a non-compliant key remains open; 4 only insufficient data or unscanned Regions remain.
    static func exitStatus(report: RotationReport, plan: RemediationPlan, results: [RemediationExecutor.Result]?) -> Int32 {
        let fixed = Set((results ?? []).filter { $0.outcome == .applied }.flatMap(\.action.fixes))
        let open = report.findings.filter { !$0.isSuppressed }
        if open.contains(where: { $0.compliance == .nonCompliant && !fixed.contains($0.keyArn ?? $0.keyId) }) { return 3 }
        if open.contains(where: { $0.compliance == .insufficientData }) || !report.errors.isEmpty { return 4 }
        return 0
    }

    private func write(plan: RemediationPlan, results: [RemediationExecutor.Result]?) throws {
        switch format {
        case .json:
            struct Output: Encodable {
                let dryRun: Bool
                let plan: RemediationPlan
                let results: [RemediationExecutor.Result]?
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            let data = try encoder.encode(Output(dryRun: results == nil, plan: plan, results: results))
            Terminal.writeOutput(String(decoding: data, as: UTF8.self))
        case .text:
            Terminal.writeOutput(Self.text(plan: plan, results: results, applying: apply))
        }
    }

    static func text(plan: RemediationPlan, results: [RemediationExecutor.Result]?, applying: Bool) -> String {
        var lines: [String] = []
        if plan.actions.isEmpty {
            lines.append("Nothing to change: no unsuppressed NON_COMPLIANT key can be fixed automatically.")
        } else if let results {
            let applied = results.count { $0.outcome == .applied }
            lines.append("Applied \(applied) of \(results.count) change\(results.count == 1 ? "" : "s"):")
            for result in results {
                var line = "  \(result.outcome.rawValue.uppercased())  \(result.action.region)  \(result.action.keyArn)"
                if let error = result.error { line += "  \(error.code): \(error.message)" }
                lines.append(line)
            }
        } else {
            lines.append("Plan: \(plan.actions.count) change\(plan.actions.count == 1 ? "" : "s")" + (applying ? ":" : " (dry run; pass --apply to make them):"))
            for action in plan.actions {
                let fixes = action.fixes.count > 1 ? " (fixes \(action.fixes.count) keys: the primary and its replicas)" : ""
                lines.append("  \(action.command)\(fixes)")
            }
        }
        if !plan.skipped.isEmpty {
            lines.append("")
            lines.append("Not changed:")
            for skipped in plan.skipped {
                lines.append("  \(skipped.key)  \(skipped.reason.rawValue)  \(skipped.why)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Appends one JSON line per remediation result, as each finishes, so an interrupted run still leaves
/// a record of what it changed.
final class ChangeLog: @unchecked Sendable {
    private let handle: FileHandle
    private let lock = NSLock()
    private let encoder: JSONEncoder

    init(path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw ValidationError("cannot create --change-log \(path)")
            }
        }
        do {
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.seekToEnd()
        } catch {
            throw ValidationError("cannot open --change-log \(path): \(error.localizedDescription)")
        }
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
    }

    func append(_ result: RemediationExecutor.Result) {
        guard var line = try? encoder.encode(result) else { return }
        line.append(UInt8(ascii: "\n"))
        lock.lock()
        defer { lock.unlock() }
        handle.write(line)
    }

    deinit { try? handle.close() }
}
