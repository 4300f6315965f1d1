import Foundation
import Logging

extension RotationChecker {
    /// How an account scan runs.
    public struct ScanOptions: Sendable {
        /// The Regions to scan (see ``KMSRegions`` for every Region where KMS runs in a partition).
        public var regions: [String]
        /// Which policy judges each key: one for all (`.cis`, `PolicyResolver(RotationPolicy(…))`), or rules
        /// per account, Region, alias and tag.
        public var policy: PolicyResolver
        /// How many KMS calls run at once within one Region, ListKeys and ListAliases pages included
        /// (default 8; KMS allows 2000 DescribeKey and 1000 GetKeyRotationStatus per second per account
        /// and Region).
        public var concurrencyPerRegion: Int
        /// How many Regions are scanned at once (default 8).
        public var concurrentRegions: Int
        /// The `Limit` of each ListKeys call: 1000, the maximum, makes `ceil(keys/1000)` calls. Lower
        /// only to exercise pagination in tests.
        public var listKeysPageSize: Int
        /// The `Limit` of each ListAliases call (100, the documented maximum).
        public var listAliasesPageSize: Int
        /// The most pages one listing (ListKeys, ListAliases) of a Region may take: a service whose
        /// marker changes forever is stopped there with a ``ScanError`` (code `PaginationCapExceeded`,
        /// exit status 4), and the keys listed before the cap keep their verdicts. Default
        /// ``KMSPaginator/defaultMaximumPages`` (10,000 pages: 10 million keys at 1000 keys a page).
        public var maximumPagesPerListing: Int
        /// The clock used for verdicts.
        public var now: @Sendable () -> Date
        /// Evidence gathered beyond what the verdicts need (default none). A key's rotation history is also
        /// read, whatever this says, when a policy's ``RotationPolicy/maximumKeyMaterialAgeDays`` needs it.
        public var evidence: EvidenceKinds = []
        /// The most GetKeyLastUsage calls per second in one Region of one account (its quota is 5), for
        /// ``EvidenceKinds/lastUse``.
        public var lastUsageRequestsPerSecond: Double = 5

        /// Creates scan options.
        public init(
            regions: [String], policy: PolicyResolver = .cis, concurrencyPerRegion: Int = 8, concurrentRegions: Int = 8,
            listKeysPageSize: Int = 1000, listAliasesPageSize: Int = 100,
            maximumPagesPerListing: Int = KMSPaginator<KeyListEntry>.defaultMaximumPages,
            now: @escaping @Sendable () -> Date = { Date() }
        ) {
            self.regions = regions
            self.policy = policy
            self.concurrencyPerRegion = concurrencyPerRegion
            self.concurrentRegions = concurrentRegions
            self.listKeysPageSize = listKeysPageSize
            self.listAliasesPageSize = listAliasesPageSize
            self.maximumPagesPerListing = maximumPagesPerListing
            self.now = now
        }
    }

    /// Evidence a scan can gather beyond the verdicts, recorded in ``RotationFinding/evidence``.
    public struct EvidenceKinds: OptionSet, Sendable, Hashable {
        public let rawValue: Int
        /// Creates a set from its raw value.
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// One ListKeyRotations walk per key that can rotate: the last rotation, the number of rotations and
        /// the current material's age (`--evidence rotations`). Every finding also records the creation date.
        public static let rotations = EvidenceKinds(rawValue: 1 << 0)
        /// One GetKeyLastUsage call per customer managed key, paced to its quota (5 per second per account and
        /// Region): when the key was last used (`--evidence last-use`). Evidence and advice only: a
        /// non-compliant key unused for 90 days or more is told that disabling or deleting
        /// it may serve better than rotating it. Never changes a verdict.
        public static let lastUse = EvidenceKinds(rawValue: 1 << 1)
        /// How many days without use earn a non-compliant key the advice to disable or delete it.
        package static let unusedDaysForAdvice = 90
    }

