import Foundation

/// What a finished `credential_process` command produced.
public struct CredentialProcessOutput: Sendable, Hashable, CustomStringConvertible {
    /// The exit status (0 for success).
    public var exitCode: Int32
    /// Standard output: the credentials JSON. Never log it.
    public var standardOutput: Data
    /// Standard error: the command's diagnostics.
    public var standardError: Data

    /// Creates an output.
    /// - Parameters:
    ///   - exitCode: The exit status.
    ///   - standardOutput: The bytes written to standard output.
    ///   - standardError: The bytes written to standard error.
    public init(exitCode: Int32, standardOutput: Data, standardError: Data) {
        self.exitCode = exitCode
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    /// Exit code and sizes only: standard output holds the secret key.
    public var description: String {
        "CredentialProcessOutput(exitCode: \(exitCode), standardOutput: \(standardOutput.count) bytes, standardError: \(standardError.count) bytes)"
    }
}

/// Runs a profile's `credential_process` command.
///
/// ``ProfileCredentialProvider`` takes one so tests can substitute a fake; ``ShellCredentialProcessRunner``
/// runs the command for real.
public protocol CredentialProcessRunner: Sendable {
    /// Runs a command line and waits for it to finish.
    /// - Parameter command: The command line, as written in the config file.
    /// - Returns: The exit status and what the command wrote.
    /// - Throws: When the command could not be started, or `CancellationError`.
    func run(_ command: String) async throws -> CredentialProcessOutput
}

/// Runs `credential_process` commands with `/bin/sh -c`, as the AWS CLI documents them: the command line
/// may use quoting, `~`-free absolute paths and arguments.
///
/// The command inherits this process's environment unless one is given. Cancelling the calling task
/// terminates the command.
public struct ShellCredentialProcessRunner: CredentialProcessRunner, CustomStringConvertible, CustomReflectable {
    /// The shell that interprets the command line.
    public var shell: String
    /// The environment of the command, or `nil` to inherit this process's.
    public var environment: [String: String]?

    /// Creates a runner.
    /// - Parameters:
    ///   - shell: The shell, `/bin/sh` by default.
    ///   - environment: The command's environment; `nil` inherits this process's.
    public init(shell: String = "/bin/sh", environment: [String: String]? = nil) {
        self.shell = shell
        self.environment = environment
    }

    /// Runs `shell -c command` and collects its output.
    /// - Parameter command: The command line.
    /// - Returns: The exit status, standard output and standard error.
    /// - Throws: ``CredentialProviderError`` when the shell cannot be started; `CancellationError`
    ///   when the task is cancelled.
    public func run(_ command: String) async throws -> CredentialProcessOutput {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: shell)
        process.arguments = ["-c", command]
        if let environment { process.environment = environment }
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        let handle = ProcessHandle(process)

        try Task.checkCancellation()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<CredentialProcessOutput, any Error>) in
                do {
                    try handle.process.run()
                } catch {
                    continuation.resume(throwing: CredentialProviderError.failed(
                        "credential_process", "could not start \(shell): \(error.localizedDescription)"))
                    return
                }
                // Both pipes are drained concurrently: a command that fills one pipe's buffer while we
                // block on the other would otherwise deadlock.
                DispatchQueue.global().async {
                    let errorBox = DataBox()
                    let group = DispatchGroup()
                    group.enter()
                    DispatchQueue.global().async {
                        errorBox.data = stderr.fileHandleForReading.readDataToEndOfFile()
                        group.leave()
                    }
                    let output = stdout.fileHandleForReading.readDataToEndOfFile()
                    group.wait()
                    handle.process.waitUntilExit()
                    if handle.wasCancelled {
                        continuation.resume(throwing: CancellationError())
                    } else {
                        continuation.resume(returning: CredentialProcessOutput(
                            exitCode: handle.process.terminationStatus, standardOutput: output, standardError: errorBox.data))
                    }
                }
            }
        } onCancel: {
            handle.cancel()
        }
    }
}

extension ShellCredentialProcessRunner {
    /// The shell only; an injected environment may hold secrets and is never shown.
    public var description: String { "ShellCredentialProcessRunner(shell: \(shell))" }

    /// The shell and, when set, the environment's size only.
    public var customMirror: Mirror {
        Mirror(self, children: ["shell": shell, "environment": environment.map { RedactedEnvironment($0) } as Any], displayStyle: .struct)
    }
}

/// Shares a `Process` between the task, the reader thread and the cancellation handler. `Process` is
/// not `Sendable`; every access after launch is either a thread-safe Foundation call (`terminate`,
/// `waitUntilExit`) or happens after `waitUntilExit` returned, and the flag is guarded by a lock.
private final class ProcessHandle: @unchecked Sendable {
    let process: Process
    private let lock = NSLock()
    private var cancelled = false

    init(_ process: Process) { self.process = process }

    var wasCancelled: Bool { lock.withLock { cancelled } }

    func cancel() {
        lock.withLock { cancelled = true }
        if process.isRunning { process.terminate() }
    }
}

/// Carries stderr bytes from the reader thread to the waiting thread; `DispatchGroup.wait` orders the
/// write before the read.
private final class DataBox: @unchecked Sendable {
    var data = Data()
}
