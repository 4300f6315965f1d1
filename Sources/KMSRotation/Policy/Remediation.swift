/// What fixes a non-compliant key: one KMS call, with the equivalent AWS CLI command.
///
/// For a multi-Region replica the remediation targets the primary key (rotation is set there and
/// shared with every replica).
public struct Remediation: Sendable, Hashable, Codable {
    /// The KMS operation that fixes the finding.
    public enum Action: String, Sendable, Hashable, Codable {
        /// `EnableKeyRotation`, optionally with `RotationPeriodInDays` (calling it again changes the period).
        case enableKeyRotation = "EnableKeyRotation"
    }

    /// The operation to call.
    public var action: Action
    /// The ARN of the key to call it on (the primary key for a replica).
    public var keyArn: String
    /// The Region to call it in (the primary's Region for a replica).
    public var region: String?
    /// The rotation period to set; `nil` keeps AWS's default (365 days).
    public var rotationPeriodInDays: Int?
    /// The equivalent AWS CLI command.
    public var command: String
    /// A precondition or caveat a person should know before applying it.
    public var note: String?

    /// Creates a remediation; ``command`` is derived from the other members.
    public init(action: Action, keyArn: String, region: String?, rotationPeriodInDays: Int? = nil, note: String? = nil) {
        self.action = action
        self.keyArn = keyArn
        self.region = region
        self.rotationPeriodInDays = rotationPeriodInDays
        self.note = note
        var command = "aws kms enable-key-rotation --key-id \(keyArn)"
        if let rotationPeriodInDays { command += " --rotation-period-in-days \(rotationPeriodInDays)" }
        if let region { command += " --region \(region)" }
        self.command = command
    }
}
