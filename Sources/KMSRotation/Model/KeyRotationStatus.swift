import Foundation

/// The answer of GetKeyRotationStatus: whether automatic rotation is on, its period and next date.
///
/// Every member is optional on the wire. For a multi-Region replica this is the status it shares with its
/// primary; for a key pending deletion KMS reports `false`; for AWS managed keys it is always `true`.
public struct KeyRotationStatus: Sendable, Hashable, Codable {
    /// Whether automatic rotation is enabled; `nil` when the response omitted it.
    public var keyRotationEnabled: Bool?
    /// The key ARN the status is for.
    public var keyId: String?
    /// Days between automatic rotations (90–2560; AWS's default is 365).
    public var rotationPeriodInDays: Int?
    /// When the next automatic rotation is scheduled.
    public var nextRotationDate: Date?
    /// When an on-demand rotation in progress started; absent once it completes.
    public var onDemandRotationStartDate: Date?

    /// Creates a rotation status.
    public init(
        keyRotationEnabled: Bool?, keyId: String? = nil, rotationPeriodInDays: Int? = nil, nextRotationDate: Date? = nil,
        onDemandRotationStartDate: Date? = nil
    ) {
        self.keyRotationEnabled = keyRotationEnabled
        self.keyId = keyId
        self.rotationPeriodInDays = rotationPeriodInDays
        self.nextRotationDate = nextRotationDate
        self.onDemandRotationStartDate = onDemandRotationStartDate
    }

    /// The documented default rotation period, used when KMS omits ``rotationPeriodInDays``.
    public static let defaultRotationPeriodInDays = 365

    enum CodingKeys: String, CodingKey {
        case keyRotationEnabled = "KeyRotationEnabled", keyId = "KeyId", rotationPeriodInDays = "RotationPeriodInDays"
        case nextRotationDate = "NextRotationDate", onDemandRotationStartDate = "OnDemandRotationStartDate"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        keyRotationEnabled = try c.decodeIfPresent(Bool.self, forKey: .keyRotationEnabled)
        keyId = try c.decodeIfPresent(String.self, forKey: .keyId)
        rotationPeriodInDays = try c.decodeIfPresent(Int.self, forKey: .rotationPeriodInDays)
        nextRotationDate = try c.decodeEpochSecondsIfPresent(forKey: .nextRotationDate)
        onDemandRotationStartDate = try c.decodeEpochSecondsIfPresent(forKey: .onDemandRotationStartDate)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(keyRotationEnabled, forKey: .keyRotationEnabled)
        try c.encodeIfPresent(keyId, forKey: .keyId)
        try c.encodeIfPresent(rotationPeriodInDays, forKey: .rotationPeriodInDays)
        try c.encodeEpochSecondsIfPresent(nextRotationDate, forKey: .nextRotationDate)
        try c.encodeEpochSecondsIfPresent(onDemandRotationStartDate, forKey: .onDemandRotationStartDate)
    }
}
