import Foundation
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a finished `credential_process` command produced.
package struct CredentialProcessOutput: Sendable, Hashable, CustomStringConvertible {
    /// The exit status (0 for success); `128 + n` when the command was killed by signal `n`, as shells
    /// report it.
    package var exitCode: Int32
    /// Standard output: the credentials JSON. Never log it.
    package var standardOutput: Data
    /// Standard error: the command's diagnostics (at most the runner's `SubprocessCredentialProcessRunner/maximumErrorBytes`).
    package var standardError: Data

    /// Creates an output.
    /// - Parameters:
    ///   - exitCode: The exit status.
    ///   - standardOutput: The bytes written to standard output.
    ///   - standardError: The bytes written to standard error.
    package init(exitCode: Int32, standardOutput: Data, standardError: Data) {
        self.exitCode = exitCode
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    /// Exit code and sizes only: standard output holds the secret key.
    package var description: String {
        "CredentialProcessOutput(exitCode: \(exitCode), standardOutput: \(standardOutput.count) bytes, standardError: "
            + "\(standardError.count) bytes)"
    }
}

/// Runs a profile's `credential_process` command.
///
/// ``ProfileCredentialProvider`` takes one so tests can substitute a fake;
/// `SubprocessCredentialProcessRunner` runs the command for real.
package protocol CredentialProcessRunner: Sendable {
    /// Runs a command line and waits for it to finish.
    /// - Parameter command: The command line, exactly as written in the config file.
    /// - Returns: The exit status and what the command wrote.
    /// - Throws: When the command could not be started or was stopped, or `CancellationError`.
    func run(_ command: String) async throws -> CredentialProcessOutput
}

/// Runs `credential_process` commands as botocore (the AWS CLI) does, with limits botocore lacks.
///
/// **Parsing.** The command line is split into words with the rules of Python's `shlex.split` (POSIX
/// mode, botocore's `compat_shell_split` off Windows): whitespace separates words; `'…'` quotes
/// literally; `"…"` quotes with `\"` and `\\` as the only escapes; outside quotes a backslash escapes
/// any character; `#` and `;` are ordinary characters. The first word is the program, found on the
/// `PATH` of the command's environment unless it contains a `/`; it runs **without a shell**, so
/// pipes, redirections, `$VAR` and `~` are not interpreted (wrap the command in `sh -c '…'` for those,
/// as with the AWS CLI). A line with an unclosed quote fails before anything runs.
///
/// **Limits.** The command runs in its own process group with standard input from `/dev/null`:
/// - it must finish within ``timeout`` (``defaultTimeout``, 60 seconds);
/// - it may write at most ``maximumOutputBytes`` (``defaultMaximumOutputBytes``, 1 MiB) to standard
///   output; standard error is read to the end but only its first ``maximumErrorBytes``
///   (``defaultMaximumErrorBytes``, 64 KiB) are kept.
///
/// Past the time limit or the output cap, and when the calling task is cancelled, the whole process
/// group is killed (`SIGKILL`), so a helper's own children die with it, and the run fails with a
/// ``CredentialProviderError`` naming the limit (or throws `CancellationError`). A process that
/// terminates while commands run can stop them with ``terminateRunningCommands()``.
///
/// The command inherits this process's environment unless one is given.
package struct SubprocessCredentialProcessRunner: CredentialProcessRunner, CustomStringConvertible, CustomReflectable {
    /// The default time limit: 60 seconds.
    package static let defaultTimeout: Duration = .seconds(60)
    /// The default cap on standard output: 1 MiB (a credentials document is under 4 KiB).
    package static let defaultMaximumOutputBytes = 1 << 20
    /// How much of standard error is kept by default: 64 KiB.
    package static let defaultMaximumErrorBytes = 64 << 10

    /// The environment of the command, or `nil` to inherit this process's.
    package var environment: [String: String]?
    /// How long the command may run.
    package var timeout: Duration
    /// The most bytes the command may write to standard output.
    package var maximumOutputBytes: Int
    /// How many bytes of standard error are kept (the rest is read and dropped).
    package var maximumErrorBytes: Int

    /// Creates a runner.
    /// - Parameters:
    ///   - environment: The command's environment; `nil` inherits this process's.
    ///   - timeout: How long the command may run; ``defaultTimeout`` by default.
    ///   - maximumOutputBytes: The cap on standard output; ``defaultMaximumOutputBytes`` by default.
    ///   - maximumErrorBytes: How much of standard error is kept; ``defaultMaximumErrorBytes`` by default.
    package init(
        environment: [String: String]? = nil, timeout: Duration = SubprocessCredentialProcessRunner.defaultTimeout,
        maximumOutputBytes: Int = SubprocessCredentialProcessRunner.defaultMaximumOutputBytes,
        maximumErrorBytes: Int = SubprocessCredentialProcessRunner.defaultMaximumErrorBytes
    ) {
        self.environment = environment
        self.timeout = timeout
        self.maximumOutputBytes = max(0, maximumOutputBytes)
        self.maximumErrorBytes = max(0, maximumErrorBytes)
    }

    /// Splits the command, starts it in its own process group and collects its output within the limits.
    /// - Parameter command: The command line, as written in the config file.
    /// - Returns: The exit status, standard output and (the kept part of) standard error.
    /// - Throws: ``CredentialProviderError`` when the line cannot be split, the program cannot be found
    ///   or started, or a limit was exceeded; `CancellationError` when the task is cancelled (the
    ///   command's process group is killed first).
    package func run(_ command: String) async throws -> CredentialProcessOutput {
        let arguments: [String]
        do {
            arguments = try Self.splitCommand(command)
        } catch let error as CommandLineError {
            throw CredentialProviderError.failed("credential_process", "the command line cannot be split: \(error.reason)")
        }
        guard let program = arguments.first, !program.isEmpty else {
            throw CredentialProviderError.failed("credential_process", "the command line is empty")
        }
        let environment = self.environment ?? ProcessInfo.processInfo.environment
        guard let executable = Self.resolveExecutable(program, environment: environment) else {
            throw CredentialProviderError.failed("credential_process", "\(program) was not found on PATH or is not executable")
        }
        try Task.checkCancellation()
        let child = try ProcessGroupChild.spawn(executable: executable, arguments: arguments, environment: environment)
        let limits = ProcessGroupChild.Limits(
            deadline: ContinuousClock.now.advanced(by: timeout), timeout: timeout,
            maximumOutputBytes: maximumOutputBytes, maximumErrorBytes: maximumErrorBytes)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<CredentialProcessOutput, any Error>) in
                // A plain thread, not the cooperative pool: the loop blocks in poll(2) for up to the timeout.
                let thread = Thread { continuation.resume(with: child.collect(limits)) }
                thread.name = "credential_process"
                thread.start()
            }
        } onCancel: {
            child.cancel()
        }
    }

    /// Kills the process group of every command this process is running (from any runner), for a
    /// program that is being terminated: call it from a `SIGTERM`/`SIGINT` handler (a
    /// `DispatchSourceSignal`) before exiting, so no helper is orphaned. The runs fail with
    /// `CancellationError`.
    package static func terminateRunningCommands() {
        terminateRunningCommands(where: { _ in true })
    }

    /// Makes `SIGTERM`, `SIGINT` and `SIGHUP` kill the running commands' process groups before this
    /// process dies of the signal as it would have (default action, re-raised): a command runs in its
    /// own process group, so neither a terminal's Ctrl-C nor a `kill` of this process reaches it.
    /// For programs (the CLI calls it once at start); a library must not take over signals. Idempotent.
    package static func terminateRunningCommandsOnTerminationSignals() {
        TerminationSignals.install()
    }

    /// Kills the process groups of the running commands whose leader's process ID matches.
    static func terminateRunningCommands(where matches: (pid_t) -> Bool) {
        ProcessGroupChild.cancelAll(where: matches)
    }

    /// The settings only; an injected environment may hold secrets and is never shown.
    package var description: String {
        "SubprocessCredentialProcessRunner(timeout: \(timeout), maximumOutputBytes: \(maximumOutputBytes), maximumErrorBytes: "
            + "\(maximumErrorBytes))"
    }

    /// The settings and, when set, the environment's size only.
    package var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "environment": environment.map { RedactedEnvironment($0) } as Any, "timeout": timeout,
                "maximumOutputBytes": maximumOutputBytes, "maximumErrorBytes": maximumErrorBytes,
            ], displayStyle: .struct)
    }
}

