// Fuzz target: the KMS JSON answers (KMSKey via DescribeKey, ListKeys and ListAliases pages,
// KeyRotationStatus) and KMSError decoding, through the same checks KMSClient runs before decoding.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKMSJSON(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = fuzzData(start, count)
    let response = HTTPResponse(status: 200, headers: ["Content-Type": "application/x-amz-json-1.1"], body: data)
    _ = KMSError.decode(from: HTTPResponse(status: 400, body: data), operation: "ListKeys")
    guard (try? KMSClient.checkAnswer(response, operation: "ListKeys")) != nil else { return 0 }
    let decoder = JSONDecoder()
    if let page = try? decoder.decode(ListKeysOutput.self, from: data) {
        _ = page.Keys?.map { $0.keyId ?? $0.keyArn }
    }
    if let page = try? decoder.decode(ListAliasesOutput.self, from: data) {
        _ = page.Aliases?.map { $0.targetKeyId }
    }
    if let output = try? decoder.decode(DescribeKeyOutput.self, from: data), let key = output.KeyMetadata {
        _ = key.isMultiRegionReplica
        _ = key.primaryKeyArn
        _ = RotationPolicy.cis.needsRotationStatus(for: key)
        let status = (try? decoder.decode(KeyRotationStatus.self, from: data)) ?? KeyRotationStatus(keyRotationEnabled: nil)
        _ = RotationPolicy.cis.evaluate(key: key, rotation: .status(status), aliases: [], now: Date(timeIntervalSince1970: 1_800_000_000))
    }
    _ = try? decoder.decode(KeyRotationStatus.self, from: data)
    _ = try? decoder.decode(ListKeyRotationsOutput.self, from: data)
    return 0
}
