import Foundation

@testable import KMSRotation

/// A fake AWS for sign-in tests: STS (`AssumeRole`, `AssumeRoleWithWebIdentity`, Query protocol), the
/// IAM Identity Center portal (`GET /federation/credentials`) and SSO OIDC (`POST /token`), all at
/// `https://fake.test`. Each role's access key is `ASIA` + its role name upper-cased + a call number.
final class SignInFakeAWS: @unchecked Sendable {
    struct Call: Sendable {
        var action: String
        var form: [String: String]
        var signedWith: String?
        var headers: HTTPHeaders
        var url: URL
    }

    private let lock = NSLock()
    private var recorded: [Call] = []
    private var count = 0
    let clock: TestClock
    var validAccessToken = "SSOaccessTOKENvalid0123456789"
    var refreshedAccessToken = "SSOaccessTOKENrefreshed0123456789"
    var portalStatus = 200
    var oidcStatus = 200

    init(clock: TestClock) { self.clock = clock }

    var calls: [Call] { lock.withLock { recorded } }

    lazy var transport: AuthTestTransport = AuthTestTransport { [unowned self] request in self.handle(request) }

    static func form(_ body: Data) -> [String: String] {
        var result: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            if parts.count == 2 { result[parts[0]] = parts[1] }
        }
        return result
    }

    private func handle(_ request: HTTPRequest) -> HTTPResponse {
        let number = lock.withLock {
            count += 1
            return count
        }
        let expiration = ISO8601DateFormatter().string(from: clock.now.addingTimeInterval(3600))
        if request.url.host == "169.254.170.2" {
            record(Call(action: "container", form: [:], signedWith: nil, headers: request.headers, url: request.url))
            return HTTPResponse(
                status: 200,
                body: Data(
                    """
                    {"AccessKeyId":"ASIACONTAINER","SecretAccessKey":"containerSecret0123456789abcdef",
                    "Token":"containerSession0123456789abcdef","Expiration":"\(expiration)"}
                    """.utf8))
        }
        if request.url.path.hasSuffix("/federation/credentials") {
            let query = URLComponents(url: request.url, resolvingAgainstBaseURL: false)?.queryItems ?? []
            var form: [String: String] = [:]
            for item in query { form[item.name] = item.value }
            record(Call(action: "GetRoleCredentials", form: form, signedWith: nil, headers: request.headers, url: request.url))
            let token = request.headers["x-amz-sso_bearer_token"]
            guard portalStatus == 200, token == validAccessToken || token == refreshedAccessToken else {
                return HTTPResponse(
                    status: 401, headers: ["x-amzn-ErrorType": "UnauthorizedException:http://internal.amazon.com/"],
                    body: Data(#"{"message":"Session token not found or invalid"}"#.utf8))
            }
            let millis = Int(clock.now.addingTimeInterval(3600).timeIntervalSince1970 * 1000)
            let role = (form["role_name"] ?? "").uppercased()
            return HTTPResponse(
                status: 200,
                body: Data(
                    """
                    {"roleCredentials":{"accessKeyId":"ASIASSO\(role)\(number)","secretAccessKey":"SSOsecret\(number)SSOsecretSSOsecret",
                    "sessionToken":"SSOsession\(number)SSOsessionSSOsession","expiration":\(millis)}}
                    """.utf8))
        }
        if request.url.path.hasSuffix("/token") {
            let object = (try? JSONSerialization.jsonObject(with: request.body) as? [String: String]) ?? [:]
            record(Call(action: "CreateToken", form: object, signedWith: nil, headers: request.headers, url: request.url))
            guard oidcStatus == 200 else {
                return HTTPResponse(status: 400, body: Data(#"{"error":"invalid_grant","error_description":"expired"}"#.utf8))
            }
            return HTTPResponse(
                status: 200,
                body: Data(
                    """
                    {"accessToken":"\(refreshedAccessToken)","expiresIn":28800,
                    "refreshToken":"NEWrefreshTOKEN0123456789abc","tokenType":"Bearer"}
                    """.utf8))
        }
        let form = Self.form(request.body)
        let authorization = request.headers["Authorization"]
        let signedWith = authorization.flatMap { header -> String? in
            guard let range = header.range(of: "Credential=") else { return nil }
            return String(header[range.upperBound...].prefix { $0 != "/" })
        }
        let action = form["Action"] ?? "?"
        record(Call(action: action, form: form, signedWith: signedWith, headers: request.headers, url: request.url))
        let roleArn = form["RoleArn"] ?? ""
        let roleName = String(roleArn.split(separator: "/").last ?? "")
        let account = roleArn.split(separator: ":", omittingEmptySubsequences: false).dropFirst(4).first.map(String.init) ?? "111122223333"
        let prefix = action == "AssumeRoleWithWebIdentity" ? "ASIAWEB" : "ASIA"
        let body = """
            <\(action)Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><\(action)Result>
            <AssumedRoleUser><Arn>arn:aws:sts::\(account):assumed-role/\(roleName)/s</Arn>
            <AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>
            <Credentials><AccessKeyId>\(prefix)\(roleName.uppercased())\(number)</AccessKeyId>
            <SecretAccessKey>ROLEsecret\(number)ROLEsecretROLEsecret</SecretAccessKey>
            <SessionToken>ROLEsession\(number)ROLEsessionROLEsession</SessionToken><Expiration>\(expiration)</Expiration></Credentials>
            </\(action)Result></\(action)Response>
            """
        return HTTPResponse(status: 200, body: Data(body.utf8))
    }

    private func record(_ call: Call) { lock.withLock { recorded.append(call) } }
}

enum SignInFixtures {
    static let staticSecret = "STATICsecretSTATICsecret0123456789abcd"
    static let refreshToken = "OLDrefreshTOKEN0123456789abcdef"
    static let clientSecret = "CLIENTsecretCLIENTsecret0123456789"

    static func files(credentials: String = "", config: String) throws -> SharedConfigFiles {
        try SharedConfigFiles(
            credentials: credentials, config: config, credentialsFilePath: "/h/.aws/credentials", configFilePath: "/h/.aws/config")
    }

    /// A profile provider as the default chain builds it, with an MFA prompt that must not be reached
    /// unless given.
    static func provider(
        _ profile: String?, files: SharedConfigFiles, aws: SignInFakeAWS, environment: [String: String] = [:],
        webIdentityFromEnvironment: Bool = true,
        mfa: MFACodePrompt = MFACodePrompt { _, _ in throw CocoaError(.userCancelled) }
    ) -> ProfileCredentialProvider {
        var env = ["AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL": "https://fake.test"]
        env.merge(environment) { _, new in new }
        return ProfileCredentialProvider(
            profile: profile, files: files, processRunner: AuthFakeProcessRunner(stdout: ""), environment: env,
            transport: aws.transport, now: { aws.clock.now }, webIdentityFromEnvironment: webIdentityFromEnvironment,
            mfaPrompt: mfa)
    }

    /// A token cache entry exactly as `aws sso login` writes it.
    static func ssoToken(
        startURL: String, region: String, accessToken: String, expiresAt: Date, refreshable: Bool, registrationExpiresAt: Date
    ) -> String {
        let formatter = ISO8601DateFormatter()
        var object: [String: Any] = [
            "startUrl": startURL, "region": region, "accessToken": accessToken, "expiresAt": formatter.string(from: expiresAt),
        ]
        if refreshable {
            object["clientId"] = "clientIdFromRegisterClient"
            object["clientSecret"] = clientSecret
            object["registrationExpiresAt"] = formatter.string(from: registrationExpiresAt)
            object["refreshToken"] = refreshToken
        }
        return String(decoding: AuthFixtures.json(object), as: UTF8.self)
    }
}