// MARK: - Splitting the command line

extension SubprocessCredentialProcessRunner {
    /// A command line that `shlex.split` would refuse.
    package struct CommandLineError: Error, Sendable, Hashable, CustomStringConvertible {
        /// `No closing quotation` or `No escaped character`, as Python says.
        package var reason: String
        /// The reason.
        package var description: String { reason }
    }

    /// Splits a command line into words exactly as Python's `shlex.split(command)` (POSIX mode, no
    /// comments), which botocore uses for `credential_process`.
    /// - Parameter command: The command line.
    /// - Returns: The words; `[]` for a blank line.
    /// - Throws: ``CommandLineError`` for an unclosed quote or a trailing backslash.
    package static func splitCommand(_ command: String) throws -> [String] {
        enum State { case unquoted, single, double }
        var words: [String] = []
        var word = String.UnicodeScalarView()
        var inWord = false
        var state = State.unquoted
        var scalars = command.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            switch state {
            case .unquoted:
                switch scalar {
                case " ", "\t", "\r", "\n":
                    if inWord { words.append(String(word)); word.removeAll(); inWord = false }
                case "\\":
                    guard let next = scalars.next() else { throw CommandLineError(reason: "No escaped character") }
                    word.append(next)
                    inWord = true
                case "'":
                    state = .single
                    inWord = true
                case "\"":
                    state = .double
                    inWord = true
                default:
                    word.append(scalar)
                    inWord = true
                }
            case .single:
                if scalar == "'" { state = .unquoted } else { word.append(scalar) }
            case .double:
                switch scalar {
                case "\"":
                    state = .unquoted
                case "\\":
                    guard let next = scalars.next() else { throw CommandLineError(reason: "No escaped character") }
                    if next != "\"" && next != "\\" { word.append("\\") }
                    word.append(next)
                default:
                    word.append(scalar)
                }
            }
        }
        guard state == .unquoted else { throw CommandLineError(reason: "No closing quotation") }
        if inWord { words.append(String(word)) }
        return words
    }

    /// The program's path: as given when it contains a `/`, else the first executable file of that name
    /// on the environment's `PATH` (`/bin:/usr/bin` when unset, as Python's `os.defpath`).
    static func resolveExecutable(_ program: String, environment: [String: String]) -> String? {
        if program.contains("/") { return program }
        let path = environment["PATH"] ?? "/bin:/usr/bin"
        for directory in path.split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = (directory.isEmpty ? "." : String(directory)) + "/" + program
            var info = stat()
            if stat(candidate, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        return nil
    }
}

