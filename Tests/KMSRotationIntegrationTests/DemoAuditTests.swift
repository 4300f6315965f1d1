import Foundation
import Testing
import KMSRotation

/// `kms-rotation audit --demo`, run as users run it: the real binary, no network, no credentials.
@Suite("kms-rotation audit --demo", .enabled(if: CLIBinary.path != nil, "kms-rotation binary not built"))
struct DemoAuditTests {
    /// The verdict the decision table gives each demo key (SampleAccount's table), by Region and alias.
    static let expected: [String: FindingReason] = [
        "us-east-1 alias/orders": .rotationEnabled, "us-east-1 alias/payments": .rotationEnabled,
        "us-east-1 alias/archive": .rotationEnabled, "us-east-1 alias/legacy-app": .rotationDisabled,
        "us-east-1 alias/retired-batch": .keyDisabled, "us-east-1 alias/paused-reports": .keyDisabled,
        "us-east-1 alias/old-exports": .pendingDeletion, "us-east-1 alias/aws/s3": .awsManagedKey,
        "us-east-1 alias/aws/acm": .awsManagedKey, "us-east-1 alias/code-signing": .asymmetricKey,
        "us-east-1 alias/device-auth": .asymmetricKey, "us-east-1 alias/pq-signing": .asymmetricKey,
        "us-east-1 alias/webhook-mac": .hmacKey, "us-east-1 alias/byok-ledger": .importedKeyMaterial,
        "us-east-1 alias/byok-pending": .pendingImport, "us-east-1 alias/hsm-vault": .customKeyStore,
        "us-east-1 alias/xks-partner": .customKeyStore, "us-east-1 alias/xks-offline": .keyUnavailable,
        "us-east-1 alias/global-orders": .rotationDisabled, "us-east-1 alias/quantum-ready": .unsupportedKeySpec,
        "us-east-1 (none)": .rotationEnabled,
        "eu-west-1 alias/global-orders": .rotationDisabled, "eu-west-1 alias/eu-customers": .rotationEnabled,
        "eu-west-1 alias/eu-analytics": .rotationDisabled, "eu-west-1 alias/aws/ebs": .awsManagedKey,
        "eu-west-1 alias/sunset-global": .pendingReplicaDeletion,
        "ap-southeast-2 alias/sunset-global": .rotationEnabled, "ap-southeast-2 alias/global-orders": .keyStateTransitional,
        "ap-southeast-2 alias/au-billing": .rotationEnabled, "ap-southeast-2 alias/aws/rds": .awsManagedKey,
    ]

    @Test("JSON: every demo key's verdict matches the decision table; exit status 3")
    func json() throws {
        let result = try CLIBinary.run(["audit", "--demo", "--format", "json"])
        #expect(result.status == 3, "stderr: \(result.stderr)")
        let report = try JSONDecoder().decode(RotationReport.self, from: Data(result.stdout.utf8))
        #expect(report.findings.count == Self.expected.count)
        var seen: [String: FindingReason] = [:]
        for finding in report.findings {
            let key = "\(finding.region ?? "?") \(finding.aliases.first ?? "(none)")"
            #expect(seen[key] == nil, "two findings for \(key)")
            seen[key] = finding.reason
        }
        #expect(seen == Self.expected)
        #expect(report.errors.map { "\($0.region) \($0.operation) \($0.code)" } == ["ap-east-1 ListKeys UnrecognizedClientException"])
        #expect(report.summary.nonCompliant == 4)
        let replica = try #require(report.findings.first { $0.region == "eu-west-1" && $0.aliases == ["alias/global-orders"] })
        #expect(replica.remediation?.region == "us-east-1")
        #expect(replica.remediation?.keyArn == replica.key.primaryKeyArn)
    }

