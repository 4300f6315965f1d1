import Foundation
import Testing
@testable import KMSRotation

@Suite struct CredentialProviderChainTests {
    struct Fixed: CredentialProvider {
        let name: String
        let result: Result<AWSCredentials, CredentialProviderError>
        func credentials() async throws -> AWSCredentials { try result.get() }
    }

    struct Foreign: CredentialProvider {
        struct Oops: Error, CustomStringConvertible { var description: String { "leaked \(AuthFixtures.secret)" } }
        let name = "foreign"
        func credentials() async throws -> AWSCredentials { throw Oops() }
    }

    static let one = AWSCredentials(accessKeyId: "AKIDONE", secretAccessKey: "s1")
    static let two = AWSCredentials(accessKeyId: "AKIDTWO", secretAccessKey: "s2")

    private func chainError(_ provider: any CredentialProvider) async throws -> CredentialChainError {
        try await #require(throws: CredentialChainError.self) { try await provider.credentials() }
    }

    @Test func firstSuccessWinsAndNotConfiguredIsSkipped() async throws {
        let later = AuthCountingProvider { _ in Self.two }
        let chain = CredentialProviderChain(providers: [
            Fixed(name: "a", result: .failure(.notConfigured("a", "nothing here"))),
            Fixed(name: "b", result: .success(Self.one)),
            later,
        ])
        #expect(try await chain.credentials() == Self.one)
        #expect(later.calls.value == 0)
    }

    @Test func aFailureStopsTheChainAndEveryAttemptIsListed() async throws {
        let later = AuthCountingProvider { _ in Self.two }
        let chain = CredentialProviderChain(providers: [
            Fixed(
                name: "environment",
                result: .failure(.notConfigured("environment", "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set"))),
            Fixed(name: "profile dev", result: .failure(.failed("profile dev", "credential_process exited with status 1: expired"))),
            later,
        ])
        let error = try await chainError(chain)
        #expect(!error.isNotConfigured)
        #expect(
            error.description == """
                Could not load AWS credentials. Providers tried, in order:
                  - environment (not configured): AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set
                  - profile dev: credential_process exited with status 1: expired
                """)
        #expect(later.calls.value == 0)
    }

    @Test func nestedChainsAreFlattenedAndForeignErrorsAreNotQuoted() async throws {
        let inner = CredentialProviderChain(providers: [Fixed(name: "x", result: .failure(.notConfigured("x", "no x")))])
        let chain = CredentialProviderChain(providers: [inner, Foreign()])
        let error = try await chainError(chain)
        #expect(error.attempts == [.notConfigured("x", "no x"), .failed("foreign", "failed with an error of type Oops")])
        #expect(!error.description.contains(AuthFixtures.secret))
    }

    @Test func defaultChainWithNothingConfiguredListsAllFourProviders() async throws {
        let transport = AuthTestTransport.unreachable
        let provider = CredentialProviderChain.default(environment: [:], files: .empty, transport: transport, now: { AuthFixtures.now })
        let error = try await chainError(provider)
        #expect(error.isNotConfigured)
        #expect(
            error.description == """
                No AWS credentials found. Providers tried, in order:
                  - environment (not configured): AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set
                  - profile default (not configured): profile default is not defined in the credentials file or the config file
                  - container (not configured): AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set
                  - imds (not configured): the instance metadata service at http://169.254.169.254 is not reachable: connection refused (connectionFailed)
                """)
        #expect(transport.requests.map(\.url.absoluteString) == ["http://169.254.169.254/latest/api/token"])
        #expect(transport.requests.first?.timeout == .seconds(1))
    }

    @Test func defaultChainPrefersEnvironment() async throws {
        let files = try SharedConfigFiles(credentials: "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = f\n", config: "")
        let transport = AuthTestTransport.unreachable
        let provider = CredentialProviderChain.default(
            environment: ["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "e"], files: files, transport: transport,
            now: { AuthFixtures.now })
        #expect(try await provider.credentials().accessKeyId == "AKIDENV")
        #expect(transport.requests.isEmpty)
    }

    @Test func defaultChainUsesAWSProfileAndExplicitProfileSkipsEnvironment() async throws {
        let files = try SharedConfigFiles(credentials: "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = d\n", config: "")
        let transport = AuthTestTransport.unreachable
        let viaVariable = CredentialProviderChain.default(
            environment: ["AWS_PROFILE": "dev"], files: files, transport: transport, now: { AuthFixtures.now })
        #expect(try await viaVariable.credentials().accessKeyId == "AKIDDEV")

        let explicit = CredentialProviderChain.default(
            environment: ["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "e"], files: files, transport: transport, profile: "dev",
            now: { AuthFixtures.now })
        #expect(try await explicit.credentials().accessKeyId == "AKIDDEV")

        let typo = CredentialProviderChain.default(
            environment: [:], files: files, transport: transport, profile: "deev", now: { AuthFixtures.now })
        let error = try await chainError(typo)
        #expect(error.attempts.map(\.provider) == ["profile deev"])
        #expect(error.attempts.first?.kind == .failed)
    }

    @Test func defaultChainFallsThroughToContainerThenIMDS() async throws {
        let container = AuthTestTransport { _ in AuthFixtures.response(200, ContainerCredentialProviderTests.body) }
        let fromContainer = CredentialProviderChain.default(
            environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/x"], files: .empty, transport: container,
            now: { AuthFixtures.now })
        #expect(try await fromContainer.credentials().accessKeyId == "ASIACONTAINER")

        let imds = AuthTestTransport { request in
            if request.method == "PUT" { return AuthFixtures.response(200, "tok") }
            return request.url.absoluteString.hasSuffix("/security-credentials/")
                ? AuthFixtures.response(200, "Role") : AuthFixtures.response(200, IMDSCredentialProviderTests.document)
        }
        let fromIMDS = CredentialProviderChain.default(environment: [:], files: .empty, transport: imds, now: { AuthFixtures.now })
        #expect(try await fromIMDS.credentials().accessKeyId == "ASIAIMDS")
        // Cached: a second call makes no request.
        _ = try await fromIMDS.credentials()
        #expect(imds.requests.count == 3)
    }
}