// MARK: - The child process

/// A command started with `posix_spawn` as the leader of a new process group, with its standard output
/// and error on pipes. Shared between the reading thread and the cancellation handler; the flags are
/// guarded by a lock, the process group is only signalled while its leader is unreaped (so its ID
/// cannot have been reused).
private final class ProcessGroupChild: @unchecked Sendable {
    struct Limits {
        var deadline: ContinuousClock.Instant
        var timeout: Duration
        var maximumOutputBytes: Int
        var maximumErrorBytes: Int
    }

    private static let running = LockedValue<[pid_t: ProcessGroupChild]>([:])

    let pid: pid_t
    private let outputFD: Int32
    private let errorFD: Int32
    private let lock = NSLock()
    private var cancelled = false
    private var reaped = false

    private init(pid: pid_t, outputFD: Int32, errorFD: Int32) {
        self.pid = pid
        self.outputFD = outputFD
        self.errorFD = errorFD
    }

    static func cancelAll(where matches: (pid_t) -> Bool) {
        for child in running.withLock({ Array($0.values) }) where matches(child.pid) { child.cancel() }
    }

    /// Marks the run cancelled and kills the group; the reading thread notices and reaps.
    func cancel() {
        lock.withLock {
            cancelled = true
            if !reaped { _ = kill(-pid, SIGKILL) }
        }
    }

