import Foundation
import Testing
import KMSRotation

@Suite("EndpointResolver")
struct EndpointResolverTests {
    struct Expected: Sendable, CustomTestStringConvertible {
        let region: String
        let partition: String
        let standard: String
        let fips: String
        let dualStack: String
        let fipsDualStack: String
        var testDescription: String { region }
    }

    static let expectations: [Expected] = [
        Expected(
            region: "us-east-1", partition: "aws",
            standard: "https://kms.us-east-1.amazonaws.com",
            fips: "https://kms-fips.us-east-1.amazonaws.com",
            dualStack: "https://kms.us-east-1.api.aws",
            fipsDualStack: "https://kms-fips.us-east-1.api.aws"),
        Expected(
            region: "eu-west-1", partition: "aws",
            standard: "https://kms.eu-west-1.amazonaws.com",
            fips: "https://kms-fips.eu-west-1.amazonaws.com",
            dualStack: "https://kms.eu-west-1.api.aws",
            fipsDualStack: "https://kms-fips.eu-west-1.api.aws"),
        Expected(
            region: "cn-north-1", partition: "aws-cn",
            standard: "https://kms.cn-north-1.amazonaws.com.cn",
            fips: "https://kms-fips.cn-north-1.amazonaws.com.cn",
            dualStack: "https://kms.cn-north-1.api.amazonwebservices.com.cn",
            fipsDualStack: "https://kms-fips.cn-north-1.api.amazonwebservices.com.cn"),
        Expected(
            region: "us-gov-west-1", partition: "aws-us-gov",
            standard: "https://kms.us-gov-west-1.amazonaws.com",
            fips: "https://kms-fips.us-gov-west-1.amazonaws.com",
            dualStack: "https://kms.us-gov-west-1.api.aws",
            fipsDualStack: "https://kms-fips.us-gov-west-1.api.aws"),
        Expected(
            region: "us-iso-east-1", partition: "aws-iso",
            standard: "https://kms.us-iso-east-1.c2s.ic.gov",
            fips: "https://kms-fips.us-iso-east-1.c2s.ic.gov",
            dualStack: "https://kms.us-iso-east-1.api.aws.ic.gov",
            fipsDualStack: "https://kms-fips.us-iso-east-1.api.aws.ic.gov"),
        Expected(
            region: "us-isob-east-1", partition: "aws-iso-b",
            standard: "https://kms.us-isob-east-1.sc2s.sgov.gov",
            fips: "https://kms-fips.us-isob-east-1.sc2s.sgov.gov",
            dualStack: "https://kms.us-isob-east-1.api.aws.scloud",
            fipsDualStack: "https://kms-fips.us-isob-east-1.api.aws.scloud"),
        Expected(
            region: "eu-isoe-west-1", partition: "aws-iso-e",
            standard: "https://kms.eu-isoe-west-1.cloud.adc-e.uk",
            fips: "https://kms-fips.eu-isoe-west-1.cloud.adc-e.uk",
            dualStack: "https://kms.eu-isoe-west-1.api.cloud-aws.adc-e.uk",
            fipsDualStack: "https://kms-fips.eu-isoe-west-1.api.cloud-aws.adc-e.uk"),
        Expected(
            region: "us-isof-south-1", partition: "aws-iso-f",
            standard: "https://kms.us-isof-south-1.csp.hci.ic.gov",
            fips: "https://kms-fips.us-isof-south-1.csp.hci.ic.gov",
            dualStack: "https://kms.us-isof-south-1.api.aws.hci.ic.gov",
            fipsDualStack: "https://kms-fips.us-isof-south-1.api.aws.hci.ic.gov"),
        Expected(
            region: "eusc-de-east-1", partition: "aws-eusc",
            standard: "https://kms.eusc-de-east-1.amazonaws.eu",
            fips: "https://kms-fips.eusc-de-east-1.amazonaws.eu",
            dualStack: "https://kms.eusc-de-east-1.api.amazonwebservices.eu",
            fipsDualStack: "https://kms-fips.eusc-de-east-1.api.amazonwebservices.eu"),
    ]

    let resolver = EndpointResolver()

