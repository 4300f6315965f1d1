/// An AWS partition: a group of regions that share DNS suffixes, credentials and an ARN prefix
/// (`aws`, `aws-cn`, `aws-us-gov`, the isolated `aws-iso*` partitions, `aws-eusc`).
///
/// Use it to learn where a region's endpoints live. The built-in values are generated from botocore's
/// `partitions.json` by `Scripts/generate-endpoints-data.py`; nothing is loaded at run time. Build your
/// own value only to describe a partition this library does not know yet, and pass it to
/// ``EndpointResolver/init(partitions:)``.
package struct Partition: Sendable, Hashable, Identifiable, CustomStringConvertible {
    /// A region listed for a partition in `partitions.json`.
    ///
    /// The list includes each partition's global pseudo-region (`aws-global`, `aws-cn-global`, ...),
    /// which global services use for signing; KMS is regional and does not run there (see ``KMSRegions``).
    package struct Region: Sendable, Hashable {
        /// The region name, for example `eu-west-1`.
        package let name: String
        /// The human-readable name, for example `Europe (Ireland)`.
        package let description: String

        /// Creates a region entry.
        /// - Parameters:
        ///   - name: The region name.
        ///   - description: The human-readable name.
        package init(name: String, description: String) {
            self.name = name
            self.description = description
        }
    }

    /// The partition identifier, also the second field of ARNs (`arn:aws-cn:...`).
    package let id: String
    /// The regular expression, as written in `partitions.json`, that region names of this partition match.
    package let regionRegex: String
    /// The DNS suffix of standard and FIPS endpoints, for example `amazonaws.com`.
    package let dnsSuffix: String
    /// The DNS suffix of dual-stack (IPv4 and IPv6) endpoints, for example `api.aws`.
    package let dualStackDnsSuffix: String
    /// Whether the partition's endpoint rules offer FIPS endpoints (`kms-fips.…`).
    package let supportsFIPS: Bool
    /// Whether the partition's endpoint rules offer dual-stack endpoints.
    package let supportsDualStack: Bool
    /// The region global services of this partition sign for, for example `us-east-1`.
    package let implicitGlobalRegion: String
    /// The regions `partitions.json` lists for this partition, sorted by name.
    package let regions: [Region]

    /// Creates a partition description.
    /// - Parameters:
    ///   - id: The partition identifier (`aws`, `aws-cn`, ...).
    ///   - regionRegex: The regular expression region names of this partition match.
    ///   - dnsSuffix: The DNS suffix of standard and FIPS endpoints.
    ///   - dualStackDnsSuffix: The DNS suffix of dual-stack endpoints.
    ///   - supportsFIPS: Whether FIPS endpoints exist.
    ///   - supportsDualStack: Whether dual-stack endpoints exist.
    ///   - implicitGlobalRegion: The signing region of global services.
    ///   - regions: The known regions.
    package init(
        id: String,
        regionRegex: String,
        dnsSuffix: String,
        dualStackDnsSuffix: String,
        supportsFIPS: Bool,
        supportsDualStack: Bool,
        implicitGlobalRegion: String,
        regions: [Region]
    ) {
        self.id = id
        self.regionRegex = regionRegex
        self.dnsSuffix = dnsSuffix
        self.dualStackDnsSuffix = dualStackDnsSuffix
        self.supportsFIPS = supportsFIPS
        self.supportsDualStack = supportsDualStack
        self.implicitGlobalRegion = implicitGlobalRegion
        self.regions = regions
    }

    /// The partition identifier.
    package var description: String { id }

    /// Whether `region` is one of this partition's listed ``regions``.
    /// - Parameter region: A region name.
    /// - Returns: `true` when the name is listed exactly.
    package func lists(region: String) -> Bool {
        regions.contains { $0.name == region }
    }

    /// Whether `region` matches this partition's ``regionRegex`` (ASCII letters and digits only).
    ///
    /// A region that is not listed yet (a region launched after this library was built) is placed in
    /// its partition by this match.
    /// - Parameter region: A region name.
    /// - Returns: `true` when the whole name matches; `false` also when the expression does not compile.
    package func matchesPattern(region: String) -> Bool {
        guard let regex = try? Regex(regionRegex) else { return false }
        let ascii = regex.asciiOnlyWordCharacters().asciiOnlyDigits().asciiOnlyWhitespace()
        return (try? ascii.wholeMatch(in: region)) != nil
    }
}

extension Partition {
    /// Every built-in partition, in the order of `partitions.json`.
    package static var all: [Partition] { EndpointsData.partitions }

    /// The commercial partition, `aws`.
    package static var aws: Partition { named("aws")! }
    /// The China partition, `aws-cn`.
    package static var awsCN: Partition { named("aws-cn")! }
    /// The AWS GovCloud (US) partition, `aws-us-gov`.
    package static var awsUSGov: Partition { named("aws-us-gov")! }
    /// The US ISO East/West partition, `aws-iso`.
    package static var awsISO: Partition { named("aws-iso")! }
    /// The US ISOB partition, `aws-iso-b`.
    package static var awsISOB: Partition { named("aws-iso-b")! }
    /// The EU ISOE partition, `aws-iso-e`.
    package static var awsISOE: Partition { named("aws-iso-e")! }
    /// The US ISOF partition, `aws-iso-f`.
    package static var awsISOF: Partition { named("aws-iso-f")! }
    /// The AWS European Sovereign Cloud partition, `aws-eusc`.
    package static var awsEUSC: Partition { named("aws-eusc")! }

    /// The built-in partition with this identifier.
    /// - Parameter id: A partition identifier such as `aws-us-gov`.
    /// - Returns: The partition, or `nil` when no built-in partition has this identifier.
    package static func named(_ id: String) -> Partition? {
        all.first { $0.id == id }
    }

    /// The partition a region belongs to, among the built-in partitions.
    ///
    /// An exact match with a listed region wins; otherwise the first partition whose ``regionRegex``
    /// matches; otherwise `aws`, as the AWS SDKs do. The name is not validated here: use
    /// ``EndpointResolver`` to build endpoints.
    /// - Parameter region: A region name such as `cn-north-1`.
    /// - Returns: The partition of the region, `aws` when nothing matches.
    package static func forRegion(_ region: String) -> Partition {
        forRegion(region, in: all)
    }

    /// The partition a region belongs to, among `partitions` (exact match, then pattern, then `aws`).
    static func forRegion(_ region: String, in partitions: [Partition]) -> Partition {
        if let exact = partitions.first(where: { $0.lists(region: region) }) { return exact }
        if let pattern = partitions.first(where: { $0.matchesPattern(region: region) }) { return pattern }
        return partitions.first { $0.id == "aws" } ?? .aws
    }
}
