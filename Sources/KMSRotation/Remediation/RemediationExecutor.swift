import Foundation

/// Applies a ``RemediationPlan``: `EnableKeyRotation` for each action, then `GetKeyRotationStatus` to
/// verify that the change took, with bounded concurrency (KMS allows 15 EnableKeyRotation calls per
/// second per account and Region by default).
///
/// Nothing here runs unless a caller asks: the CLI's `remediate` only plans unless given `--apply`.
package struct RemediationExecutor: Sendable {
    /// What happened to one action.
    package struct Result: Sendable, Hashable, Codable {
        /// How it ended.
        package enum Outcome: String, Sendable, Hashable, Codable {
            /// The change was made and GetKeyRotationStatus confirms it.
            case applied
            /// KMS refused or failed the change (see ``error``).
            case failed
            /// The change was accepted but GetKeyRotationStatus does not show it (or could not be read).
            case unverified
        }

        /// The action.
        package var action: RemediationPlan.Action
        /// How it ended.
        package var outcome: Outcome
        /// The rotation setting read back after the change.
        package var after: RotationFinding.RotationSummary?
        /// The error, when the change failed or could not be verified.
        package var error: EvidenceError?
        /// When the change was attempted.
        package var time: Date
    }

    /// The recording of a result failed (the change log could not be written), so the executor stopped
    /// starting changes. ``results`` holds every change that was made or attempted before it stopped.
    package struct Interrupted: Error, Sendable {
        /// The results of the actions that ran, in the plan's order.
        package var results: [Result]
        /// Why recording failed.
        package var underlying: any Error
    }

    let clientFactory: @Sendable (_ region: String) async throws -> KMSClient
    let concurrency: Int
    let now: @Sendable () -> Date
    let accountId: String?

    /// Creates an executor.
    /// - Parameters:
    ///   - concurrency: Changes in flight at once (default 4).
    ///   - accountId: The account whose keys may be changed. An action on a key ARN in any other account
    ///     (or that is not a KMS key ARN) is refused without a call: a second guard behind
    ///     ``RemediationPlan``, which already skips such keys. `nil` checks nothing.
    ///   - now: The clock stamped on results.
    ///   - clientFactory: Makes the KMS client for a Region (credentials of the key's own account).
    package init(
        concurrency: Int = 4, accountId: String? = nil, now: @escaping @Sendable () -> Date = { Date() },
        clientFactory: @escaping @Sendable (_ region: String) async throws -> KMSClient
    ) {
        self.concurrency = max(1, concurrency)
        self.accountId = accountId
        self.now = now
        self.clientFactory = clientFactory
    }

    /// Applies every action of the plan.
    /// - Parameters:
    ///   - plan: The plan.
    ///   - onResult: Called as each action finishes (a change log written as it goes). When it throws,
    ///     no further change is started; the changes in flight finish and are passed to it too.
    /// - Returns: One result per action, in the plan's order.
    /// - Throws: ``Interrupted`` when `onResult` threw, with the results so far; `CancellationError` when
    ///   cancelled (actions already applied stay applied and were reported).
    package func apply(_ plan: RemediationPlan, onResult: (@Sendable (Result) throws -> Void)? = nil) async throws -> [Result] {
        // Once recording a result fails, no further change is started; those in flight finish and are recorded.
        let recordingError = LockedValue<(any Error)?>(nil)
        let results = try await plan.actions.concurrentMap(maxConcurrentTasks: concurrency) { action -> Result? in
            guard recordingError.current == nil else { return nil }
            let result = await self.apply(action)
            do {
                try onResult?(result)
            } catch {
                recordingError.withLock { $0 = $0 ?? error }
            }
            return result
        }
        let done = results.compactMap { $0 }
        if let failure = recordingError.current { throw Interrupted(results: done, underlying: failure) }
        return done
    }

    private func apply(_ action: RemediationPlan.Action) async -> Result {
        let time = now()
        if let accountId {
            guard let arn = ARN(action.keyArn), arn.kmsKeyId != nil, arn.accountId == accountId else {
                let error = EvidenceError(
                    operation: "EnableKeyRotation", code: "OutOfScope",
                    message: "not changed: \(action.keyArn) is not a key of account \(accountId)")
                return Result(action: action, outcome: .failed, after: nil, error: error, time: time)
            }
        }
        let client: KMSClient
        do {
            client = try await clientFactory(action.region)
        } catch {
            return Result(action: action, outcome: .failed, after: nil, error: EvidenceError(error, operation: "CreateClient"), time: time)
        }
        do {
            try await client.enableKeyRotation(keyId: action.keyArn, rotationPeriodInDays: action.rotationPeriodInDays)
        } catch {
            return Result(
                action: action, outcome: .failed, after: nil, error: EvidenceError(error, operation: "EnableKeyRotation"), time: time)
        }
        do {
            let status = try await client.getKeyRotationStatus(keyId: action.keyArn)
            let after = RotationFinding.RotationSummary(status)
            let periodOK =
                action.rotationPeriodInDays.map { wanted in
                    (status.rotationPeriodInDays ?? KeyRotationStatus.defaultRotationPeriodInDays) <= wanted
                } ?? true
            let confirmed = status.keyRotationEnabled == true && periodOK
            return Result(action: action, outcome: confirmed ? .applied : .unverified, after: after, error: nil, time: time)
        } catch {
            return Result(
                action: action, outcome: .unverified, after: nil, error: EvidenceError(error, operation: "GetKeyRotationStatus"), time: time
            )
        }
    }
}
