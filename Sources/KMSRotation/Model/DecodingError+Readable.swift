/// One readable spelling of a decoding failure, used for KMS, Organizations and suppression files:
/// `<where>: missing <member>`, `<where>: expected <type>`, … where `<where>` is a path like
/// `.KeyMetadata` or `.suppressions[0]` (`the document` at the top level).
func readableDescription(of error: any Error) -> String {
    guard let decoding = error as? DecodingError else { return String(describing: error) }
    func path(_ context: DecodingError.Context) -> String {
        let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        return path.isEmpty ? "the document" : path
    }
    switch decoding {
    case .keyNotFound(let key, let context): return "\(path(context)): missing \(key.stringValue)"
    case .typeMismatch(let type, let context): return "\(path(context)): expected \(type)"
    case .valueNotFound(let type, let context): return "\(path(context)): expected \(type), found null"
    case .dataCorrupted(let context): return "\(path(context)): \(context.debugDescription)"
    @unknown default: return String(describing: decoding)
    }
}
