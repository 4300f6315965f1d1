import Foundation

/// The region, endpoint and retry settings that the environment and the shared config files give,
/// resolved with the AWS SDKs' precedence.
///
/// Values are returned raw (strings and flags): validating an endpoint URL and building endpoint hosts
/// from region, FIPS and dual-stack flags is the endpoint resolver's job. Resolution rules:
/// - **region**: `AWS_REGION` > `AWS_DEFAULT_REGION` > the profile's `region`.
/// - **endpoint URL for KMS**: `AWS_ENDPOINT_URL_KMS` > `AWS_ENDPOINT_URL` > the `kms` → `endpoint_url`
///   sub-property of the `[services name]` section the profile names with `services = name` > the
///   profile's `endpoint_url`. All four are ignored when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`, or
///   when that variable is unset and the profile has `ignore_configured_endpoint_urls = true`.
/// - **flags and retries**: each environment variable beats its profile setting: `AWS_USE_FIPS_ENDPOINT`
///   / `use_fips_endpoint`, `AWS_USE_DUALSTACK_ENDPOINT` / `use_dualstack_endpoint`, `AWS_MAX_ATTEMPTS` /
///   `max_attempts` (a positive integer), `AWS_RETRY_MODE` / `retry_mode` (`legacy`, `standard` or
///   `adaptive`).
package struct AWSConfiguration: Sendable, Hashable {
    /// The profile the settings were read from.
    package var profile: String
    /// The region, or `nil` when nothing sets one.
    package var region: String?
    /// Where ``region`` came from ("environment variable AWS_REGION", "profile dev"), for messages.
    package var regionSource: String?
    /// The custom KMS endpoint URL as written, not validated; `nil` for the standard endpoint.
    package var endpointURL: String?
    /// Where ``endpointURL`` came from ("environment variable AWS_ENDPOINT_URL_KMS",
    /// "services section local of profile dev"), for messages.
    package var endpointURLSource: String?
    /// Whether to use the FIPS endpoint.
    package var useFIPSEndpoint: Bool
    /// Whether to use the dual-stack (IPv4 and IPv6) endpoint.
    package var useDualStackEndpoint: Bool
    /// The total number of attempts per request (first try included), or `nil` for the retry
    /// strategy's default.
    package var maxAttempts: Int?
    /// The retry mode, lower case: `legacy`, `standard` or `adaptive`; `nil` for the default.
    package var retryMode: String?

    /// The retry modes the AWS SDKs define.
    package static let retryModes: Set<String> = ["legacy", "standard", "adaptive"]

    /// Creates a configuration from values.
    /// - Parameters:
    ///   - profile: The profile name.
    ///   - region: The region.
    ///   - regionSource: Where the region came from.
    ///   - endpointURL: A custom endpoint URL.
    ///   - endpointURLSource: Where the endpoint URL came from.
    ///   - useFIPSEndpoint: Whether to use the FIPS endpoint.
    ///   - useDualStackEndpoint: Whether to use the dual-stack endpoint.
    ///   - maxAttempts: The total number of attempts per request.
    ///   - retryMode: The retry mode.
    package init(
        profile: String = "default",
        region: String? = nil,
        regionSource: String? = nil,
        endpointURL: String? = nil,
        endpointURLSource: String? = nil,
        useFIPSEndpoint: Bool = false,
        useDualStackEndpoint: Bool = false,
        maxAttempts: Int? = nil,
        retryMode: String? = nil
    ) {
        self.profile = profile
        self.region = region
        self.regionSource = regionSource
        self.endpointURL = endpointURL
        self.endpointURLSource = endpointURLSource
        self.useFIPSEndpoint = useFIPSEndpoint
        self.useDualStackEndpoint = useDualStackEndpoint
        self.maxAttempts = maxAttempts
        self.retryMode = retryMode
    }

    /// Resolves the settings from an environment and the shared files.
    /// - Parameters:
    ///   - environment: The environment variables (inject them; never read from the process in tests).
    ///   - files: The shared config files, from ``SharedConfigFiles/load(environment:readFile:)``.
    ///   - profile: A profile chosen explicitly (the CLI's `--profile`); `nil` uses `AWS_PROFILE`, else
    ///     `default`. A profile that neither file defines simply contributes no settings.
    /// - Returns: The resolved configuration.
    /// - Throws: ``AWSConfigurationError`` naming the variable or setting whose value is invalid.
    package static func resolve(environment: [String: String], files: SharedConfigFiles, profile: String? = nil) throws -> AWSConfiguration
    {
        let env = RedactedEnvironment(environment)
        let profileName = profile ?? SharedConfigFiles.profileName(environment: environment)
        let section = files.profile(profileName) ?? SharedConfigFiles.Section()
        let profileLabel = "profile \(profileName)"

        func setting(_ variable: String, _ key: String) -> (value: String, source: String)? {
            if let value = env[variable]?.trimmingCharacters(in: .whitespaces), !value.isEmpty {
                return (value, "environment variable \(variable)")
            }
            if let value = section[key] { return (value, "\(profileLabel) setting \(key)") }
            return nil
        }
        func flag(_ variable: String, _ key: String) throws -> Bool {
            guard let (raw, source) = setting(variable, key) else { return false }
            guard let value = parseBool(raw) else {
                throw AWSConfigurationError.invalidValue(source: source, value: raw, expected: "true or false")
            }
            return value
        }

        var configuration = AWSConfiguration(profile: profileName)

        if let value = env["AWS_REGION"] {
            (configuration.region, configuration.regionSource) = (value, "environment variable AWS_REGION")
        } else if let value = env["AWS_DEFAULT_REGION"] {
            (configuration.region, configuration.regionSource) = (value, "environment variable AWS_DEFAULT_REGION")
        } else if let value = section["region"] {
            (configuration.region, configuration.regionSource) = (value, profileLabel)
        }

        if try !flag("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "ignore_configured_endpoint_urls") {
            if let value = env["AWS_ENDPOINT_URL_KMS"] {
                (configuration.endpointURL, configuration.endpointURLSource) = (value, "environment variable AWS_ENDPOINT_URL_KMS")
            } else if let value = env["AWS_ENDPOINT_URL"] {
                (configuration.endpointURL, configuration.endpointURLSource) = (value, "environment variable AWS_ENDPOINT_URL")
            } else if let servicesName = section["services"],
                let value = files.services[servicesName]?.subProperties["kms"]?["endpoint_url"], !value.isEmpty
            {
                (configuration.endpointURL, configuration.endpointURLSource) = (
                    value, "services section \(servicesName) (kms endpoint_url) of \(profileLabel)"
                )
            } else if let value = section["endpoint_url"] {
                (configuration.endpointURL, configuration.endpointURLSource) = (value, "\(profileLabel) setting endpoint_url")
            }
        }

        configuration.useFIPSEndpoint = try flag("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint")
        configuration.useDualStackEndpoint = try flag("AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint")

        if let (raw, source) = setting("AWS_MAX_ATTEMPTS", "max_attempts") {
            guard let value = Int(raw), value > 0 else {
                throw AWSConfigurationError.invalidValue(source: source, value: raw, expected: "a positive integer")
            }
            configuration.maxAttempts = value
        }
        if let (raw, source) = setting("AWS_RETRY_MODE", "retry_mode") {
            let mode = raw.lowercased()
            guard retryModes.contains(mode) else {
                throw AWSConfigurationError.invalidValue(source: source, value: raw, expected: "legacy, standard or adaptive")
            }
            configuration.retryMode = mode
        }
        return configuration
    }
}