    /// Scans every Region and streams what it finds, in arrival order: one ``ScanEvent/finding(_:)`` per
    /// key listed, a ``ScanEvent/scanError(_:)`` per Region or listing that failed, and progress.
    ///
    /// Regions run concurrently; calls within a Region run with bounded concurrency. Only the calls a
    /// verdict needs are made: ListKeys (all pages), one ListAliases walk per Region, DescribeKey per key,
    /// GetKeyRotationStatus only where ``RotationPolicy/needsRotationStatus(for:)`` says so. Cancelling the
    /// consuming task (or dropping the sequence) cancels outstanding calls.
    ///
    /// A consumer that falls behind holds the scan back rather than letting events pile up in memory: at most
    /// 256 events wait to be taken, and the scan's calls pause until there is room again. No event is dropped.
    ///
    /// Where the loop runs costs CPU: consume from a nonisolated async function, not from the main actor,
    /// unless the events must reach UI. On Linux the main actor is a Dispatch queue served by a thread of its
    /// own, so a `for await` in top-level code moves every event to that thread and back; measured over
    /// loopback HTTP that is about 40 µs of CPU per request, a quarter of the scan (Docs/benchmarks.md).
    /// - Returns: The events; the sequence ends when the scan is complete.
    public func events() -> AsyncStream<ScanEvent> {
        eventStream(capacity: Self.eventQueueCapacity).events
    }

    /// ``events()``, with the queue between the scan and the consumer, and the scan's task (for tests).
    ///
    /// A bounded queue, not an unbounded `AsyncStream` buffer: when the consumer falls behind, the scan waits
    /// for it instead of piling up events (three per key) in memory.
    /// - Parameter progress: Whether to count progress and send ``ScanEvent/progress(_:)`` events (``findings()``
    ///   drops them, so it does not ask for them).
    func eventStream(
        capacity: Int, progress: Bool = true
    ) -> (events: AsyncStream<ScanEvent>, queue: ScanEventChannel, scan: Task<Void, Never>) {
        let channel = ScanEventChannel(capacity: capacity)
        let task = Task {
            await self.run(ScanSink(reserve: { await channel.reserve() }, deliver: { channel.deliver($0) }, wantsProgress: progress))
            channel.finish()
        }
        // The stream alone holds the consumer's end: cancelling the consuming task, or dropping the sequence
        // (which releases this closure and with it the end), stops the scan.
        let end = ScanConsumerEnd(channel: channel, task: task)
        return (AsyncStream(unfolding: { await end.next() }, onCancel: { end.stop() }), channel, task)
    }

    /// How many events ``events()`` lets wait for a consumer that falls behind before the scan waits for it.
    static let eventQueueCapacity = 256

    /// The findings alone, in arrival order (scan errors and progress are dropped: use ``events()`` or
    /// ``report(progress:)`` to see them).
    /// - Returns: One finding per key listed.
    public func findings() -> AsyncCompactMapSequence<AsyncStream<ScanEvent>, RotationFinding> {
        eventStream(capacity: Self.eventQueueCapacity, progress: false).events.compactMap { event in
            if case .finding(let finding) = event { return finding }
            return nil
        }
    }

    /// Scans every Region and collects a report, sorted by Region then key ARN.
    /// - Parameter progress: Called after each change of the counters, one call at a time and in the order of
    ///   the changes (from any task; keep it short: the scan waits for it).
    /// - Returns: The report.
    /// - Throws: `CancellationError` when the task is cancelled.
    public func report(progress: (@Sendable (ScanProgress) -> Void)? = nil) async throws -> RotationReport {
        let collected = LockedValue<(findings: [RotationFinding], errors: [ScanError])>(([], []))
        await run(
            ScanSink(
                reserve: {},
                deliver: { event in
                    switch event {
                    case .finding(let finding): collected.withLock { $0.findings.append(finding) }
                    case .scanError(let error): collected.withLock { $0.errors.append(error) }
                    case .progress(let value): progress?(value)
                    }
                }, wantsProgress: progress != nil))
        try Task.checkCancellation()
        let result = collected.current
        return RotationReport(
            findings: result.findings, errors: result.errors, policy: options.policy.defaultPolicy, regions: options.regions,
            generatedAt: options.now())
    }

    // MARK: - The scan

