import ArgumentParser
import Foundation
import KMSRotation
import KMSRotationTesting
import Logging

/// What to scan and how to judge it: the flags `audit` and `remediate` share.
struct ScanArguments: ParsableArguments {
    @Option(name: .customLong("region"), help: "A Region to scan (repeat for several). Default: the configured Region.")
    var regions: [String] = []

    @Flag(name: .customLong("all-regions"), help: "Scan every Region where KMS runs in the partition.")
    var allRegions = false

    @Option(help: "The profile of the shared config files to use.")
    var profile: String?

    @Option(name: .customLong("endpoint-url"), help: "A custom KMS endpoint (http:// only for loopback hosts).")
    var endpointURL: String?

    @OptionGroup(title: "Accounts (default: the caller's own account)")
    var accounts: AccountSelection

    @Option(name: .customLong("max-rotation-period-days"), help: "Fail keys that rotate less often than this (90-2560).")
    var maxRotationPeriodDays: Int?

    @Flag(name: .customLong("evaluate-disabled-keys"), help: "Judge disabled keys like enabled ones.")
    var evaluateDisabledKeys = false

    @Option(
        name: .customLong("max-key-material-age-days"),
        help: ArgumentHelp(
            "Fail keys that can rotate whose current key material is older than this many days (reads each such key's rotation history)."))
    var maxKeyMaterialAgeDays: Int?

    @Option(
        name: .customLong("evidence"),
        help: ArgumentHelp(
            "Gather more evidence (repeat or comma-separate): rotations (one ListKeyRotations walk per key that can rotate), last-use "
                + "(GetKeyLastUsage, 5 per second per Region)."
        ))
    var evidence: [String] = []

    @Option(
        name: .customLong("policy"),
        help: ArgumentHelp(
            "A JSON file of policy rules per account, Region, alias or tag (see Docs/custom-policies.md); replaces "
                + "--max-rotation-period-days and --evaluate-disabled-keys."
        ))
    var policyFile: String?

    @Option(help: "KMS calls in flight per Region (1-64).")
    var concurrency: Int = 8

    @Option(
        help: ArgumentHelp(
            "A JSON file of accepted exceptions (see Docs/suppressions.md); suppressed findings stay in the report but do not fail the run."
        ))
    var suppressions: String?

    @Flag(help: "Use a built-in sample account (no network, no credentials).")
    var demo = false

    @Flag(name: .shortAndLong, help: "Log each KMS call to standard error (never credentials).")
    var verbose = false

    @Option(
        name: .customLong("max-wait"),
        help: ArgumentHelp(
            "How long, scan-wide, throttled calls and failed listing pages keep being retried (adaptive retry mode): seconds, or 90s, "
                + "10m, 1h. Default 5m."
        ))
    var maxWait: String = "5m"

    @Option(
        name: .customLong("max-requests-per-second"),
        help: ArgumentHelp("Cap this scan's own KMS requests per second, per account and Region, to leave quota for production."))
    var maxRequestsPerSecond: Double?

    @Option(
        name: .customLong("http-client"),
        help: ArgumentHelp(
            "The HTTP stack: nio (SwiftNIO; about a third of URLSession's CPU per request; the default) or urlsession "
                + "(Foundation's; on Linux libcurl, which also reads curl's own settings such as CURL_CA_BUNDLE; the default "
                + "in a build with --disable-default-traits). Both honour HTTPS_PROXY, HTTP_PROXY and NO_PROXY; nio also "
                + "AWS_CA_BUNDLE.",
            valueName: "client"))
    var httpClient: HTTPClientChoice = .default

    @Option(name: .customLong("list-keys-page-size"), help: .hidden)
    var listKeysPageSize: Int = 1000

