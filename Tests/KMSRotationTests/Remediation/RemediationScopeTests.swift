import Foundation
import Testing
@testable import KMSRotation
import KMSRotationTesting

/// Remediation never changes a key outside the audited account, and its suggested commands are safe to
/// paste into a shell (Docs/security.md).
@Suite("Remediation scope and quoting")
struct RemediationScopeTests {
    @Test(
        "Arguments are POSIX-quoted only where a shell would read them differently",
        arguments: [
            (
                "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
            ),
            ("us-east-1", "us-east-1"),
            ("key/x;touch /tmp/pwned", "'key/x;touch /tmp/pwned'"),
            ("$(id)", "'$(id)'"),
            ("`id`", "'`id`'"),
            ("it's", #"'it'\''s'"#),
            ("", "''"),
            ("a b", "'a b'"),
        ])
    func shellQuoting(argument: String, quoted: String) {
        #expect(Remediation.shellQuoted(argument) == quoted)
    }

    @Test("A quoted command reads back, through a real shell, as the same arguments")
    func quotedCommandRoundTripsThroughSh() throws {
        let hostile = "arn:aws:kms:us-east-1:111122223333:key/x';touch /tmp/kms-rotation-quote-test;'$(id)`id`\\\"\n"
        let command = Remediation(action: .enableKeyRotation, keyArn: hostile, region: "us-east-1").command
        // `printf '%s\0'` stands in for `aws`: it prints each argument it receives, NUL-terminated.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "aws() { printf '%s\\0' \"$@\"; }; " + command]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let arguments = data.split(separator: 0, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
        #expect(arguments == ["kms", "enable-key-rotation", "--key-id", hostile, "--region", "us-east-1"])
        #expect(!FileManager.default.fileExists(atPath: "/tmp/kms-rotation-quote-test"))
    }

    @Test("A replica whose primary is in another account is skipped, with the account named")
    func crossAccountPrimaryIsSkipped() async throws {
        var report = try await RemediationTests.audit(SampleAccount.demo())
        let index = try #require(report.findings.firstIndex { $0.key.multiRegionKeyType == .replica && $0.compliance == .nonCompliant })
        let foreign = "arn:aws:kms:us-east-1:999988887777:key/mrk-0123456789abcdef0123456789abcdef"
        report.findings[index].remediation = Remediation(action: .enableKeyRotation, keyArn: foreign, region: "us-east-1")
        let plan = RemediationPlan(report: report)
        #expect(!plan.actions.contains { $0.keyArn == foreign })
        let skipped = try #require(plan.skipped.first { $0.key == report.findings[index].keyArn })
        #expect(skipped.why.hasPrefix("primary in account 999988887777: fix it there"))
        // The in-account primary is still fixed, now for itself alone.
        #expect(plan.actions.first { $0.keyArn.contains("mrk-") }?.fixes.count == 1)
    }

    @Test("A remediation target that is not a KMS key ARN is skipped")
    func invalidTargetIsSkipped() async throws {
        var report = try await RemediationTests.audit(SampleAccount.demo())
        let index = try #require(report.findings.firstIndex { $0.compliance == .nonCompliant && $0.key.multiRegionKeyType == nil })
        report.findings[index].remediation = Remediation(
            action: .enableKeyRotation, keyArn: "arn:aws:kms:us-east-1:111122223333:key/x;id", region: "us-east-1")
        let plan = RemediationPlan(report: report)
        #expect(plan.skipped.contains { $0.why == "the key ARN to change is not a valid KMS key ARN" })
    }

    @Test("The executor refuses, without a call, an action on another account's key")
    func executorRefusesOtherAccounts() async throws {
        let kms = SampleAccount.demo()
        let plan = RemediationPlan(report: try await RemediationTests.audit(kms))
        var outside = plan
        outside.actions[0].keyArn = "arn:aws:kms:us-east-1:999988887777:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        let recorder = RequestRecorder()
        let results = try await RemediationExecutor(accountId: "111122223333") { region in
            try KMSClient(
                AWSClientConfiguration(
                    region: region, credentialProvider: RemediationTests.credentials,
                    transport: MockTransport.recording(kms, into: recorder), sleeper: { _ in }, now: { SampleAccount.referenceDate }))
        }.apply(outside)
        #expect(results[0].outcome == .failed)
        #expect(results[0].error?.code == "OutOfScope")
        let targets = await recorder.requests.map { String(decoding: $0.body, as: UTF8.self) }
        #expect(!targets.contains { $0.contains("999988887777") }, "no request named the other account's key")
        #expect(results.dropFirst().allSatisfy { $0.outcome == .applied })
    }

    @Test("When recording a result fails, no further change is started and the results so far are returned")
    func recordingFailureStopsChanges() async throws {
        struct DiskFull: Error {}
        let kms = SampleAccount.demo()
        let before = try await RemediationTests.audit(kms)
        let plan = RemediationPlan(report: before)
        #expect(plan.actions.count == 3)
        let executor = RemediationExecutor(concurrency: 1, clientFactory: RemediationTests.factory(kms))
        let interrupted = try await #require(throws: RemediationExecutor.Interrupted.self) {
            try await executor.apply(plan) { _ in throw DiskFull() }
        }
        #expect(interrupted.results.count == 1)
        #expect(interrupted.underlying is DiskFull)
        let after = try await RemediationTests.audit(kms)
        let fixedByFirst = interrupted.results[0].action.fixes.count
        #expect(
            after.findings.count { $0.compliance == .nonCompliant } == before.findings.count { $0.compliance == .nonCompliant }
                - fixedByFirst,
            "only the first action's keys changed; the other two actions were never started")
    }
}
