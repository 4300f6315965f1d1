import Foundation
import KMSRotation
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A `moto_server` process on a free 127.0.0.1 port, for integration tests: a real KMS-speaking HTTP
/// server. Tests that need it are skipped with a message when it is missing, and fail when `CI` is set
/// (see `MotoAvailabilityTests`).
final class MotoServer: @unchecked Sendable {
    let port: Int
    let process: Process
    let logURL: URL
    var endpoint: String { "http://127.0.0.1:\(port)" }

    /// Where `moto_server` is: `$MOTO_SERVER`, else the first `moto_server` on `PATH` (plus pyenv shims).
    static let executable: String? = {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["MOTO_SERVER"], FileManager.default.isExecutableFile(atPath: explicit) { return explicit }
        let path = (environment["PATH"] ?? "") + ":/root/.pyenv/shims:/usr/local/bin:/usr/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/moto_server"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    /// The Python that has moto installed (the one `moto_server` runs with).
    static let python: String? = {
        let candidates = [which("python3"), "/root/.pyenv/shims/python3", "/usr/bin/python3"].compactMap { $0 }
        return candidates.first { (try? runProcess($0, ["-c", "import moto.server, moto.kms"]).status) == 0 }
    }()

    /// Tests/KMSRotationIntegrationTests/Support/moto_server_paginated.py
    static let launcher = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Support/moto_server_paginated.py").path

    /// Tests/KMSRotationIntegrationTests/Support/moto_server_accounts.py: the same, plus AssumeRole that
    /// fails with AccessDenied when the role does not exist in the target account, as in AWS.
    static let accountsLauncher = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Support/moto_server_accounts.py").path

    static var isAvailable: Bool { executable != nil && python != nil }
    static let skipMessage = "moto_server not found (pip install 'moto[server]'); integration test skipped"

    /// Starts a server and waits until it answers.
    /// - Parameter launcher: The Python script that starts moto (``launcher`` or ``accountsLauncher``).
    init(launcher: String = MotoServer.launcher) async throws {
        guard Self.executable != nil, let python = Self.python else { throw MotoError(Self.skipMessage) }
        port = try Self.freeLoopbackPort()
        logURL = FileManager.default.temporaryDirectory.appendingPathComponent("moto-\(port).log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        process = Process()
        // moto's ListKeys ignores Limit/Marker; the launcher adds AWS's documented paging (see its docstring).
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [launcher, "-H", "127.0.0.1", "-p", "\(port)"]
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // moto imports slowly on a loaded 2-core machine (over 30 s was seen with builds running beside it).
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            if !process.isRunning { throw MotoError("moto_server exited: \(tail())") }
            if await Self.answers(port: port) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        stop()
        throw MotoError("moto_server did not answer on 127.0.0.1:\(port) within 120 s: \(tail())")
    }

    /// Stops the server: SIGTERM, then SIGKILL after 5 s (a child can inherit a blocked SIGTERM).
    func stop() {
        process.stopHelper(grace: 5)
    }

    deinit { stop() }

    func tail() -> String {
        let text = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
        return String(text.suffix(800))
    }

    /// Environment for subprocesses (boto3, aws CLI, the kms-rotation binary) that talk to this server.
    var clientEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["AWS_ACCESS_KEY_ID"] = "AKIDMOTOTEST"
        environment["AWS_SECRET_ACCESS_KEY"] = "moto-secret-key-for-tests"
        environment.removeValue(forKey: "AWS_SESSION_TOKEN")
        environment.removeValue(forKey: "AWS_PROFILE")
        environment["AWS_ENDPOINT_URL_KMS"] = endpoint
        environment["AWS_ENDPOINT_URL"] = endpoint
        environment["AWS_DEFAULT_REGION"] = "us-east-1"
        environment["AWS_REGION"] = "us-east-1"
        environment["AWS_EC2_METADATA_DISABLED"] = "true"
        environment["AWS_CONFIG_FILE"] = "/dev/null"
        environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"
        return environment
    }

    static func answers(port: Int) async -> Bool {
        let request = HTTPRequest(method: "GET", url: URL(string: "http://127.0.0.1:\(port)/moto-api/data.json")!, timeout: .seconds(1))
        return (try? await URLSessionTransport().send(request)) != nil
    }

    /// Binds a socket to 127.0.0.1:0 and returns the port the kernel chose.
    static func freeLoopbackPort() throws -> Int {
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw MotoError("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw MotoError("bind() failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw MotoError("getsockname() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

struct MotoError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs a command and returns its exit status and output.
@discardableResult
func runProcess(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil, input: String? = nil
) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    if let input {
        let inPipe = Pipe()
        process.standardInput = inPipe
        try process.run()
        inPipe.fileHandleForWriting.write(Data(input.utf8))
        try inPipe.fileHandleForWriting.close()
    } else {
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }
    // Drain stderr on another thread while reading stdout, so a chatty child never blocks on a full pipe.
    let stderrBox = LockedData()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
        stderrBox.set(err.fileHandleForReading.readDataToEndOfFile())
        group.leave()
    }
    let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    let stderrData = stderrBox.get()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stdoutData, as: UTF8.self), String(decoding: stderrData, as: UTF8.self))
}

/// The first executable named `name` on PATH (plus pyenv shims).
func which(_ name: String) -> String? {
    let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/root/.pyenv/shims:/usr/local/bin:/usr/bin"
    return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}

final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.lock(); data = value; lock.unlock() }
    func get() -> Data { lock.lock(); defer { lock.unlock() }; return data }
}
