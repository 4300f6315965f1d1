/// The state of a KMS key. KMS spells these in PascalCase (`PendingDeletion`), not upper case.
public enum KeyState: OpenEnum {
    case creating, enabled, disabled, pendingDeletion, pendingImport, pendingReplicaDeletion, unavailable, updating
    /// A value this library does not model yet, kept verbatim.
    case unknown(String)

    public static let knownCases: [KeyState] = [
        .creating, .enabled, .disabled, .pendingDeletion, .pendingImport, .pendingReplicaDeletion, .unavailable, .updating,
    ]

    public var rawValue: String {
        switch self {
        case .creating: "Creating"
        case .enabled: "Enabled"
        case .disabled: "Disabled"
        case .pendingDeletion: "PendingDeletion"
        case .pendingImport: "PendingImport"
        case .pendingReplicaDeletion: "PendingReplicaDeletion"
        case .unavailable: "Unavailable"
        case .updating: "Updating"
        case .unknown(let value): value
        }
    }
}
