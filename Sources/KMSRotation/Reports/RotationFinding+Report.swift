import Foundation

// What every output format needs to name and identify a finding, computed once.
extension RotationFinding {
    /// How people recognise the key: its first alias, or its key ID.
    var displayName: String { aliases.first ?? keyId }

    /// The key's resource identifier: its ARN, or its key ID when no ARN is known.
    var resourceIdentifier: String { keyArn ?? keyId }

    /// What SARIF fingerprints a finding by: the key's resource identifier, or, for a finding judged from a
    /// file, the file and the resource in it (a logical ID alone repeats across templates).
    var fingerprintIdentifier: String {
        guard let location else { return resourceIdentifier }
        return "\(location.file)#\(location.resource)"
    }

    /// The AWS partition (`aws`, `aws-cn`, `aws-us-gov`), from the key ARN.
    var partition: String? { keyArn.flatMap { ARN($0)?.partition } }

    /// An identifier of this key under control 3.6 that stays the same across scans, so that a later
    /// scan updates the same finding (Security Hub, OCSF lakes) instead of adding one.
    var stableFindingID: String {
        if let keyArn { return "kms-rotation/cis-3.6/\(keyArn)" }
        return "kms-rotation/cis-3.6/\(accountId ?? "unknown-account")/\(region ?? "unknown-region")/\(keyId)"
    }

    /// A one-line title: the reason's title and the key.
    var title: String { "\(reason.title): \(displayName)" }

    /// The remediation as one line of advice: the command and its caveat.
    var remediationText: String? {
        guard let remediation else { return nil }
        var text = "Run: \(remediation.command)"
        if let note = remediation.note { text += " (\(note))" }
        return text
    }
}

/// Names shared by the formats that reference the benchmark.
enum Benchmark {
    static let standard = "CIS AWS Foundations Benchmark v3.0.0"
    static let control = "3.6"
    static let requirement = "CIS AWS Foundations Benchmark v3.0.0/3.6"
    static let controlTitle = "Ensure rotation for customer-created symmetric CMKs is enabled"
    static let rotationDocumentation = "https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html"
    static let toolName = "kms-rotation"
    static let vendorName = "swift-kms-rotation"
}

extension RotationPolicy {
    /// The policy in words, for people (table, Markdown, JUnit properties).
    var summaryText: String {
        var text = "automatic rotation enabled"
        if let maximum = maximumRotationPeriodDays {
            text += ", every \(maximum) days or more often"
        } else {
            text += " (any period)"
        }
        text += evaluateDisabledKeys ? "; disabled keys judged like enabled ones" : "; disabled keys not applicable"
        if let age = maximumKeyMaterialAgeDays { text += "; key material at most \(age) days old" }
        return text
    }
}
