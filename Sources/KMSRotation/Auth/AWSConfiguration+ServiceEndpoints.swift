import Foundation

/// A custom endpoint configured for one service, and where it was configured.
package struct ConfiguredEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// The endpoint URL as written, not validated (`EndpointResolver` validates it).
    package var url: String
    /// Where it came from ("environment variable AWS_ENDPOINT_URL_STS"), for messages.
    package var source: String

    /// Creates a configured endpoint.
    /// - Parameters:
    ///   - url: The endpoint URL as written.
    ///   - source: Where it was configured.
    package init(url: String, source: String) {
        self.url = url
        self.source = source
    }

    /// `url (from source)`.
    package var description: String { "\(url) (from \(source))" }
}

extension AWSConfiguration {
    /// The custom endpoint configured for a service, following the AWS SDKs' service-specific endpoint
    /// rules (the KMS endpoint is resolved by ``resolve(environment:files:profile:)`` into
    /// ``endpointURL``; use this for the other services the library calls, STS and Organizations).
    ///
    /// Lookup order, first match wins:
    /// 1. `AWS_ENDPOINT_URL_<SERVICE>`, the service ID upper-cased with spaces as `_`
    ///    (`AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL_ORGANIZATIONS`);
    /// 2. `AWS_ENDPOINT_URL`;
    /// 3. the `endpoint_url` sub-property under the service's key (`sts`, `organizations`) of the
    ///    `[services name]` section the profile names with `services = name`;
    /// 4. the profile's `endpoint_url`.
    ///
    /// All are ignored when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`, or when that variable is unset and
    /// the profile sets `ignore_configured_endpoint_urls = true`.
    /// - Parameters:
    ///   - serviceId: The service ID of the AWS service model: `STS`, `Organizations`.
    ///   - environment: The environment variables.
    ///   - files: The shared config files.
    ///   - profile: A profile chosen explicitly (the CLI's `--profile`); `nil` uses `AWS_PROFILE`, else `default`.
    /// - Returns: The configured endpoint, or `nil` to use the service's standard endpoint.
    /// - Throws: ``AWSConfigurationError`` when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` or
    ///   `ignore_configured_endpoint_urls` is neither `true` nor `false`.
    package static func endpointURL(
        forService serviceId: String, environment: [String: String], files: SharedConfigFiles, profile: String? = nil
    ) throws -> ConfiguredEndpoint? {
        let env = RedactedEnvironment(environment)
        let profileName = profile ?? SharedConfigFiles.profileName(environment: environment)
        let section = files.profile(profileName) ?? SharedConfigFiles.Section()
        let profileLabel = "profile \(profileName)"

        let ignore: Bool
        if let value = try env.bool("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") {
            ignore = value
        } else if let raw = section["ignore_configured_endpoint_urls"] {
            guard let value = parseBool(raw) else {
                throw AWSConfigurationError.invalidValue(
                    source: "\(profileLabel) setting ignore_configured_endpoint_urls", value: raw, expected: "true or false")
            }
            ignore = value
        } else {
            ignore = false
        }
        if ignore { return nil }

        let variable = "AWS_ENDPOINT_URL_" + serviceId.uppercased().replacingOccurrences(of: " ", with: "_")
        let key = serviceId.lowercased().replacingOccurrences(of: " ", with: "_")
        if let value = env[variable] {
            return ConfiguredEndpoint(url: value, source: "environment variable \(variable)")
        }
        if let value = env["AWS_ENDPOINT_URL"] {
            return ConfiguredEndpoint(url: value, source: "environment variable AWS_ENDPOINT_URL")
        }
        if let servicesName = section["services"], let value = files.services[servicesName]?.subProperties[key]?["endpoint_url"],
            !value.isEmpty
        {
            return ConfiguredEndpoint(url: value, source: "services section \(servicesName) (\(key) endpoint_url) of \(profileLabel)")
        }
        if let value = section["endpoint_url"] {
            return ConfiguredEndpoint(url: value, source: "\(profileLabel) setting endpoint_url")
        }
        return nil
    }
}
