import Foundation
import Testing
@testable import KMSRotation

@Suite struct EnvironmentCredentialProviderTests {
    @Test func staticProviderReturnsItsCredentials() async throws {
        let credentials = AWSCredentials(accessKeyId: "AKIDSTATIC", secretAccessKey: AuthFixtures.secret, sessionToken: AuthFixtures.token)
        let provider = StaticCredentialProvider(credentials)
        #expect(provider.name == "static")
        #expect(try await provider.credentials() == credentials)
    }

    @Test func readsKeysTokenAndAccount() async throws {
        let provider = EnvironmentCredentialProvider(environment: [
            "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": AuthFixtures.secret,
            "AWS_SESSION_TOKEN": AuthFixtures.token, "AWS_ACCOUNT_ID": "111122223333",
        ])
        let credentials = try await provider.credentials()
        #expect(
            credentials
                == AWSCredentials(
                    accessKeyId: "AKIDENV", secretAccessKey: AuthFixtures.secret,
                    sessionToken: AuthFixtures.token, accountId: "111122223333"))
    }

    @Test func longTermKeysHaveNoToken() async throws {
        let provider = EnvironmentCredentialProvider(environment: [
            "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "",
        ])
        let credentials = try await provider.credentials()
        #expect(credentials.sessionToken == nil)
        #expect(credentials.expiration == nil)
    }

    @Test(arguments: [
        ([:], CredentialProviderError.notConfigured("environment", "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")),
        (
            ["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""],
            CredentialProviderError.notConfigured("environment", "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")
        ),
        (
            ["AWS_ACCESS_KEY_ID": "AKIDENV"],
            CredentialProviderError.failed("environment", "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not")
        ),
        (
            ["AWS_SECRET_ACCESS_KEY": AuthFixtures.secret],
            CredentialProviderError.failed("environment", "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not")
        ),
    ])
    func missingKeys(environment: [String: String], expected: CredentialProviderError) async throws {
        let error = try await #require(throws: CredentialProviderError.self) {
            try await EnvironmentCredentialProvider(environment: environment).credentials()
        }
        #expect(error == expected)
    }
}
