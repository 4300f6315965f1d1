// Fuzz target: the suppressions file decoder (Policy/Suppression.swift, SuppressionList.decode).
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSuppressions(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = fuzzData(start, count)
    if let list = try? SuppressionList.decode(data) {
        _ = String(describing: list)
    }
    return 0
}
