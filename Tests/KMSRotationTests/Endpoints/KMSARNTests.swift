import Foundation
import Testing
import KMSRotation

@Suite("KMSARN")
struct KMSARNTests {
    @Test("key ARNs")
    func keyARN() throws {
        let text = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        let arn = try #require(KMSARN(text))
        #expect(arn.partition == "aws")
        #expect(arn.region == "us-east-1")
        #expect(arn.accountID == "111122223333")
        #expect(arn.resource == .key(id: "1234abcd-12ab-34cd-56ef-1234567890ab"))
        #expect(arn.keyID == "1234abcd-12ab-34cd-56ef-1234567890ab")
        #expect(arn.aliasName == nil)
        #expect(!arn.isMultiRegionKey)
        #expect(arn.description == text)

        let mrk = try #require(KMSARN("arn:aws-cn:kms:cn-north-1:444455556666:key/mrk-1234abcd12ab34cd56ef1234567890ab"))
        #expect(mrk.partition == "aws-cn")
        #expect(mrk.isMultiRegionKey)
        let gov = try #require(KMSARN("arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/abc"))
        #expect(gov.region == "us-gov-west-1")
    }

    @Test("alias ARNs keep the alias/ prefix")
    func aliasARN() throws {
        let text = "arn:aws:kms:eu-west-1:111122223333:alias/aws/s3"
        let arn = try #require(KMSARN(text))
        #expect(arn.resource == .alias(name: "alias/aws/s3"))
        #expect(arn.aliasName == "alias/aws/s3")
        #expect(arn.keyID == nil)
        #expect(arn.description == text)
        #expect(KMSARN(partition: "aws", region: "eu-west-1", accountID: "111122223333", resource: .alias(name: "orders"))
            .description == "arn:aws:kms:eu-west-1:111122223333:alias/orders")
    }

    @Test("invalid ARNs are refused", arguments: [
        "", "arn", "1234abcd-12ab-34cd-56ef-1234567890ab", "alias/orders",
        "arn:aws:s3:::bucket", "arn:aws:kms:us-east-1:111122223333:key/", "arn:aws:kms:us-east-1:111122223333:alias/",
        "arn:aws:kms:us-east-1:111122223333:grant/abc", "arn:aws:kms:us-east-1:11112222333:key/abc",
        "arn:aws:kms:us-east-1:1111222233334:key/abc", "arn:aws:kms:us-east-1:11112222333a:key/abc",
        "arn:aws:kms::111122223333:key/abc", "arn:aws:kms:us-east-1-fips:111122223333:key/abc",
        "arn::kms:us-east-1:111122223333:key/abc", "arn:AWS:kms:us-east-1:111122223333:key/abc",
        "arn:aws:kms:us-east-1:111122223333:key/abc:extra", "arn:aws:kms:us-east-1:111122223333:key/a b",
        "arn:aws:kms:us-east-1:111122223333:key/abc/def", "arn:aws:kms:us-east-1:111122223333:alias/a.b",
        "ARN:aws:kms:us-east-1:111122223333:key/abc", " arn:aws:kms:us-east-1:111122223333:key/abc",
    ])
    func invalid(_ text: String) {
        #expect(KMSARN(text) == nil)
    }

    @Test("Codable as a string")
    func codable() throws {
        let arn = try #require(KMSARN("arn:aws:kms:us-east-1:111122223333:key/abc"))
        let data = try JSONEncoder().encode([arn])
        #expect(String(decoding: data, as: UTF8.self) == #"["arn:aws:kms:us-east-1:111122223333:key\/abc"]"#)
        #expect(try JSONDecoder().decode([KMSARN].self, from: data) == [arn])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([KMSARN].self, from: Data(#"["nope"]"#.utf8)) }
    }
}
