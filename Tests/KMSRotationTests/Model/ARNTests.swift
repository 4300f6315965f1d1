import Foundation
import Testing
import KMSRotation

@Suite("ARN")
struct ARNTests {
    @Test("KMS key ARNs")
    func keyARN() throws {
        let text = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        let arn = try #require(ARN(text))
        #expect(arn.partition == "aws")
        #expect(arn.service == "kms")
        #expect(arn.region == "us-east-1")
        #expect(arn.accountId == "111122223333")
        #expect(arn.resource == "key/1234abcd-12ab-34cd-56ef-1234567890ab")
        #expect(arn.kmsKeyId == "1234abcd-12ab-34cd-56ef-1234567890ab")
        #expect(arn.kmsAliasName == nil)
        #expect(arn.roleName == nil)
        #expect(!arn.isMultiRegionKey)
        #expect(arn.description == text)

        let mrk = try #require(ARN("arn:aws-cn:kms:cn-north-1:444455556666:key/mrk-1234abcd12ab34cd56ef1234567890ab"))
        #expect(mrk.partition == "aws-cn")
        #expect(mrk.isMultiRegionKey)
        let gov = try #require(ARN("arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/abc"))
        #expect(gov.region == "us-gov-west-1")
    }

    @Test("KMS alias ARNs keep the alias/ prefix")
    func aliasARN() throws {
        let text = "arn:aws:kms:eu-west-1:111122223333:alias/aws/s3"
        let arn = try #require(ARN(text))
        #expect(arn.kmsAliasName == "alias/aws/s3")
        #expect(arn.kmsKeyId == nil)
        #expect(arn.description == text)
        #expect(
            ARN(partition: "aws", service: "kms", region: "eu-west-1", accountId: "111122223333", resource: "alias/orders")
                .description == "arn:aws:kms:eu-west-1:111122223333:alias/orders")
    }

    @Test(
        "What is not a KMS key or alias ARN has no KMS view",
        arguments: [
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
    func notKMS(_ text: String) {
        let arn = ARN(text)
        #expect(arn?.kmsKeyId == nil)
        #expect(arn?.kmsAliasName == nil)
    }

    @Test("Any ARN splits into its fields; the resource may hold colons; an empty field reads as nil")
    func fields() throws {
        let assumed = try #require(ARN("arn:aws:sts::111122223333:assumed-role/Audit/session"))
        #expect(assumed.service == "sts")
        #expect(assumed.region == nil)
        #expect(assumed.accountId == "111122223333")
        let withColons = try #require(ARN("arn:aws:logs:us-east-1:111122223333:log-group:/aws/x:*"))
        #expect(withColons.resource == "log-group:/aws/x:*")
        #expect(ARN("arn:aws:s3:::") == nil)
        #expect(ARN("arn:aws:kms:us-east-1:111122223333:key/" + String(repeating: "a", count: 3_000)) == nil)
    }

    @Test("Codable as a string")
    func codable() throws {
        let arn = try #require(ARN("arn:aws:kms:us-east-1:111122223333:key/abc"))
        let data = try JSONEncoder().encode([arn])
        #expect(String(decoding: data, as: UTF8.self) == #"["arn:aws:kms:us-east-1:111122223333:key\/abc"]"#)
        #expect(try JSONDecoder().decode([ARN].self, from: data) == [arn])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([ARN].self, from: Data(#"["nope"]"#.utf8)) }
    }

    @Test("IAM role ARNs with paths and other partitions")
    func roles() throws {
        let role = try ARN(iamRole: "arn:aws-us-gov:iam::111122223333:role/security/KMSAudit")
        #expect(role.partition == "aws-us-gov")
        #expect(role.accountId == "111122223333")
        #expect(role.roleName == "security/KMSAudit")
        #expect(role.description == "arn:aws-us-gov:iam::111122223333:role/security/KMSAudit")
        #expect(
            ARN.iamRole(partition: "aws", accountId: "444455556666", roleName: "OrganizationAccountAccessRole").description
                == "arn:aws:iam::444455556666:role/OrganizationAccountAccessRole")
    }

    @Test(
        "Refuses what is not a role ARN, with a message",
        arguments: [
            "", "OrganizationAccountAccessRole", "arn:aws:iam::111122223333:user/alice", "arn:aws:sts::111122223333:role/R",
            "arn:aws:iam:us-east-1:111122223333:role/R", "arn:aws:iam::1111222233:role/R", "arn:aws:iam::111122223333:role/",
            "arn:aws:iam::111122223333:role/has space", "arn::iam::111122223333:role/R", "arn:aws:iam::111122223333:role//R",
            "arn:aws:iam::111122223333:role/\(String(repeating: "r", count: 65))",
        ])
    func refuses(text: String) {
        #expect(throws: ARN.ParseError.self) { try ARN(iamRole: text) }
    }

    @Test("Role names: IAM's characters, 1 to 64, optional path")
    func roleNames() {
        #expect(throws: Never.self) { try ARN.validateRoleName("OrganizationAccountAccessRole") }
        #expect(throws: Never.self) { try ARN.validateRoleName("team/audit/Role+=,.@-_1") }
        for bad in ["", "/Role", "Role/", "a b", "role*", String(repeating: "r", count: 65)] {
            #expect(throws: ARN.ParseError.self) { try ARN.validateRoleName(bad) }
        }
    }

    @Test("Reading an ARN agrees with splitting its bytes at the first five colons, on 5,000 generated texts")
    func agreesWithSplitting() {
        var random = SplitMix64(seed: 0x0A2D_5EED)
        // A combining mark after a colon: the colon still separates (ARN fields are ASCII; AWS splits bytes).
        let pieces = ["arn", "aws", "kms", "us-east-1", "111122223333", "key/abc", "", ":", "::", "é", "\u{301}", "🔑", "a:b", "ARN", " "]
        for _ in 0..<5_000 {
            var text = random.next() % 4 == 0 ? "" : "arn:"
            for _ in 0..<Int(random.next() % 9) { text += pieces[Int(random.next() % UInt64(pieces.count))] }
            let fields = text.utf8.split(separator: UInt8(ascii: ":"), maxSplits: 5, omittingEmptySubsequences: false)
                .map { String(Substring($0)) }
            let expected: ARN? =
                text.utf8.count <= 2_048 && fields.count == 6 && Array(fields[0].utf8) == Array("arn".utf8) && !fields[1].isEmpty
                    && !fields[2].isEmpty
                    && !fields[5].isEmpty
                ? ARN(
                    partition: fields[1], service: fields[2], region: fields[3].isEmpty ? nil : fields[3],
                    accountId: fields[4].isEmpty ? nil : fields[4], resource: fields[5]) : nil
            #expect(ARN(text) == expected, "\(text.debugDescription)")
        }
        #expect(ARN("arn:aws:kms:us-east-1:111122223333:" + String(repeating: "k", count: 2_048)) == nil)
    }
}
