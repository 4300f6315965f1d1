/// Whether a multi-Region key is the primary or a replica. Rotation is a shared property set on the
/// primary only.
public enum MultiRegionKeyType: OpenEnum {
    case primary, replica
    /// A value this library does not model yet, kept verbatim.
    case unknown(String)

    public static let knownCases: [MultiRegionKeyType] = [.primary, .replica]

    public var rawValue: String {
        switch self {
        case .primary: "PRIMARY"
        case .replica: "REPLICA"
        case .unknown(let value): value
        }
    }
}
