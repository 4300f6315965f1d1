import Foundation

/// The built `kms-rotation` executable (built by `swift build --build-tests` / `swift test`).
enum CLIBinary {
    static let path: String? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("kms-rotation").path,
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("kms-rotation").path,
            root.appendingPathComponent(".build/debug/kms-rotation").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Runs the CLI with an environment that never reaches real AWS: no ambient credentials, profiles or IMDS.
    static func run(
        _ arguments: [String], environment extra: [String: String] = [:]
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        guard let path else { throw MotoError("kms-rotation binary not found; run swift build first") }
        return try runCommand(path, arguments, environment: extra)
    }

    /// Runs any command (e.g. `script` wrapping the CLI) in the same safe environment.
    static func runCommand(
        _ executable: String, _ arguments: [String], environment extra: [String: String] = [:]
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AWS_") }
        // Terminal behaviour must not depend on how the test runner itself was started.
        environment.removeValue(forKey: "NO_COLOR")
        environment["TERM"] = "xterm"
        environment["AWS_EC2_METADATA_DISABLED"] = "true"
        environment["AWS_CONFIG_FILE"] = "/dev/null"
        environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"
        environment.merge(extra) { _, new in new }
        return try runProcess(executable, arguments, environment: environment)
    }
}
