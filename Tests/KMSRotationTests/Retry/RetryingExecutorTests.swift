import Foundation
import Testing
import KMSRotation

@Suite("RetryingExecutor")
struct RetryingExecutorTests {
    static func makeExecutor(
        _ recorder: Recorder,
        strategy: RetryStrategy = .standard,
        quota: RetryQuota? = nil,
        random: @escaping @Sendable () -> Double = { 0.5 }
    ) -> RetryingExecutor {
        RetryingExecutor(strategy: strategy, quota: quota, sleeper: recorder.sleeper, random: random)
    }

    @Test("a persistent 500 is attempted exactly maxAttempts times and the last error is thrown")
    func persistent500() async throws {
        for maxAttempts in [1, 3, 5] {
            let recorder = Recorder()
            let executor = Self.makeExecutor(recorder, strategy: try RetryStrategy(maxAttempts: maxAttempts))
            var attempts: [Int] = []
            let error = await #expect(throws: FakeServiceError.self) {
                try await executor.execute(operation: "ListKeys", onEvent: recorder.onEvent) { attempt -> Int in
                    attempts.append(attempt)
                    throw FakeServiceError(code: "InternalFailure", status: 500, attempt: attempt)
                }
            }
            #expect(attempts == Array(1...maxAttempts))
            #expect(error == FakeServiceError(code: "InternalFailure", status: 500, attempt: maxAttempts))
            // Backoff with random 0.5: half of 1, 2, 4, 8 s.
            let expectedSleeps: [Duration] = [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4)]
            #expect(recorder.sleeps == Array(expectedSleeps.prefix(maxAttempts - 1)))
            let labels = recorder.events.map(\.outcome.label)
            #expect(labels == Array(repeating: "willRetry(transient)", count: maxAttempts - 1) + ["failed(attemptsExhausted)"])
            #expect(recorder.events.last?.attempt == maxAttempts)
            #expect(executor.quota.availableTokens == 500 - 5 * (maxAttempts - 1))
        }
    }

    @Test("success after a retry returns the value, reports the attempts and refunds the retry cost")
    func successAfterRetry() async throws {
        let recorder = Recorder()
        let executor = Self.makeExecutor(recorder)
        let value = try await executor.execute(operation: "DescribeKey", onEvent: recorder.onEvent) { attempt -> String in
            if attempt < 3 { throw FakeServiceError(code: "ThrottlingException", status: 400, attempt: attempt) }
            return "done on \(attempt)"
        }
        #expect(value == "done on 3")
        #expect(recorder.events.map(\.outcome.label) == ["willRetry(throttling)", "willRetry(throttling)", "succeeded"])
        #expect(recorder.events.last?.attempt == 3)
        // Two retries took 5 each; the success returns the last retry's cost.
        #expect(executor.quota.availableTokens == 500 - 10 + 5)
    }

    @Test(
        "non-retryable codes are attempted once",
        arguments: [
            "AccessDeniedException", "ValidationException", "NotFoundException", "UnsupportedOperationException",
            "KMSInvalidStateException",
        ])
    func nonRetryable(code: String) async {
        let recorder = Recorder()
        let executor = Self.makeExecutor(recorder)
        var count = 0
        let error = await #expect(throws: FakeServiceError.self) {
            try await executor.execute(operation: "GetKeyRotationStatus", onEvent: recorder.onEvent) { attempt -> Int in
                count += 1
                throw FakeServiceError(code: code, status: 400, attempt: attempt)
            }
        }
        #expect(count == 1)
        #expect(error?.code == code)
        #expect(recorder.sleeps.isEmpty)
        #expect(recorder.events.map(\.outcome.label) == ["failed(notRetryable)"])
        #expect(executor.quota.availableTokens == 500)
    }

    @Test("LimitExceededException is retried for ListKeys but not for RotateKeyOnDemand")
    func limitExceeded() async {
        for (operation, expectedAttempts) in [("ListKeys", 3), ("RotateKeyOnDemand", 1)] {
            let recorder = Recorder()
            let executor = Self.makeExecutor(recorder)
            var count = 0
            await #expect(throws: FakeServiceError.self) {
                try await executor.execute(operation: operation) { attempt -> Int in
                    count += 1
                    throw FakeServiceError(code: "LimitExceededException", status: 400, attempt: attempt)
                }
            }
            #expect(count == expectedAttempts, "\(operation)")
        }
    }

    @Test("a transport timeout is retried and costs 10 tokens")
    func timeout() async throws {
        let recorder = Recorder()
        let executor = Self.makeExecutor(recorder)
        let value = try await executor.execute(operation: "ListKeys", onEvent: recorder.onEvent) { attempt -> Int in
            if attempt == 1 { throw TransportError(.timedOut, "no response in 10 s") }
            return attempt
        }
        #expect(value == 2)
        #expect(recorder.events.map(\.outcome.label) == ["willRetry(timeout)", "succeeded"])

        // Without the success's refund the timeout retry shows its full cost.
        let failing = Self.makeExecutor(Recorder())
        await #expect(throws: TransportError.self) {
            try await failing.execute(operation: "ListKeys") { _ -> Int in throw TransportError(.timedOut, "t") }
        }
        #expect(failing.quota.availableTokens == 500 - 2 * 10)
    }

    @Test("connection failures are retried; cancelled and invalid requests are not")
    func transportKinds() async {
        for (kind, expectedAttempts) in [
            (TransportError.Kind.connectionFailed, 3), (.cancelled, 1), (.invalidRequest, 1), (.invalidResponse, 1),
        ] {
            let executor = Self.makeExecutor(Recorder())
            var count = 0
            let error = await #expect(throws: TransportError.self) {
                try await executor.execute(operation: "ListKeys") { _ -> Int in
                    count += 1
                    throw TransportError(kind, "attempt \(count)")
                }
            }
            #expect(count == expectedAttempts, "\(kind)")
            #expect(error?.message == "attempt \(expectedAttempts)")
        }
    }

    @Test("an exhausted quota stops retrying across requests")
    func quotaExhaustion() async throws {
        let quotaConfiguration = try RetryQuota.Configuration(initialTokens: 10, retryCost: 5)
        let strategy = try RetryStrategy(maxAttempts: 3, quota: quotaConfiguration)
        let recorder = Recorder()
        let executor = Self.makeExecutor(recorder, strategy: strategy)
        var total = 0
        for _ in 0..<3 {
            await #expect(throws: FakeServiceError.self) {
                try await executor.execute(operation: "ListKeys", onEvent: recorder.onEvent) { attempt -> Int in
                    total += 1
                    throw FakeServiceError(code: nil, status: 503, attempt: attempt)
                }
            }
        }
        // 10 tokens pay for exactly two retries: request 1 makes 3 attempts, requests 2 and 3 one each.
        #expect(total == 5)
        #expect(recorder.sleeps.count == 2)
        #expect(executor.quota.availableTokens == 0)
        let stops = recorder.events.filter(\.isFinal).map(\.outcome.label)
        #expect(stops == ["failed(attemptsExhausted)", "failed(quotaExhausted)", "failed(quotaExhausted)"])
    }

    @Test("successes refill the quota, capped at its initial size")
    func quotaRefill() async throws {
        let quota = RetryQuota(configuration: try RetryQuota.Configuration(initialTokens: 10, retryCost: 5))
        let strategy = try RetryStrategy(maxAttempts: 2, quota: quota.configuration)
        let executor = Self.makeExecutor(Recorder(), strategy: strategy, quota: quota)
        var total = 0
        for _ in 0..<2 {
            await #expect(throws: FakeServiceError.self) {
                try await executor.execute(operation: "ListKeys") { _ -> Int in
                    total += 1
                    throw FakeServiceError(code: "ThrottlingException", status: 400)
                }
            }
        }
        #expect(total == 4)
        #expect(quota.availableTokens == 0)

        // Five first-attempt successes add 1 each: enough for one retry again.
        for _ in 0..<5 {
            _ = try await executor.execute(operation: "ListKeys") { attempt in attempt }
        }
        #expect(quota.availableTokens == 5)
        let value = try await executor.execute(operation: "ListKeys") { attempt -> Int in
            if attempt == 1 { throw FakeServiceError(code: "ThrottlingException", status: 400) }
            return attempt
        }
        #expect(value == 2)
        #expect(quota.availableTokens == 5)  // took 5, success returned 5

        for _ in 0..<20 {
            _ = try await executor.execute(operation: "ListKeys") { attempt in attempt }
        }
        #expect(quota.availableTokens == 10)
    }

    @Test("RetryQuota on its own")
    func quotaUnit() async throws {
        let quota = RetryQuota(configuration: try RetryQuota.Configuration(initialTokens: 12))
        #expect(quota.acquire(for: .timeout) == 10)
        #expect(quota.acquire(for: .throttling) == nil)
        #expect(quota.availableTokens == 2)
        quota.recordSuccess(retryCost: 10)
        #expect(quota.availableTokens == 12)
        quota.recordSuccess(retryCost: nil)
        #expect(quota.availableTokens == 12)
        #expect(quota.acquire(for: .transient) == 5)
        quota.recordSuccess(retryCost: nil)
        #expect(quota.availableTokens == 8)
    }

    @Test("the none strategy never retries")
    func noneStrategy() async {
        let recorder = Recorder()
        let executor = Self.makeExecutor(recorder, strategy: .none)
        var count = 0
        await #expect(throws: FakeServiceError.self) {
            try await executor.execute(operation: "ListKeys", onEvent: recorder.onEvent) { _ -> Int in
                count += 1
                throw FakeServiceError(code: "ThrottlingException", status: 400)
            }
        }
        #expect(count == 1)
        #expect(recorder.events.map(\.outcome.label) == ["failed(attemptsExhausted)"])
    }

    @Test("CancellationError from the body is not retried")
    func bodyCancellation() async {
        let executor = Self.makeExecutor(Recorder())
        var count = 0
        await #expect(throws: CancellationError.self) {
            try await executor.execute(operation: "ListKeys") { _ -> Int in
                count += 1
                throw CancellationError()
            }
        }
        #expect(count == 1)
    }

    @Test("cancellation during the sleep stops at once")
    func cancellationDuringSleep() async throws {
        let started = AsyncStream<Void>.makeStream()
        let recorder = Recorder()
        // A sleeper that would wait an hour; it only ever ends by cancellation.
        let executor = RetryingExecutor(
            strategy: .standard,
            sleeper: { duration in
                recorder.recordSleep(duration)
                started.continuation.yield()
                try await Task.sleep(for: .seconds(3600))
            },
            random: { 0.5 }
        )
        let attempts = Recorder()
        let task = Task {
            try await executor.execute(operation: "ListKeys", onEvent: recorder.onEvent) { attempt -> Int in
                attempts.recordSleep(.seconds(attempt))  // counts attempts
                throw FakeServiceError(code: nil, status: 503, attempt: attempt)
            }
        }
        var iterator = started.stream.makeAsyncIterator()
        _ = await iterator.next()
        let clock = ContinuousClock()
        let start = clock.now
        task.cancel()
        let result = await task.result
        // The sleep lasts an hour; ending within a minute proves cancellation ended it, even on a machine
        // loaded enough to stall the cooperative pool for seconds.
        #expect(clock.now - start < .seconds(60))
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(attempts.sleeps.count == 1)
        #expect(recorder.events.map(\.outcome.label) == ["willRetry(transient)", "failed(cancelled)"])
    }

    @Test("a sleeper that ignores cancellation still stops the loop")
    func cancellationIgnoredBySleeper() async {
        let executor = RetryingExecutor(
            strategy: .standard,
            sleeper: { _ in withUnsafeCurrentTask { $0?.cancel() } },
            random: { 0 }
        )
        let attempts = Recorder()
        // A child task, so that the sleeper cancels it and not the test itself.
        let task = Task {
            try await executor.execute(operation: "ListKeys") { attempt -> Int in
                attempts.recordSleep(.seconds(attempt))  // counts attempts
                throw FakeServiceError(code: nil, status: 500)
            }
        }
        let result = await task.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(attempts.sleeps.count == 1)
    }

    @Test("a custom classifier replaces the default one")
    func customClassifier() async throws {
        struct Flaky: Error {}
        let executor = Self.makeExecutor(Recorder())
        let value = try await executor.execute(
            operation: "ListKeys",
            classifier: { error, _ in error is Flaky ? .retry(kind: .transient) : .doNotRetry }
        ) { attempt -> Int in
            if attempt == 1 { throw Flaky() }
            return attempt
        }
        #expect(value == 2)
    }

    @Test("the default sleeper is Task.sleep and honours cancellation")
    func defaultSleeper() async {
        let task = Task { try await RetryingExecutor.taskSleeper(.seconds(3600)) }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }
}
