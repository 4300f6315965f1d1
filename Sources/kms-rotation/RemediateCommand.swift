import ArgumentParser
import Foundation
import KMSRotation
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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

    @Option(
        name: .customLong("rotation-period-days"),
        help: ArgumentHelp(
            "The rotation period to set on every changed key (90-2560). Default: the policy maximum when stricter than 365, else KMS's "
                + "default (365)."
        ))
    var rotationPeriodDays: Int?

    @Flag(help: "Make the changes (otherwise only print the plan).")
    var apply = false

    @Flag(help: ArgumentHelp("With --apply: do not ask for confirmation (required when standard input is not a terminal)."))
    var yes = false

    @Option(name: .customLong("change-log"), help: "With --apply: append one JSON line per change made or attempted to this file.")
    var changeLog: String?

    @Option(help: "Output: text or json.")
    var format: OutputFormat = .text

    @Flag(
        name: .customLong("rotate-now"),
        help: ArgumentHelp(
            "Instead of enabling rotation, call RotateKeyOnDemand on keys whose material is older than --max-key-material-age-days (25 "
                + "per key, ever).")
    )
    var rotateNow = false

    func validate() throws {
        if let days = rotationPeriodDays, !RotationPolicy.allowedRotationPeriodDays.contains(days) {
            throw ValidationError("--rotation-period-days must be between 90 and 2560 (the periods KMS accepts); got \(days).")
        }
        if yes && !apply { throw ValidationError("--yes only confirms --apply.") }
        if rotateNow && rotationPeriodDays != nil {
            throw ValidationError("--rotate-now rotates key material: --rotation-period-days does not apply.")
        }
        if rotateNow && scan.maxKeyMaterialAgeDays == nil && scan.policyFile == nil {
            throw ValidationError(
                "--rotate-now rotates keys whose material is too old: set --max-key-material-age-days (or a policy file with it).")
        }
        if changeLog != nil && !apply { throw ValidationError("--change-log records changes: it needs --apply.") }
        if scan.accounts.organization {
            throw ValidationError(
                "remediate changes one account at a time: run it with --role-arn for each account (audit --organization lists them).")
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let outcome = try await scan.scan(environment: environment)
        let report = outcome.report
        if rotateNow {
            let plan = OnDemandRotationPlan(report: report)
            try await rotate(plan, report: report) {
                try await scan.accounts.changeClientFactory(setup: outcome.setup, logger: outcome.logger)
            }
        }
        let plan = RemediationPlan(report: report, rotationPeriodInDays: rotationPeriodDays)

        guard apply, !plan.actions.isEmpty else {
            try writeOrExit(plan: plan)
            throw ExitCode(Self.exitStatus(report: report, plan: plan, results: nil))
        }
        if !yes {
            guard Terminal.isTTY(0) else {
                throw ValidationError(
                    "--apply changes \(plan.actions.count) keys: confirm with --yes when standard input is not a terminal.")
            }
            try writeOrExit(plan: plan)
            Terminal.writeError("Apply \(plan.actions.count) change\(plan.actions.count == 1 ? "" : "s")? [y/N] ")
            guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased().trimmingCharacters(in: .whitespaces)) else {
                Terminal.writeError("kms-rotation: nothing changed.\n")
                throw ExitCode(Self.exitStatus(report: report, plan: plan, results: nil))
            }
        }

        // The change log is opened and its first line written before anything changes: a log that
        // cannot be written (a full disk, /dev/full, a read-only file) stops the run with nothing changed.
        let log: ChangeLog?
        do {
            log = try changeLog.map { path throws(OutputError) in
                let opened = try ChangeLog(path: path)
                try opened.start(plan: plan, time: Date())
                return opened
            }
        } catch {
            Terminal.writeError("kms-rotation: \(error); nothing was changed\n")
            throw ExitCode(ExitStatus.failure)
        }
        let factory = try await scan.accounts.changeClientFactory(setup: outcome.setup, logger: outcome.logger)
        // remediate audits one account; the executor refuses any key outside it, behind the plan's own check.
        let accounts = Set(report.findings.compactMap(\.accountId))
        let executor = RemediationExecutor(accountId: accounts.count == 1 ? accounts.first : nil, now: { Date() }, clientFactory: factory)
        let results: [RemediationExecutor.Result]
        do {
            results = try await executor.apply(plan) { result in try log?.append(result) }
        } catch let interrupted as RemediationExecutor.Interrupted {
            try? write(plan: plan, results: interrupted.results)
            Terminal.writeError(
                """
                kms-rotation: \(interrupted.underlying); stopped after \(interrupted.results.count) of \(plan.actions.count) \
                changes (listed above); the others were not made.

                """)
            throw ExitCode(ExitStatus.failure)
        }
        do {
            try write(plan: plan, results: results)
        } catch let error as OutputError where !error.isBrokenPipe {
            Terminal.writeError("kms-rotation: \(error) (the changes were made\(changeLog.map { " and logged to \($0)" } ?? ""))\n")
            throw ExitCode(ExitStatus.failure)
        } catch is OutputError {}
        throw ExitCode(Self.exitStatus(report: report, plan: plan, results: results))
    }

    /// `--rotate-now`: prints the plan, or (with `--apply`, confirmed) rotates each key, logs and verifies it.
    /// Always ends the run by throwing its exit status.
    private func rotate(
        _ plan: OnDemandRotationPlan, report: RotationReport,
        factory: () async throws -> @Sendable (String) async throws -> KMSClient
    ) async throws -> Never {
        func exitStatus(_ results: [OnDemandRotator.Result]?) -> Int32 {
            let rotated = Set((results ?? []).filter { $0.outcome == .applied }.flatMap(\.action.fixes))
            let open = report.findings.filter { !$0.isSuppressed && $0.compliance == .nonCompliant }
            if open.contains(where: { !rotated.contains($0.keyArn ?? $0.keyId) }) { return ExitStatus.nonCompliant }
            if report.findings.contains(where: { $0.compliance == .insufficientData }) || !report.errors.isEmpty {
                return ExitStatus.incomplete
            }
            return ExitStatus.passed
        }
        guard apply, !plan.actions.isEmpty else {
            try? Terminal.writeOutput(Terminal.escaped(Self.text(rotations: plan, results: nil, applying: apply)))
            throw ExitCode(exitStatus(nil))
        }
        if !yes {
            guard Terminal.isTTY(0) else {
                throw ValidationError(
                    "--apply rotates \(plan.actions.count) keys: confirm with --yes when standard input is not a terminal.")
            }
            try? Terminal.writeOutput(Terminal.escaped(Self.text(rotations: plan, results: nil, applying: true)))
            Terminal.writeError("Rotate \(plan.actions.count) key\(plan.actions.count == 1 ? "" : "s") on demand? [y/N] ")
            guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased().trimmingCharacters(in: .whitespaces)) else {
                Terminal.writeError("kms-rotation: nothing changed.\n")
                throw ExitCode(exitStatus(nil))
            }
        }
        let log: ChangeLog?
        do {
            log = try changeLog.map { path throws(OutputError) in
                let opened = try ChangeLog(path: path)
                try opened.start(planned: plan.actions.map(\.keyArn), time: Date())
                return opened
            }
        } catch {
            Terminal.writeError("kms-rotation: \(error); nothing was changed\n")
            throw ExitCode(ExitStatus.failure)
        }
        let results = try await OnDemandRotator(clientFactory: factory()).apply(plan) { result in try log?.appendChange(result) }
        switch format {
        case .json:
            struct Output: Encodable { let dryRun = false; let rotations: OnDemandRotationPlan; let results: [OnDemandRotator.Result] }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            try? Terminal.writeOutput(String(decoding: try encoder.encode(Output(rotations: plan, results: results)), as: UTF8.self))
        case .text:
            try? Terminal.writeOutput(Terminal.escaped(Self.text(rotations: plan, results: results, applying: true)))
        }
        throw ExitCode(exitStatus(results))
    }

    static func text(rotations plan: OnDemandRotationPlan, results: [OnDemandRotator.Result]?, applying: Bool) -> String {
        var lines: [String] = []
        if plan.actions.isEmpty {
            lines.append("Nothing to rotate: no unsuppressed key with material older than the maximum can rotate on demand.")
        } else if let results {
            lines.append(
                "Rotated \(results.count { $0.outcome == .applied }) of \(results.count) key\(results.count == 1 ? "" : "s") on demand:")
            for result in results {
                lines.append(
                    Self.resultLine(
                        result.outcome.rawValue, region: result.action.region, keyArn: result.action.keyArn,
                        error: result.error))
            }
        } else {
            lines.append(
                "Plan: \(plan.actions.count) on-demand rotation\(plan.actions.count == 1 ? "" : "s")"
                    + (applying ? ":" : " (dry run; pass --apply to make them; each uses one of the key's 25):"))
            for action in plan.actions {
                lines.append("  \(action.command)" + (action.keyMaterialAgeDays.map { "  (material \($0) days old)" } ?? ""))
            }
        }
        lines += Self.skippedLines("Not rotated:", plan.skipped)
        return lines.joined(separator: "\n") + "\n"
    }

    /// 0 nothing left to fix; 3 a non-compliant key remains open; 4 only insufficient data or unscanned Regions remain.
    static func exitStatus(report: RotationReport, plan: RemediationPlan, results: [RemediationExecutor.Result]?) -> Int32 {
        let fixed = Set((results ?? []).filter { $0.outcome == .applied }.flatMap(\.action.fixes))
        let open = report.findings.filter { !$0.isSuppressed }
        if open.contains(where: { $0.compliance == .nonCompliant && !fixed.contains($0.keyArn ?? $0.keyId) }) {
            return ExitStatus.nonCompliant
        }
        if open.contains(where: { $0.compliance == .insufficientData }) || !report.errors.isEmpty { return ExitStatus.incomplete }
        return ExitStatus.passed
    }

    /// Prints the plan; a reader that went away ends the run quietly, any other failure exits 1.
    private func writeOrExit(plan: RemediationPlan) throws {
        do {
            try write(plan: plan, results: nil)
        } catch let error as OutputError where !error.isBrokenPipe {
            Terminal.writeError("kms-rotation: \(error)\n")
            throw ExitCode(ExitStatus.failure)
        } catch is OutputError {
            throw ExitCode(ExitStatus.passed)
        }
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
            try Terminal.writeOutput(String(decoding: data, as: UTF8.self))
        case .text:
            // Key ARNs, error messages and justifications come from outside: escaped, so nothing in them
            // reaches the terminal as a control sequence.
            try Terminal.writeOutput(Terminal.escaped(Self.text(plan: plan, results: results, applying: apply)))
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
                lines.append(
                    Self.resultLine(
                        result.outcome.rawValue, region: result.action.region, keyArn: result.action.keyArn,
                        error: result.error))
            }
        } else {
            lines.append(
                "Plan: \(plan.actions.count) change\(plan.actions.count == 1 ? "" : "s")"
                    + (applying ? ":" : " (dry run; pass --apply to make them):"))
            for action in plan.actions {
                // One command per key to change: a primary's replicas are named, not listed again.
                let replicas = action.fixes.filter { $0 != action.keyArn }.map { ARN($0)?.region ?? "an unknown Region" }
                let note = SharedRemediation.alsoFixesNote(regions: replicas).map { "  # \($0)" } ?? ""
                lines.append("  \(action.command)\(note)")
            }
        }
        lines += Self.skippedLines("Not changed:", plan.skipped)
        return lines.joined(separator: "\n") + "\n"
    }

    /// `  APPLIED  eu-west-1  arn:…  Code: message`: one result of either kind of change.
    static func resultLine(_ outcome: String, region: String, keyArn: String, error: EvidenceError?) -> String {
        "  \(outcome.uppercased())  \(region)  \(keyArn)" + (error.map { "  \($0.code): \($0.message)" } ?? "")
    }

    /// The keys a plan leaves alone, under a title, after a blank line; nothing when there are none.
    static func skippedLines(_ title: String, _ skipped: [RemediationPlan.Skipped]) -> [String] {
        guard !skipped.isEmpty else { return [] }
        return ["", title] + skipped.map { "  \($0.key)  \($0.reason.rawValue)  \($0.why)" }
    }
}

