/// The regions where AWS KMS runs, per partition: the list `--all-regions` scans.
///
/// Generated from the `kms` entries of botocore's `endpoints.json`. Legacy pseudo-regions such as
/// `us-east-1-fips` and `ProdFips` (aliases of FIPS hosts, marked deprecated) are left out, and so are
/// the global pseudo-regions (`aws-global`, ...): KMS is regional.
///
/// FIPS hosts: `endpoints.json` lists a `kms-fips.{region}.{dnsSuffix}` host for every commercial
/// region except `ap-east-2` and `ap-southeast-6`, for both GovCloud regions, and for the ISO regions
/// except `us-isob-west-1`. It lists none for `aws-cn` (`cn-north-1`, `cn-northwest-1`) or `aws-eusc`,
/// although `partitions.json` marks every partition as supporting FIPS. ``EndpointResolver`` follows
/// the partition rules, as the AWS SDKs do; use ``fipsHostname(for:)`` to check that a FIPS host is
/// actually listed.
///
/// Opt-in regions (regions an account must enable before use, such as `af-south-1`) are not marked:
/// neither data file says which regions need opting in. A scan of a region that is not enabled fails
/// with `UnrecognizedClientException`, which the scanner reports per region.
public enum KMSRegions {
    /// One region where KMS runs.
    package struct Entry: Sendable, Hashable {
        /// The region name, for example `eu-west-1`.
        package let name: String
        /// The identifier of the region's partition, for example `aws`.
        package let partitionID: String
        /// The FIPS endpoint host listed for this region, for example `kms-fips.eu-west-1.amazonaws.com`;
        /// `nil` when `endpoints.json` lists none.
        package let fipsHostname: String?

        /// Creates an entry.
        /// - Parameters:
        ///   - name: The region name.
        ///   - partitionID: The partition identifier.
        ///   - fipsHostname: The listed FIPS host, if any.
        package init(name: String, partitionID: String, fipsHostname: String?) {
            self.name = name
            self.partitionID = partitionID
            self.fipsHostname = fipsHostname
        }
    }

    /// Every region where KMS runs, all partitions, grouped by partition and sorted by name.
    package static var all: [Entry] { EndpointsData.kmsRegions }

    /// The names of the regions where KMS runs in one partition, sorted.
    /// - Parameter partitionID: A partition identifier such as `aws` or `aws-cn`.
    /// - Returns: The region names; empty for an unknown partition.
    public static func names(inPartition partitionID: String) -> [String] {
        all.filter { $0.partitionID == partitionID }.map(\.name)
    }

    /// The KMS entry of a region.
    /// - Parameter region: A region name.
    /// - Returns: The entry, or `nil` when KMS is not listed in that region.
    package static func entry(for region: String) -> Entry? {
        all.first { $0.name == region }
    }

    /// Whether KMS is listed in a region.
    /// - Parameter region: A region name.
    /// - Returns: `true` for a listed KMS region; `false` for pseudo-regions and unknown names.
    public static func contains(_ region: String) -> Bool {
        entry(for: region) != nil
    }

    /// The FIPS host `endpoints.json` lists for a region.
    /// - Parameter region: A region name.
    /// - Returns: The host name, or `nil` when none is listed.
    package static func fipsHostname(for region: String) -> String? {
        entry(for: region)?.fipsHostname
    }
}