    private func run(_ sink: ScanSink) async {
        var seen = Set<String>()
        let regions = options.regions.filter { seen.insert($0).inserted }
        let progress = LockedValue(ScanProgress(regionsTotal: regions.count))
        let emit: @Sendable (ScanEvent) async -> Void = { event in
            await sink.reserve()
            sink.deliver(event)
        }
        // Deliver under the lock (having waited for room before taking it): delivered after it, two
        // concurrent changes could arrive in the wrong order (counters going backwards).
        // Nobody listening (report(progress: nil), findings()): no counting, no events. Each key changed the
        // counters twice, each change an event through the sink.
        let report: @Sendable ((inout ScanProgress) -> Void) async -> Void
        if sink.wantsProgress {
            report = { change in
                await sink.reserve()
                progress.withLock {
                    change(&$0); sink.deliver(.progress($0))
                }
            }
            await emit(.progress(progress.current))
        } else {
            report = { _ in }
        }
        await regions.concurrentForEach(maxConcurrentTasks: options.concurrentRegions) { region in
            await self.scan(region: region, emit: emit, progress: report)
            await report { $0.regionsDone += 1 }
        }
    }

    private func scan(
        region: String, emit: @escaping @Sendable (ScanEvent) async -> Void,
        progress: @escaping @Sendable ((inout ScanProgress) -> Void) async -> Void
    ) async {
        let client: KMSClient
        do {
            client = try await clientFactory(region)
        } catch {
            if Self.isCancellation(error) { return }
            await emit(.scanError(ScanError(region: region, operation: "CreateClient", error)))
            return
        }
        logger.debug("scanning region", metadata: ["region": "\(region)"])

        // Every call of the Region (listings included) takes one of concurrencyPerRegion slots.
        let limiter = CallLimiter(limit: options.concurrencyPerRegion)
        // GetKeyLastUsage's own quota: the limiter's hard cap alone (no adaptive bucket), which spaces the
        // calls evenly with no burst, however many tasks ask at once.
        let pacer = AdaptiveRateLimiter(
            configuration: .init(maximumRequestsPerSecond: max(0.01, options.lastUsageRequestsPerSecond), adaptive: false))

        // One ListAliases walk per Region, concurrently with the key listing: both are children of this
        // task, so cancelling the scan cancels both. Every finding waits for the walk's one result.
        let aliases = SharedResult<Result<[String: [String]], any Error>>()
        let lookup: @Sendable () async -> [String: [String]] = { (try? await aliases.get().get()) ?? [:] }
        async let aliasWalk: Void = aliases.set(await walkAliases(client: client, limiter: limiter))

        var listed = true
        do {
            let pageSize = options.listKeysPageSize
            let pages = KMSPaginator(operation: "ListKeys", maximumPages: options.maximumPagesPerListing) { marker in
                try await limiter.run { try await client.listKeys(limit: pageSize, marker: marker) }
            }
            let keys = pages.compactMap { entry -> (id: String, arn: String?)? in
                guard let keyId = entry.keyId ?? entry.keyArn else { return nil }
                await progress { $0.keysListed += 1 }
                return (keyId, entry.keyArn)
            }
            try await keys.concurrentForEach(maxConcurrentTasks: options.concurrencyPerRegion) { key in
                guard
                    let finding = await self.judgePatiently(
                        keyId: key.id, keyArn: key.arn, client: client, limiter: limiter,
                        pacer: pacer, aliases: lookup)
                else { return }
                await emit(.finding(finding))
                await progress { $0.keysEvaluated += 1 }
            }
        } catch {
            listed = false
            if !Self.isCancellation(error) { await emit(.scanError(ScanError(region: region, operation: "ListKeys", error))) }
        }
        await aliasWalk
        // A Region that cannot be listed (not enabled, denied) fails ListAliases the same way: one error is enough.
        if listed, case .failure(let error) = await aliases.get(), !Self.isCancellation(error) {
            await emit(.scanError(ScanError(region: region, operation: "ListAliases", error)))
        }
    }

    /// The Region's aliases by target key ID, from one ListAliases walk.
    private func walkAliases(client: KMSClient, limiter: CallLimiter) async -> Result<[String: [String]], any Error> {
        do {
            var byKey: [String: [String]] = [:]
            let pageSize = options.listAliasesPageSize
            let pages = KMSPaginator(operation: "ListAliases", maximumPages: options.maximumPagesPerListing) { marker in
                try await limiter.run { try await client.listAliases(limit: pageSize, marker: marker) }
            }
            for try await alias in pages {
                guard let target = alias.targetKeyId, let name = alias.aliasName else { continue }
                byKey[target, default: []].append(name)
            }
            return .success(byKey)
        } catch {
            return .failure(error)
        }
    }

