import Testing
import KMSRotation

@Suite("AWSConfiguration service endpoints")
struct ServiceEndpointConfigurationTests {
    @Test("AWS_ENDPOINT_URL_<SERVICE> > AWS_ENDPOINT_URL > services section > profile endpoint_url")
    func precedence() throws {
        let files = try SharedConfigFiles(
            credentials: "",
            config: """
                [profile dev]
                services = local
                endpoint_url = https://profile.example.com
                [services local]
                sts =
                  endpoint_url = https://sts.local.example.com
                kms =
                  endpoint_url = https://kms.local.example.com
                """)
        func resolve(_ service: String, _ environment: [String: String]) throws -> ConfiguredEndpoint? {
            try AWSConfiguration.endpointURL(forService: service, environment: environment, files: files, profile: "dev")
        }
        let everything = [
            "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:1", "AWS_ENDPOINT_URL_ORGANIZATIONS": "http://127.0.0.1:2",
            "AWS_ENDPOINT_URL": "http://127.0.0.1:3",
        ]
        #expect(
            try resolve("STS", everything)
                == ConfiguredEndpoint(url: "http://127.0.0.1:1", source: "environment variable AWS_ENDPOINT_URL_STS"))
        #expect(try resolve("Organizations", everything)?.url == "http://127.0.0.1:2")
        #expect(try resolve("STS", ["AWS_ENDPOINT_URL": "http://127.0.0.1:3"])?.url == "http://127.0.0.1:3")
        #expect(try resolve("STS", [:])?.url == "https://sts.local.example.com")
        #expect(
            try resolve("Organizations", [:])
                == ConfiguredEndpoint(url: "https://profile.example.com", source: "profile dev setting endpoint_url"))
        #expect(try resolve("STS", ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true", "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:1"]) == nil)
        #expect(throws: AWSConfigurationError.self) { try resolve("STS", ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "yes"]) }
        #expect(try AWSConfiguration.endpointURL(forService: "STS", environment: [:], files: .empty) == nil)
    }
}
