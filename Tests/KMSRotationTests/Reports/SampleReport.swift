import Foundation
import KMSRotation

/// The one deterministic report every format is rendered from in the golden-file tests: every verdict,
/// several reasons, a multi-Region replica whose fix targets its primary, hostile aliases (a comma and a
/// quote; a leading `=`; a pipe and backticks) and a Region that could not be scanned.
enum SampleReport {
    /// 2026-11-29T06:00:00Z.
    static let generatedAt = Date(timeIntervalSince1970: 1_795_932_000)
    /// A maximum period, so that `rotationPeriodTooLong` appears too.
    static let policy = RotationPolicy(maximumRotationPeriodDays: 365)
    /// Pinned so that a version bump does not change the golden files.
    static let options = RenderOptions(toolVersion: "0.1.0", exitStatus: 3)

    static let accessDenied = EvidenceError(
        operation: "GetKeyRotationStatus", code: "AccessDeniedException",
        message:
            "User: arn:aws:sts::111122223333:assumed-role/Auditor/audit is not authorized to perform: kms:GetKeyRotationStatus on this resource because no resource-based policy allows the kms:GetKeyRotationStatus action",
        httpStatus: 400, requestId: "0f4c1c7e-5d55-4c1e-9a38-3e3c4a7a1d2b")

    static let report: RotationReport = {
        func judge(_ key: KMSKey, _ evidence: RotationEvidence, aliases: [String] = []) -> RotationFinding {
            RotationChecker.evaluate(key: key, rotation: evidence, aliases: aliases, policy: policy, now: generatedAt)
        }
        // fixed-clock: rendered in reports generated at `generatedAt`; nothing compares it with a clock.
        let nextRotation = Date(timeIntervalSince1970: 1_805_932_800)  // 2027-03-25T00:00:00Z
        let findings = [
            // NON_COMPLIANT
            judge(makeKey(id: "1111aaaa-11aa-11aa-11aa-111111111111"), off, aliases: ["alias/orders"]),
            judge(
                makeKey(multiRegion: .replica, id: "mrk-1234abcd12ab34cd56ef1234567890ab", region: "eu-west-1"), off,
                aliases: ["alias/payments"]),
            judge(makeKey(id: "2222bbbb-22bb-22bb-22bb-222222222222"), on(730), aliases: ["alias/ledger"]),
            // INSUFFICIENT_DATA
            judge(makeKey(id: "3333cccc-33cc-33cc-33cc-333333333333"), .failed(accessDenied), aliases: ["alias/team|ops `core`"]),
            judge(makeKey(state: .creating, id: "4444dddd-44dd-44dd-44dd-444444444444"), .notGathered),
            // COMPLIANT
            judge(
                makeKey(id: "5555eeee-55ee-55ee-55ee-555555555555"),
                .status(KeyRotationStatus(keyRotationEnabled: true, rotationPeriodInDays: 365, nextRotationDate: nextRotation)),
                aliases: [#"=HYPERLINK("https://attacker.example","click")"#]),
            judge(makeKey(id: "6666ffff-66ff-66ff-66ff-666666666666", region: "eu-west-1"), on(180), aliases: ["alias/analytics"]),
            // NOT_APPLICABLE
            judge(makeKey(manager: .aws, id: "7777aaaa-77aa-77aa-77aa-777777777777"), .notGathered, aliases: ["alias/aws/s3"]),
            judge(makeKey(spec: .rsa2048, id: "8888bbbb-88bb-88bb-88bb-888888888888"), .notGathered, aliases: [#"alias/signing,"prod""#]),
            judge(makeKey(state: .pendingDeletion, id: "9999cccc-99cc-99cc-99cc-999999999999", region: "eu-west-1"), .notGathered),
        ]
        let errors = [
            ScanError(
                region: "ap-east-1", operation: "ListKeys", code: "UnrecognizedClientException",
                message: "The security token included in the request is invalid.", accountId: "111122223333")
        ]
        return RotationReport(
            findings: findings, errors: errors, policy: policy, regions: ["ap-east-1", "eu-west-1", "us-east-1"],
            generatedAt: generatedAt)
    }()

    /// Renders the sample (or another report) with the pinned options.
    static func render(_ format: ReportFormat, _ report: RotationReport = report, options: RenderOptions = options) throws -> String {
        try ReportRenderer().render(report, as: format, options: options)
    }

    /// A report of one finding, for tests that need a particular key.
    static func single(_ finding: RotationFinding, errors: [ScanError] = []) -> RotationReport {
        RotationReport(findings: [finding], errors: errors, policy: policy, generatedAt: generatedAt)
    }
}
