// Fuzz target: the KMS JSON answers (KMSKey via DescribeKey, ListKeys and ListAliases pages,
// KeyRotationStatus, ListKeyRotations) read as KMSClient reads them (AWSServiceError.readJSONAnswer:
// AnswerJSON, then AnswerDecoder), the error decoding, and a differential check: whatever the answer
// decoder reads, Foundation's JSONDecoder reads the same (a crash marks a difference).
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKMSJSON(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = fuzzData(start, count)
    _ = AWSServiceError.decodeJSON(service: "kms", from: HTTPResponse(status: 400, body: data), operation: "ListKeys")
    let response = HTTPResponse(status: 200, headers: ["Content-Type": "application/x-amz-json-1.1"], body: data)
    func read<Output: Decodable>(_ type: Output.Type) -> Output? {
        try? AWSServiceError.readJSONAnswer(type, from: response, service: "kms", operation: "Fuzz")
    }
    if let page = read(ListKeysOutput.self) {
        _ = page.Keys?.map { $0.keyId ?? $0.keyArn }
    }
    if let page = read(ListAliasesOutput.self) {
        _ = page.Aliases?.map { $0.targetKeyId }
    }
    if let output = read(DescribeKeyOutput.self), let key = output.KeyMetadata {
        // Differential: never a value where JSONDecoder has none, and the same value where it has one
        // (`0e5`, valid JSON that JSONDecoder refuses, aside).
        if let theirs = try? JSONDecoder().decode(DescribeKeyOutput.self, from: data) {
            precondition(theirs.KeyMetadata == key, "AnswerDecoder and JSONDecoder read different keys")
        }
        _ = key.isMultiRegionReplica
        _ = key.primaryKeyArn
        _ = RotationPolicy.cis.needsRotationStatus(for: key)
        let status = read(KeyRotationStatus.self) ?? KeyRotationStatus(keyRotationEnabled: nil)
        _ = RotationPolicy.cis.evaluate(key: key, rotation: .status(status), aliases: [], now: Date(timeIntervalSince1970: 1_800_000_000))
    }
    _ = read(KeyRotationStatus.self)
    _ = read(ListKeyRotationsOutput.self)
    return 0
}
