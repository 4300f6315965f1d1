// Fuzz target: the shared config/credentials file parser (Auth/SharedConfigFiles.swift).
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSharedConfig(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = fuzzData(start, count)
    // The first byte picks the file the text is read as; the rest is the file.
    let text = String(decoding: data.dropFirst(), as: UTF8.self)
    if data.first.map({ $0 & 1 == 0 }) ?? true {
        if let files = try? SharedConfigFiles(credentials: text, config: "") {
            _ = files.profile("default")
            _ = files.description
        }
    } else {
        if let files = try? SharedConfigFiles(credentials: "", config: text) {
            _ = files.profile("default")
            _ = files.hasProfile("dev")
            _ = files.description
        }
    }
    _ = try? SharedConfigFiles.parse(text, file: "fuzz")
    return 0
}
