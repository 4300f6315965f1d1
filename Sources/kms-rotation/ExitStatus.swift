import KMSRotation

/// The CLI's exit statuses (DESIGN.md's contract), in one place: the library reports an outcome, the
/// CLI decides what a shell sees.
enum ExitStatus {
    /// Every key passes or is out of scope.
    static let passed: Int32 = 0
    /// The command could not run (no credentials, a bad endpoint, an unwritable output).
    static let failure: Int32 = 1
    /// A key is non-compliant.
    static let nonCompliant: Int32 = 3
    /// No key is non-compliant, but a key or Region has no verdict.
    static let incomplete: Int32 = 4
    /// Bad usage (ArgumentParser's validation errors).
    static let usage: Int32 = 64

    /// The exit status of an audit with this outcome.
    static func of(_ outcome: RotationReport.Outcome) -> Int32 {
        switch outcome {
        case .passed: passed
        case .nonCompliant: nonCompliant
        case .incomplete: incomplete
        }
    }
}
