// The logic of CustomComplianceTool, in a library so that it can be tested (Examples/TestingYourTool) with the
// in-memory KMS instead of AWS. The executable (main.swift) only parses arguments, makes clients and prints.
//
// The house rules: keys tagged as PCI (`data-classification=pci`, or the older `pci=true`) rotate at least
// every `pciMaximumDays` (365 by default: PCI DSS 3.6.4 asks for a defined cryptoperiod, a year is common);
// every other key is judged by CIS AWS Foundations 3.6 (rotation on).
import Foundation
import KMSRotation

/// What the tool checks, and where.
public struct ComplianceToolOptions: Sendable, Hashable {
    /// The Regions to scan.
    public var regions: [String]
    /// The longest rotation period a PCI key may have, in days (90-2560).
    public var pciMaximumDays: Int
    /// Scan the built-in demo account instead of AWS.
    public var demo: Bool
    /// Print JSON (the library's report) instead of the tool's own text.
    public var json: Bool

    /// Creates options.
    public init(regions: [String] = [], pciMaximumDays: Int = 365, demo: Bool = false, json: Bool = false) {
        self.regions = regions
        self.pciMaximumDays = pciMaximumDays
        self.demo = demo
        self.json = json
    }

    /// The usage text.
    public static let usage = """
        usage: CustomComplianceTool [--demo] [--region R]... [--pci-max-days N] [--json]
          --demo            scan the built-in sample account (no network, no credentials)
          --region R        a Region to scan (repeat); default AWS_REGION, else us-east-1
          --pci-max-days N  the longest rotation period of a PCI key (90-2560; default 365)
          --json            print the library's JSON report instead of the summary
        exit status: 0 compliant, 1 a key is non-compliant, 2 a verdict is missing, 3 the scan could not run, 64 usage

        """

    /// Parses the tool's arguments (without the program name).
    /// - Parameters:
    ///   - arguments: The arguments, as `CommandLine.arguments.dropFirst()`.
    ///   - environment: Where `AWS_REGION` / `AWS_DEFAULT_REGION` are read.
    /// - Returns: The options.
    /// - Throws: ``ComplianceToolUsageError`` for anything unknown or out of range.
    public static func parse(_ arguments: [String], environment: [String: String] = [:]) throws -> ComplianceToolOptions {
        var options = ComplianceToolOptions()
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--demo": options.demo = true
            case "--json": options.json = true
            case "--region":
                guard let region = rest.popFirst(), !region.hasPrefix("-") else {
                    throw ComplianceToolUsageError("--region needs a Region")
                }
                options.regions.append(region)
            case "--pci-max-days":
                guard let text = rest.popFirst(), let days = Int(text), RotationPolicy.allowedRotationPeriodDays.contains(days) else {
                    throw ComplianceToolUsageError("--pci-max-days needs a number of days between 90 and 2560")
                }
                options.pciMaximumDays = days
            case "-h", "--help": throw ComplianceToolUsageError(nil)
            default: throw ComplianceToolUsageError("unknown argument '\(argument)'")
            }
        }
        if options.regions.isEmpty {
            options.regions =
                options.demo
                ? ["us-east-1", "eu-west-1", "ap-southeast-2"]
                : [environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? "us-east-1"]
        }
        return options
    }

    /// The tool's policy rules: PCI tags first, CIS for the rest.
    public var policies: PolicyResolver {
        let pci = RotationPolicy(maximumRotationPeriodDays: pciMaximumDays)
        return PolicyResolver(
            rules: [
                PolicyRule(name: "pci", tags: ["data-classification": "pci"], policy: pci),
                PolicyRule(name: "pci-legacy-tag", tags: ["pci": "true"], policy: pci),
            ], default: .cis)
    }
}

/// A command line the tool cannot use; `nil` message for `--help`.
public struct ComplianceToolUsageError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, or `nil` when help was asked for.
    public var message: String?
    /// Creates the error.
    public init(_ message: String?) { self.message = message }
    /// The message and the usage.
    public var description: String { (message.map { "error: \($0)\n" } ?? "") + ComplianceToolOptions.usage }
}

