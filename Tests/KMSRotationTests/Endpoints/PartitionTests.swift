import Testing
import KMSRotation

@Suite("Partition")
struct PartitionTests {
    @Test("the built-in partitions and their DNS suffixes")
    func builtIn() {
        #expect(
            Set(Partition.all.map(\.id)) == [
                "aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc",
            ])
        #expect(Partition.aws.dnsSuffix == "amazonaws.com")
        #expect(Partition.aws.dualStackDnsSuffix == "api.aws")
        #expect(Partition.aws.implicitGlobalRegion == "us-east-1")
        #expect(Partition.awsCN.dnsSuffix == "amazonaws.com.cn")
        #expect(Partition.awsCN.dualStackDnsSuffix == "api.amazonwebservices.com.cn")
        #expect(Partition.awsUSGov.dnsSuffix == "amazonaws.com")
        #expect(Partition.awsUSGov.implicitGlobalRegion == "us-gov-west-1")
        #expect(Partition.awsISO.dnsSuffix == "c2s.ic.gov")
        #expect(Partition.awsISOB.dnsSuffix == "sc2s.sgov.gov")
        #expect(Partition.awsISOE.dnsSuffix == "cloud.adc-e.uk")
        #expect(Partition.awsISOF.dnsSuffix == "csp.hci.ic.gov")
        #expect(Partition.awsEUSC.dnsSuffix == "amazonaws.eu")
        for partition in Partition.all {
            #expect(partition.supportsFIPS && partition.supportsDualStack, "\(partition.id)")
            #expect(!partition.regions.isEmpty, "\(partition.id)")
            #expect(partition.description == partition.id)
        }
        #expect(Partition.named("aws-nope") == nil)
    }

    @Test(
        "exact region match",
        arguments: [
            ("us-east-1", "aws"), ("il-central-1", "aws"), ("cn-northwest-1", "aws-cn"), ("us-gov-east-1", "aws-us-gov"),
            ("us-iso-west-1", "aws-iso"), ("us-isob-east-1", "aws-iso-b"), ("eu-isoe-west-1", "aws-iso-e"),
            ("us-isof-east-1", "aws-iso-f"), ("eusc-de-east-1", "aws-eusc"), ("aws-us-gov-global", "aws-us-gov"),
        ])
    func exact(region: String, partition: String) {
        #expect(Partition.forRegion(region).id == partition)
    }

    @Test(
        "pattern match for unlisted regions, then the aws default",
        arguments: [
            ("ap-southeast-9", "aws"), ("cn-east-3", "aws-cn"), ("us-gov-south-1", "aws-us-gov"),
            ("us-iso-north-2", "aws-iso"), ("us-isob-west-4", "aws-iso-b"), ("eu-isoe-east-1", "aws-iso-e"),
            ("us-isof-west-1", "aws-iso-f"), ("eusc-de-west-2", "aws-eusc"),
            ("mars-central-1", "aws"), ("local", "aws"), ("", "aws"),
        ])
    func pattern(region: String, partition: String) {
        #expect(Partition.forRegion(region).id == partition)
    }

    @Test("patterns match ASCII only and the whole name")
    func asciiWholeMatch() {
        #expect(Partition.aws.matchesPattern(region: "us-east-1"))
        #expect(!Partition.aws.matchesPattern(region: "us-east-١"))  // Arabic-Indic digit one
        #expect(!Partition.aws.matchesPattern(region: "us-east-1\n"))
        #expect(!Partition.aws.matchesPattern(region: "xus-east-1"))
        #expect(!Partition.aws.matchesPattern(region: "us-gov-west-1"))
        #expect(Partition.aws.lists(region: "eu-west-1"))
        #expect(!Partition.aws.lists(region: "eu-west-9"))
    }
}
