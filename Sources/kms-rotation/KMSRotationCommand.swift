import ArgumentParser
import KMSRotation

@main
struct KMSRotationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kms-rotation",
        abstract: "Audit and fix automatic rotation of AWS KMS keys (CIS AWS Foundations Benchmark v3.0.0, control 3.6).",
        version: KMSRotationVersion.current
    )
}
