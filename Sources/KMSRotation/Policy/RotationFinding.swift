import Foundation

/// The verdict on one key: compliance, the stable reason code, a human message, the evidence used, and
/// the remediation when one exists.
///
/// Encodes to the finding object of the JSON report (`Docs/output-formats.md`): camelCase members,
/// absent values as explicit `null`, dates as ISO 8601 strings.
public struct RotationFinding: Sendable, Hashable, Codable {
    /// The key ARN, when known.
    public var keyArn: String?
    /// The key ID.
    public var keyId: String
    /// The owning account.
    public var accountId: String?
    /// The key's Region.
    public var region: String?
    /// The key's aliases (`alias/…`), sorted.
    public var aliases: [String]
    /// The verdict.
    public var compliance: Compliance
    /// Why: a stable code.
    public var reason: FindingReason
    /// A sentence for people: what was found and what to do.
    public var message: String
    /// The key metadata the verdict used.
    public var key: KeySummary
    /// The rotation status the verdict used; `nil` when it was not gathered.
    public var rotation: RotationSummary?
    /// The evidence-gathering error behind an `INSUFFICIENT_DATA` verdict.
    public var error: EvidenceError?
    /// What fixes a non-compliant key.
    public var remediation: Remediation?
    /// The accepted exception this finding is under, if any (see `SuppressionList`).
    public var suppression: AppliedSuppression?
    /// The policy rule that judged the key (``PolicyRule/name``, or `default`); `nil` when one policy judges
    /// every key.
    public var policyRule: String?
    /// The key's tags, when a policy rule needed them.
    public var tags: [String: String]?
    /// Where the key is declared, for findings judged from infrastructure as code; `nil` for live keys.
    public var location: FindingLocation?
    /// Creation date, rotation history, key-material age and last use, when evidence was requested
    /// (`--evidence`) or the policy's maximum key-material age needed it; `nil` otherwise.
    public var evidence: KeyMaterialEvidence?

    /// Whether an accepted exception covers this finding.
    public var isSuppressed: Bool { suppression != nil }

    /// The exception a suppressed finding is under.
    public struct AppliedSuppression: Sendable, Hashable, Codable {
        /// Why the exception is accepted.
        public var justification: String
        /// When it stops applying.
        public var expires: Date?

        /// Creates an applied suppression.
        package init(justification: String, expires: Date?) {
            self.justification = justification
            self.expires = expires
        }

