import Foundation

/// An in-memory AWS KMS with AWS's documented rotation semantics, served as an ``HTTPTransport``.
///
/// Use it to test code that talks to KMS without a network or an AWS account: seed keys of every kind,
/// hand the instance (or ``transport``) to the client as its transport, then assert on the answers and
/// on the call log. It speaks the real wire protocol (JSON 1.1: `POST /`,
/// `X-Amz-Target: TrentService.<Operation>`, `Content-Type: application/x-amz-json-1.1`, timestamps as
/// epoch seconds, errors as `{"__type": "<Code>", "message": "..."}`), so the client's encoding,
/// decoding and error handling are exercised too. Signatures are not verified.
///
/// ```swift
/// let kms = InMemoryKMS()
/// let keyId = kms.addKey(.init(rotationEnabled: true, aliases: ["alias/orders"]), region: "us-east-1")
/// kms.addKey(.awsManaged(service: "s3"), region: "us-east-1")
/// kms.disableRegion("ap-east-1")
/// kms.throttle(operation: "GetKeyRotationStatus", schedule: .first(2))
/// // ... run the code under test with `kms` as its transport ...
/// #expect(kms.callCount("GetKeyRotationStatus", region: "us-east-1") == 4)
/// ```
///
/// **Region.** Each request's Region comes from its `Host` header (or URL host) when that is
/// `kms.<region>.amazonaws.com` (also `kms-fips.` and other partitions' suffixes), else from the SigV4
/// credential scope in `Authorization` (`Credential=AKID/20150830/<region>/kms/aws4_request`), else
/// ``Options/defaultRegion``. Keys live in one Region; other Regions do not see them.
///
/// **Operations.** ListKeys, DescribeKey, GetKeyRotationStatus, ListAliases, ListResourceTags,
/// ListKeyRotations, EnableKeyRotation, DisableKeyRotation, RotateKeyOnDemand, CreateKey, DisableKey,
/// EnableKey, ScheduleKeyDeletion, CancelKeyDeletion, CreateAlias, ReplicateKey, GetKeyPolicy. Any other
/// target gets `UnknownOperationException`; a body that is not a JSON object, `SerializationException`.
///
/// **Rotation rules** (from the KMS API reference): only symmetric encryption keys with origin
/// `AWS_KMS` rotate; AWS managed keys always report rotation on with 365 days and refuse changes;
/// replicas share their primary's rotation status and refuse changes; disabled keys keep their flag but
/// do not rotate; keys pending deletion report `false`. Time is simulated: automatic rotations happen
/// when the clock passes the next rotation date (see ``advanceClock(by:)``), and appear in
/// `ListKeyRotations`.
///
/// Choices where AWS does not document its behaviour are listed in `Docs/InMemoryKMS.md`.
///
/// The instance is thread-safe: all state is behind a lock, and requests may be sent concurrently.
public final class InMemoryKMS: HTTPTransport, @unchecked Sendable {
    /// Behaviour switches of an ``InMemoryKMS``, for the places where AWS's answer is undocumented or
    /// varies.
    public struct Options: Hashable, Sendable {
        /// What `GetKeyRotationStatus` answers for keys that cannot rotate automatically. Default
        /// ``IneligibleRotationStatus/unsupportedOperation``.
        public var ineligibleRotationStatus: IneligibleRotationStatus
        /// Which HTTP statuses errors carry. Default ``ErrorStatusStyle/observed`` (400 for client errors).
        public var errorStatusStyle: ErrorStatusStyle
        /// The Region of requests that name none (no KMS host, no credential scope); `nil` answers them
        /// with `MissingAuthenticationTokenException`. Default `us-east-1`.
        public var defaultRegion: String?
        /// How many on-demand rotations a key allows before `LimitExceededException`. Default 25.
        public var onDemandRotationLimit: Int
        /// How long (in simulated seconds) an on-demand rotation stays in progress; while it does,
        /// `GetKeyRotationStatus` reports `OnDemandRotationStartDate` and another `RotateKeyOnDemand`
        /// gets `ConflictException`. Default 0: rotations complete at once.
        public var onDemandRotationDuration: TimeInterval
        /// Services whose predefined `alias/aws/<service>` aliases `ListAliases` returns without a
        /// `TargetKeyId` (until an AWS managed key for the service is seeded).
        public var predefinedAliasServices: [String]