    private var isCancelled: Bool { lock.withLock { cancelled } }

    private func killGroup() {
        lock.withLock { if !reaped { _ = kill(-pid, SIGKILL) } }
    }

    /// Starts the program. Both pipes are close-on-exec in this process; in the child they become
    /// descriptors 1 and 2, and standard input is `/dev/null`.
    static func spawn(executable: String, arguments: [String], environment: [String: String]) throws -> ProcessGroupChild {
        func failure(_ what: String, _ code: Int32) -> CredentialProviderError {
            CredentialProviderError.failed(
                "credential_process", "could not start \(arguments.first ?? executable): \(what): \(String(cString: strerror(code)))")
        }
        var output: [Int32] = [-1, -1]
        var error: [Int32] = [-1, -1]
        guard makePipe(&output) else { throw failure("pipe", errno) }
        guard makePipe(&error) else {
            let code = errno
            close(output[0]); close(output[1])
            throw failure("pipe", code)
        }

        #if canImport(Darwin)
            var actions: posix_spawn_file_actions_t?
            var attributes: posix_spawnattr_t?
        #else
            var actions = posix_spawn_file_actions_t()
            var attributes = posix_spawnattr_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_adddup2(&actions, error[1], 2)
        // A new process group led by the child, default signal handling, nothing blocked.
        let flags = Int32(POSIX_SPAWN_SETPGROUP) | Int32(POSIX_SPAWN_SETSIGMASK) | Int32(POSIX_SPAWN_SETSIGDEF)
        posix_spawnattr_setflags(&attributes, Int16(truncatingIfNeeded: flags))
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGALRM, SIGUSR1, SIGUSR2] { sigaddset(&defaultSignals, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        var status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        // ETXTBSY: the helper was just written and another thread's child still holds it open for
        // writing (the classic fork/exec race); it clears within milliseconds.
        var attempts = 1
        while status == ETXTBSY, attempts < 10 {
            usleep(20_000)
            attempts += 1
            status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        }
        close(output[1])
        close(error[1])
        guard status == 0 else {
            close(output[0])
            close(error[0])
            throw failure("posix_spawn", status)
        }
        let child = ProcessGroupChild(pid: pid, outputFD: output[0], errorFD: error[0])
        running.withLock { $0[pid] = child }
        return child
    }

    /// A close-on-exec pipe. (`pipe2` is not exported to Swift; a process spawned by another thread
    /// between `pipe` and `fcntl` could inherit an end, which at worst delays end-of-file until the
    /// time limit.)
    private static func makePipe(_ fds: inout [Int32]) -> Bool {
        guard pipe(&fds) == 0 else { return false }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return true
    }

    /// Reads both pipes until the command exits and closes them, within the limits; always reaps the
    /// child and closes the pipes.
    func collect(_ limits: Limits) -> Result<CredentialProcessOutput, any Error> {
        var output = Data()
        var errorOutput = Data()
        var outputOpen = true
        var errorOpen = true
        var exited = false
        var failure: (any Error)?
        let chunk = 64 * 1024
        var buffer = [UInt8](repeating: 0, count: chunk)

        loop: while true {
            if isCancelled { failure = CancellationError(); break }
            let remaining = ContinuousClock.now.duration(to: limits.deadline)
            if remaining <= .zero {
                failure = CredentialProviderError.failed(
                    "credential_process", "the command did not finish within \(Self.seconds(limits.timeout)); its process group was killed")
                break
            }
            // Wake at least every 50 ms to notice cancellation and the deadline.
            let wait = Int32(
                min(50, max(1, remaining.components.seconds * 1_000 + remaining.components.attoseconds / 1_000_000_000_000_000)))
            if !outputOpen && !errorOpen {
                if exited || hasExited() { exited = true; break }
                _ = poll(nil, 0, min(wait, 10))
                continue
            }
            var fds: [pollfd] = []
            if outputOpen { fds.append(pollfd(fd: outputFD, events: Int16(POLLIN), revents: 0)) }
            if errorOpen { fds.append(pollfd(fd: errorFD, events: Int16(POLLIN), revents: 0)) }
            let ready = poll(&fds, nfds_t(fds.count), wait)
            if ready < 0 {
                if errno == EINTR { continue }
                failure = CredentialProviderError.failed("credential_process", "poll failed: \(String(cString: strerror(errno)))")
                break
            }
            for entry in fds where entry.revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, chunk) }
                if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
                if count <= 0 {
                    if entry.fd == outputFD { outputOpen = false } else { errorOpen = false }
                    continue
                }
                if entry.fd == outputFD {
                    output.append(contentsOf: buffer[0..<count])
                    if output.count > limits.maximumOutputBytes {
                        failure = CredentialProviderError.failed(
                            "credential_process",
                            "the command wrote more than \(Self.bytes(limits.maximumOutputBytes)) to standard output (the cap); its "
                                + "process group was killed"
                        )
                        break loop
                    }
                } else if errorOutput.count < limits.maximumErrorBytes {
                    errorOutput.append(contentsOf: buffer[0..<min(count, limits.maximumErrorBytes - errorOutput.count)])
                }
            }
        }

        if failure != nil { killGroup() }
        close(outputFD)
        close(errorFD)
        let status = reap()
        Self.running.withLock { $0[pid] = nil }
        if let failure { return .failure(failure) }
        return .success(CredentialProcessOutput(exitCode: status, standardOutput: output, standardError: errorOutput))
    }

    /// Whether the leader has exited, without reaping it (so its group ID stays reserved).
    private func hasExited() -> Bool {
        var info = siginfo_t()
        let result = waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT)
        guard result == 0 else { return errno != EINTR }
        #if canImport(Darwin)
            return info.si_pid != 0
        #else
            return info._sifields._sigchld.si_pid != 0
        #endif
    }

    /// Waits for the leader and returns its exit status (`128 + signal` when killed by a signal).
    private func reap() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { status = 0; break }
        }
        lock.withLock { reaped = true }
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }

    private static func seconds(_ duration: Duration) -> String {
        let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return value == value.rounded() ? "\(Int(value)) seconds" : "\(value) seconds"
    }

    private static func bytes(_ count: Int) -> String {
        if count >= 1 << 20, count % (1 << 20) == 0 { return "\(count >> 20) MiB" }
        if count >= 1 << 10, count % (1 << 10) == 0 { return "\(count >> 10) KiB" }
        return "\(count) bytes"
    }
}

/// The signal sources of `SubprocessCredentialProcessRunner/terminateRunningCommandsOnTerminationSignals()`,
/// kept alive for the life of the process.
private final class TerminationSignals: @unchecked Sendable {
    /// Guarded by `lock`; only appended to, once.
    private var sources: [any DispatchSourceSignal] = []
    private let lock = NSLock()
    private static let shared = TerminationSignals()

    static func install() {
        shared.lock.withLock {
            guard shared.sources.isEmpty else { return }
            for signalNumber in [SIGTERM, SIGINT, SIGHUP] {
                // Ignored so the source sees it instead of the default action killing us first.
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler {
                    ProcessGroupChild.cancelAll(where: { _ in true })
                    signal(signalNumber, SIG_DFL)
                    raise(signalNumber)
                }
                source.resume()
                shared.sources.append(source)
            }
        }
    }
}