    /// Describes one key, fetches the evidence its verdict needs, and judges it by the policy its rule
    /// names. `nil` only on cancellation.
    private func judge(
        keyId: String, keyArn: String?, client: KMSClient, limiter: CallLimiter, pacer: AdaptiveRateLimiter,
        aliases: @Sendable () async -> [String: [String]]
    ) async -> RotationFinding? {
        let key: KMSKey
        do {
            key = try await limiter.run { try await client.describeKey(keyId: keyArn ?? keyId) }
        } catch {
            if Self.isCancellation(error) { return nil }
            let names = await aliases()[keyId] ?? []
            let policy = options.policy.defaultPolicy
            return policy.evaluateUndescribedKey(
                keyId: keyId, keyArn: keyArn, error: EvidenceError(error, operation: "DescribeKey"), aliases: names)
        }
        // Whether the status is needed does not depend on the policy: only the key's kind and state decide.
        var evidence = RotationEvidence.notGathered
        if options.policy.defaultPolicy.needsRotationStatus(for: key) {
            do {
                let keyRef = key.arn ?? key.keyId
                evidence = .status(try await limiter.run { try await client.getKeyRotationStatus(keyId: keyRef) })
            } catch {
                if Self.isCancellation(error) { return nil }
                evidence = .failed(EvidenceError(error, operation: "GetKeyRotationStatus"))
            }
        }
        var (materialAge, keyEvidence) = await gatherMaterialEvidence(key: key, client: client, limiter: limiter)
        if options.evidence.contains(.lastUse) {
            await gatherLastUse(key: key, client: client, limiter: limiter, pacer: pacer, into: &keyEvidence)
        }
        if Task.isCancelled { return nil }
        let names = await aliases()[key.keyId] ?? []
        var context = KeyContext(accountId: key.accountId, region: key.region, aliases: names)
        if options.policy.needsTags(for: context) {
            do {
                let keyRef = key.arn ?? key.keyId
                var tags: [String: String] = [:]
                let pages = KMSPaginator(operation: "ListResourceTags", maximumPages: options.maximumPagesPerListing) { marker in
                    try await limiter.run { try await client.listResourceTags(keyId: keyRef, limit: 50, marker: marker) }
                }
                for try await tag in pages { tags[tag.tagKey] = tag.tagValue }
                context.tags = tags
            } catch {
                if Self.isCancellation(error) { return nil }
                var finding = judgeWithoutTags(
                    key: key, evidence: evidence, materialAge: materialAge, context: context,
                    error: EvidenceError(error, operation: "ListResourceTags"))
                finding.evidence = keyEvidence
                return Self.withUsageAdvice(finding)
            }
        }
        var finding = Self.finding(
            key: key, evidence: evidence, materialAge: materialAge, context: context, resolver: options.policy,
            now: options.now())
        finding.evidence = keyEvidence
        return Self.withUsageAdvice(finding)
    }

    /// GetKeyLastUsage for a customer managed key in service, paced to its quota; a failure is recorded in the
    /// evidence and goes no further.
    private func gatherLastUse(
        key: KMSKey, client: KMSClient, limiter: CallLimiter, pacer: AdaptiveRateLimiter,
        into evidence: inout KeyMaterialEvidence?
    ) async {
        guard key.keyManager == .customer, key.keyState == .enabled || key.keyState == .disabled else { return }
        var gathered = evidence ?? KeyMaterialEvidence(creationDate: key.creationDate)
        do {
            try await pacer.acquire()
            let keyRef = key.arn ?? key.keyId
            let usage = try await limiter.run { try await client.getKeyLastUsage(keyId: keyRef) }
            gathered.lastUsedDate = usage.lastUsedDate
            gathered.usageTrackingStartDate = usage.trackingStartDate
            gathered.daysSinceLastUse = KeyMaterialEvidence.days(from: usage.lastUsedDate ?? usage.trackingStartDate, to: options.now())
        } catch {
            if Self.isCancellation(error) { return }
            gathered.lastUsageError = EvidenceError(error, operation: "GetKeyLastUsage")
        }
        evidence = gathered
    }

