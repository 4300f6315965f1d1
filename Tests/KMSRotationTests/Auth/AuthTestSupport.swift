import Foundation
@testable import KMSRotation

/// A closure-backed transport that records every request it is sent. Local to the Auth tests so they
/// do not depend on KMSRotationTesting's MockTransport.
final class AuthTestTransport: HTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [HTTPRequest] = []
    private let handler: @Sendable (HTTPRequest) async throws -> HTTPResponse

    init(_ handler: @escaping @Sendable (HTTPRequest) async throws -> HTTPResponse) {
        self.handler = handler
    }

    /// A transport that fails every request as if nothing listened.
    static var unreachable: AuthTestTransport {
        AuthTestTransport { _ in throw TransportError(.connectionFailed, "connection refused") }
    }

    var requests: [HTTPRequest] { lock.withLock { recorded } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        lock.withLock { recorded.append(request) }
        return try await handler(request)
    }
}

/// A counter safe to bump from concurrent tasks.
final class AuthCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    @discardableResult func increment() -> Int {
        lock.withLock {
            count += 1; return count
        }
    }
}

/// A temporary directory removed when the value is deinitialized.
final class AuthTempDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "kms-rotation-auth-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes a file through a close-on-exec descriptor. A script written with an inheritable descriptor
    /// can be held open by a child that another test spawns at that moment, and running the script then
    /// fails with ETXTBSY ("Text file busy") for as long as that child lives.
    @discardableResult
    func write(_ name: String, _ contents: String, executable: Bool = false) throws -> String {
        let file = path + "/" + name
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, executable ? 0o755 : 0o644)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown) }
        let bytes = Array(contents.utf8)
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == bytes.count else { throw CocoaError(.fileWriteUnknown) }
        if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file) }
        return file
    }
}

enum AuthFixtures {
    /// The AWS SigV4 test suite's example keys (public documentation values, not real credentials).
    static let accessKeyId = "AKIDEXAMPLE"
    static let secretAccessKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    /// 2015-08-30T12:36:00Z, the test suite's signing time.
    static let suiteDate = Date(timeIntervalSince1970: 1_440_938_160)
    static let suiteCredentials = AWSCredentials(accessKeyId: accessKeyId, secretAccessKey: secretAccessKey)

    /// The injected clock of the credential tests: 2026-11-29T06:00:00Z. Every fixture time is stated
    /// relative to it, and every cache under test is given it, so no test depends on today's date.
    static let now = Date(timeIntervalSince1970: 1_795_932_000)
    /// When the fixture credentials expire: six hours after ``now``.
    static let expiration = now.addingTimeInterval(6 * 3600)
    /// ``expiration`` as the container, IMDS and `credential_process` documents write it.
    static var expirationText: String { ISO8601DateFormatter().string(from: expiration) }
    /// ``expiration`` with milliseconds and a numeric offset, as some `credential_process` tools write it.
    static var expirationTextWithMilliseconds: String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSSxxx"
        return formatter.string(from: expiration)
    }

    /// Secrets used by the provider tests, chosen to be unmistakable in any output.
    static let secret = "SECRETsecretSECRETsecret0123456789abcdef"
    static let token = "TOKENtokenTOKENtokenSESSION0123456789"

    static func json(_ object: [String: Any]) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }

    static func response(_ status: Int, _ body: String = "") -> HTTPResponse {
        HTTPResponse(status: status, body: Data(body.utf8))
    }
}