    func validate() throws {
        if let days = maxKeyMaterialAgeDays, days < 1 {
            throw ValidationError("--max-key-material-age-days must be at least 1; got \(days).")
        }
        _ = try evidenceKinds()
        if policyFile != nil, maxRotationPeriodDays != nil || evaluateDisabledKeys || maxKeyMaterialAgeDays != nil {
            throw ValidationError(
                "--policy sets every policy: put the maximum period and disabled keys in the file's default instead of "
                    + "--max-rotation-period-days / --evaluate-disabled-keys.")
        }
        if let days = maxRotationPeriodDays, !RotationPolicy.allowedRotationPeriodDays.contains(days) {
            throw ValidationError("--max-rotation-period-days must be between 90 and 2560 (the periods KMS accepts); got \(days).")
        }
        guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 64; got \(concurrency).") }
        guard (1...1000).contains(listKeysPageSize) else { throw ValidationError("--list-keys-page-size must be between 1 and 1000.") }
        guard Self.duration(maxWait) != nil else {
            throw ValidationError("--max-wait must be a positive duration in seconds or with a unit (90, 90s, 10m, 1h); got '\(maxWait)'.")
        }
        if let rate = maxRequestsPerSecond, !(rate >= 0.1 && rate <= 10_000) {
            throw ValidationError("--max-requests-per-second must be between 0.1 and 10000; got \(rate).")
        }
        if allRegions && !regions.isEmpty { throw ValidationError("--all-regions and --region cannot be combined.") }
        if demo && (profile != nil || endpointURL != nil) {
            throw ValidationError("--demo uses a built-in account: --profile and --endpoint-url do not apply.")
        }
        if demo && accounts.isSelected {
            throw ValidationError("--demo uses a built-in account: --organization, --role-name, --role-arn and --external-id do not apply.")
        }
    }

