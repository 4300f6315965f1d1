import Foundation
import Testing
@testable import KMSRotation

/// No secret key or session token may appear in any description, debug description, `dump`, or error
/// message of credentials, providers, files or errors.
@Suite struct SecretRedactionTests {
    let secret = AuthFixtures.secret
    let token = AuthFixtures.token

    /// Not AuthTestTransport: that one records requests, and a recorded request (this test's own
    /// bookkeeping) holds the token it was sent.
    struct Unreachable: HTTPTransport {
        func send(_ request: HTTPRequest) async throws -> HTTPResponse { throw TransportError(.connectionFailed, "refused") }
    }

    private func renderings(_ value: Any) -> [String] {
        var dumped = ""
        dump(value, to: &dumped)
        return [String(describing: value), String(reflecting: value), dumped]
    }

    private func expectClean(_ value: Any, sourceLocation: SourceLocation = #_sourceLocation) {
        for text in renderings(value) {
            #expect(!text.contains(secret), "secret key leaked: \(text)", sourceLocation: sourceLocation)
            #expect(!text.contains(token), "session token leaked: \(text)", sourceLocation: sourceLocation)
        }
    }

    @Test func credentialsAndProvidersNeverShowSecrets() async throws {
        let credentials = AWSCredentials(
            accessKeyId: "ASIAEXAMPLEKEY1234", secretAccessKey: secret, sessionToken: token,
            expiration: AuthFixtures.expiration, accountId: "111122223333")
        expectClean(credentials)
        #expect(credentials.description.contains("****1234"))

        let environment = [
            "AWS_ACCESS_KEY_ID": "ASIAEXAMPLEKEY1234", "AWS_SECRET_ACCESS_KEY": secret, "AWS_SESSION_TOKEN": token,
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": token, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/x",
        ]
        let files = try SharedConfigFiles(
            credentials: "[default]\naws_access_key_id = AKID\naws_secret_access_key = \(secret)\naws_session_token = \(token)\n",
            config: "[profile p]\ncredential_process = echo \(secret)\n")
        let transport = Unreachable()
        let providers: [any CredentialProvider] = [
            StaticCredentialProvider(credentials),
            EnvironmentCredentialProvider(environment: environment),
            ProfileCredentialProvider(files: files, processRunner: SubprocessCredentialProcessRunner(environment: environment)),
            ContainerCredentialProvider(environment: environment, transport: transport),
            IMDSCredentialProvider(transport: transport, environment: environment),
            CredentialProviderChain.default(environment: environment, files: files, transport: transport, now: { AuthFixtures.now }),
        ]
        expectClean(files)
        for provider in providers {
            expectClean(provider)
            if let credentials = try? await provider.credentials() { expectClean(credentials) }
        }
        let cached = CachedCredentialProvider(StaticCredentialProvider(credentials), now: { AuthFixtures.now })
        _ = try await cached.credentials()
        expectClean(cached)
        expectClean(CredentialProcessOutput(exitCode: 0, standardOutput: Data(secret.utf8), standardError: Data()))
    }

    @Test func errorsNeverShowSecrets() async throws {
        let runner = AuthFakeProcessRunner(
            exitCode: 1, stdout: "{\"SecretAccessKey\": \"\(secret)\", \"SessionToken\": \"\(token)\"}", stderr: "denied")
        let badJSON = AuthFakeProcessRunner(stdout: "{\"Version\": \"\(secret)\", \"SessionToken\": \"\(token)\"")
        let files = try SharedConfigFiles(credentials: "", config: "[default]\ncredential_process = get-creds\n")
        let leakyBody = AuthTestTransport { _ in
            AuthFixtures.response(200, "{\"AccessKeyId\": 5, \"SecretAccessKey\": \"\(secret)\", \"Token\": \"\(token)\"}")
        }
        let errorBody = AuthTestTransport { _ in AuthFixtures.response(500, "{\"message\": \"\(secret) \(token)\"}") }
        let providers: [any CredentialProvider] = [
            ProfileCredentialProvider(files: files, processRunner: runner),
            ProfileCredentialProvider(files: files, processRunner: badJSON),
            ContainerCredentialProvider(
                environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/x", "AWS_CONTAINER_AUTHORIZATION_TOKEN": token],
                transport: leakyBody),
            ContainerCredentialProvider(environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/x"], transport: errorBody),
            IMDSCredentialProvider(transport: leakyBody, environment: ["AWS_EC2_INSTANCE_PROFILE_NAME": "r"]),
            EnvironmentCredentialProvider(environment: ["AWS_SECRET_ACCESS_KEY": secret, "AWS_SESSION_TOKEN": token]),
            CredentialProviderChain(providers: [ProfileCredentialProvider(files: files, processRunner: runner)]),
        ]
        var seen = 0
        for provider in providers {
            do {
                _ = try await provider.credentials()
                Issue.record("\(provider.name) unexpectedly succeeded")
            } catch {
                seen += 1
                expectClean(error)
                #expect(!error.localizedDescription.contains(secret))
            }
        }
        #expect(seen == providers.count)

        let parseError = try #require(throws: SharedConfigFiles.ParseError.self) {
            try SharedConfigFiles(credentials: "[default]\naws_secret_access_key \(secret)\n", config: "")
        }
        expectClean(parseError)
    }

    @Test func signedRequestHeadersAreRedactedInDescriptions() {
        let credentials = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: secret, sessionToken: token)
        let signed = SigV4Signer(service: "kms", region: "us-east-1")
            .sign(
                HTTPRequest(method: "POST", url: URL(string: "https://kms.us-east-1.amazonaws.com/")!), credentials: credentials,
                date: AuthFixtures.suiteDate)
        #expect(!signed.headers.description.contains(token))
        #expect(!signed.headers.description.contains("Signature="))
    }
}
