import Foundation
import Testing
import KMSRotation
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The real binary against broken disks, closed pipes, odd output paths, bad endpoints and a hostile KMS
/// (Docs/security.md). Each test is one row of the hardening review: the write never traps, nothing from
/// outside reaches the terminal as a control sequence, and remediation stays in the audited account.
@Suite("Hardening: outputs, terminal safety and scope (the real binary)", .serialized)
struct HardeningCLITests {
    static let binary = CLIBinary.path ?? ".build/debug/kms-rotation"

    /// Runs the binary through `/bin/sh -c` so a test can redirect its descriptors.
    private func shell(_ script: String) throws -> (status: Int32, stdout: String, stderr: String) {
        try CLIBinary.runCommand("/bin/sh", ["-c", script, Self.binary])
    }

    private func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kms-rotation-hardening-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    private func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test("A full disk on standard output is a clear error, exit 1, not a trap")
    func standardOutputOnAFullDisk() throws {
        let run = try shell(#""$0" audit --demo > /dev/full"#)
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("cannot write standard output: No space left on device"), "\(run.stderr)")
    }

    @Test("A closed standard output (EBADF) is a clear error, exit 1")
    func closedStandardOutput() throws {
        let run = try shell(#""$0" audit --demo --format json >&-"#)
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("cannot write standard output: Bad file descriptor"), "\(run.stderr)")
    }

    @Test("A reader that went away (EPIPE, as with | head) ends the command quietly with its own status")
    func brokenPipeEndsQuietly() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        close(fds[0])  // nobody will ever read: every write fails with EPIPE
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["audit", "--demo", "--format", "json"]
        process.environment = ["PATH": "/usr/bin:/bin", "AWS_EC2_METADATA_DISABLED": "true"]
        let stdout = FileHandle(fileDescriptor: fds[1], closeOnDealloc: true)
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try stdout.close()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit, "killed by a signal")
        #expect(process.terminationStatus == 3, "the demo's own status (non-compliant keys)")
        #expect(errors.isEmpty, "\(String(decoding: errors, as: UTF8.self))")
    }

    @Test("--output /dev/stdout writes to standard output in place")
    func outputToDevStdout() throws {
        let run = try shell(#""$0" audit --demo --format json --output /dev/stdout"#)
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.stdout.contains(#""schemaVersion""#))
        var info = stat()
        #expect(lstat("/dev/stdout", &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK, "the device link is still a link")
    }

    @Test("--output into a FIFO and a character device writes in place")
    func outputToFIFOAndDevice() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent("report.fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let run = try shell(
            #"cat "\#(fifo)" > "\#(fifo).out" & "$0" audit --demo --format csv --output "\#(fifo)"; status=$?; wait; exit $status"#)
        #expect(run.status == 3, "\(run.stderr)")
        #expect(try String(contentsOfFile: fifo + ".out", encoding: .utf8).hasPrefix("region,accountId,"))
        var info = stat()
        #expect(stat(fifo, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO, "the FIFO was not replaced by a file")

        let null = try shell(#""$0" audit --demo --output /dev/null"#)
        #expect(null.status == 3, "\(null.stderr)")
        #expect(stat("/dev/null", &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR)
    }

    @Test("Replacing a report keeps its mode; a symbolic link is followed and stays a link; a dangling link is an error")
    func regularFilesAndLinks() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = directory.appendingPathComponent("report.json").path
        #expect(FileManager.default.createFile(atPath: report, contents: Data("old".utf8), attributes: [.posixPermissions: 0o600]))
        let replaced = try shell(#""$0" audit --demo --format json --output "\#(report)""#)
        #expect(replaced.status == 3, "\(replaced.stderr)")
        #expect(try mode(report) == 0o600)
        #expect(try String(contentsOfFile: report, encoding: .utf8).contains(#""schemaVersion""#))

        let link = directory.appendingPathComponent("latest.json").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: report)
        let throughLink = try shell(#""$0" audit --demo --format csv --output "\#(link)""#)
        #expect(throughLink.status == 3, "\(throughLink.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == report)
        #expect(try String(contentsOfFile: report, encoding: .utf8).hasPrefix("region,accountId,"), "the link's target was written")
        #expect(try mode(report) == 0o600)

        let dangling = directory.appendingPathComponent("dangling.json").path
        try FileManager.default.createSymbolicLink(
            atPath: dangling, withDestinationPath: directory.appendingPathComponent("missing/x.json").path)
        let broken = try shell(#""$0" audit --demo --output "\#(dangling)""#)
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("symbolic link to a file that does not exist"), "\(broken.stderr)")
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("missing").path) == false)
    }

    @Test("remediate --apply with a change log on a full disk changes nothing and says so")
    func changeLogOnAFullDisk() throws {
        let run = try CLIBinary.run(["remediate", "--demo", "--apply", "--yes", "--change-log", "/dev/full"])
        #expect(run.status == 1, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stderr.contains("cannot write --change-log /dev/full: No space left on device; nothing was changed"), "\(run.stderr)")
        #expect(!run.stdout.contains("Applied"))
    }

    @Test("The change log starts with the plan, then one synced line per change")
    func changeLogLines() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("changes.jsonl").path
        let run = try CLIBinary.run(["remediate", "--demo", "--apply", "--yes", "--change-log", log])
        #expect(run.status != 1 && run.status != 64, "\(run.stderr)")
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(lines.first?["event"] as? String == "start")
        let planned = try #require(lines.first?["planned"] as? [String])
        let changes = lines.dropFirst()
        #expect(changes.count == planned.count && !planned.isEmpty)
        #expect(changes.allSatisfy { $0["event"] as? String == "change" && $0["outcome"] as? String == "applied" })
    }

    @Test(
        "A bad --endpoint-url or AWS_ENDPOINT_URL_STS (port, host) stops the run before any call: exit 1, not a scan result",
        arguments: [
            "http://127.0.0.1:99999", "http://127.0.0.1:0", "https://ex!ample.com",
        ])
    func badEndpointIsAUsageError(endpoint: String) throws {
        let run = try CLIBinary.run(
            ["audit", "--region", "us-east-1", "--endpoint-url", endpoint],
            environment: ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("--endpoint-url"), "\(run.stderr)")
        let fromEnvironment = try CLIBinary.run(
            ["audit", "--region", "us-east-1"],
            environment: [
                "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_ENDPOINT_URL_STS": endpoint,
            ])
        #expect(fromEnvironment.status == 1, "\(fromEnvironment.stderr)")
        #expect(fromEnvironment.stderr.contains("AWS_ENDPOINT_URL_STS"), "\(fromEnvironment.stderr)")
    }
}

