/// The version of this library, as reported by the CLI and written into reports.
public enum KMSRotationVersion {
    /// The current version string (semantic versioning).
    public static let current = "0.1.0-dev"
}