/// One `"event": "change"` line: the result's members plus the event.
private struct ChangeEntry<Result: Encodable>: Encodable {
    let result: Result
    enum Key: String, CodingKey { case event }
    func encode(to encoder: any Encoder) throws {
        try result.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode("change", forKey: .event)
    }
}

/// The `--change-log` file: JSON Lines, appended to, written as each change happens.
///
/// The first line (`"event": "start"`) is written before any change, with the planned actions: it proves
/// the file can be written. Then one `"event": "change"` line per change made or attempted, written
/// with one `write(2)` and synced to disk (regular files) before the next change starts. The file
/// follows the `--output` rules (OutputFile): links are followed, devices and FIFOs written as they are,
/// a new file gets mode 0666 less the umask.
final class ChangeLog: @unchecked Sendable {
    private let fd: Int32
    private let path: String
    private let isRegularFile: Bool
    private let lock = NSLock()
    private let encoder: JSONEncoder

    init(path: String) throws(OutputError) {
        self.path = path
        fd = try OutputFile.openForAppending(path, option: "--change-log")
        isRegularFile = OutputFile.isRegularFile(fd)
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
    }

    /// Writes the first line: when the run started and what it is about to change.
    func start(plan: RemediationPlan, time: Date) throws(OutputError) {
        try start(planned: plan.actions.map(\.keyArn), time: time)
    }

