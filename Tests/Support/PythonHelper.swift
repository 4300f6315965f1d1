import Foundation
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A Python script run beside the tests (a loopback server): its standard input is its lifeline (the
/// script exits when it closes), and its first line of standard output says it is ready, as JSON.
package final class PythonHelper: @unchecked Sendable {
    /// The running script.
    package let process: Process
    private let stdin: Pipe
    /// The script's first line of output.
    package let readyLine: Data

    private init(process: Process, stdin: Pipe, readyLine: Data) {
        self.process = process
        self.stdin = stdin
        self.readyLine = readyLine
    }

    /// Writes `script` to a temporary file, runs it with `python3`, and waits for its first line.
    /// - Parameters:
    ///   - script: The Python source.
    ///   - name: A prefix for the temporary file, for `ps`.
    ///   - arguments: The script's command-line arguments.
    /// - Returns: The running helper.
    /// - Throws: When the script cannot be written or started.
    package static func start(script: String, name: String, arguments: [String] = []) throws -> PythonHelper {
        let scriptURL = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString).py")
        try script.write(to: scriptURL, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: scriptURL) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", scriptURL.path] + arguments
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        return PythonHelper(process: process, stdin: stdin, readyLine: line)
    }

    /// The ready line decoded as `T`; the helper is stopped when it does not decode.
    /// - Throws: `CocoaError(.fileReadCorruptFile)` naming what the script printed.
    package func ready<T: Decodable>(_ type: T.Type) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: readyLine)
        } catch {
            stop()
            throw CocoaError(
                .fileReadCorruptFile,
                userInfo: [
                    NSLocalizedDescriptionKey: "helper did not start: \(String(decoding: readyLine, as: UTF8.self))"
                ])
        }
    }

    /// The end of a raw-socket server script (one that speaks HTTP, or half of it, by hand): listens on a free
    /// loopback port, prints `{"port": N}`, hands every connection to the script's `serve(conn)` on a thread of
    /// its own, and exits when its stdin (the lifeline) closes. The script imports `json`, `os`, `socket`,
    /// `sys` and `threading`.
    package static let socketServerEpilogue = #"""

        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0)); listener.listen(128)
        print(json.dumps({"port": listener.getsockname()[1]}), flush=True)
        def accept():
            while True:
                conn, _ = listener.accept()
                threading.Thread(target=serve, args=(conn,), daemon=True).start()
        threading.Thread(target=accept, daemon=True).start()
        sys.stdin.read()
        os._exit(0)
        """#

    /// Closes the lifeline, then stops the process boundedly (``Foundation/Process/stopHelper(grace:)``).
    package func stop() {
        try? stdin.fileHandleForWriting.close()
        process.stopHelper()
    }
}

extension Process {
    /// Stops a helper process and waits for it, boundedly: SIGTERM first, then SIGKILL. A child of the
    /// test runner can inherit a blocked SIGTERM, so SIGTERM alone may never end it, and an unbounded
    /// `waitUntilExit()` then hangs the whole run.
    package func stopHelper(grace: TimeInterval = 3) {
        guard isRunning else { return }
        terminate()
        var deadline = Date().addingTimeInterval(grace)
        while isRunning && Date() < deadline { usleep(20_000) }
        guard isRunning else { return }
        kill(processIdentifier, SIGKILL)
        deadline = Date().addingTimeInterval(10)
        while isRunning && Date() < deadline { usleep(20_000) }
    }
}
