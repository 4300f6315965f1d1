/// What an account scan reports as it goes, in arrival order.
public enum ScanEvent: Sendable, Hashable {
    /// The verdict on one key.
    case finding(RotationFinding)
    /// Something that could not be scanned (a Region not enabled, AccessDenied on ListKeys or ListAliases).
    case scanError(ScanError)
    /// Counters after a change.
    case progress(ScanProgress)
}

/// How far a scan has come. Totals grow while Regions are still being listed.
public struct ScanProgress: Sendable, Hashable, CustomStringConvertible {
    /// Regions to scan.
    public var regionsTotal: Int
    /// Regions finished (scanned or failed).
    public var regionsDone: Int
    /// Keys listed so far.
    public var keysListed: Int
    /// Keys judged so far.
    public var keysEvaluated: Int

    /// Creates progress counters.
    package init(regionsTotal: Int, regionsDone: Int = 0, keysListed: Int = 0, keysEvaluated: Int = 0) {
        self.regionsTotal = regionsTotal
        self.regionsDone = regionsDone
        self.keysListed = keysListed
        self.keysEvaluated = keysEvaluated
    }

    public var description: String {
        "regions \(regionsDone)/\(regionsTotal), keys \(keysEvaluated)/\(keysListed)"
    }
}