    /// A non-compliant key long unused gets the advice that disabling or deleting it may serve better.
    static func withUsageAdvice(_ finding: RotationFinding) -> RotationFinding {
        guard finding.compliance == .nonCompliant, let days = finding.evidence?.daysSinceLastUse,
            days >= EvidenceKinds.unusedDaysForAdvice
        else { return finding }
        var advised = finding
        advised.message += " " + FindingReason.unusedKeyAdvice(days: days)
        return advised
    }

    /// The key's rotation history, when evidence asks for it or a policy's maximum key-material age needs it,
    /// as the age the verdict reads and the evidence the finding records. A failed walk is recorded in the
    /// evidence of this key alone; it reaches the verdict only where the age decides it.
    private func gatherMaterialEvidence(
        key: KMSKey, client: KMSClient,
        limiter: CallLimiter
    ) async -> (KeyMaterialAge, KeyMaterialEvidence?) {
        let resolver = options.policy
        let policyNeedsAge =
            resolver.defaultPolicy.needsKeyMaterialAge(for: key)
            || resolver.rules.contains { $0.policy.needsKeyMaterialAge(for: key) }
        guard policyNeedsAge || options.evidence.contains(.rotations) else { return (.notGathered, nil) }
        let now = options.now()
        var evidence = KeyMaterialEvidence(creationDate: key.creationDate)
        guard RotationPolicy.canRotate(key) else {
            // Kinds KMS never rotates (asymmetric, HMAC, custom key stores) keep their first material: its age is
            // the key's. AWS managed keys rotate yearly out of sight, and a rotatable kind in another state
            // (pending deletion, creating) has a history that was not read, so their age is not known.
            let spec = key.effectiveKeySpec
            let rotatableKind =
                spec?.isSymmetricEncryption == true && spec?.isHMAC == false
                && (key.origin == .awsKMS || key.origin == .external)
            if key.keyManager == .customer, spec != nil, !rotatableKind {
                evidence.keyMaterialAgeDays = KeyMaterialEvidence.days(from: key.creationDate, to: now)
            }
            return (.notGathered, evidence)
        }
        do {
            let keyRef = key.arn ?? key.keyId
            var entries: [KeyRotationEntry] = []
            let pages = KMSPaginator(operation: "ListKeyRotations", maximumPages: options.maximumPagesPerListing) { marker in
                try await limiter.run { try await client.listKeyRotations(keyId: keyRef, limit: 1000, marker: marker) }
            }
            for try await entry in pages { entries.append(entry) }
            evidence = KeyMaterialEvidence(key: key, rotations: entries, now: now)
            return (evidence.keyMaterialAgeDays.map(KeyMaterialAge.days) ?? .notGathered, evidence)
        } catch {
            let failure = EvidenceError(error, operation: "ListKeyRotations")
            evidence.historyError = failure
            return (.failed(failure), evidence)
        }
    }

    /// A key judged by the rule its context selects, recording the rule when there are rules.
    static func finding(
        key: KMSKey, evidence: RotationEvidence, materialAge: KeyMaterialAge = .notGathered, context: KeyContext,
        resolver: PolicyResolver, now: Date
    ) -> RotationFinding {
        let rule = resolver.rule(for: context)
        let policy = rule?.policy ?? resolver.defaultPolicy
        var finding = policy.evaluate(key: key, rotation: evidence, materialAge: materialAge, aliases: context.aliases, now: now)
        if !resolver.isSinglePolicy { finding.policyRule = rule?.name ?? "default" }
        finding.tags = context.tags
        return finding
    }

    /// A key whose tags could not be read: judged as usual when every rule that might cover it gives the same
    /// verdict, else `INSUFFICIENT_DATA` with the tag call's failure.
    private func judgeWithoutTags(
        key: KMSKey, evidence: RotationEvidence, materialAge: KeyMaterialAge, context: KeyContext,
        error: EvidenceError
    ) -> RotationFinding {
        let now = options.now()
        let candidates = options.policy.candidates(for: context)
        let verdicts = candidates.map { rule in
            ((rule?.policy ?? options.policy.defaultPolicy).decide(key: key, rotation: evidence, materialAge: materialAge), rule)
        }
        if let first = verdicts.first, verdicts.allSatisfy({ $0.0.reason == first.0.reason }) {
            var finding = RotationFinding(first.0, key: key, aliases: context.aliases, now: now)
            finding.policyRule = first.1?.name ?? "default"
            return finding
        }
        var finding = RotationFinding(
            RotationDecision.tagsUnreadable(key: key, policy: options.policy.defaultPolicy, error: error),
            key: key, aliases: context.aliases, now: now)
        // An embedder's function names no candidates: the rule is unknown, not an empty name.
        finding.policyRule = candidates.isEmpty ? nil : candidates.map { $0?.name ?? "default" }.joined(separator: " | ")
        return finding
    }

