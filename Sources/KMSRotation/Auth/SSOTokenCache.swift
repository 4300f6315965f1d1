import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The token cache that `aws sso login` writes: `~/.aws/sso/cache/<key>.json`, where the key is the
/// lower-case hex SHA-1 of the `sso-session` name, or of the start URL for a legacy profile (botocore's
/// `SSOTokenLoader`). Reads are size-bounded; writes replace the file atomically (a temporary file in the
/// same directory, created with mode 0600, synced, then renamed), as the AWS CLI writes it.
struct SSOTokenCache: Sendable {
    /// The directory: `$HOME/.aws/sso/cache`.
    let directory: String

    /// The largest cache file read.
    static let maximumSize = 256 * 1024

    init(directory: String) {
        self.directory = directory
    }

    /// The cache of an environment: `$HOME/.aws/sso/cache`, or `nil` without `HOME`.
    init?(environment: [String: String]) {
        guard let home = RedactedEnvironment(environment)["HOME"] else { return nil }
        self.directory = home + "/.aws/sso/cache"
    }

    /// The file name's key: SHA-1 of the session name, or of the start URL for legacy profiles.
    static func key(sessionName: String?, startURL: String) -> String {
        Insecure.SHA1.hash(data: Data((sessionName ?? startURL).utf8)).map { String(format: "%02x", $0) }.joined()
    }

    func path(sessionName: String?, startURL: String) -> String {
        directory + "/" + Self.key(sessionName: sessionName, startURL: startURL) + ".json"
    }

    /// The cached JSON object, or `nil` when there is no file.
    /// - Throws: `Problem` when the file cannot be read or is not a JSON object.
    func read(_ path: String) throws -> [String: Any]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Problem.unreadable }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: Self.maximumSize + 1)) ?? nil
        guard let data else { throw Problem.unreadable }
        guard data.count <= Self.maximumSize else { throw Problem.tooLarge }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw Problem.notJSON }
        return object
    }

    /// Replaces the file atomically with `object`, mode 0600.
    func write(_ object: [String: Any], to path: String) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        let temporary = directory + "/.kms-rotation-" + UUID().uuidString + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Problem.unwritable }
        var ok = data.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { return false }
                offset += written
            }
            return true
        }
        ok = ok && fsync(fd) == 0
        close(fd)
        guard ok, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw Problem.unwritable
        }
    }

    enum Problem: Error, CustomStringConvertible {
        case unreadable, tooLarge, notJSON, unwritable
        var description: String {
            switch self {
            case .unreadable: "cannot be read"
            case .tooLarge: "is larger than \(SSOTokenCache.maximumSize) bytes"
            case .notJSON: "is not a JSON object"
            case .unwritable: "cannot be written"
            }
        }
    }
}
