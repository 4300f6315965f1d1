import Foundation

/// Turns a region and the endpoint options into the KMS endpoint URL, following the KMS endpoint
/// rules of the AWS SDKs.
///
/// | Options | URL |
/// |---|---|
/// | none | `https://kms.{region}.{dnsSuffix}` |
/// | FIPS | `https://kms-fips.{region}.{dnsSuffix}` |
/// | dual-stack | `https://kms.{region}.{dualStackDnsSuffix}` |
/// | FIPS and dual-stack | `https://kms-fips.{region}.{dualStackDnsSuffix}` |
/// | custom endpoint | the custom endpoint, validated (FIPS and dual-stack must be off) |
///
/// The partition comes from ``Partition/forRegion(_:)``, so a region launched after this library was
/// built still resolves when its name matches its partition's pattern.
///
/// ```swift
/// let url = try EndpointResolver().resolve(region: "eu-west-1", useFIPS: true)
/// // https://kms-fips.eu-west-1.amazonaws.com
/// ```
package struct EndpointResolver: Sendable, Hashable {
    /// The partitions regions are looked up in.
    package let partitions: [Partition]

    /// Creates a resolver.
    /// - Parameter partitions: The partitions to resolve regions in; the built-in ones by default.
    package init(partitions: [Partition] = Partition.all) {
        self.partitions = partitions
    }

    /// The partition of a region: an exact match with a listed region, then the first partition
    /// whose pattern matches, then `aws`.
    /// - Parameter region: A region name.
    /// - Returns: The partition the region belongs to.
    package func partition(for region: String) -> Partition {
        Partition.forRegion(region, in: partitions)
    }

    /// Resolves the KMS endpoint of a region.
    /// - Parameters:
    ///   - region: The region name, for example `us-east-1`. Legacy pseudo-regions such as
    ///     `us-east-1-fips` are refused: pass `us-east-1` and `useFIPS: true`.
    ///   - useFIPS: Whether to use the FIPS 140 validated endpoint (`kms-fips.…`).
    ///   - useDualStack: Whether to use the dual-stack (IPv4 and IPv6) endpoint.
    ///   - customEndpoint: An endpoint URL that replaces the resolved one (`AWS_ENDPOINT_URL_KMS`,
    ///     `--endpoint-url`), for example a local KMS-compatible server at `http://localhost:4566`.
    ///     Plain `http://` is accepted for loopback hosts only.
    /// - Returns: The endpoint URL, with no path (or the custom endpoint's own path).
    /// - Throws: ``EndpointError`` with kind ``EndpointError/Kind/invalidRegion``,
    ///   ``EndpointError/Kind/fipsNotSupported``, ``EndpointError/Kind/dualStackNotSupported``,
    ///   ``EndpointError/Kind/conflictingOptions``, ``EndpointError/Kind/invalidEndpoint`` or
    ///   ``EndpointError/Kind/insecureEndpoint``.
    package func resolve(
        region: String,
        useFIPS: Bool = false,
        useDualStack: Bool = false,
        customEndpoint: String? = nil
    ) throws -> URL {
        try Self.validateRegion(region)

        if let customEndpoint {
            if useFIPS {
                throw EndpointError(
                    .conflictingOptions,
                    "A custom endpoint cannot be combined with FIPS: the endpoint rules do not know what the FIPS variant of a custom "
                        + "endpoint is. Turn FIPS off, or remove the custom endpoint and let the FIPS endpoint be resolved."
                )
            }
            if useDualStack {
                throw EndpointError(
                    .conflictingOptions,
                    "A custom endpoint cannot be combined with dual-stack: the endpoint rules do not know what the dual-stack variant of "
                        + "a custom endpoint is. Turn dual-stack off, or remove the custom endpoint."
                )
            }
            return try Self.validateCustomEndpoint(customEndpoint)
        }

        let partition = partition(for: region)
        if useFIPS && !partition.supportsFIPS {
            throw EndpointError(
                .fipsNotSupported,
                "FIPS endpoints are not available in partition '\(partition.id)' (region '\(region)')."
            )
        }
        if useDualStack && !partition.supportsDualStack {
            throw EndpointError(
                .dualStackNotSupported,
                "Dual-stack endpoints are not available in partition '\(partition.id)' (region '\(region)')."
            )
        }
        let prefix = useFIPS ? "kms-fips" : "kms"
        let suffix = useDualStack ? partition.dualStackDnsSuffix : partition.dnsSuffix
        guard let url = URL(string: "https://\(prefix).\(region).\(suffix)") else {
            throw EndpointError(
                .invalidEndpoint,
                "The endpoint of region '\(region)' in partition '\(partition.id)' is not a valid URL; check the partition's DNS suffixes."
            )
        }
        return url
    }
}
