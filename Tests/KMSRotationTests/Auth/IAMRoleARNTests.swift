import Testing
import KMSRotation

@Suite("IAMRoleARN")
struct IAMRoleARNTests {
    @Test("Parses role ARNs with paths and other partitions")
    func parses() throws {
        let role = try IAMRoleARN(parsing: "arn:aws-us-gov:iam::111122223333:role/security/KMSAudit")
        #expect(role.partition == "aws-us-gov")
        #expect(role.accountId == "111122223333")
        #expect(role.roleName == "security/KMSAudit")
        #expect(role.description == "arn:aws-us-gov:iam::111122223333:role/security/KMSAudit")
        #expect(IAMRoleARN(partition: "aws", accountId: "444455556666", roleName: "OrganizationAccountAccessRole").description
            == "arn:aws:iam::444455556666:role/OrganizationAccountAccessRole")
    }

    @Test("Refuses what is not a role ARN, with a message", arguments: [
        "", "OrganizationAccountAccessRole", "arn:aws:iam::111122223333:user/alice", "arn:aws:sts::111122223333:role/R",
        "arn:aws:iam:us-east-1:111122223333:role/R", "arn:aws:iam::1111222233:role/R", "arn:aws:iam::111122223333:role/",
        "arn:aws:iam::111122223333:role/has space", "arn::iam::111122223333:role/R", "arn:aws:iam::111122223333:role//R",
        "arn:aws:iam::111122223333:role/\(String(repeating: "r", count: 65))",
    ])
    func refuses(text: String) {
        #expect(throws: IAMRoleARN.ParseError.self) { try IAMRoleARN(parsing: text) }
    }

    @Test("Role names: IAM's characters, 1 to 64, optional path")
    func roleNames() {
        #expect(throws: Never.self) { try IAMRoleARN.validateRoleName("OrganizationAccountAccessRole") }
        #expect(throws: Never.self) { try IAMRoleARN.validateRoleName("team/audit/Role+=,.@-_1") }
        for bad in ["", "/Role", "Role/", "a b", "role*", String(repeating: "r", count: 65)] {
            #expect(throws: IAMRoleARN.ParseError.self) { try IAMRoleARN.validateRoleName(bad) }
        }
    }
}