/// A KMS that serves key IDs and aliases holding terminal escapes and shell commands, and a replica whose
/// primary is in another account (Support/hostile_kms.py).
@Suite("Hardening: a hostile KMS (the real binary)", .serialized)
struct HostileKMSTests {
    static let launcher = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Support/hostile_kms.py").path

    private func environment(_ server: MotoServer) -> [String: String] {
        [
            "AWS_ACCESS_KEY_ID": "AKIDHOSTILETEST", "AWS_SECRET_ACCESS_KEY": "hostile-secret-key-for-tests", "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL_KMS": server.endpoint,
        ]
    }

    private func calls(_ server: MotoServer) async throws -> [[String: Any]] {
        let response = try await URLSessionTransport().send(HTTPRequest(method: "GET", url: URL(string: server.endpoint + "/calls")!))
        return try #require(try JSONSerialization.jsonObject(with: response.body) as? [[String: Any]])
    }

    private func expectInert(_ text: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!text.contains("\u{1B}"), "ESC reached \(what)", sourceLocation: sourceLocation)
        #expect(!text.contains("\u{07}"), "BEL reached \(what)", sourceLocation: sourceLocation)
        #expect(!text.unicodeScalars.contains("\u{9B}"), "CSI reached \(what)", sourceLocation: sourceLocation)
    }

    @Test("Escapes never reach the terminal, printed commands are quoted, and remediation stays in the audited account")
    func hostileKeys() async throws {
        guard MotoServer.python != nil else {
            if ProcessInfo.processInfo.environment["CI"] != nil { Issue.record("python3 not found") }
            return
        }
        let server = try await MotoServer(launcher: Self.launcher)
        defer { server.stop() }

        for format in ["table", "csv", "markdown", "json", "sarif"] {
            let audit = try CLIBinary.run(["audit", "--format", format], environment: environment(server))
            #expect(audit.status == 3, "\(format): \(audit.stderr)")
            expectInert(audit.stdout, "the \(format) report")
            expectInert(audit.stderr, "standard error")
        }
        let json = try CLIBinary.run(["audit", "--format", "json"], environment: environment(server))
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let commands = (report["findings"] as? [[String: Any]] ?? []).compactMap {
            ($0["remediation"] as? [String: Any])?["command"] as? String
        }
        let hostile = try #require(commands.first { $0.contains("touch") })
        #expect(
            hostile.contains("--key-id 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-0000-0000-0000-00000000000a"),
            "the hostile ARN is one single-quoted argument: \(hostile)")

        let verbose = try CLIBinary.run(["audit", "--verbose", "--format", "json"], environment: environment(server))
        expectInert(verbose.stderr, "the --verbose log")

        let remediate = try CLIBinary.run(["remediate", "--apply", "--yes", "--verbose"], environment: environment(server))
        expectInert(remediate.stdout, "the remediation plan")
        expectInert(remediate.stderr, "standard error")
        #expect(remediate.stdout.contains("primary in account 999988887777: fix it there"), "\(remediate.stdout)")
        #expect(remediate.stdout.contains("not a valid KMS key ARN"), "\(remediate.stdout)")
        #expect(remediate.stdout.contains("Applied 1 of 1 change"), "\(remediate.stdout)")
        let changed = try await calls(server).filter { $0["operation"] as? String == "EnableKeyRotation" }.compactMap {
            $0["keyId"] as? String
        }
        #expect(
            changed == ["arn:aws:kms:us-east-1:111122223333:key/5678efab-0000-0000-0000-00000000000b"],
            "only the audited account's own key was changed")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/kms-rotation-pwned"))
    }
}
