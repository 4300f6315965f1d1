import Foundation
import Testing

@testable import KMSRotation

/// Assume-role profiles and web identity, resolved in botocore's order against a fake STS.
@Suite("Sign-in: assume-role profiles and web identity")
struct SignInProfileTests {
    let aws = SignInFakeAWS(clock: TestClock(AuthFixtures.now))
    static let secret = SignInFixtures.staticSecret

    private func failure(_ provider: ProfileCredentialProvider) async throws -> CredentialProviderError {
        try await #require(throws: CredentialProviderError.self) { try await provider.credentials() }
    }

    @Test func threeProfileChainAssumesEachRoleWithThePreviousCredentials() async throws {
        let files = try SignInFixtures.files(
            credentials: "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = \(Self.secret)\n",
            config: """
                [profile top]
                role_arn = arn:aws:iam::333333333333:role/Top
                source_profile = middle
                [profile middle]
                role_arn = arn:aws:iam::222222222222:role/Middle
                source_profile = base
                """)
        let credentials = try await SignInFixtures.provider("top", files: files, aws: aws).credentials()
        #expect(credentials.accessKeyId == "ASIATOP2")
        #expect(credentials.accountId == "333333333333")
        let calls = aws.calls
        #expect(calls.map(\.action) == ["AssumeRole", "AssumeRole"])
        #expect(calls.map { $0.form["RoleArn"] } == ["arn:aws:iam::222222222222:role/Middle", "arn:aws:iam::333333333333:role/Top"])
        #expect(calls.map(\.signedWith) == ["AKIDBASE", "ASIAMIDDLE1"])
        #expect(calls.allSatisfy { $0.form["RoleSessionName"] == "kms-rotation-audit" && $0.form["DurationSeconds"] == nil })
    }

    @Test func roleCredentialsAreCachedAndRefreshedBeforeExpiry() async throws {
        let files = try SignInFixtures.files(
            credentials: "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = \(Self.secret)\n",
            config: "[profile r]\nrole_arn = arn:aws:iam::222222222222:role/R\nsource_profile = base\n")
        let provider = SignInFixtures.provider("r", files: files, aws: aws)
        #expect(try await provider.credentials().accessKeyId == "ASIAR1")
        #expect(try await provider.credentials().accessKeyId == "ASIAR1")
        aws.clock.advance(by: 3600 - 299)
        #expect(try await provider.credentials().accessKeyId == "ASIAR2")
        #expect(aws.calls.count == 2)
    }

    @Test func cycleIsAClearError() async throws {
        let files = try SignInFixtures.files(
            config: """
                [profile a]
                role_arn = arn:aws:iam::111122223333:role/A
                source_profile = b
                [profile b]
                role_arn = arn:aws:iam::111122223333:role/B
                source_profile = a
                """)
        let error = try await failure(SignInFixtures.provider("a", files: files, aws: aws))
        #expect(error.kind == .failed)
        #expect(error.reason.contains("Infinite loop in credential configuration detected"))
        #expect(error.reason.contains("a -> b"))
        #expect(aws.calls.isEmpty)
    }

    @Test func selfSourcedProfileUsesItsOwnStaticKeys() async throws {
        let files = try SignInFixtures.files(
            credentials: "[self]\naws_access_key_id = AKIDSELF\naws_secret_access_key = \(Self.secret)\n",
            config: "[profile self]\nrole_arn = arn:aws:iam::111122223333:role/Self\nsource_profile = self\n")
        #expect(try await SignInFixtures.provider("self", files: files, aws: aws).credentials().accessKeyId == "ASIASELF1")
        #expect(aws.calls.first?.signedWith == "AKIDSELF")
    }

    @Test func selfSourceWithoutStaticKeysIsACycle() async throws {
        let files = try SignInFixtures.files(
            config: "[profile self]\nrole_arn = arn:aws:iam::111122223333:role/Self\nsource_profile = self\n")
        let error = try await failure(SignInFixtures.provider("self", files: files, aws: aws))
        #expect(error.reason.contains("Infinite loop"))
    }