    @Test("Table by default, piped too: aligned, no colour when not a terminal, a summary line; exit status 3")
    func table() throws {
        let result = try CLIBinary.run(["audit", "--demo"])
        #expect(result.stdout.hasPrefix("REGION "))
        #expect(result.status == 3)
        #expect(!result.stdout.contains("\u{1B}"))
        #expect(
            result.stdout.contains("30 keys: 4 NON_COMPLIANT, 1 INSUFFICIENT_DATA, 7 COMPLIANT, 18 NOT_APPLICABLE; 1 region not scanned"))
        #expect(result.stderr.isEmpty, "no progress output when stderr is not a terminal: \(result.stderr)")
    }

    @Test("A policy maximum turns the 730-day key non-compliant")
    func maximumPeriod() throws {
        let result = try CLIBinary.run(["audit", "--demo", "--format", "json", "--max-rotation-period-days", "365"])
        #expect(result.status == 3)
        let report = try JSONDecoder().decode(RotationReport.self, from: Data(result.stdout.utf8))
        let archive = try #require(report.findings.first { $0.aliases == ["alias/archive"] })
        #expect(archive.reason == .rotationPeriodTooLong)
        #expect(archive.remediation?.rotationPeriodInDays == 365)
        #expect(report.policy.maximumRotationPeriodDays == 365)
    }

    @Test("Only enabled Regions: no scan error; a single clean Region exits 0")
    func exitStatuses() throws {
        let clean = try CLIBinary.run(["audit", "--demo", "--region", "ap-southeast-2", "--format", "json"])
        #expect(clean.status == 4, "ap-southeast-2 has a replica being created (INSUFFICIENT_DATA): \(clean.stderr)")
        let notEnabled = try CLIBinary.run(["audit", "--demo", "--region", "ap-east-1", "--format", "json"])
        #expect(notEnabled.status == 4)
    }

    @Test("Every format renders from the demo and is written to --output", arguments: ReportFormat.allCases)
    func formats(_ format: ReportFormat) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("demo-\(UUID().uuidString).\(format.fileExtension)")
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try CLIBinary.run(["audit", "--demo", "--format", format.rawValue, "--output", file.path])
        #expect(result.status == 3, "\(format): \(result.stderr)")
        #expect(result.stdout.isEmpty)
        let written = try String(contentsOf: file, encoding: .utf8)
        #expect(written.count > 200)
        #expect(!written.contains("\u{1B}"), "no colour in files")
    }

    @Test(
        "Usage errors exit 64 with a message",
        arguments: [
            ["audit", "--demo", "--max-rotation-period-days", "30"],
            ["audit", "--demo", "--format", "xml"],
            ["audit", "--demo", "--concurrency", "0"],
            ["audit", "--all-regions", "--region", "us-east-1"],
            ["audit", "--no-such-flag"],
        ])
    func usageErrors(_ arguments: [String]) throws {
        let result = try CLIBinary.run(arguments)
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
        #expect(!result.stderr.isEmpty)
    }

    @Test("No credentials or a non-loopback http endpoint: exit 1 with the reason, nothing sent")
    func cannotRun() throws {
        let noCredentials = try CLIBinary.run(
            ["audit", "--region", "us-east-1", "--format", "json"],
            environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "", "HOME": "/nonexistent"])
        #expect(noCredentials.status == 1)
        #expect(noCredentials.stderr.contains("credentials"), "\(noCredentials.stderr)")
        let insecure = try CLIBinary.run(
            ["audit", "--region", "us-east-1", "--endpoint-url", "http://10.1.2.3:4566"],
            environment: ["AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "secret-value-never-printed"])
        #expect(insecure.status == 1)
        #expect(insecure.stderr.contains("loopback"), "\(insecure.stderr)")
        #expect(!insecure.stderr.contains("secret-value-never-printed"))
    }

    @Test("--version and --help")
    func versionAndHelp() throws {
        let version = try CLIBinary.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == LibraryVersion.current)
        let help = try CLIBinary.run(["audit", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--max-rotation-period-days"))
    }
}

extension DemoAuditTests {
    @Test("--suppressions: accepted exceptions stay in the report, change the exit status, warn about stale entries")
    func suppressions() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("suppressions-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        // Every finding that fails the demo run: its four NON_COMPLIANT keys and the replica being created.
        // An alias names a different key in each Region, so each suppression by alias names its Region.
        // The expiry dates are compared with the demo's fixed clock (2026-01-15), never the real one.
        try Data(
            #"""
            {"suppressions": [
              {"alias": "alias/legacy-app", "region": "us-east-1", "justification": "Retired in Q1; SEC-1234", "expires": "2026-06-30"},
              {"alias": "alias/eu-analytics", "region": "eu-west-1", "reason": "rotationDisabled", "justification": "Owned by the data team; SEC-99"},
              {"alias": "alias/global-orders", "region": "us-east-1", "justification": "Primary: migration planned"},
              {"alias": "alias/global-orders", "region": "eu-west-1", "justification": "Replica: migration planned"},
              {"keyArn": "arn:aws:kms:us-east-1:111122223333:key/does-not-exist", "justification": "stale entry"},
              {"alias": "alias/orders", "region": "us-east-1", "justification": "expired", "expires": "2025-12-31"}
            ]}
            """#.utf8
        ).write(to: file)
        let result = try CLIBinary.run([
            "audit", "--demo", "--region", "us-east-1", "--region", "eu-west-1", "--format", "json", "--suppressions", file.path,
        ])
        #expect(result.status == 0, "all NON_COMPLIANT findings suppressed and nothing else open: \(result.stderr)")
        let report = try JSONDecoder().decode(RotationReport.self, from: Data(result.stdout.utf8))
        #expect(report.summary.nonCompliant == 4, "verdicts are unchanged")
        #expect(report.suppressedCount == 4)
        #expect(result.stderr.contains("does-not-exist"))
        #expect(result.stderr.contains("matched no NON_COMPLIANT"))
        #expect(result.stderr.contains("alias/orders"), "a compliant key's suppression is reported as unused")

        let invalid = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: invalid) }
        try Data(#"{"suppressions": [{"alias": "alias/x"}]}"#.utf8).write(to: invalid)
        let bad = try CLIBinary.run(["audit", "--demo", "--suppressions", invalid.path])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("missing justification"))
        let missing = try CLIBinary.run(["audit", "--demo", "--suppressions", "/nonexistent/suppressions.json"])
        #expect(missing.status == 64)

        // An alias without a Region, in an audit of several Regions, could match a different key in each.
        let ambiguous = FileManager.default.temporaryDirectory.appendingPathComponent("ambiguous-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: ambiguous) }
        try Data(#"{"suppressions": [{"alias": "alias/global-orders", "justification": "j"}]}"#.utf8).write(to: ambiguous)
        let refused = try CLIBinary.run(["audit", "--demo", "--suppressions", ambiguous.path])
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("needs region"), "\(refused.stderr)")
        let oneRegion = try CLIBinary.run(["audit", "--demo", "--region", "us-east-1", "--suppressions", ambiguous.path])
        #expect(oneRegion.status != 64, "in a one-Region audit the alias is unambiguous: \(oneRegion.stderr)")
    }
}

extension DemoAuditTests {
    /// `script` (util-linux) gives the CLI a pseudo-terminal, as a person's shell does.
    static let script: String? = ["/usr/bin/script", "/bin/script"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(
        "On a terminal: a coloured table and progress; NO_COLOR turns colour off",
        .enabled(if: script != nil && CLIBinary.path != nil, "util-linux script is not installed: terminal test skipped"))
    func terminal() throws {
        let binary = try #require(CLIBinary.path)
        let command = "\(binary) audit --demo --region us-east-1"
        let coloured = try CLIBinary.runCommand(try #require(Self.script), ["-qec", command, "/dev/null"])
        #expect(coloured.stdout.contains("\u{1B}[31mNON_COMPLIANT"), "red NON_COMPLIANT on a terminal")
        #expect(coloured.stdout.contains("scanning: regions"), "progress on a terminal's standard error")
        let plain = try CLIBinary.runCommand(try #require(Self.script), ["-qec", command, "/dev/null"], environment: ["NO_COLOR": "1"])
        #expect(!plain.stdout.contains("\u{1B}[31m"))
        #expect(plain.stdout.contains("NON_COMPLIANT"))
    }
}