/// The tool: scans, judges every key by its rule, and says pass, fail or incomplete.
public struct ComplianceTool: Sendable {
    /// The options.
    public let options: ComplianceToolOptions
    /// Makes the KMS client of a Region (AWS, or the in-memory KMS in tests and `--demo`).
    public let clientFactory: @Sendable (String) async throws -> KMSClient
    /// The clock verdicts use.
    public let now: @Sendable () -> Date

    /// Creates the tool.
    /// - Parameters:
    ///   - options: What to check.
    ///   - now: The clock of the verdicts.
    ///   - clientFactory: The KMS client of a Region.
    public init(
        options: ComplianceToolOptions, now: @escaping @Sendable () -> Date = { Date() },
        clientFactory: @escaping @Sendable (String) async throws -> KMSClient
    ) {
        self.options = options
        self.now = now
        self.clientFactory = clientFactory
    }

    /// Scans the Regions.
    /// - Returns: The result.
    /// - Throws: `CancellationError` when cancelled.
    public func run() async throws -> ComplianceResult {
        let scanOptions = RotationChecker.ScanOptions(regions: options.regions, policy: options.policies, now: now)
        let report = try await RotationChecker(options: scanOptions, clientFactory: clientFactory).report()
        return ComplianceResult(report: report)
    }
}

/// What the tool found.
public struct ComplianceResult: Sendable {
    /// The library's report (every finding carries its `policyRule`).
    public let report: RotationReport

    /// Creates a result.
    public init(report: RotationReport) { self.report = report }

    /// The tool's verdict.
    public enum Verdict: String, Sendable {
        /// Every key passes or is out of scope, every Region was scanned.
        case pass
        /// A key is non-compliant.
        case fail
        /// No key fails, but a verdict or a Region is missing.
        case incomplete
    }

    /// The verdict, from the report's outcome.
    public var verdict: Verdict {
        switch report.outcome {
        case .passed: .pass
        case .nonCompliant: .fail
        case .incomplete: .incomplete
        }
    }

    /// The tool's exit status: 0 pass, 1 fail, 2 incomplete.
    public var exitStatus: Int32 {
        switch verdict {
        case .pass: 0
        case .fail: 1
        case .incomplete: 2
        }
    }

    /// The findings judged by each rule (`default` for CIS), by rule name.
    public var findingsByRule: [String: [RotationFinding]] {
        Dictionary(grouping: report.findings) { $0.policyRule ?? "default" }
    }

    /// The tool's own text: one line per rule, then what to fix and what could not be judged.
    public func summary() -> String {
        var lines: [String] = []
        for (rule, findings) in findingsByRule.sorted(by: { $0.key < $1.key }) {
            let counts = Compliance.allCases.compactMap { compliance -> String? in
                let count = findings.count { $0.compliance == compliance }
                return count == 0 ? nil : "\(count) \(compliance.rawValue)"
            }
            lines.append("rule \(rule): \(findings.count) key(s): \(counts.joined(separator: ", "))")
        }
        let problems = report.findings.filter { $0.compliance == .nonCompliant || $0.compliance == .insufficientData }
        for finding in problems {
            let name = finding.aliases.first ?? finding.keyArn ?? finding.keyId
            let fix = finding.remediation.map { "fix: \($0.command)" } ?? finding.message
            let rule = finding.policyRule ?? "default"
            lines.append("  \(finding.compliance.rawValue) [\(rule)] \(finding.region ?? "?") \(name) (\(finding.reason.rawValue)): \(fix)")
        }
        for error in report.errors {
            lines.append("  Region \(error.region) not scanned: \(error.operation) \(error.code)")
        }
        lines.append("verdict: \(verdict.rawValue.uppercased())")
        return lines.joined(separator: "\n") + "\n"
    }
}
