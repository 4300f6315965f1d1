import Foundation

/// An endpoint and the Region requests to it are signed for. They differ for global services:
/// AWS Organizations in the `aws` partition is `organizations.us-east-1.amazonaws.com`, signed for
/// `us-east-1`, whatever Region the caller is configured for.
package struct ServiceEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// The endpoint URL.
    package var url: URL
    /// The Region in the SigV4 credential scope.
    package var signingRegion: String

    /// Creates a service endpoint.
    /// - Parameters:
    ///   - url: The endpoint URL.
    ///   - signingRegion: The Region requests are signed for.
    package init(url: URL, signingRegion: String) {
        self.url = url
        self.signingRegion = signingRegion
    }

    /// `url (signed for region)`.
    package var description: String { "\(url.absoluteString) (signed for \(signingRegion))" }
}

// The rules below follow botocore's endpoint rule sets (`sts/2011-06-15/endpoint-rule-set-1.json`,
// `organizations/2016-11-28/endpoint-rule-set-1.json`, botocore 1.43.11), with the legacy global STS
// endpoint (`UseGlobalEndpoint`) left out: the AWS SDKs default to regional STS, which works in every
// enabled Region and keeps the credentials' traffic in the Region.
extension EndpointResolver {
    /// Resolves the regional AWS STS endpoint.
    ///
    /// | Options | URL |
    /// |---|---|
    /// | none | `https://sts.{region}.{dnsSuffix}` |
    /// | FIPS | `https://sts-fips.{region}.{dnsSuffix}`; in `aws-us-gov` the standard host, which is FIPS |
    /// | dual-stack | `https://sts.{region}.{dualStackDnsSuffix}` |
    /// | FIPS and dual-stack | `https://sts-fips.{region}.{dualStackDnsSuffix}` |
    /// | custom endpoint | the custom endpoint, validated as for KMS (http only for loopback hosts) |
    ///
    /// Requests are always signed for `region`.
    /// - Parameters:
    ///   - region: The Region, for example `eu-west-1`.
    ///   - useFIPS: Use the FIPS endpoint.
    ///   - useDualStack: Use the dual-stack endpoint.
    ///   - customEndpoint: `AWS_ENDPOINT_URL_STS` or `AWS_ENDPOINT_URL`, if set.
    /// - Returns: The endpoint URL.
    /// - Throws: ``EndpointError``, as ``resolve(region:useFIPS:useDualStack:customEndpoint:)``.
    package func resolveSTS(region: String, useFIPS: Bool = false, useDualStack: Bool = false, customEndpoint: String? = nil) throws -> URL
    {
        try Self.validateRegion(region)
        if let customEndpoint {
            try Self.refuseVariants(useFIPS: useFIPS, useDualStack: useDualStack)
            return try Self.validateCustomEndpoint(customEndpoint)
        }
        let partition = try checkedPartition(for: region, useFIPS: useFIPS, useDualStack: useDualStack)
        let host: String
        switch (useFIPS, useDualStack) {
        case (true, true): host = "sts-fips.\(region).\(partition.dualStackDnsSuffix)"
        case (true, false):
            host = partition.id == "aws-us-gov" ? "sts.\(region).amazonaws.com" : "sts-fips.\(region).\(partition.dnsSuffix)"
        case (false, true): host = "sts.\(region).\(partition.dualStackDnsSuffix)"
        case (false, false): host = "sts.\(region).\(partition.dnsSuffix)"
        }
        return try Self.url(host: host, region: region, partition: partition)
    }

