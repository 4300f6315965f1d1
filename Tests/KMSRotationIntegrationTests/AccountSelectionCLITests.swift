import Foundation
import Testing

/// The account selection flags' usage rules, checked on the real binary (no network: each case is
/// refused before anything is read).
@Suite("kms-rotation audit account selection flags", .enabled(if: CLIBinary.path != nil, "kms-rotation binary not built"))
struct AccountSelectionCLITests {
    static let role = "arn:aws:iam::111122223333:role/KMSAudit"

    @Test(
        "Invalid combinations and values exit 64 with a message naming the flag",
        arguments: [
            (["--organization"], "--organization requires --role-name"),
            (["--role-name", "KMSAudit"], "--role-name requires --organization"),
            (["--organization", "--role-name", "KMSAudit", "--role-arn", role], "--role-arn and --organization cannot be combined"),
            (["--demo", "--role-arn", role], "--demo"),
            (["--demo", "--organization", "--role-name", "KMSAudit"], "--demo"),
            (["--external-id", "abc123"], "--external-id applies only"),
            (["--role-arn", "arn:aws:iam::111122223333:user/alice"], "not an IAM role ARN"),
            (["--role-arn", "arn:aws:iam::1111:role/KMSAudit"], "account ID"),
            (["--organization", "--role-name", "bad name"], "not a valid IAM role name"),
            (["--role-arn", role, "--external-id", "x"], "--external-id"),
        ])
    func usageErrors(arguments: [String], message: String) throws {
        let result = try CLIBinary.run(["audit"] + arguments)
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test("Without credentials, --role-arn cannot run: exit 1, before any AssumeRole")
    func noCredentials() throws {
        let result = try CLIBinary.run(["audit", "--role-arn", Self.role, "--region", "us-east-1"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("no AWS credentials"), "\(result.stderr)")
    }
}
