import Foundation
import KMSRotation
import TestSupport

/// The loopback IAM Identity Center (Support/sso_server.py): the portal's GetRoleCredentials and SSO
/// OIDC's CreateToken, written to the AWS API reference, since moto has neither.
final class SSOServer: @unchecked Sendable {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Support/sso_server.py").path
    /// An access token `aws sso login` would have cached, and its refresh token.
    static let accessToken = "ssoLoginAccessTokenFromCache0123456789"
    static let refreshToken = "ssoLoginRefreshTokenFromCache0123456789"
    static let clientSecret = "ssoRegisterClientSecret0123456789abcdef"

    let helper: PythonHelper
    let port: Int
    var endpoint: String { "http://127.0.0.1:\(port)" }

    struct Ready: Decodable { var port: Int }

    init() throws {
        let source = try String(contentsOfFile: Self.script, encoding: .utf8)
        // PythonHelper runs a script without arguments: the tokens are set in the source.
        let configured = source.replacingOccurrences(
            of: "args = sys.argv[1:]",
            with: "args = sys.argv[1:] + [\"--token\", \"\(Self.accessToken)\", \"--refresh-token\", \"\(Self.refreshToken)\"]")
        helper = try PythonHelper.start(script: configured, name: "sso-server")
        port = try helper.ready(Ready.self).port
    }

    deinit { helper.stop() }
}

/// Files for one sign-in case under a fresh `HOME`: config, credentials, and the SSO token cache.
struct SignInHome {
    let path: String

    init(config: String, credentials: String, tokens: [String: String]) throws {
        path = NSTemporaryDirectory() + "kms-rotation-signin-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path + "/.aws/sso/cache", withIntermediateDirectories: true)
        try config.write(toFile: path + "/.aws/config", atomically: true, encoding: .utf8)
        try credentials.write(toFile: path + "/.aws/credentials", atomically: true, encoding: .utf8)
        for (key, json) in tokens {
            try json.write(toFile: path + "/.aws/sso/cache/\(key).json", atomically: true, encoding: .utf8)
        }
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    var environment: [String: String] {
        ["HOME": path, "AWS_CONFIG_FILE": path + "/.aws/config", "AWS_SHARED_CREDENTIALS_FILE": path + "/.aws/credentials"]
    }

    /// A token cache entry exactly as `aws sso login` writes it, expiring `expiresIn` seconds from now
    /// (computed from the real clock, which botocore and the CLI read).
    static func token(startURL: String, accessToken: String = SSOServer.accessToken, expiresIn: TimeInterval, refreshable: Bool) -> String {
        let formatter = ISO8601DateFormatter()
        var object: [String: Any] = [
            "startUrl": startURL, "region": "us-east-1", "accessToken": accessToken,
            "expiresAt": formatter.string(from: Date().addingTimeInterval(expiresIn)),
        ]
        if refreshable {
            object["clientId"] = "ssoRegisterClientId"
            object["clientSecret"] = SSOServer.clientSecret
            object["registrationExpiresAt"] = formatter.string(from: Date().addingTimeInterval(90 * 86_400))
            object["refreshToken"] = SSOServer.refreshToken
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// SHA-1 of the sso-session name `corp`, and of the legacy start URL: the CLI's cache file names.
    static let corpKey = "ee0bfd2552fbd840c02cc48b6e823320543c450f"
    static let startURL = "https://corp.awsapps.com/start"
    static let legacyKey = "a51746d4aa793ae07b25e90c3a5db96fc7832bd7"
}