    /// Writes the first line for any kind of change: the keys about to change.
    func start(planned: [String], time: Date) throws(OutputError) {
        struct Start: Encodable {
            let event = "start"
            let time: Date
            let planned: [String]
        }
        try write(Start(time: time, planned: planned))
    }

    /// Appends one change of any kind (an on-demand rotation), synced before returning.
    func appendChange(_ result: some Encodable) throws(OutputError) {
        try write(ChangeEntry(result: result))
    }

    /// Appends one change, synced before returning.
    func append(_ result: RemediationExecutor.Result) throws(OutputError) {
        struct Change: Encodable {
            let result: RemediationExecutor.Result
            enum Key: String, CodingKey { case event }
            func encode(to encoder: any Encoder) throws {
                try result.encode(to: encoder)
                var container = encoder.container(keyedBy: Key.self)
                try container.encode("change", forKey: .event)
            }
        }
        try write(Change(result: result))
    }

    private func write(_ entry: some Encodable) throws(OutputError) {
        let target = "--change-log \(path)"
        var line: Data
        do {
            line = try encoder.encode(entry)
        } catch {
            throw OutputError(target: target, code: 0, reason: "cannot encode the entry: \(error)")
        }
        line.append(UInt8(ascii: "\n"))
        lock.lock()
        defer { lock.unlock() }
        try OutputFile.writeAll(line, to: fd, target: target)
        if isRegularFile, fsync(fd) != 0 { throw OutputError(target: target, code: errno) }
    }

    deinit { close(fd) }
}