    @Test("standard, FIPS, dual-stack and FIPS + dual-stack URLs", arguments: expectations)
    func variants(_ expected: Expected) throws {
        #expect(resolver.partition(for: expected.region).id == expected.partition)
        #expect(try resolver.resolve(region: expected.region).absoluteString == expected.standard)
        #expect(try resolver.resolve(region: expected.region, useFIPS: true).absoluteString == expected.fips)
        #expect(try resolver.resolve(region: expected.region, useDualStack: true).absoluteString == expected.dualStack)
        #expect(
            try resolver.resolve(region: expected.region, useFIPS: true, useDualStack: true).absoluteString
                == expected.fipsDualStack
        )
    }

    @Test("every built-in partition resolves one of its KMS regions")
    func everyPartitionResolves() throws {
        for partition in Partition.all {
            let region = try #require(KMSRegions.names(inPartition: partition.id).first, "\(partition.id) has no KMS region")
            let url = try resolver.resolve(region: region)
            #expect(url.host == "kms.\(region).\(partition.dnsSuffix)")
            #expect(url.scheme == "https")
        }
    }

    @Test("regions launched after the data was generated resolve by pattern")
    func futureRegions() throws {
        #expect(try resolver.resolve(region: "us-west-9").absoluteString == "https://kms.us-west-9.amazonaws.com")
        #expect(try resolver.resolve(region: "cn-south-7").absoluteString == "https://kms.cn-south-7.amazonaws.com.cn")
        #expect(try resolver.resolve(region: "us-gov-central-1").absoluteString == "https://kms.us-gov-central-1.amazonaws.com")
        #expect(try resolver.resolve(region: "us-isob-south-2").absoluteString == "https://kms.us-isob-south-2.sc2s.sgov.gov")
        // No pattern matches: the aws partition, as the SDKs do.
        #expect(try resolver.resolve(region: "xx-unknown-1").absoluteString == "https://kms.xx-unknown-1.amazonaws.com")
    }

    @Test(
        "invalid region names are refused",
        arguments: [
            "", "us-east-1-fips", "fips-us-east-1", "us-gov-west-1-fips", "ProdFips", "aws-global", "aws-cn-global",
            "US-EAST-1", "us_east_1", "us-east-1/", "us-east-1.", "evil.com/x", "us-east-1@evil", "us east 1",
            "us-east-1\n", "-us-east-1", "us-east-1-", "us--east-1", "üs-east-1",
            String(repeating: "a", count: 64),
        ])
    func invalidRegions(_ region: String) {
        let error = #expect(throws: EndpointError.self) { try resolver.resolve(region: region) }
        #expect(error?.kind == .invalidRegion)
        #expect(error?.message.isEmpty == false)
    }

    @Test("pseudo-region errors say what to do instead")
    func pseudoRegionMessages() {
        let fips = #expect(throws: EndpointError.self) { try resolver.resolve(region: "us-east-1-fips") }
        #expect(fips?.message.contains("'us-east-1'") == true)
        #expect(fips?.message.contains("FIPS") == true)
        let upper = #expect(throws: EndpointError.self) { try resolver.resolve(region: "EU-WEST-1") }
        #expect(upper?.message.contains("'eu-west-1'") == true)
        let global = #expect(throws: EndpointError.self) { try resolver.resolve(region: "aws-global") }
        #expect(global?.message.contains("regional") == true)
    }

    @Test("FIPS or dual-stack in a partition without them is refused")
    func unsupportedVariants() throws {
        let plain = Partition(
            id: "aws-test", regionRegex: #"^test\-\w+\-\d+$"#, dnsSuffix: "example.test",
            dualStackDnsSuffix: "api.example.test", supportsFIPS: false, supportsDualStack: false,
            implicitGlobalRegion: "test-east-1", regions: [Partition.Region(name: "test-east-1", description: "Test")]
        )
        let resolver = EndpointResolver(partitions: Partition.all + [plain])
        #expect(try resolver.resolve(region: "test-east-1").absoluteString == "https://kms.test-east-1.example.test")
        #expect(try resolver.resolve(region: "test-west-2").absoluteString == "https://kms.test-west-2.example.test")

        let fips = #expect(throws: EndpointError.self) { try resolver.resolve(region: "test-east-1", useFIPS: true) }
        #expect(fips?.kind == .fipsNotSupported)
        #expect(fips?.message.contains("aws-test") == true)
        let dual = #expect(throws: EndpointError.self) { try resolver.resolve(region: "test-east-1", useDualStack: true) }
        #expect(dual?.kind == .dualStackNotSupported)
        let both = #expect(throws: EndpointError.self) {
            try resolver.resolve(region: "test-east-1", useFIPS: true, useDualStack: true)
        }
        #expect(both?.kind == .fipsNotSupported)
    }

    @Test("a custom endpoint with FIPS or dual-stack is an error")
    func customEndpointConflicts() {
        let fips = #expect(throws: EndpointError.self) {
            try resolver.resolve(region: "us-east-1", useFIPS: true, customEndpoint: "https://kms.example.internal")
        }
        #expect(fips?.kind == .conflictingOptions)
        #expect(fips?.message.contains("FIPS") == true)
        let dual = #expect(throws: EndpointError.self) {
            try resolver.resolve(region: "us-east-1", useDualStack: true, customEndpoint: "http://localhost:4566")
        }
        #expect(dual?.kind == .conflictingOptions)
        #expect(dual?.message.contains("dual-stack") == true)
    }

    @Test("a custom endpoint still needs a valid region")
    func customEndpointRegion() {
        let error = #expect(throws: EndpointError.self) {
            try resolver.resolve(region: "us-east-1-fips", customEndpoint: "http://localhost:4566")
        }
        #expect(error?.kind == .invalidRegion)
    }

    @Test(
        "loopback http endpoints and https endpoints are accepted",
        arguments: [
            "http://127.0.0.1:5000", "http://localhost:4566", "http://[::1]:8080", "http://127.45.6.7",
            "http://LOCALHOST:4566/", "http://[0:0:0:0:0:0:0:1]:9000", "http://[0::1]", "https://kms.example.internal",
            "https://10.0.0.1:8443/kms", "HTTPS://kms.us-east-1.amazonaws.com",
        ])
    func acceptedCustomEndpoints(_ endpoint: String) throws {
        let url = try resolver.resolve(region: "us-east-1", customEndpoint: endpoint)
        #expect(url.absoluteString == endpoint)
    }

    @Test(
        "plain http to a non-loopback host is refused, saying why",
        arguments: [
            "http://10.0.0.1", "http://example.com", "http://192.168.1.10:4566", "http://128.0.0.1",
            "http://127.0.0.1.nip.io", "http://localhost.example.com", "http://[::2]:8080", "http://[::ffff:10.0.0.1]",
            "http://127.1", "http://0.0.0.0:4566",
        ])
    func insecureCustomEndpoints(_ endpoint: String) {
        let error = #expect(throws: EndpointError.self) { try resolver.resolve(region: "us-east-1", customEndpoint: endpoint) }
        #expect(error?.kind == .insecureEndpoint)
        #expect(error?.message.contains("unencrypted") == true)
        #expect(error?.message.contains("https://") == true)
    }

    @Test(
        "malformed custom endpoints are refused",
        arguments: [
            "ftp://kms.example.com", "file:///tmp/kms", "kms.example.com", "localhost:4566", "", " https://x.example",
            "https://", "http://:80", "https:///path", "https://kms.example.com?x=1", "https://kms.example.com#f",
            "https://kms.example.com?", "https://h:abc", "https://exa mple.com", "http://[::1",
            "http://127.0.0.1:99999", "http://127.0.0.1:0", "https://kms.example.com:65536", "https://ex!ample.com",
            "https://-kms.example.com", "https://kms..example.com", "https://kms.example.com%2F", "http://[::1z]:80",
        ])
    func malformedCustomEndpoints(_ endpoint: String) {
        let error = #expect(throws: EndpointError.self) { try resolver.resolve(region: "us-east-1", customEndpoint: endpoint) }
        #expect(error?.kind == .invalidEndpoint)
    }

    @Test("user information is refused and never echoed")
    func userInfoRefused() {
        for endpoint in ["https://user:pw@host", "http://user:s3cr3t@localhost:4566", "https://user@kms.example.com"] {
            let error = #expect(throws: EndpointError.self) { try resolver.resolve(region: "us-east-1", customEndpoint: endpoint) }
            #expect(error?.kind == .invalidEndpoint)
            #expect(error?.message.contains("user information") == true)
            #expect(error?.description.contains("pw") == false)
            #expect(error?.description.contains("s3cr3t") == false)
        }
    }

    @Test("loopback detection")
    func loopback() {
        for host in ["localhost", "LocalHost", "127.0.0.1", "127.255.255.255", "::1", "[::1]", "0:0:0:0:0:0:0:1", "0000::0001"] {
            #expect(EndpointResolver.isLoopbackHost(host), "\(host)")
        }
        for host in [
            "", "localhost.", "foo.localhost", "127.0.0", "127.0.0.256", "127.0.0.1.", "0127.0.0.1", "::", "::1%eth0",
            "1::1", "::ffff:127.0.0.1", "10.0.0.1", "[::1",
        ] {
            #expect(!EndpointResolver.isLoopbackHost(host), "\(host)")
        }
    }

    @Test("error descriptions name the kind")
    func errorDescription() {
        let error = EndpointError(.insecureEndpoint, "detail")
        #expect(error.description == "EndpointError.insecureEndpoint: detail")
        #expect(EndpointError.Kind.invalidRegion.description == "invalidRegion")
    }
}