        enum CodingKeys: String, CodingKey { case justification, expires }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            justification = try c.decode(String.self, forKey: .justification)
            expires = try c.decodeISO8601IfPresent(forKey: .expires)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(justification, forKey: .justification)
            try c.encode(expires.map(ISO8601.string(from:)), forKey: .expires)
        }
    }

    /// Creates a finding. ``compliance`` always equals `reason.compliance`.
    public init(
        keyArn: String?, keyId: String, accountId: String?, region: String?, aliases: [String] = [], reason: FindingReason,
        message: String, key: KeySummary, rotation: RotationSummary? = nil, error: EvidenceError? = nil, remediation: Remediation? = nil
    ) {
        self.keyArn = keyArn
        self.keyId = keyId
        self.accountId = accountId
        self.region = region
        self.aliases = aliases.sorted()
        self.compliance = reason.compliance
        self.reason = reason
        self.message = message
        self.key = key
        self.rotation = rotation
        self.error = error
        self.remediation = remediation
    }

    /// The key metadata a finding records.
    public struct KeySummary: Sendable, Hashable, Codable {
        /// The key spec (or the legacy `CustomerMasterKeySpec`).
        public var keySpec: KeySpec?
        /// Who manages the key.
        public var keyManager: KeyManager?
        /// The key's state.
        public var keyState: KeyState?
        /// Where the key material comes from.
        public var origin: KeyOrigin?
        /// `PRIMARY` or `REPLICA` for a multi-Region key; `nil` otherwise.
        public var multiRegionKeyType: MultiRegionKeyType?
        /// The multi-Region primary's ARN.
        public var primaryKeyArn: String?

        /// Creates a key summary.
        package init(
            keySpec: KeySpec? = nil, keyManager: KeyManager? = nil, keyState: KeyState? = nil, origin: KeyOrigin? = nil,
            multiRegionKeyType: MultiRegionKeyType? = nil, primaryKeyArn: String? = nil
        ) {
            self.keySpec = keySpec
            self.keyManager = keyManager
            self.keyState = keyState
            self.origin = origin
            self.multiRegionKeyType = multiRegionKeyType
            self.primaryKeyArn = primaryKeyArn
        }

        /// The summary of a described key.
        package init(_ key: KMSKey) {
            self.init(
                keySpec: key.effectiveKeySpec, keyManager: key.keyManager, keyState: key.keyState, origin: key.origin,
                multiRegionKeyType: key.multiRegionKeyType, primaryKeyArn: key.primaryKeyArn)
        }

        enum CodingKeys: String, CodingKey { case keySpec, keyManager, keyState, origin, multiRegionKeyType, primaryKeyArn }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            keySpec = try c.decodeIfPresent(KeySpec.self, forKey: .keySpec)
            keyManager = try c.decodeIfPresent(KeyManager.self, forKey: .keyManager)
            keyState = try c.decodeIfPresent(KeyState.self, forKey: .keyState)
            origin = try c.decodeIfPresent(KeyOrigin.self, forKey: .origin)
            multiRegionKeyType = try c.decodeIfPresent(MultiRegionKeyType.self, forKey: .multiRegionKeyType)
            primaryKeyArn = try c.decodeIfPresent(String.self, forKey: .primaryKeyArn)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(keySpec, forKey: .keySpec)
            try c.encode(keyManager, forKey: .keyManager)
            try c.encode(keyState, forKey: .keyState)
            try c.encode(origin, forKey: .origin)
            try c.encode(multiRegionKeyType, forKey: .multiRegionKeyType)
            try c.encode(primaryKeyArn, forKey: .primaryKeyArn)
        }
    }

    /// The rotation status a finding records.
    public struct RotationSummary: Sendable, Hashable, Codable {
        /// Whether automatic rotation is enabled; `nil` when KMS omitted it.
        public var enabled: Bool?
        /// The rotation period KMS reported.
        public var rotationPeriodInDays: Int?
        /// When the next automatic rotation is due.
        public var nextRotationDate: Date?
        /// When an on-demand rotation in progress started.
        public var onDemandRotationStartDate: Date?

        /// Creates a rotation summary.
        package init(
            enabled: Bool?, rotationPeriodInDays: Int? = nil, nextRotationDate: Date? = nil, onDemandRotationStartDate: Date? = nil
        ) {
            self.enabled = enabled
            self.rotationPeriodInDays = rotationPeriodInDays
            self.nextRotationDate = nextRotationDate
            self.onDemandRotationStartDate = onDemandRotationStartDate
        }

        /// The summary of a GetKeyRotationStatus answer.
        package init(_ status: KeyRotationStatus) {
            self.init(
                enabled: status.keyRotationEnabled, rotationPeriodInDays: status.rotationPeriodInDays,
                nextRotationDate: status.nextRotationDate, onDemandRotationStartDate: status.onDemandRotationStartDate)
        }

        enum CodingKeys: String, CodingKey { case enabled, rotationPeriodInDays, nextRotationDate, onDemandRotationStartDate }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled)
            rotationPeriodInDays = try c.decodeIfPresent(Int.self, forKey: .rotationPeriodInDays)
            nextRotationDate = try c.decodeISO8601IfPresent(forKey: .nextRotationDate)
            onDemandRotationStartDate = try c.decodeISO8601IfPresent(forKey: .onDemandRotationStartDate)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(enabled, forKey: .enabled)
            try c.encode(rotationPeriodInDays, forKey: .rotationPeriodInDays)
            try c.encode(nextRotationDate.map(ISO8601.string(from:)), forKey: .nextRotationDate)
            if let onDemandRotationStartDate {
                try c.encode(ISO8601.string(from: onDemandRotationStartDate), forKey: .onDemandRotationStartDate)
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case keyArn, keyId, accountId, region, aliases, compliance, reason, message, key, rotation, error, remediation, suppression,
            location
        case policyRule, tags, evidence
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        keyArn = try c.decodeIfPresent(String.self, forKey: .keyArn)
        keyId = try c.decode(String.self, forKey: .keyId)
        accountId = try c.decodeIfPresent(String.self, forKey: .accountId)
        region = try c.decodeIfPresent(String.self, forKey: .region)
        aliases = try c.decodeIfPresent([String].self, forKey: .aliases) ?? []
        reason = try c.decode(FindingReason.self, forKey: .reason)
        compliance = try c.decode(Compliance.self, forKey: .compliance)
        guard compliance == reason.compliance else {
            throw DecodingError.dataCorruptedError(
                forKey: .compliance, in: c,
                debugDescription: "compliance \(compliance) contradicts reason \(reason) (which is \(reason.compliance))")
        }
        message = try c.decode(String.self, forKey: .message)
        key = try c.decode(KeySummary.self, forKey: .key)
        rotation = try c.decodeIfPresent(RotationSummary.self, forKey: .rotation)
        error = try c.decodeIfPresent(EvidenceError.self, forKey: .error)
        remediation = try c.decodeIfPresent(Remediation.self, forKey: .remediation)
        suppression = try c.decodeIfPresent(AppliedSuppression.self, forKey: .suppression)
        policyRule = try c.decodeIfPresent(String.self, forKey: .policyRule)
        tags = try c.decodeIfPresent([String: String].self, forKey: .tags)
        location = try c.decodeIfPresent(FindingLocation.self, forKey: .location)
        evidence = try c.decodeIfPresent(KeyMaterialEvidence.self, forKey: .evidence)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(keyArn, forKey: .keyArn)
        try c.encode(keyId, forKey: .keyId)
        try c.encode(accountId, forKey: .accountId)
        try c.encode(region, forKey: .region)
        try c.encode(aliases, forKey: .aliases)
        try c.encode(compliance, forKey: .compliance)
        try c.encode(reason, forKey: .reason)
        try c.encode(message, forKey: .message)
        try c.encode(key, forKey: .key)
        try c.encode(rotation, forKey: .rotation)
        try c.encode(error, forKey: .error)
        try c.encode(remediation, forKey: .remediation)
        // Written only when present, so reports without suppressions keep DESIGN.md's exact shape.
        try c.encodeIfPresent(suppression, forKey: .suppression)
        // Likewise only with policy rules.
        try c.encodeIfPresent(policyRule, forKey: .policyRule)
        try c.encodeIfPresent(tags, forKey: .tags)
        // Likewise only for findings judged from infrastructure as code.
        try c.encodeIfPresent(location, forKey: .location)
        // Likewise only when evidence was gathered.
        try c.encodeIfPresent(evidence, forKey: .evidence)
    }
}

/// ISO 8601 date strings (`2026-11-29T06:00:00Z`) for reports, independent of any coder's date strategy.
enum ISO8601 {
    static func string(from date: Date) -> String {
        date.formatted(.iso8601)
    }

    static func date(from string: String) -> Date? {
        if let date = try? Date(string, strategy: .iso8601) { return date }
        return try? Date(string, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}

extension KeyedDecodingContainer {
    func decodeISO8601IfPresent(forKey key: Key) throws -> Date? {
        guard let text = try decodeIfPresent(String.self, forKey: key) else { return nil }
        guard let date = ISO8601.date(from: text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "'\(text)' is not an ISO 8601 date")
        }
        return date
    }
}
