/// The verdict of a finding, in AWS Config's vocabulary.
public enum Compliance: String, Sendable, Hashable, Codable, CaseIterable, Comparable, CustomStringConvertible {
    /// The key rotates as the policy requires.
    case compliant = "COMPLIANT"
    /// The key can rotate automatically but does not, or not often enough.
    case nonCompliant = "NON_COMPLIANT"
    /// The control does not apply: the key cannot rotate automatically, or is not in service.
    case notApplicable = "NOT_APPLICABLE"
    /// The verdict could not be reached: evidence is missing (an error, or a state in transition).
    case insufficientData = "INSUFFICIENT_DATA"

    public var description: String { rawValue }

    /// Severity order used for sorting: non-compliant first, then insufficient data, compliant, not applicable.
    package var severityRank: Int {
        switch self {
        case .nonCompliant: 0
        case .insufficientData: 1
        case .compliant: 2
        case .notApplicable: 3
        }
    }

    public static func < (lhs: Compliance, rhs: Compliance) -> Bool { lhs.severityRank < rhs.severityRank }
}
