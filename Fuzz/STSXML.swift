// Fuzz target: the STS XML reader (Client/XMLDocumentNode.swift) and the AssumeRole / error readers on top.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSTSXML(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = fuzzData(start, count)
    guard let root = try? XMLDocumentNode.read(data) else { return 0 }
    _ = root.description
    _ = root == root
    _ = root.hashValue
    _ = root.firstDescendant(named: "Error")?.child("Code")?.text
    _ = root.path(["GetCallerIdentityResult", "Account"])?.text
    _ = root.children.map(\.name)
    _ = try? STSClient.assumeRoleResult(from: root, roleArn: "arn:aws:iam::111122223333:role/Audit")
    _ = STSError.decode(from: HTTPResponse(status: 403, body: data), operation: "AssumeRole")
    return 0
}