    @Test func roleSettingsAreSent() async throws {
        let externalId = "EXTERNALidSECRET123"
        let files = try SignInFixtures.files(
            credentials: "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = \(Self.secret)\n",
            config: """
                [profile r]
                role_arn = arn:aws:iam::222222222222:role/R
                source_profile = base
                external_id = \(externalId)
                role_session_name = alice
                duration_seconds = 1800
                """)
        let provider = SignInFixtures.provider("r", files: files, aws: aws)
        _ = try await provider.credentials()
        let form = try #require(aws.calls.first?.form)
        #expect(form["ExternalId"] == externalId)
        #expect(form["RoleSessionName"] == "alice")
        #expect(form["DurationSeconds"] == "1800")
        #expect(!String(describing: provider).contains(externalId))
        #expect(!String(reflecting: provider).contains(externalId))
    }

    @Test(
        arguments: [
            ("Environment", "ASIAR1"),
            ("EcsContainer", nil),
            ("Ec2InstanceMetadata", nil),
            ("Bogus", nil),
        ] as [(String, String?)])
    func credentialSource(source: String, expected: String?) async throws {
        let files = try SignInFixtures.files(
            config: "[profile r]\nrole_arn = arn:aws:iam::222222222222:role/R\ncredential_source = \(source)\n")
        let env = ["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": Self.secret, "AWS_EC2_METADATA_DISABLED": "true"]
        let provider = SignInFixtures.provider("r", files: files, aws: aws, environment: env)
        if let expected {
            #expect(try await provider.credentials().accessKeyId == expected)
            #expect(aws.calls.first?.signedWith == "AKIDENV")
        } else {
            let error = try await failure(provider)
            #expect(error.kind == .failed)
            if source == "Bogus" {
                #expect(
                    error.reason == "The credential source \"Bogus\" referenced in profile \"r\" is not valid "
                        + "(expected Environment, Ec2InstanceMetadata or EcsContainer).")
            } else {
                #expect(error.reason.hasPrefix("No credentials found in credential_source \(source) referenced in profile r"))
            }
        }
    }

    @Test func credentialSourceEcsContainerSignsWithTheContainerCredentials() async throws {
        let files = try SignInFixtures.files(
            config: "[profile r]\nrole_arn = arn:aws:iam::222222222222:role/R\ncredential_source = EcsContainer\n")
        let env = ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/task"]
        #expect(try await SignInFixtures.provider("r", files: files, aws: aws, environment: env).credentials().accessKeyId == "ASIAR2")
        #expect(aws.calls.map(\.action) == ["container", "AssumeRole"])
        #expect(aws.calls.last?.signedWith == "ASIACONTAINER")
    }

    @Test func sourceProfileAndCredentialSourceTogetherFail() async throws {
        let files = try SignInFixtures.files(
            config:
                "[profile r]\nrole_arn = arn:aws:iam::111111111111:role/R\nsource_profile = x\n"
                + "credential_source = Environment\n[profile x]\n"
        )
        let error = try await failure(SignInFixtures.provider("r", files: files, aws: aws))
        #expect(error.reason == "The profile \"r\" contains both source_profile and credential_source.")
    }

    @Test func missingSourceProfileAndSourceWithoutCredentialsFail() async throws {
        let missing = try SignInFixtures.files(
            config: "[profile r]\nrole_arn = arn:aws:iam::111111111111:role/R\nsource_profile = nowhere\n")
        #expect(
            try await failure(SignInFixtures.provider("r", files: missing, aws: aws)).reason
                == "The source_profile \"nowhere\" referenced in the profile \"r\" does not exist.")
        let empty = try SignInFixtures.files(
            config: "[profile r]\nrole_arn = arn:aws:iam::111111111111:role/R\nsource_profile = e\n[profile e]\nregion = x\n")
        let error = try await failure(SignInFixtures.provider("r", files: empty, aws: aws))
        #expect(error.kind == .failed)
        #expect(error.reason.hasPrefix("The source profile \"e\" must have credentials."))
    }

    @Test func mfaCodeIsAskedOnceAndSent() async throws {
        let asked = AuthCounter()
        let prompt = MFACodePrompt { serial, profile in
            asked.increment()
            #expect(serial == "arn:aws:iam::111122223333:mfa/alice")
            #expect(profile == "r")
            return "123456"
        }
        let files = try SignInFixtures.files(
            credentials: "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = \(Self.secret)\n",
            config: """
                [profile r]
                role_arn = arn:aws:iam::222222222222:role/R
                source_profile = base
                mfa_serial = arn:aws:iam::111122223333:mfa/alice
                """)
        let provider = SignInFixtures.provider("r", files: files, aws: aws, mfa: prompt)
        _ = try await provider.credentials()
        _ = try await provider.credentials()
        #expect(asked.value == 1)
        #expect(aws.calls.first?.form["SerialNumber"] == "arn:aws:iam::111122223333:mfa/alice")
        #expect(aws.calls.first?.form["TokenCode"] == "123456")
        aws.clock.advance(by: 3600)
        let error = try await failure(provider)
        #expect(error.reason.contains("cannot be renewed without a new code"))
        #expect(asked.value == 1)
    }

    // MARK: - Web identity

    @Test func webIdentityFromEnvironmentIsUnsignedAndRereadsTheToken() async throws {
        let directory = try AuthTempDirectory()
        let tokenFile = try directory.write("token", "eyJFIRSTwebIDENTITYtoken0123456789")
        let env = [
            "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile, "AWS_ROLE_ARN": "arn:aws:iam::444455556666:role/Irsa",
            "AWS_ROLE_SESSION_NAME": "pod-1",
        ]
        let provider = SignInFixtures.provider(nil, files: .empty, aws: aws, environment: env)
        #expect(try await provider.credentials().accessKeyId == "ASIAWEBIRSA1")
        try directory.write("token", "eyJSECONDwebIDENTITYtoken0123456789")
        aws.clock.advance(by: 3600)
        #expect(try await provider.credentials().accessKeyId == "ASIAWEBIRSA2")
        let calls = aws.calls
        #expect(calls.map(\.action) == ["AssumeRoleWithWebIdentity", "AssumeRoleWithWebIdentity"])
        #expect(calls.allSatisfy { $0.headers["Authorization"] == nil && $0.signedWith == nil })
        #expect(calls.map { $0.form["WebIdentityToken"] } == ["eyJFIRSTwebIDENTITYtoken0123456789", "eyJSECONDwebIDENTITYtoken0123456789"])
        #expect(calls.first?.form["RoleSessionName"] == "pod-1")
    }

    @Test func environmentWebIdentityIsIgnoredForAnExplicitProfile() async throws {
        let files = try SignInFixtures.files(
            credentials: "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = \(Self.secret)\n", config: "")
        let env = ["AWS_WEB_IDENTITY_TOKEN_FILE": "/nonexistent", "AWS_ROLE_ARN": "arn:aws:iam::444455556666:role/Irsa"]
        let explicit = SignInFixtures.provider("dev", files: files, aws: aws, environment: env, webIdentityFromEnvironment: false)
        #expect(try await explicit.credentials().accessKeyId == "AKIDDEV")
        // Through AWS_PROFILE, botocore reads the variables, and web identity comes before static keys.
        let implicit = SignInFixtures.provider("dev", files: files, aws: aws, environment: env, webIdentityFromEnvironment: true)
        let error = try await failure(implicit)
        #expect(error.reason.contains("web identity token file /nonexistent cannot be read"))
    }

    @Test func webIdentityProfileWithoutRoleFails() async throws {
        let files = try SignInFixtures.files(config: "[profile w]\nweb_identity_token_file = /var/token\n")
        let error = try await failure(SignInFixtures.provider("w", files: files, aws: aws))
        #expect(error.reason.hasPrefix("The provided profile or the current environment is configured to assume role with web identity"))
    }

    @Test func webIdentityProfileAsSourceOfARole() async throws {
        let directory = try AuthTempDirectory()
        let tokenFile = try directory.write("token", "eyJwebIDENTITYtokenFORsource0123456789")
        let files = try SignInFixtures.files(
            config: """
                [profile top]
                role_arn = arn:aws:iam::222222222222:role/Top
                source_profile = web
                [profile web]
                role_arn = arn:aws:iam::111122223333:role/Web
                web_identity_token_file = \(tokenFile)
                """)
        #expect(try await SignInFixtures.provider("top", files: files, aws: aws).credentials().accessKeyId == "ASIATOP2")
        #expect(aws.calls.map(\.action) == ["AssumeRoleWithWebIdentity", "AssumeRole"])
        #expect(aws.calls.last?.signedWith == "ASIAWEBWEB1")
    }

    // MARK: - Precedence and endpoints

    @Test func brokenRoleStopsTheDefaultChain() async throws {
        let files = try SignInFixtures.files(config: "[default]\nrole_arn = arn:aws:iam::111111111111:role/R\nsource_profile = missing\n")
        let chain = CredentialProviderChain.default(
            environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9/creds", "AWS_REGION": "eu-west-1"],
            files: files, transport: aws.transport, now: { AuthFixtures.now })
        let error = try await #require(throws: CredentialChainError.self) { try await chain.credentials() }
        #expect(error.attempts.map(\.provider) == ["environment", "profile default"])
        #expect(aws.transport.requests.isEmpty)
    }

    @Test func stsUsesTheRegionalEndpointByDefault() async throws {
        let files = try SignInFixtures.files(
            credentials: "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = \(Self.secret)\n",
            config: "[profile r]\nrole_arn = arn:aws:iam::222222222222:role/R\nsource_profile = base\nregion = ap-southeast-2\n")
        let provider = ProfileCredentialProvider(
            profile: "r", files: files, processRunner: AuthFakeProcessRunner(stdout: ""), environment: [:],
            transport: aws.transport, now: { aws.clock.now })
        _ = try await provider.credentials()
        #expect(aws.calls.first?.url.absoluteString == "https://sts.ap-southeast-2.amazonaws.com")
    }

    @Test func servicesSectionAndStsVariableAreHonoured() async throws {
        let files = try SignInFixtures.files(
            credentials: "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = \(Self.secret)\n",
            config: """
                [profile r]
                role_arn = arn:aws:iam::222222222222:role/R
                source_profile = base
                services = local
                [services local]
                sts =
                  endpoint_url = https://sts.local.test
                """)
        let provider = ProfileCredentialProvider(
            profile: "r", files: files, processRunner: AuthFakeProcessRunner(stdout: ""),
            environment: ["AWS_REGION": "eu-west-1"], transport: aws.transport, now: { aws.clock.now })
        _ = try await provider.credentials()
        #expect(aws.calls.first?.url.host == "sts.local.test")
        let byVariable = ProfileCredentialProvider(
            profile: "r", files: files, processRunner: AuthFakeProcessRunner(stdout: ""),
            environment: ["AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL_STS": "https://sts.variable.test"],
            transport: aws.transport, now: { aws.clock.now })
        _ = try await byVariable.credentials()
        #expect(aws.calls.last?.url.host == "sts.variable.test")
    }

    @Test func noSecretReachesDescriptionsOrErrors() async throws {
        let files = try SignInFixtures.files(
            credentials: "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = \(Self.secret)\n",
            config: "[profile r]\nrole_arn = arn:aws:iam::222222222222:role/R\nsource_profile = base\n")
        let provider = SignInFixtures.provider("r", files: files, aws: aws)
        let credentials = try await provider.credentials()
        for text in [String(describing: provider), String(describing: credentials), String(reflecting: credentials)] {
            #expect(!text.contains(Self.secret))
            #expect(!text.contains(credentials.secretAccessKey))
            #expect(!text.contains(credentials.sessionToken ?? "-"))
        }
    }
}
