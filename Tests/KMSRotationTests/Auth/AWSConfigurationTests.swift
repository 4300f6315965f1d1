import Foundation
import Testing
@testable import KMSRotation

@Suite struct AWSConfigurationTests {
    static let config = """
        [default]
        region = us-west-2
        [profile dev]
        region = eu-west-1
        services = local
        endpoint_url = https://profile.example
        use_fips_endpoint = true
        use_dualstack_endpoint = TRUE
        max_attempts = 7
        retry_mode = Adaptive
        [profile plain]
        endpoint_url = https://plain.example
        [profile ignoring]
        endpoint_url = https://ignored.example
        ignore_configured_endpoint_urls = true
        [profile broken]
        max_attempts = 0
        [services local]
        kms =
          endpoint_url = http://127.0.0.1:4566
        """

    let files: SharedConfigFiles

    init() throws {
        files = try SharedConfigFiles(credentials: "", config: Self.config)
    }

    @Test func emptyEverythingGivesDefaults() throws {
        let configuration = try AWSConfiguration.resolve(environment: [:], files: .empty)
        #expect(configuration == AWSConfiguration(profile: "default"))
    }

    @Test func regionPrecedence() throws {
        let fromProfile = try AWSConfiguration.resolve(environment: [:], files: files)
        #expect(fromProfile.region == "us-west-2")
        #expect(fromProfile.regionSource == "profile default")

        let fromDefaultRegion = try AWSConfiguration.resolve(environment: ["AWS_DEFAULT_REGION": "ap-southeast-2"], files: files)
        #expect(fromDefaultRegion.region == "ap-southeast-2")
        #expect(fromDefaultRegion.regionSource == "environment variable AWS_DEFAULT_REGION")

        let fromRegion = try AWSConfiguration.resolve(
            environment: ["AWS_REGION": "ca-central-1", "AWS_DEFAULT_REGION": "ap-southeast-2"], files: files)
        #expect(fromRegion.region == "ca-central-1")
        #expect(fromRegion.regionSource == "environment variable AWS_REGION")

        let viaAWSProfile = try AWSConfiguration.resolve(environment: ["AWS_PROFILE": "dev"], files: files)
        #expect(viaAWSProfile.profile == "dev")
        #expect(viaAWSProfile.region == "eu-west-1")

        let explicitBeatsAWSProfile = try AWSConfiguration.resolve(environment: ["AWS_PROFILE": "dev"], files: files, profile: "default")
        #expect(explicitBeatsAWSProfile.region == "us-west-2")
    }

    @Test func profileSettingsAreRead() throws {
        let configuration = try AWSConfiguration.resolve(environment: [:], files: files, profile: "dev")
        #expect(
            configuration
                == AWSConfiguration(
                    profile: "dev", region: "eu-west-1", regionSource: "profile dev",
                    endpointURL: "http://127.0.0.1:4566", endpointURLSource: "services section local (kms endpoint_url) of profile dev",
                    useFIPSEndpoint: true, useDualStackEndpoint: true, maxAttempts: 7, retryMode: "adaptive"))
    }

    @Test func endpointPrecedence() throws {
        let env = ["AWS_ENDPOINT_URL_KMS": "http://127.0.0.1:1", "AWS_ENDPOINT_URL": "http://127.0.0.1:2"]
        let kmsVariable = try AWSConfiguration.resolve(environment: env, files: files, profile: "dev")
        #expect(kmsVariable.endpointURL == "http://127.0.0.1:1")
        #expect(kmsVariable.endpointURLSource == "environment variable AWS_ENDPOINT_URL_KMS")

        let globalVariable = try AWSConfiguration.resolve(
            environment: ["AWS_ENDPOINT_URL": "http://127.0.0.1:2"], files: files, profile: "dev")
        #expect(globalVariable.endpointURL == "http://127.0.0.1:2")
        #expect(globalVariable.endpointURLSource == "environment variable AWS_ENDPOINT_URL")

        let profileOnly = try AWSConfiguration.resolve(environment: [:], files: files, profile: "plain")
        #expect(profileOnly.endpointURL == "https://plain.example")
        #expect(profileOnly.endpointURLSource == "profile plain setting endpoint_url")

        let none = try AWSConfiguration.resolve(environment: [:], files: files)
        #expect(none.endpointURL == nil)
        #expect(none.endpointURLSource == nil)
    }

    @Test func ignoreConfiguredEndpointURLs() throws {
        let byVariable = try AWSConfiguration.resolve(
            environment: ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true", "AWS_ENDPOINT_URL_KMS": "http://127.0.0.1:1"], files: files,
            profile: "dev")
        #expect(byVariable.endpointURL == nil)

        let byProfile = try AWSConfiguration.resolve(
            environment: ["AWS_ENDPOINT_URL": "http://127.0.0.1:2"], files: files, profile: "ignoring")
        #expect(byProfile.endpointURL == nil)

        let variableOverridesProfile = try AWSConfiguration.resolve(
            environment: ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "false"], files: files, profile: "ignoring")
        #expect(variableOverridesProfile.endpointURL == "https://ignored.example")
    }

    @Test func environmentFlagsBeatProfile() throws {
        let configuration = try AWSConfiguration.resolve(
            environment: [
                "AWS_USE_FIPS_ENDPOINT": "false", "AWS_USE_DUALSTACK_ENDPOINT": "False",
                "AWS_MAX_ATTEMPTS": "2", "AWS_RETRY_MODE": "standard",
            ], files: files, profile: "dev")
        #expect(!configuration.useFIPSEndpoint)
        #expect(!configuration.useDualStackEndpoint)
        #expect(configuration.maxAttempts == 2)
        #expect(configuration.retryMode == "standard")
    }

    @Test(arguments: [
        (["AWS_MAX_ATTEMPTS": "abc"], "Invalid value 'abc' for environment variable AWS_MAX_ATTEMPTS: expected a positive integer"),
        (["AWS_MAX_ATTEMPTS": "-1"], "Invalid value '-1' for environment variable AWS_MAX_ATTEMPTS: expected a positive integer"),
        (["AWS_RETRY_MODE": "fast"], "Invalid value 'fast' for environment variable AWS_RETRY_MODE: expected legacy, standard or adaptive"),
        (["AWS_USE_FIPS_ENDPOINT": "yes"], "Invalid value 'yes' for environment variable AWS_USE_FIPS_ENDPOINT: expected true or false"),
        (
            ["AWS_USE_DUALSTACK_ENDPOINT": "1"],
            "Invalid value '1' for environment variable AWS_USE_DUALSTACK_ENDPOINT: expected true or false"
        ),
        (
            ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "on"],
            "Invalid value 'on' for environment variable AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: expected true or false"
        ),
        (["AWS_PROFILE": "broken"], "Invalid value '0' for profile broken setting max_attempts: expected a positive integer"),
    ])
    func invalidValuesNameTheirSource(environment: [String: String], message: String) throws {
        let error = try #require(throws: AWSConfigurationError.self) {
            try AWSConfiguration.resolve(environment: environment, files: files)
        }
        #expect(error.description == message)
    }
}
