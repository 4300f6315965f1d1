// Shared by every fuzz target: compiled into each fuzzer binary together with the library's sources
// (module name KMSRotation, so internal declarations are reachable). Not part of the package.
import Foundation

/// The fuzzer's input as `Data`.
func fuzzData(_ start: UnsafePointer<UInt8>, _ count: Int) -> Data {
    Data(bytes: start, count: count)
}
