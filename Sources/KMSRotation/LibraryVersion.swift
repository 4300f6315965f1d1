/// The version of this library, as reported by the CLI, sent in the `User-Agent` and written into reports.
///
/// (Not `KMSRotationVersion`: the symbol-graph extractor leaves out a symbol named after its module plus
/// `Version`, taking it for a framework's generated version constant, so DocC could not show it.)
public enum LibraryVersion {
    /// The current version string (semantic versioning).
    public static let current = "0.1.0-dev"
}
