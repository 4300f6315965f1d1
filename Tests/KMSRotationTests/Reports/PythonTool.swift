import Foundation
import Testing

/// Runs `python3` for validations only Python's ecosystem provides (jsonschema, botocore).
///
/// When python3 or a module is missing, a test using it is skipped with a clear message, except when the
/// environment variable `CI` is set: then it runs and fails, so CI never silently skips a validation.
enum PythonTool {
    static let isCI: Bool = !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty

    /// Whether tests validating with jsonschema run: it is importable, or CI is set.
    static let runJSONSchemaTests = isCI || canImport("jsonschema")
    /// Whether tests validating with botocore run: it is importable, or CI is set.
    static let runBotocoreTests = isCI || canImport("botocore")

    /// Whether `python3 -c "import <module>"` succeeds.
    static func canImport(_ module: String) -> Bool {
        (try? run(script: "import \(module)", arguments: []))?.status == 0
    }

    /// Runs a script with the document in a temporary file passed as `sys.argv[1]` (then `extraArguments`).
    /// - Returns: The exit status and the combined stdout and stderr.
    static func run(script: String, document: String, extraArguments: [String] = []) throws -> (status: Int32, output: String) {
        let url = FileManager.default.temporaryDirectory.appending(path: "kms-rotation-\(UUID().uuidString).txt")
        try Data(document.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try run(script: script, arguments: [url.path] + extraArguments)
    }

    /// Fails the current test with a clear message when the module is missing (only reached under CI).
    static func require(_ module: String, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        if canImport(module) { return true }
        Issue.record(
            "python3 with the '\(module)' module is required when CI is set (pip install \(module))", sourceLocation: sourceLocation)
        return false
    }

    private static func run(script: String, arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
