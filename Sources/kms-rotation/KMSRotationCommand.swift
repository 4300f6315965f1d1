import ArgumentParser
import KMSRotation
#if NIOTransport
    import KMSRotationNIO
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@main
struct KMSRotationCommand: AsyncParsableCommand {
    /// Ignores SIGPIPE before anything runs, so a reader that goes away (`| head`) makes a write fail
    /// with EPIPE, which the commands handle, instead of killing the process mid-change.
    static func main() async {
        signal(SIGPIPE, SIG_IGN)
        #if NIOTransport
            // Every task of the run executes on NIO's event loop threads, the threads the HTTP connections
            // live on, instead of hopping to Swift's cooperative pool and back for each request, and as
            // nonisolated code, so no async call switches executors (EventLoopConcurrency says why NIO's own
            // takeover is not used). Measured in Docs/benchmarks.md. The CLI owns its process, and nothing in
            // it blocks a thread it does not own (credential_process and the MFA prompt block threads of
            // their own), which is what this takeover asks of the code it runs.
            EventLoopConcurrency.install()
        #endif
        _ = OutputFile.closedAtStart
        // A credential_process helper leads its own process group, so a terminal's Ctrl-C or a SIGTERM
        // sent to this process would not reach it: kill its group, then exit by the signal.
        SubprocessCredentialProcessRunner.terminateRunningCommandsOnTerminationSignals()
        var failure: (any Error)?
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            failure = error
        }
        // Every exit path (a report's exit status is thrown too) closes the HTTP clients the run made.
        // A signal ends the process without this: the kernel closes the sockets.
        await OpenTransports.shutDownAll()
        if let failure { exit(withError: failure) }
    }

    static let configuration = CommandConfiguration(
        commandName: "kms-rotation",
        abstract: "Audit AWS KMS key rotation (CIS AWS Foundations Benchmark v3.0.0, control 3.6).",
        discussion: """
            Exit status: 0 nothing non-compliant and nothing unknown; 3 at least one NON_COMPLIANT key; \
            4 no NON_COMPLIANT but INSUFFICIENT_DATA or a Region that could not be scanned; 1 the scan could \
            not run (no credentials, bad endpoint); 64 usage error.
            """,
        version: LibraryVersion.current,
        subcommands: [AuditCommand.self, RemediateCommand.self, IaCCommand.self]
    )
}
