import Testing
import KMSRotation

@Suite("Backoff")
struct BackoffTests {
    static let almostOne = 1.0.nextDown

    @Test("ceilings double from 1 s and stop at 20 s")
    func ceilings() {
        let backoff = Backoff()
        let expected: [Duration] = [1, 2, 4, 8, 16, 20, 20, 20, 20, 20].map { .seconds($0) }
        #expect((1...10).map(backoff.ceiling(forRetry:)) == expected)
        #expect(backoff.ceiling(forRetry: 0) == .seconds(1))
        #expect(backoff.ceiling(forRetry: -3) == .seconds(1))
        #expect(backoff.ceiling(forRetry: Int.max) == .seconds(20))
    }

    @Test("random 0 gives no delay", arguments: 1...10)
    func randomZero(retry: Int) {
        #expect(Backoff(random: { 0 }).delay(forRetry: retry) == Duration.zero)
    }

    @Test("random just below 1 stays below the ceiling and never above 20 s", arguments: 1...10)
    func randomAlmostOne(retry: Int) {
        let backoff = Backoff(random: { Self.almostOne })
        let delay = backoff.delay(forRetry: retry)
        let ceiling = backoff.ceiling(forRetry: retry)
        #expect(delay < ceiling)
        #expect(delay > ceiling * 0.999)
        #expect(delay <= .seconds(20))
    }

    @Test("half-way jitter is half the ceiling")
    func half() {
        let backoff = Backoff(random: { 0.5 })
        #expect(backoff.delay(forRetry: 1) == .milliseconds(500))
        #expect(backoff.delay(forRetry: 3) == .seconds(2))
        #expect(backoff.delay(forRetry: 7) == .seconds(10))
    }

    @Test("out-of-range random values are clamped")
    func clamped() {
        #expect(Backoff(random: { 7 }).delay(forRetry: 10) < .seconds(20))
        #expect(Backoff(random: { -1 }).delay(forRetry: 10) == .zero)
        #expect(Backoff(random: { .nan }).delay(forRetry: 10) == .zero)
        #expect(Backoff(random: { .infinity }).delay(forRetry: 10) < .seconds(20))
    }

    @Test("the strategy's backoff uses its base and cap")
    func fromStrategy() throws {
        let strategy = try RetryStrategy(maxAttempts: 5, baseDelay: .milliseconds(100), maxBackoff: .seconds(1))
        let backoff = strategy.backoff(random: { Self.almostOne })
        #expect(backoff.ceiling(forRetry: 1) == .milliseconds(100))
        #expect(backoff.ceiling(forRetry: 4) == .milliseconds(800))
        #expect(backoff.ceiling(forRetry: 5) == .seconds(1))
        #expect(RetryStrategy.standard.backoff().base == .seconds(1))
        #expect(RetryStrategy.standard.backoff().maxBackoff == .seconds(20))
    }
}
