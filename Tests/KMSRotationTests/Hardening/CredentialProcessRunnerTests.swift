import Foundation
import Testing
@testable import KMSRotation
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Row 11 of the review: `credential_process` runs as botocore runs it (same config-line parsing, same
/// `shlex.split`, no shell), within a time limit and an output cap, and never leaves its process group
/// behind.
@Suite struct CredentialProcessRunnerTests {
    /// `shlex.split` results, produced by Python 3.11 (`python3 -c 'import shlex; print(shlex.split(s))'`).
    static let shlexCases: [(String, [String]?)] = [
        ("/bin/echo a ; b # c", ["/bin/echo", "a", ";", "b", "#", "c"]),
        (#"a "b c" d"#, ["a", "b c", "d"]),
        (#"a 'b \" c' d"#, ["a", #"b \" c"#, "d"]),
        (#"a\ b"#, ["a b"]),
        (#"a "x\"y" z"#, ["a", #"x"y"#, "z"]),
        (#"a "x\ny""#, ["a", #"x\ny"#]),
        (#"a "x\\y""#, ["a", #"x\y"#]),
        ("''", [""]),
        (#"a "" b"#, ["a", "", "b"]),
        (#"it's\'s"#, [#"its\s"#]),
        (#"a\\b"#, [#"a\b"#]),
        ("a#b #c", ["a#b", "#c"]),
        ("  lead  trail  ", ["lead", "trail"]),
        ("tab\tsep\nnl", ["tab", "sep", "nl"]),
        (#"a"b c"d"#, ["ab cd"]),
        ("é \"ü x\"", ["é", "ü x"]),
        ("a\\\nb", ["a\nb"]),
        ("", []),
        (#""unterminated"#, nil),
        ("'unterminated", nil),
        (#"trail\"#, nil),
    ]

    @Test("The command line splits exactly as Python's shlex.split", arguments: shlexCases.indices)
    func splitsLikeShlex(_ index: Int) {
        let (line, expected) = Self.shlexCases[index]
        let words = try? SubprocessCredentialProcessRunner.splitCommand(line)
        #expect(words == expected, "\(line.debugDescription)")
    }

    /// A script that records its arguments (one per line) and prints credentials.
    static func recordingScript(_ directory: AuthTempDirectory) throws -> (script: String, arguments: String) {
        let arguments = directory.path + "/arguments"
        let script = try directory.write(
            "record-args",
            """
            #!/bin/sh
            for argument in "$@"; do printf '%s\\n' "$argument"; done > '\(arguments)'
            printf '{"Version": 1, "AccessKeyId": "AKIDPROCESS", "SecretAccessKey": "%s"}' '\(AuthFixtures.secret)'
            """, executable: true)
        return (script, arguments)
    }

    @Test("' ;' and ' #' in credential_process reach the command as arguments, as with botocore; no shell runs")
    func semicolonReachesTheProcess() async throws {
        let directory = try AuthTempDirectory()
        let (script, argumentsFile) = try Self.recordingScript(directory)
        let line = "\(script) --tag a ; b # c \"$HOME | cat\" 'x y'"
        let files = try SharedConfigFiles(
            credentials: "", config: "[profile p]\ncredential_process = \(line)\nregion = eu-west-1 # Ireland\n")
        #expect(files.configProfiles["p"]?["credential_process"] == line)
        #expect(files.configProfiles["p"]?["region"] == "eu-west-1", "other values keep their inline comments stripped")
        let credentials = try await ProfileCredentialProvider(profile: "p", files: files).credentials()
        #expect(credentials.accessKeyId == "AKIDPROCESS")
        let recorded = try String(contentsOfFile: argumentsFile, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            .dropLast().map(String.init)
        #expect(recorded == ["--tag", "a", ";", "b", "#", "c", "$HOME | cat", "x y"])
    }

    @Test("Config parsing and splitting agree with the installed botocore", .enabled(if: Self.hasBotocore))
    func agreesWithBotocore() throws {
        let directory = try AuthTempDirectory()
        let line = #"/usr/bin/helper --a ; b # c "d e" 'f;g' h\ i"#
        let config = try directory.write("config", "[profile p]\ncredential_process = \(line)\n")
        let python =
            "import json, shlex, botocore.configloader as c; v = c.raw_config_parse('\(config)')['profile p']['credential_process']; print(json.dumps([v, shlex.split(v)]))"
        let output = try Self.run("/usr/bin/env", ["python3", "-c", python])
        let decoded = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [Any]
        let files = try SharedConfigFiles(credentials: "", config: try String(contentsOfFile: config, encoding: .utf8))
        let value = try #require(files.configProfiles["p"]?["credential_process"])
        #expect(decoded?.first as? String == value)
        #expect(decoded?.last as? [String] == (try SubprocessCredentialProcessRunner.splitCommand(value)))
    }

    static let hasBotocore: Bool = (try? run("/usr/bin/env", ["python3", "-c", "import botocore"])) != nil

    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
        return String(decoding: data, as: UTF8.self)
    }

    @Test("A command that sleeps forever fails after the time limit, quickly when the limit is short")
    func sleepingCommandTimesOut() async throws {
        let runner = SubprocessCredentialProcessRunner(timeout: .milliseconds(300))
        let error = try await #require(throws: CredentialProviderError.self) { _ = try await runner.run("sleep 1000") }
        // The reason names the 0.3 s limit, so it was that limit, not the 60 s default, that ended the
        // command (no wall-clock bound: a loaded machine delays the task's resumption by seconds).
        #expect(error.reason.contains("did not finish within 0.3 seconds"), "\(error.reason)")
        #expect(error.reason.contains("process group was killed"))
        #expect(SubprocessCredentialProcessRunner.defaultTimeout == .seconds(60))
    }

    /// Whether a process is gone: no such process, or a zombie waiting for a parent that is not us.
    static func isGone(_ pid: pid_t) -> Bool {
        if kill(pid, 0) != 0 { return true }
        #if os(Linux)
            if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            {
                let state = stat[stat.index(close, offsetBy: 2)]
                return state == "Z" || state == "X"
            }
        #endif
        return false
    }

    static func waitUntilGone(_ pid: pid_t) async -> Bool {
        for _ in 0..<100 {
            if isGone(pid) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return isGone(pid)
    }

    static func waitForPid(_ file: String) async throws -> pid_t {
        for _ in 0..<250 {
            if let text = try? String(contentsOfFile: file, encoding: .utf8),
                let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                return pid
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw CocoaError(.fileNoSuchFile)
    }

    /// A script that starts a sleeping grandchild, writes its pid, and waits.
    static func forkingScript(_ directory: AuthTempDirectory) throws -> (script: String, pidFile: String) {
        let pidFile = directory.path + "/grandchild.pid"
        let script = try directory.write(
            "forks",
            """
            #!/bin/sh
            echo $$ > '\(pidFile).leader'
            sleep 1000 &
            echo $! > '\(pidFile).tmp' && mv '\(pidFile).tmp' '\(pidFile)'
            wait
            """, executable: true)
        return (script, pidFile)
    }

    @Test("On timeout the whole process group dies: a grandchild the command started is gone too")
    func timeoutKillsGrandchildren() async throws {
        let directory = try AuthTempDirectory()
        let (script, pidFile) = try Self.forkingScript(directory)
        let runner = SubprocessCredentialProcessRunner(timeout: .milliseconds(800))
        let error = try await #require(throws: CredentialProviderError.self) { _ = try await runner.run(script) }
        #expect(error.reason.contains("did not finish"))
        let grandchild = try await Self.waitForPid(pidFile)
        #expect(await Self.waitUntilGone(grandchild), "grandchild \(grandchild) survived the timeout")
    }

    @Test("Cancelling the task kills the process group and throws CancellationError")
    func cancellationKillsTheGroup() async throws {
        let directory = try AuthTempDirectory()
        let (script, pidFile) = try Self.forkingScript(directory)
        // A long limit: on a loaded machine this task may resume late, and the command must still be
        // running when it does.
        let task = Task { try await SubprocessCredentialProcessRunner(timeout: .seconds(900)).run(script) }
        let grandchild = try await Self.waitForPid(pidFile)
        task.cancel()
        let result = await task.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(await Self.waitUntilGone(grandchild), "grandchild \(grandchild) survived cancellation")
    }

    @Test("terminateRunningCommands kills a running command's group (for a SIGTERM handler)")
    func terminateRunningCommands() async throws {
        let directory = try AuthTempDirectory()
        let (script, pidFile) = try Self.forkingScript(directory)
        // A long limit: on a loaded machine this task may resume late, and the command must still be
        // running when it does.
        let task = Task { try await SubprocessCredentialProcessRunner(timeout: .seconds(900)).run(script) }
        let grandchild = try await Self.waitForPid(pidFile)
        let leader = try await Self.waitForPid(pidFile + ".leader")
        // Only this test's command: other suites run commands concurrently in this process.
        SubprocessCredentialProcessRunner.terminateRunningCommands(where: { $0 == leader })
        let result = await task.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(await Self.waitUntilGone(grandchild))
    }

    @Test("Endless output stops at the 1 MiB cap with an error naming it")
    func endlessOutputHitsTheCap() async throws {
        let error = try await #require(throws: CredentialProviderError.self) {
            _ = try await SubprocessCredentialProcessRunner().run("yes")
        }
        // Stopped at the cap: the 60 s time limit would have said "did not finish within".
        #expect(error.reason.contains("more than 1 MiB to standard output"), "\(error.reason)")
        let small = try await #require(throws: CredentialProviderError.self) {
            _ = try await SubprocessCredentialProcessRunner(maximumOutputBytes: 1000).run("head -c 1001 /dev/zero")
        }
        #expect(small.reason.contains("more than 1000 bytes"))
        let exact = try await SubprocessCredentialProcessRunner(maximumOutputBytes: 1000).run("head -c 1000 /dev/zero")
        #expect(exact.standardOutput.count == 1000 && exact.exitCode == 0)
    }

    @Test("Standard error is drained to the end but only its first 64 KiB are kept")
    func standardErrorIsCapped() async throws {
        let output = try await SubprocessCredentialProcessRunner().run("sh -c 'head -c 5000000 /dev/zero >&2; printf done; exit 4'")
        #expect(output.exitCode == 4)
        #expect(output.standardError.count == 64 * 1024)
        #expect(output.standardOutput == Data("done".utf8))
    }

    @Test("A command killed by a signal reports 128 + the signal")
    func signalExitStatus() async throws {
        let output = try await SubprocessCredentialProcessRunner().run("sh -c 'kill -9 $$'")
        #expect(output.exitCode == 128 + 9)
    }

    @Test("Unsplittable, empty or missing commands fail before anything runs, with a clear reason")
    func badCommands() async throws {
        let runner = SubprocessCredentialProcessRunner()
        let unclosed = try await #require(throws: CredentialProviderError.self) { _ = try await runner.run("helper 'oops") }
        #expect(unclosed.reason == "the command line cannot be split: No closing quotation")
        let empty = try await #require(throws: CredentialProviderError.self) { _ = try await runner.run("   ") }
        #expect(empty.reason == "the command line is empty")
        let missing = try await #require(throws: CredentialProviderError.self) {
            _ = try await runner.run("no-such-helper-\(UUID().uuidString)")
        }
        #expect(missing.reason.contains("was not found on PATH"))
        let viaProfile = try await #require(throws: CredentialProviderError.self) {
            _ = try await ProfileCredentialProvider(
                files: SharedConfigFiles(credentials: "", config: "[default]\ncredential_process = helper \"x\n")
            ).credentials()
        }
        #expect(viaProfile.reason == "credential_process: the command line cannot be split: No closing quotation")
    }

    @Test("The program is looked up on the injected environment's PATH")
    func pathLookupUsesTheCommandEnvironment() async throws {
        let directory = try AuthTempDirectory()
        try directory.write("bin/my-helper", "#!/bin/sh\nprintf ok\n", executable: true)
        let output = try await SubprocessCredentialProcessRunner(environment: ["PATH": directory.path + "/bin"]).run("my-helper")
        #expect(output.standardOutput == Data("ok".utf8))
    }

    @Test("A failing command's standard error is scrubbed before it is shown")
    func standardErrorIsScrubbed() async throws {
        let files = try SharedConfigFiles(
            credentials: "",
            config:
                "[default]\ncredential_process = sh -c 'echo \"Authorization: AWS4-HMAC-SHA256 Credential=AKIDX/1, Signature=0123456789abcdef0123456789abcdef\" >&2; echo \(AuthFixtures.secret) >&2; exit 2'\n"
        )
        _ = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: AuthFixtures.secret)
        let error = try await #require(throws: CredentialProviderError.self) {
            _ = try await ProfileCredentialProvider(files: files).credentials()
        }
        #expect(error.reason.hasPrefix("credential_process exited with status 2: Authorization: [REDACTED]"), "\(error.reason)")
        #expect(!error.reason.contains("0123456789abcdef0123456789abcdef"))
        #expect(!error.reason.contains(AuthFixtures.secret))
    }
}