    /// ``judge(keyId:keyArn:client:limiter:aliases:)``, again while the evidence failed only on transient
    /// faults (5xx, a dropped connection, throttling) and the client's scan-wide ``RetryPatience`` lasts: each
    /// call keeps the standard attempt limit for faults, and a key gets up to ``extraPasses`` more full
    /// tries, so that a run of faults that happens to hit one key three times does not cost its verdict.
    private func judgePatiently(
        keyId: String, keyArn: String?, client: KMSClient, limiter: CallLimiter, pacer: AdaptiveRateLimiter,
        aliases: @Sendable () async -> [String: [String]]
    ) async -> RotationFinding? {
        var finding = await judge(keyId: keyId, keyArn: keyArn, client: client, limiter: limiter, pacer: pacer, aliases: aliases)
        guard let patience = client.caller.executor.patience else { return finding }
        var passes = 0
        while let current = finding, passes < Self.extraPasses, Self.failedTransiently(current), patience.now() < patience.deadline {
            passes += 1
            finding = await judge(keyId: keyId, keyArn: keyArn, client: client, limiter: limiter, pacer: pacer, aliases: aliases)
        }
        return finding
    }

    /// How many more full tries a key whose evidence failed transiently gets within a patient scan.
    static let extraPasses = 2

    /// Whether a finding is INSUFFICIENT_DATA because its evidence failed on a fault that may go away.
    static func failedTransiently(_ finding: RotationFinding) -> Bool {
        guard finding.compliance == .insufficientData, let error = finding.error else { return false }
        switch finding.reason {
        case .throttled: return true
        case .serviceError: return error.httpStatus.map { $0 >= 500 } ?? true
        default: return false
        }
    }

    static func isCancellation(_ error: any Error) -> Bool {
        if error is CancellationError { return true }
        if let transport = error as? TransportError, transport.kind == .cancelled { return true }
        return Task.isCancelled
    }
}

/// Bounds the KMS calls in flight in one Region to ``RotationChecker/ScanOptions/concurrencyPerRegion``: key
/// evaluations, the ListKeys pages and the ListAliases walk all take a slot (first come, first served).
///
/// A lock, not an actor: every key takes and returns a slot, and an actor's `run` hopped onto the actor
/// and off again around the call (four task switches per key); a free slot is now taken without
/// suspending.
final class CallLimiter: Sendable {
    private struct State {
        var available: Int
        var waiting: [CheckedContinuation<Void, Never>] = []
        /// The first waiter still in `waiting` (earlier ones were resumed), so that handing a slot on is O(1).
        var head = 0
    }
    private let state: LockedValue<State>

    init(limit: Int) { state = LockedValue(State(available: max(1, limit))) }

    /// Runs one call in a slot, waiting for a free one.
    func run<T: Sendable>(_ call: @Sendable () async throws -> T) async throws -> T {
        let granted = state.withLock { state in
            guard state.available > 0 else { return false }
            state.available -= 1
            return true
        }
        if !granted {
            await withCheckedContinuation { continuation in
                // A slot may have been returned since the check: take it rather than wait for a release
                // that will not come.
                let now = state.withLock { state in
                    if state.available > 0 {
                        state.available -= 1
                        return true
                    }
                    state.waiting.append(continuation)
                    return false
                }
                if now { continuation.resume() }
            }
        }
        defer { release() }
        try Task.checkCancellation()  // a call that waited while the scan was cancelled is not sent
        return try await call()
    }

    /// Hands the slot to the longest waiter, or returns it.
    private func release() {
        let next: CheckedContinuation<Void, Never>? = state.withLock { state in
            guard state.head < state.waiting.count else {
                state.available += 1
                return nil
            }
            let next = state.waiting[state.head]
            state.head += 1
            if state.head == state.waiting.count {
                state.waiting.removeAll(keepingCapacity: true)
                state.head = 0
            }
            return next
        }
        next?.resume()
    }
}
