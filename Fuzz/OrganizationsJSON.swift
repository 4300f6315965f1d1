// Fuzz target: the Organizations ListAccounts answer (OrganizationAccount) read as OrganizationsClient
// reads it (AWSServiceError.readJSONAnswer), and the error decoding.
import Foundation

private struct ListAccountsOutput: Decodable { var Accounts: [OrganizationAccount]?; var NextToken: String? }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOrganizationsJSON(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = fuzzData(start, count)
    _ = AWSServiceError.decodeJSON(service: "organizations", from: HTTPResponse(status: 400, body: data), operation: "ListAccounts")
    let response = HTTPResponse(status: 200, body: data)
    if let output = try? AWSServiceError.readJSONAnswer(
        ListAccountsOutput.self, from: response, service: "organizations", operation: "ListAccounts"),
        let accounts = output.Accounts
    {
        _ = MultiAccountScan.organizationTargets(accounts: accounts, roleName: "Audit", partition: "aws", callerAccountId: "111122223333")
        _ = accounts.map(\.isActive)
    }
    return 0
}
