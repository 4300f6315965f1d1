import Foundation
import Testing
import KMSRotation

@Suite("KMSRegions")
struct KMSRegionsTests {
    @Test("well-known regions are listed in their partitions")
    func wellKnown() {
        let aws = KMSRegions.names(inPartition: "aws")
        #expect(aws.contains("us-east-1"))
        #expect(aws.contains("eu-west-1"))
        #expect(!aws.contains("cn-north-1"))
        #expect(KMSRegions.names(inPartition: "aws-cn") == ["cn-north-1", "cn-northwest-1"])
        #expect(KMSRegions.names(inPartition: "aws-us-gov") == ["us-gov-east-1", "us-gov-west-1"])
        #expect(KMSRegions.names(inPartition: "nope").isEmpty)
        #expect(KMSRegions.contains("us-iso-east-1"))
        #expect(KMSRegions.entry(for: "cn-north-1")?.partitionID == "aws-cn")
        #expect(aws == aws.sorted())
    }

    @Test("no pseudo-regions")
    func noPseudoRegions() throws {
        #expect(!KMSRegions.all.isEmpty)
        #expect(Set(KMSRegions.all.map(\.name)).count == KMSRegions.all.count)
        for entry in KMSRegions.all {
            #expect(!entry.name.contains("fips"), "\(entry.name)")
            #expect(!entry.name.hasSuffix("-global"), "\(entry.name)")
            #expect(entry.name != "ProdFips")
            try EndpointResolver.validateRegion(entry.name)
        }
        for pseudo in ["us-east-1-fips", "ProdFips", "aws-global", "aws-cn-global", "us-gov-west-1-fips"] {
            #expect(!KMSRegions.contains(pseudo), "\(pseudo)")
        }
    }

    @Test("every KMS region is a listed region of its partition")
    func consistentWithPartitions() throws {
        for entry in KMSRegions.all {
            let partition = try #require(Partition.named(entry.partitionID))
            #expect(partition.lists(region: entry.name), "\(entry.name)")
            #expect(Partition.forRegion(entry.name).id == entry.partitionID, "\(entry.name)")
            #expect(partition.matchesPattern(region: entry.name), "\(entry.name)")
        }
    }

    @Test("listed FIPS hosts are the resolver's FIPS hosts")
    func fipsHosts() throws {
        let resolver = EndpointResolver()
        for entry in KMSRegions.all {
            guard let host = entry.fipsHostname else { continue }
            #expect(try resolver.resolve(region: entry.name, useFIPS: true).host == host)
        }
        #expect(KMSRegions.fipsHostname(for: "us-east-1") == "kms-fips.us-east-1.amazonaws.com")
        #expect(KMSRegions.fipsHostname(for: "us-gov-west-1") == "kms-fips.us-gov-west-1.amazonaws.com")
        // endpoints.json lists no FIPS host in China or the European Sovereign Cloud.
        #expect(KMSRegions.fipsHostname(for: "cn-north-1") == nil)
        #expect(KMSRegions.fipsHostname(for: "cn-northwest-1") == nil)
        #expect(KMSRegions.fipsHostname(for: "eusc-de-east-1") == nil)
        #expect(KMSRegions.fipsHostname(for: "nowhere-1") == nil)
    }
}