    /// `--max-wait` as a duration: seconds, or a number with `s`, `m` or `h`; `nil` when not positive.
    static func duration(_ text: String) -> Duration? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        var number = Substring(text.trimmingCharacters(in: .whitespaces))
        var scale = 1.0
        if let last = number.last, let unit = units[last] {
            scale = unit
            number = number.dropLast()
        }
        guard let value = Double(number), value.isFinite, value > 0, value * scale <= 86_400 else { return nil }
        return .milliseconds(Int64(value * scale * 1000))
    }

    /// The pacing the flags describe.
    var pacing: ScanSetup.Pacing {
        ScanSetup.Pacing(
            maxWait: Self.duration(maxWait) ?? .seconds(300), maxRequestsPerSecond: maxRequestsPerSecond, concurrency: concurrency)
    }

    /// The policy the flags describe.
    var policy: RotationPolicy {
        RotationPolicy(
            maximumRotationPeriodDays: maxRotationPeriodDays, evaluateDisabledKeys: evaluateDisabledKeys,
            maximumKeyMaterialAgeDays: maxKeyMaterialAgeDays)
    }

    /// The `--evidence` values as a set.
    /// - Throws: `ValidationError` for a value that is not one of the kinds.
    func evidenceKinds() throws -> RotationChecker.EvidenceKinds {
        var kinds: RotationChecker.EvidenceKinds = []
        for value in evidence.flatMap({ $0.split(separator: ",") }) {
            switch value.trimmingCharacters(in: .whitespaces) {
            case "rotations": kinds.insert(.rotations)
            case "last-use": kinds.insert(.lastUse)
            default: throw ValidationError("--evidence accepts rotations and last-use; got '\(value)'.")
            }
        }
        return kinds
    }

    /// The policies: the `--policy` file's rules, or the one policy the flags describe.
    /// - Throws: `ValidationError` (exit 64) naming the file and the rule at fault.
    func policies() throws -> PolicyResolver {
        guard let policyFile else { return PolicyResolver(policy) }
        return try Self.loadPolicyFile(policyFile)
    }

    /// Reads a policy file before anything is scanned, so a typo fails fast (exit 64).
    static func loadPolicyFile(_ path: String) throws -> PolicyResolver {
        try readInput(path, option: "--policy") { try PolicyResolver(policyFile: $0) }
    }

    /// Reads and parses the file an option names; either failure is bad input (exit 64) naming the option.
    static func readInput<T>(_ path: String, option: String, parse: (Data) throws -> T) throws -> T {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            var isDirectory: ObjCBool = false
            let reason =
                !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
                ? "no such file" : isDirectory.boolValue ? "it is a directory" : "it is not readable"
            throw ValidationError("cannot read \(option) \(path): \(reason)")
        }
        do {
            return try parse(data)
        } catch {
            throw ValidationError("\(option) \(path): \(error)")
        }
    }

    /// A logger on standard error: debug with `--verbose`, warnings otherwise. Every line passes
    /// ``SafeLogHandler`` (control characters made visible, secrets removed).
    func makeLogger() -> Logger {
        var logger = Logger(label: "kms-rotation") { SafeLogHandler(wrapping: StreamLogHandler.standardError(label: $0)) }
        logger.logLevel = verbose ? .debug : .warning
        return logger
    }

    /// What a scan produced, and what later steps (remediation) need to reach the same account.
    struct Outcome {
        var report: RotationReport
        var setup: ScanSetup
        var logger: Logger
    }

    /// Loads the suppressions, sets up (demo or live), scans, applies the suppressions.
    /// - Throws: `ValidationError` (exit 64) for bad input; `ExitCode(1)` after printing why when the scan
    ///   cannot run.
    func scan(environment: [String: String]) async throws -> Outcome {
        let logger = makeLogger()
        let suppressionList = try suppressions.map(Self.loadSuppressions)
        let policies = try policies()
        let setup: ScanSetup
        do {
            setup =
                demo
                ? try ScanSetup.demo(regions: regions, allRegions: allRegions, logger: logger)
                : try await ScanSetup.live(
                    environment: environment, profile: profile, endpointURL: endpointURL, regions: regions,
                    allRegions: allRegions, pacing: pacing, httpClient: httpClient, logger: logger)
        } catch let error as ValidationError {
            throw error
        } catch {
            Terminal.writeError("kms-rotation: \(error)\n")
            throw ExitCode(ExitStatus.failure)
        }

        if let suppressionList {
            // An alias or key ID that could match in several accounts or Regions is refused before scanning.
            do {
                try suppressionList.validateScope(accountCount: accounts.organization ? nil : 1, regions: setup.regions)
            } catch {
                throw ValidationError("--suppressions \(suppressions ?? ""): \(error)")
            }
        }
        var options = RotationChecker.ScanOptions(
            regions: setup.regions, policy: policies, concurrencyPerRegion: concurrency,
            listKeysPageSize: listKeysPageSize, now: setup.now)
        options.evidence = try evidenceKinds()
        let showProgress = Terminal.isTTY(Terminal.standardError) && !verbose
        let limiters = setup.limiters
        let progress: (@Sendable (ScanProgress) -> Void)? =
            showProgress ? { @Sendable progress in Terminal.printProgress(progress, pacing: limiters?.totals) } : nil
        var report =
            try await accounts.isSelected
            ? accounts.report(setup: setup, options: options, logger: logger, progress: progress)
            : RotationChecker(options: options, logger: logger, clientFactory: setup.clientFactory).report(progress: progress)
        if showProgress { Terminal.writeControl("\r\u{1B}[2K") }
        if let suppressionList {
            let outcome: SuppressionList.Outcome
            do {
                outcome = try suppressionList.apply(to: report, now: setup.now())
            } catch {
                throw ValidationError("--suppressions \(suppressions ?? ""): \(error)")
            }
            report = outcome.report
            for expired in outcome.expired {
                Terminal.writeError(
                    "kms-rotation: warning: suppression for \(Self.describe(expired)) expired on "
                        + "\(expired.expires?.formatted(.iso8601) ?? "?"); its finding counts again\n"
                )
            }
            for unused in outcome.unused {
                Terminal.writeError(
                    "kms-rotation: warning: suppression for \(Self.describe(unused)) matched no NON_COMPLIANT or INSUFFICIENT_DATA "
                        + "finding\n"
                )
            }
        }
        return Outcome(report: report, setup: setup, logger: logger)
    }

    /// Reads the suppression file before anything is scanned, so a typo fails fast (exit 64).
    static func loadSuppressions(_ path: String) throws -> SuppressionList {
        try readInput(path, option: "--suppressions") { try SuppressionList.decode($0) }
    }

    static func describe(_ suppression: Suppression) -> String {
        let target = suppression.keyArn ?? suppression.alias ?? suppression.keyId ?? "?"
        return suppression.reason.map { "\(target) (\($0.rawValue))" } ?? target
    }
}
