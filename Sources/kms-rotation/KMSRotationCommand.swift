import ArgumentParser
import KMSRotation

@main
struct KMSRotationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kms-rotation",
        abstract: "Audit AWS KMS key rotation (CIS AWS Foundations Benchmark v3.0.0, control 3.6).",
        discussion: """
        Exit status: 0 nothing non-compliant and nothing unknown; 3 at least one NON_COMPLIANT key; \
        4 no NON_COMPLIANT but INSUFFICIENT_DATA or a Region that could not be scanned; 1 the scan could \
        not run (no credentials, bad endpoint); 64 usage error.
        """,
        version: KMSRotationVersion.current,
        subcommands: [AuditCommand.self, RemediateCommand.self]
    )
}
