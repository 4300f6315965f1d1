import Foundation

/// An account of an AWS organization, as `ListAccounts` describes it (the email address is not kept).
public struct OrganizationAccount: Sendable, Hashable, Codable {
    /// The account's status in the organization (`Status`, which AWS retires on 2026-09-09 in favour
    /// of ``State``).
    package enum Status: OpenEnum {
        case active, suspended, pendingClosure
        /// A value this library does not model yet, kept verbatim.
        case unknown(String)

        package static let knownCases: [Status] = [.active, .suspended, .pendingClosure]

        package var rawValue: String {
            switch self {
            case .active: "ACTIVE"
            case .suspended: "SUSPENDED"
            case .pendingClosure: "PENDING_CLOSURE"
            case .unknown(let value): value
            }
        }
    }

    /// The account's lifecycle state (`State`, the successor of the deprecated `Status`).
    public enum State: OpenEnum {
        case pendingActivation, active, suspended, pendingClosure, closed
        /// A value this library does not model yet, kept verbatim.
        case unknown(String)

        public static let knownCases: [State] = [.pendingActivation, .active, .suspended, .pendingClosure, .closed]

        public var rawValue: String {
            switch self {
            case .pendingActivation: "PENDING_ACTIVATION"
            case .active: "ACTIVE"
            case .suspended: "SUSPENDED"
            case .pendingClosure: "PENDING_CLOSURE"
            case .closed: "CLOSED"
            case .unknown(let value): value
            }
        }
    }

    /// The 12-digit account ID.
    public var id: String
    /// The account's ARN in the organization.
    public var arn: String?
    /// The account's friendly name.
    public var name: String?
    /// `Status`, when the answer has it.
    package var status: Status?
    /// `State`, when the answer has it.
    public var state: State?
    /// How the account joined (`INVITED`, `CREATED`).
    package var joinedMethod: String?
    /// When the account joined.
    package var joinedTimestamp: Date?

    /// Creates an account description.
    package init(
        id: String, arn: String? = nil, name: String? = nil, status: Status? = nil, state: State? = nil,
        joinedMethod: String? = nil, joinedTimestamp: Date? = nil
    ) {
        self.id = id
        self.arn = arn
        self.name = name
        self.status = status
        self.state = state
        self.joinedMethod = joinedMethod
        self.joinedTimestamp = joinedTimestamp
    }

    /// Whether the account can be scanned: its ``state`` is `ACTIVE`, or, when the answer has no
    /// `State`, its deprecated `Status` is. Suspended, closing, closed and not-yet-activated accounts cannot
    /// be signed into, and unknown values are not assumed to be active.
    public var isActive: Bool {
        if let state { return state == .active }
        return status == .active
    }

    enum CodingKeys: String, CodingKey {
        case id = "Id", arn = "Arn", name = "Name", status = "Status", state = "State"
        case joinedMethod = "JoinedMethod", joinedTimestamp = "JoinedTimestamp"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        arn = try c.decodeIfPresent(String.self, forKey: .arn)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        status = try c.decodeIfPresent(Status.self, forKey: .status)
        state = try c.decodeIfPresent(State.self, forKey: .state)
        joinedMethod = try c.decodeIfPresent(String.self, forKey: .joinedMethod)
        // Epoch seconds on the wire (JSON 1.1 timestamps).
        joinedTimestamp = try c.decodeIfPresent(Double.self, forKey: .joinedTimestamp).map { Date(timeIntervalSince1970: $0) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encodeIfPresent(arn, forKey: .arn)
        try c.encodeIfPresent(name, forKey: .name)
        try c.encodeIfPresent(status, forKey: .status)
        try c.encodeIfPresent(state, forKey: .state)
        try c.encodeIfPresent(joinedMethod, forKey: .joinedMethod)
        try c.encodeIfPresent(joinedTimestamp?.timeIntervalSince1970, forKey: .joinedTimestamp)
    }
}
