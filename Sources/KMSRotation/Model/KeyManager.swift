/// Who manages a KMS key: you (`CUSTOMER`) or AWS on behalf of a service (`AWS`, aliases `aws/<service>`).
public enum KeyManager: OpenEnum {
    /// An AWS managed key: AWS rotates it every year and the schedule cannot be changed.
    case aws
    /// A customer managed key: rotation is off until you enable it.
    case customer
    /// A value this library does not model yet, kept verbatim.
    case unknown(String)

    public static let knownCases: [KeyManager] = [.aws, .customer]

    public var rawValue: String {
        switch self {
        case .aws: "AWS"
        case .customer: "CUSTOMER"
        case .unknown(let value): value
        }
    }
}
