import Foundation
import Testing
@testable import KMSRotation

/// A deadline clock that tests move by hand.
final class PatienceClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = ContinuousClock.now
    var now: ContinuousClock.Instant { lock.withLock { current } }
    func advance(_ duration: Duration) { lock.withLock { current += duration } }
}

@Suite("RetryPatience: throttling and listing pages are retried until a scan-wide deadline")
struct RetryPatienceTests {
    static let throttle = FakeServiceError(code: "ThrottlingException", status: 400)
    static let unavailable = FakeServiceError(code: nil, status: 503)

    static func executor(
        _ recorder: Recorder, clock: PatienceClock, wait: Duration = .seconds(300),
        limiter: AdaptiveRateLimiter? = nil
    ) -> RetryingExecutor {
        RetryingExecutor(
            strategy: .standard, sleeper: recorder.sleeper, random: { 0.5 }, rateLimiter: limiter,
            patience: RetryPatience(deadline: clock.now + wait, now: { clock.now }))
    }

    @Test("A throttled call is retried past the standard 3 attempts, spending no retry quota")
    func throttlingIsRetriedPastTheAttemptLimit() async throws {
        let recorder = Recorder()
        let executor = Self.executor(recorder, clock: PatienceClock())
        let value = try await executor.execute(operation: "GetKeyRotationStatus", onEvent: recorder.onEvent) { attempt -> Int in
            if attempt <= 10 { throw Self.throttle }
            return attempt
        }
        #expect(value == 11)
        #expect(recorder.events.filter { $0.outcome.label == "willRetry(throttling)" }.count == 10)
        #expect(executor.quota.availableTokens == RetryQuota.Configuration.standard.initialTokens, "patient retries cost no quota")
    }

    @Test("After the deadline a throttled call stops with deadlinePassed and its last error")
    func deadlineEndsPatience() async throws {
        let recorder = Recorder()
        let clock = PatienceClock()
        let executor = Self.executor(recorder, clock: clock, wait: .seconds(10))
        let error = await #expect(throws: FakeServiceError.self) {
            try await executor.execute(operation: "DescribeKey", onEvent: recorder.onEvent) { attempt -> Int in
                clock.advance(.seconds(3))
                throw FakeServiceError(code: "ThrottlingException", status: 400, attempt: attempt)
            }
        }
        #expect(error?.attempt == 4, "3 s per attempt: the fourth failure finds the 10 s deadline passed")
        #expect(recorder.events.last?.outcome.label == "failed(deadlinePassed)")
        #expect(recorder.sleeps.allSatisfy { $0 <= .seconds(10) }, "no wait runs past the deadline")
    }

    @Test("A server fault of an ordinary call keeps the standard 3 attempts, even after patient throttles")
    func faultsKeepTheStandardLimit() async throws {
        let recorder = Recorder()
        let executor = Self.executor(recorder, clock: PatienceClock())
        await #expect(throws: FakeServiceError.self) {
            try await executor.execute(operation: "DescribeKey", onEvent: recorder.onEvent) { attempt -> Int in
                throw attempt <= 5 ? Self.throttle : Self.unavailable
            }
        }
        let labels = recorder.events.map(\.outcome.label)
        #expect(labels.filter { $0 == "willRetry(throttling)" }.count == 5)
        #expect(labels.filter { $0 == "willRetry(transient)" }.count == 2, "two standard retries of the 503")
        #expect(labels.last == "failed(attemptsExhausted)")
    }

    @Test("The standard limit counts consecutive faults: a throttle between them shows the service is up")
    func faultsBetweenThrottlesAreNotCumulative() async throws {
        let recorder = Recorder()
        let executor = Self.executor(recorder, clock: PatienceClock())
        // 503, throttle, 503, throttle, 503, throttle, then success: never 3 faults in a row.
        let value = try await executor.execute(operation: "GetKeyRotationStatus", onEvent: recorder.onEvent) { attempt -> Int in
            if attempt <= 6 { throw attempt.isMultiple(of: 2) ? Self.throttle : Self.unavailable }
            return attempt
        }
        #expect(value == 7)
    }

    @Test("A listing page is retried on server faults too, until the deadline", arguments: ["ListKeys", "ListAliases", "ListAccounts"])
    func listingsArePatientWithFaults(operation: String) async throws {
        let recorder = Recorder()
        let executor = Self.executor(recorder, clock: PatienceClock())
        let value = try await executor.execute(operation: operation, onEvent: recorder.onEvent) { attempt -> Int in
            if attempt <= 8 { throw Self.unavailable }
            return attempt
        }
        #expect(value == 9)
        #expect(recorder.sleeps.allSatisfy { $0 <= .seconds(5) }, "patient backoff is capped at 5 s")
    }

    @Test("Without patience, the standard mode is unchanged: 3 attempts")
    func standardModeIsUnchanged() async throws {
        let recorder = Recorder()
        let executor = RetryingExecutor(strategy: .standard, sleeper: recorder.sleeper, random: { 0.5 })
        await #expect(throws: FakeServiceError.self) {
            try await executor.execute(operation: "ListKeys", onEvent: recorder.onEvent) { _ -> Int in throw Self.throttle }
        }
        #expect(recorder.events.last?.outcome.label == "failed(attemptsExhausted)")
        #expect(recorder.events.count == 3)
    }

    @Test("Every attempt goes through the limiter, which sees each throttle")
    func limiterSeesEveryAnswer() async throws {
        let recorder = Recorder()
        let limiter = AdaptiveRateLimiter()
        let executor = Self.executor(recorder, clock: PatienceClock(), limiter: limiter)
        _ = try await executor.execute(operation: "GetKeyRotationStatus") { attempt -> Int in
            if attempt <= 3 { throw Self.throttle }
            return attempt
        }
        #expect(limiter.snapshot.throttles == 3)
        #expect(limiter.snapshot.responses == 4)
        #expect(limiter.snapshot.fillRate != nil, "limiting started at the first throttle")
        #expect(recorder.sleeps.allSatisfy { $0 <= .seconds(1) }, "with the limiter pacing, a throttled retry waits only a short jitter")
    }
}
