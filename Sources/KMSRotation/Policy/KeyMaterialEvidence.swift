import Foundation

/// What an auditor asks beyond the rotation switch: when the key was created, when its material last
/// rotated and how, how many rotations there were, and how old the current material is.
///
/// A finding carries it when evidence was requested (`ScanOptions.evidence`, `--evidence rotations`) or
/// when a policy sets ``RotationPolicy/maximumKeyMaterialAgeDays``. Every member is optional: a key that
/// cannot rotate has only its creation date and age, and a refused ListKeyRotations leaves
/// ``historyError`` instead of the history, for that key alone.
public struct KeyMaterialEvidence: Sendable, Hashable, Codable {
    /// When the key was created (DescribeKey `CreationDate`).
    public var creationDate: Date?
    /// How many rotations ListKeyRotations listed; `nil` when the history was not read.
    public var rotationCount: Int?
    /// When the current key material became current (the last rotation), when there was one.
    public var lastRotationDate: Date?
    /// Whether the last rotation was automatic or on demand.
    public var lastRotationType: RotationType?
    /// The ID of the key material the last rotation made current.
    public var lastKeyMaterialId: String?
    /// Whole days since the current material became current (the last rotation, else the key's creation).
    public var keyMaterialAgeDays: Int?
    /// Why the rotation history could not be read; the rest of the finding stands.
    public var historyError: EvidenceError?
    /// When the key was last used for a cryptographic operation (GetKeyLastUsage), when known.
    public var lastUsedDate: Date?
    /// Since when KMS tracks the key's use: a key with no use since then is unused for at least that long.
    public var usageTrackingStartDate: Date?
    /// Whole days without use (since the last use, else since tracking started); `nil` when not read.
    public var daysSinceLastUse: Int?
    /// Why GetKeyLastUsage could not be read.
    public var lastUsageError: EvidenceError?

    /// Creates evidence.
    /// - Parameter creationDate: The key's creation date.
    package init(creationDate: Date? = nil) {
        self.creationDate = creationDate
    }

    enum CodingKeys: String, CodingKey {
        case creationDate, rotationCount, lastRotationDate, lastRotationType, lastKeyMaterialId, keyMaterialAgeDays, historyError
        case lastUsedDate, usageTrackingStartDate, daysSinceLastUse, lastUsageError
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        creationDate = try c.decodeISO8601IfPresent(forKey: .creationDate)
        rotationCount = try c.decodeIfPresent(Int.self, forKey: .rotationCount)
        lastRotationDate = try c.decodeISO8601IfPresent(forKey: .lastRotationDate)
        lastRotationType = try c.decodeIfPresent(RotationType.self, forKey: .lastRotationType)
        lastKeyMaterialId = try c.decodeIfPresent(String.self, forKey: .lastKeyMaterialId)
        keyMaterialAgeDays = try c.decodeIfPresent(Int.self, forKey: .keyMaterialAgeDays)
        historyError = try c.decodeIfPresent(EvidenceError.self, forKey: .historyError)
        lastUsedDate = try c.decodeISO8601IfPresent(forKey: .lastUsedDate)
        usageTrackingStartDate = try c.decodeISO8601IfPresent(forKey: .usageTrackingStartDate)
        daysSinceLastUse = try c.decodeIfPresent(Int.self, forKey: .daysSinceLastUse)
        lastUsageError = try c.decodeIfPresent(EvidenceError.self, forKey: .lastUsageError)
    }

    // Members are written only when known: evidence differs by key kind, and absent means "not read".
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(creationDate.map(ISO8601.string(from:)), forKey: .creationDate)
        try c.encodeIfPresent(rotationCount, forKey: .rotationCount)
        try c.encodeIfPresent(lastRotationDate.map(ISO8601.string(from:)), forKey: .lastRotationDate)
        try c.encodeIfPresent(lastRotationType, forKey: .lastRotationType)
        try c.encodeIfPresent(lastKeyMaterialId, forKey: .lastKeyMaterialId)
        try c.encodeIfPresent(keyMaterialAgeDays, forKey: .keyMaterialAgeDays)
        try c.encodeIfPresent(historyError, forKey: .historyError)
        try c.encodeIfPresent(lastUsedDate.map(ISO8601.string(from:)), forKey: .lastUsedDate)
        try c.encodeIfPresent(usageTrackingStartDate.map(ISO8601.string(from:)), forKey: .usageTrackingStartDate)
        try c.encodeIfPresent(daysSinceLastUse, forKey: .daysSinceLastUse)
        try c.encodeIfPresent(lastUsageError, forKey: .lastUsageError)
    }

    /// Evidence from a key's rotation history, read at `now`.
    /// - Parameters:
    ///   - key: The key (its creation date dates material that never rotated).
    ///   - rotations: Every entry ListKeyRotations listed.
    ///   - now: The time of the scan.
    package init(key: KMSKey, rotations: [KeyRotationEntry], now: Date) {
        self.init(creationDate: key.creationDate)
        let dated = rotations.filter { $0.rotationDate != nil }
            .sorted { ($0.rotationDate ?? .distantPast) < ($1.rotationDate ?? .distantPast) }
        rotationCount = dated.count
        let last = dated.last
        lastRotationDate = last?.rotationDate
        lastRotationType = last?.rotationType
        lastKeyMaterialId = last?.keyMaterialId
        keyMaterialAgeDays = Self.days(from: lastRotationDate ?? key.creationDate, to: now)
    }

    /// Whole days from one date to another; `nil` without a start, never negative.
    package static func days(from start: Date?, to now: Date) -> Int? {
        guard let start else { return nil }
        return max(0, Int((now.timeIntervalSince(start) / 86_400).rounded(.down)))
    }
}

/// What the caller knows about the age of a key's current material when asking for a verdict (see
/// ``RotationPolicy/maximumKeyMaterialAgeDays``).
public enum KeyMaterialAge: Sendable, Hashable {
    /// The rotation history was not read.
    case notGathered
    /// The current material is this many whole days old.
    case days(Int)
    /// ListKeyRotations failed.
    case failed(EvidenceError)
}

extension KeyMaterialEvidence {
    /// The known members as (name, text) pairs in a fixed order, for formats with flat fields (ASFF
    /// product fields, JUnit, OCSF `unmapped`). Names are the JSON member names.
    var fields: [(name: String, value: String)] {
        var fields: [(String, String)] = []
        if let creationDate { fields.append(("creationDate", ISO8601.string(from: creationDate))) }
        if let keyMaterialAgeDays { fields.append(("keyMaterialAgeDays", String(keyMaterialAgeDays))) }
        if let rotationCount { fields.append(("rotationCount", String(rotationCount))) }
        if let lastRotationDate { fields.append(("lastRotationDate", ISO8601.string(from: lastRotationDate))) }
        if let lastRotationType { fields.append(("lastRotationType", lastRotationType.rawValue)) }
        if let lastKeyMaterialId { fields.append(("lastKeyMaterialId", lastKeyMaterialId)) }
        if let historyError { fields.append(("historyError", historyError.description)) }
        if let lastUsedDate { fields.append(("lastUsedDate", ISO8601.string(from: lastUsedDate))) }
        if let usageTrackingStartDate { fields.append(("usageTrackingStartDate", ISO8601.string(from: usageTrackingStartDate))) }
        if let daysSinceLastUse { fields.append(("daysSinceLastUse", String(daysSinceLastUse))) }
        if let lastUsageError { fields.append(("lastUsageError", lastUsageError.description)) }
        return fields
    }
}
