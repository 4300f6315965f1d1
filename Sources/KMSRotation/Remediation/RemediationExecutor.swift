import Foundation

/// Applies a ``RemediationPlan``: `EnableKeyRotation` for each action, then `GetKeyRotationStatus` to
/// verify that the change took, with bounded concurrency (KMS allows 15 EnableKeyRotation calls per
/// second per account and Region by default).
///
/// Nothing here runs unless a caller asks: the CLI's `remediate` only plans unless given `--apply`.
public struct RemediationExecutor: Sendable {
    /// What happened to one action.
    public struct Result: Sendable, Hashable, Codable {
        /// How it ended.
        public enum Outcome: String, Sendable, Hashable, Codable {
            /// The change was made and GetKeyRotationStatus confirms it.
            case applied
            /// KMS refused or failed the change (see ``error``).
            case failed
            /// The change was accepted but GetKeyRotationStatus does not show it (or could not be read).
            case unverified
        }

        /// The action.
        public var action: RemediationPlan.Action
        /// How it ended.
        public var outcome: Outcome
        /// The rotation setting read back after the change.
        public var after: RotationFinding.RotationSummary?
        /// The error, when the change failed or could not be verified.
        public var error: EvidenceError?
        /// When the change was attempted.
        public var time: Date
    }

    let clientFactory: @Sendable (_ region: String) async throws -> KMSClient
    let concurrency: Int
    let now: @Sendable () -> Date

    /// Creates an executor.
    /// - Parameters:
    ///   - concurrency: Changes in flight at once (default 4).
    ///   - now: The clock stamped on results.
    ///   - clientFactory: Makes the KMS client for a Region (credentials of the key's own account).
    public init(concurrency: Int = 4, now: @escaping @Sendable () -> Date = { Date() },
                clientFactory: @escaping @Sendable (_ region: String) async throws -> KMSClient) {
        self.concurrency = max(1, concurrency)
        self.now = now
        self.clientFactory = clientFactory
    }

    /// Applies every action of the plan.
    /// - Parameters:
    ///   - plan: The plan.
    ///   - onResult: Called as each action finishes (for a change log written as it goes).
    /// - Returns: One result per action, in the plan's order.
    /// - Throws: `CancellationError` when cancelled (actions already applied stay applied and were reported).
    public func apply(_ plan: RemediationPlan, onResult: (@Sendable (Result) -> Void)? = nil) async throws -> [Result] {
        var results = [Result?](repeating: nil, count: plan.actions.count)
        try await withThrowingTaskGroup(of: (Int, Result).self) { group in
            var next = 0
            func start() {
                guard next < plan.actions.count else { return }
                let index = next, action = plan.actions[index]
                next += 1
                group.addTask {
                    try Task.checkCancellation()
                    let result = await self.apply(action)
                    onResult?(result)
                    return (index, result)
                }
            }
            for _ in 0..<concurrency { start() }
            while let (index, result) = try await group.next() {
                results[index] = result
                start()
            }
        }
        return results.compactMap { $0 }
    }

    private func apply(_ action: RemediationPlan.Action) async -> Result {
        let time = now()
        let client: KMSClient
        do {
            client = try await clientFactory(action.region)
        } catch {
            return Result(action: action, outcome: .failed, after: nil, error: EvidenceError(error, operation: "CreateClient"), time: time)
        }
        do {
            try await client.enableKeyRotation(keyId: action.keyArn, rotationPeriodInDays: action.rotationPeriodInDays)
        } catch {
            return Result(action: action, outcome: .failed, after: nil, error: EvidenceError(error, operation: "EnableKeyRotation"), time: time)
        }
        do {
            let status = try await client.getKeyRotationStatus(keyId: action.keyArn)
            let after = RotationFinding.RotationSummary(status)
            let periodOK = action.rotationPeriodInDays.map { wanted in (status.rotationPeriodInDays ?? KeyRotationStatus.defaultRotationPeriodInDays) <= wanted } ?? true
            let confirmed = status.keyRotationEnabled == true && periodOK
            return Result(action: action, outcome: confirmed ? .applied : .unverified, after: after, error: nil, time: time)
        } catch {
            return Result(action: action, outcome: .unverified, after: nil, error: EvidenceError(error, operation: "GetKeyRotationStatus"), time: time)
        }
    }
}
