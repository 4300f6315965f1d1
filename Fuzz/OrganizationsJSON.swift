// Fuzz target: the Organizations ListAccounts answer (OrganizationAccount) and OrganizationsError decoding.
import Foundation

private struct ListAccountsOutput: Decodable { var Accounts: [OrganizationAccount]?; var NextToken: String? }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOrganizationsJSON(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = fuzzData(start, count)
    _ = OrganizationsError.decode(from: HTTPResponse(status: 400, body: data), operation: "ListAccounts")
    let response = HTTPResponse(status: 200, body: data)
    guard !JSONNesting.isTooDeep(data), !JSONNesting.isErrorAnswer(response) else { return 0 }
    if let output = try? JSONDecoder().decode(ListAccountsOutput.self, from: data), let accounts = output.Accounts {
        _ = MultiAccountScan.organizationTargets(accounts: accounts, roleName: "Audit", partition: "aws", callerAccountId: "111122223333")
        _ = accounts.map(\.isActive)
    }
    return 0
}