        /// Creates options.
        /// - Parameters:
        ///   - ineligibleRotationStatus: Default `.unsupportedOperation`.
        ///   - errorStatusStyle: Default `.observed`.
        ///   - defaultRegion: Default `us-east-1`.
        ///   - onDemandRotationLimit: Default 25.
        ///   - onDemandRotationDuration: Default 0 seconds.
        ///   - predefinedAliasServices: Default: dynamodb, ebs, elasticfilesystem, es, glue, kinesisvideo,
        ///     lambda, rds, redshift, s3, secretsmanager, ssm, xray.
        public init(
            ineligibleRotationStatus: IneligibleRotationStatus = .unsupportedOperation,
            errorStatusStyle: ErrorStatusStyle = .observed,
            defaultRegion: String? = "us-east-1",
            onDemandRotationLimit: Int = 25,
            onDemandRotationDuration: TimeInterval = 0,
            predefinedAliasServices: [String] = [
                "dynamodb", "ebs", "elasticfilesystem", "es", "glue", "kinesisvideo", "lambda", "rds", "redshift", "s3", "secretsmanager",
                "ssm", "xray",
            ]
        ) {
            self.ineligibleRotationStatus = ineligibleRotationStatus
            self.errorStatusStyle = errorStatusStyle
            self.defaultRegion = defaultRegion
            self.onDemandRotationLimit = onDemandRotationLimit
            self.onDemandRotationDuration = onDemandRotationDuration
            self.predefinedAliasServices = predefinedAliasServices
        }
    }

    /// The 12-digit account ID in every ARN.
    public let accountId: String
    private let lock = NSLock()
    private var state: KMSState

    /// Creates an empty in-memory KMS.
    /// - Parameters:
    ///   - accountId: The account ID used in ARNs. Default `111122223333`.
    ///   - options: Behaviour switches; `Options()` by default.
    ///   - clock: The source of the current time. Default the system clock; pass a fixed date for
    ///     stable output, and move it with ``advanceClock(by:)``.
    public init(accountId: String = "111122223333", options: Options = Options(), clock: @escaping @Sendable () -> Date = { Date() }) {
        self.accountId = accountId
        self.state = KMSState(accountId: accountId, options: options, clock: clock)
    }