    /// Resolves the AWS Organizations endpoint.
    ///
    /// Organizations is a global service with one endpoint per partition, signed for that partition's
    /// home Region: `organizations.us-east-1.amazonaws.com` (`aws`, FIPS:
    /// `organizations-fips.us-east-1.amazonaws.com`), `organizations.cn-northwest-1.amazonaws.com.cn`
    /// (`aws-cn`), `organizations.us-gov-west-1.amazonaws.com` (`aws-us-gov`, also for FIPS),
    /// `organizations.us-iso-east-1.c2s.ic.gov` (`aws-iso`), `organizations.us-isob-east-1.sc2s.sgov.gov`
    /// (`aws-iso-b`), `organizations.us-isof-south-1.csp.hci.ic.gov` (`aws-iso-f`). Other partitions and
    /// the dual-stack variants follow the generic rule, `organizations[-fips].{region}.{dnsSuffix}`,
    /// signed for `region`. A custom endpoint is signed for `region`, as the AWS SDKs do.
    /// - Parameters:
    ///   - region: The caller's Region; it selects the partition.
    ///   - useFIPS: Use the FIPS endpoint.
    ///   - useDualStack: Use the dual-stack endpoint.
    ///   - customEndpoint: `AWS_ENDPOINT_URL_ORGANIZATIONS` or `AWS_ENDPOINT_URL`, if set.
    /// - Returns: The endpoint and the Region to sign for.
    /// - Throws: ``EndpointError``, as ``resolve(region:useFIPS:useDualStack:customEndpoint:)``.
    package func resolveOrganizations(
        region: String, useFIPS: Bool = false, useDualStack: Bool = false, customEndpoint: String? = nil
    ) throws -> ServiceEndpoint {
        try Self.validateRegion(region)
        if let customEndpoint {
            try Self.refuseVariants(useFIPS: useFIPS, useDualStack: useDualStack)
            return ServiceEndpoint(url: try Self.validateCustomEndpoint(customEndpoint), signingRegion: region)
        }
        let partition = try checkedPartition(for: region, useFIPS: useFIPS, useDualStack: useDualStack)
        if !useDualStack, let global = Self.organizationsGlobalEndpoints[partition.id] {
            if !useFIPS {
                return ServiceEndpoint(
                    url: try Self.url(host: global.host, region: region, partition: partition), signingRegion: global.signingRegion)
            }
            if let fipsHost = global.fipsHost {
                return ServiceEndpoint(
                    url: try Self.url(host: fipsHost, region: region, partition: partition), signingRegion: global.signingRegion)
            }
        }
        let prefix = useFIPS ? "organizations-fips" : "organizations"
        let suffix = useDualStack ? partition.dualStackDnsSuffix : partition.dnsSuffix
        return ServiceEndpoint(
            url: try Self.url(host: "\(prefix).\(region).\(suffix)", region: region, partition: partition), signingRegion: region)
    }

    /// The partition-wide Organizations endpoints of the rule set: host, FIPS host (when the rule set
    /// names one) and signing Region.
    static let organizationsGlobalEndpoints: [String: (host: String, fipsHost: String?, signingRegion: String)] = [
        "aws": ("organizations.us-east-1.amazonaws.com", "organizations-fips.us-east-1.amazonaws.com", "us-east-1"),
        "aws-cn": ("organizations.cn-northwest-1.amazonaws.com.cn", nil, "cn-northwest-1"),
        "aws-us-gov": ("organizations.us-gov-west-1.amazonaws.com", "organizations.us-gov-west-1.amazonaws.com", "us-gov-west-1"),
        "aws-iso": ("organizations.us-iso-east-1.c2s.ic.gov", nil, "us-iso-east-1"),
        "aws-iso-b": ("organizations.us-isob-east-1.sc2s.sgov.gov", nil, "us-isob-east-1"),
        "aws-iso-f": ("organizations.us-isof-south-1.csp.hci.ic.gov", nil, "us-isof-south-1"),
    ]

    private static func refuseVariants(useFIPS: Bool, useDualStack: Bool) throws {
        if useFIPS {
            throw EndpointError(
                .conflictingOptions, "A custom endpoint cannot be combined with FIPS. Turn FIPS off, or remove the custom endpoint.")
        }
        if useDualStack {
            throw EndpointError(
                .conflictingOptions,
                "A custom endpoint cannot be combined with dual-stack. Turn dual-stack off, or remove the custom endpoint.")
        }
    }

    private func checkedPartition(for region: String, useFIPS: Bool, useDualStack: Bool) throws -> Partition {
        let partition = partition(for: region)
        if useFIPS && !partition.supportsFIPS {
            throw EndpointError(.fipsNotSupported, "FIPS endpoints are not available in partition '\(partition.id)' (region '\(region)').")
        }
        if useDualStack && !partition.supportsDualStack {
            throw EndpointError(
                .dualStackNotSupported, "Dual-stack endpoints are not available in partition '\(partition.id)' (region '\(region)').")
        }
        return partition
    }

    private static func url(host: String, region: String, partition: Partition) throws -> URL {
        guard let url = URL(string: "https://\(host)") else {
            throw EndpointError(
                .invalidEndpoint,
                "The endpoint of region '\(region)' in partition '\(partition.id)' is not a valid URL; check the partition's DNS suffixes.")
        }
        return url
    }
}