    private func withState<T>(_ body: (inout KMSState) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&state)
    }

    /// The behaviour switches; may be changed at any time.
    public var options: Options {
        get { withState { $0.options } }
        set { withState { $0.options = newValue } }
    }

    // MARK: - Clock

    /// The simulated current time: the clock plus every ``advanceClock(by:)``.
    public var now: Date { withState { $0.now } }

    /// Moves simulated time forward (or back, with a negative interval). Rotations and deletions whose
    /// dates pass happen on the next request that touches the key.
    /// - Parameter interval: Seconds to add to the clock.
    public func advanceClock(by interval: TimeInterval) {
        withState { $0.clockOffset += interval }
    }

    // MARK: - Seeding

    /// Adds a key to a Region.
    /// - Parameters:
    ///   - seed: What the key is (manager, spec, origin, state, rotation, aliases, ...).
    ///   - region: The Region, such as `us-east-1`.
    /// - Returns: The new key's ID: UUID-shaped, or `mrk-…` for a multi-Region key, derived from a
    ///   counter so the same seeding gives the same IDs every run.
    /// - Precondition: No alias of the seed exists in the Region yet.
    @discardableResult
    public func addKey(_ seed: KeySeed, region: String) -> String {
        withState { $0.seedKey(seed, region: region).keyId }
    }

    /// Adds a replica of a multi-Region primary key to another Region.
    ///
    /// The replica has the primary's key ID, spec, usage and origin, its own state, description,
    /// aliases and tags, and shares the primary's rotation status: `GetKeyRotationStatus` on it reads
    /// the primary's, so enabling rotation on the primary enables it on the replica, and rotation
    /// changes on the replica itself are refused with `UnsupportedOperationException`.
    /// - Parameters:
    ///   - primaryKeyId: The primary key's ID (`mrk-…`) or ARN.
    ///   - region: The replica's Region; must differ from the primary's.
    ///   - keyState: The replica's state. Default `Enabled`.
    ///   - description: Default: the primary's description.
    ///   - aliases: The replica's aliases in its Region. Default none.
    ///   - tags: The replica's tags. Default none.
    /// - Returns: The replica's key ID (the primary's key ID).
    /// - Precondition: `primaryKeyId` names a multi-Region primary key and the Region has no replica yet.
    @discardableResult
    public func addReplica(
        of primaryKeyId: String, region: String, keyState: KeyState = .enabled, description: String? = nil, aliases: [String] = [],
        tags: [String: String] = [:]
    ) -> String {
        withState { state in
            do {
                return try state.seedReplica(
                    of: primaryKeyId, region: region, keyState: keyState, description: description, aliases: aliases, tags: tags
                ).keyId
            } catch let fault as KMSFault {
                preconditionFailure("InMemoryKMS.addReplica: \(fault.message)")
            } catch {
                preconditionFailure("InMemoryKMS.addReplica: \(error)")
            }
        }
    }

    /// The ARN of a key in a Region: `arn:<partition>:kms:<region>:<account>:key/<keyId>`.
    /// - Parameters:
    ///   - keyId: The key ID.
    ///   - region: The Region.
    /// - Returns: The ARN (whether or not the key exists).
    public func keyArn(_ keyId: String, region: String) -> String {
        withState { $0.keyArn(keyId, region: region) }
    }

    /// The IDs of the keys in a Region, in creation order (the order `ListKeys` returns).
    /// - Parameter region: The Region.
    /// - Returns: The key IDs; empty for a Region without keys.
    public func keyIds(region: String) -> [String] {
        withState { $0.regions[region]?.order ?? [] }
    }

    /// The Regions that hold at least one key, sorted.
    public var regionsWithKeys: [String] {
        withState { state in state.regions.filter { !$0.value.keys.isEmpty }.keys.sorted() }
    }

    // MARK: - Regions and access

    /// Makes a Region behave as an opt-in Region that is not enabled for the account: every request
    /// to it fails with HTTP 400 `UnrecognizedClientException` ("The security token included in the
    /// request is invalid."), as AWS answers.
    /// - Parameter region: The Region, such as `ap-east-1`.
    public func disableRegion(_ region: String) {
        withState { _ = $0.disabledRegions.insert(region) }
    }

    /// Undoes ``disableRegion(_:)``.
    /// - Parameter region: The Region.
    public func enableRegion(_ region: String) {
        withState { _ = $0.disabledRegions.remove(region) }
    }

    /// Whether requests to a Region are accepted (see ``disableRegion(_:)``).
    /// - Parameter region: The Region.
    /// - Returns: `false` for a disabled Region.
    public func isRegionEnabled(_ region: String) -> Bool {
        withState { !$0.disabledRegions.contains(region) }
    }

    /// Denies an operation with HTTP 400 `AccessDeniedException`, as a missing IAM permission would.
    /// - Parameters:
    ///   - operation: The operation, such as `GetKeyRotationStatus`.
    ///   - keyId: Deny only for this key (key ID or key ARN); `nil` for every key.
    ///   - region: Deny only in this Region; `nil` for every Region.
    public func denyOperation(_ operation: String, keyId: String? = nil, region: String? = nil) {
        withState { $0.denials.append(DenialRule(operation: operation, keyId: keyId, region: region)) }
    }

    /// Removes every rule added with ``denyOperation(_:keyId:region:)`` (key policies seeded with
    /// ``KeySeed/deniedOperations`` stay).
    public func removeAllDenials() {
        withState { $0.denials.removeAll() }
    }

    // MARK: - Fault injection

    /// Answers matching requests with an error instead of handling them. Rules are checked in the
    /// order they were added, after the Region check and before the operation runs.
    /// - Parameters:
    ///   - fault: The error response, such as ``Fault/throttling`` or ``Fault/internalError``.
    ///   - operation: Only this operation; `nil` for all.
    ///   - region: Only this Region; `nil` for all.
    ///   - schedule: Which matching requests fail. Default ``FaultSchedule/always``.
    public func injectFault(_ fault: Fault, operation: String? = nil, region: String? = nil, schedule: FaultSchedule = .always) {
        withState { $0.faults.append(FaultRule(fault: fault, operation: operation, region: region, schedule: schedule)) }
    }

    /// Throttles matching requests: HTTP 400 `ThrottlingException` "Rate exceeded".
    /// - Parameters:
    ///   - operation: Only this operation; `nil` for all.
    ///   - region: Only this Region; `nil` for all.
    ///   - schedule: Which matching requests are throttled. Default ``FaultSchedule/always``.
    public func throttle(operation: String? = nil, region: String? = nil, schedule: FaultSchedule = .always) {
        injectFault(.throttling, operation: operation, region: region, schedule: schedule)
    }

    /// Removes every injected fault and throttling rule.
    public func removeAllFaults() {
        withState { $0.faults.removeAll() }
    }

    /// Delays requests before they are handled, honouring cancellation (`CancellationError`) and
    /// ``HTTPRequest/timeout`` (``TransportError/Kind/timedOut`` once the timeout is shorter than the delay).
    /// - Parameters:
    ///   - latency: The delay; `nil` removes it.
    ///   - operation: Only this operation; `nil` sets the default for all operations.
    public func setLatency(_ latency: Duration?, operation: String? = nil) {
        withState { state in
            if let operation { state.operationLatency[operation] = latency } else { state.latency = latency }
        }
    }

    // MARK: - Call accounting

    /// Every request handled, oldest first, including refused and failed ones (a request cancelled or
    /// timed out during injected latency never reached the KMS and is not logged).
    public var callLog: [Call] { withState { $0.calls } }

    /// How many requests for an operation were received (whatever their outcome).
    /// - Parameters:
    ///   - operation: The operation, such as `GetKeyRotationStatus`.
    ///   - region: Only this Region; `nil` for all.
    /// - Returns: The count.
    public func callCount(_ operation: String, region: String? = nil) -> Int {
        withState { state in state.calls.filter { $0.operation == operation && (region == nil || $0.region == region) }.count }
    }

    /// How many requests for an operation on one key were received.
    /// - Parameters:
    ///   - operation: The operation.
    ///   - keyId: The key ID (requests naming the key by ARN or alias count too).
    ///   - region: Only this Region; `nil` for all.
    /// - Returns: The count.
    public func callCount(_ operation: String, keyId: String, region: String? = nil) -> Int {
        withState { state in
            state.calls.filter { $0.operation == operation && $0.keyId == keyId && (region == nil || $0.region == region) }.count
        }
    }

    /// Forgets the call log (keys and rules stay).
    public func resetCallLog() {
        withState { $0.calls.removeAll() }
    }

    // MARK: - Transport

    /// This KMS as a ``MockTransport``, for APIs that want one (the instance is itself an ``HTTPTransport``).
    public var transport: MockTransport {
        MockTransport { request in try await self.send(request) }
    }

    /// Handles one KMS request.
    /// - Parameter request: A JSON 1.1 KMS request.
    /// - Returns: The KMS response: HTTP 200 with the output, or an error status with
    ///   `{"__type": "<Code>", "message": "..."}`.
    /// - Throws: `CancellationError` when the task is cancelled during injected latency;
    ///   ``TransportError/Kind/timedOut`` when the injected latency exceeds ``HTTPRequest/timeout``.
    ///   Such requests never reach the KMS: they change nothing and are not logged.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try Task.checkCancellation()
        let operation = request.headers["X-Amz-Target"].map { String($0.dropFirst(Wire.targetPrefix.count)) }
        let latency = withState { state in operation.flatMap { state.operationLatency[$0] } ?? state.latency }
        if let latency {
            if let timeout = request.timeout, timeout < latency {
                try await Task.sleep(for: timeout)
                throw TransportError(
                    .timedOut, "\(request.method) \(request.url.path) did not complete within \(timeout) (injected latency \(latency))")
            }
            try await Task.sleep(for: latency)
        }
        return withState { $0.handle(request) }
    }

    /// Builds a KMS request as a client would (without a signature): `POST https://kms.<region>.amazonaws.com/`
    /// with the JSON 1.1 headers.
    /// - Parameters:
    ///   - operation: The operation, such as `ListKeys`.
    ///   - json: The JSON body. Default `{}`.
    ///   - region: The Region. Default `us-east-1`.
    /// - Returns: The request.
    public static func request(_ operation: String, json: String = "{}", region: String = "us-east-1") -> HTTPRequest {
        HTTPRequest(
            method: "POST",
            url: URL(string: "https://kms.\(region).amazonaws.com/")!,
            headers: [
                "Host": "kms.\(region).amazonaws.com",
                "Content-Type": "application/x-amz-json-1.1",
                "X-Amz-Target": "TrentService.\(operation)",
            ],
            body: Data(json.utf8)
        )
    }
}
