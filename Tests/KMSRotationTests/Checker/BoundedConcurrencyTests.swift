import Foundation
import Testing
@testable import KMSRotation

@Suite("One bounded fan-out for regions, keys, accounts and remediation")
struct BoundedConcurrencyTests {
    /// Counts the tasks in flight and remembers the most seen at once.
    final class Gauge: @unchecked Sendable {
        private let lock = NSLock()
        private var current = 0
        private(set) var peak = 0
        func enter() { lock.lock(); current += 1; peak = max(peak, current); lock.unlock() }
        func leave() { lock.lock(); current -= 1; lock.unlock() }
    }

    @Test("Never more than maxConcurrentTasks at once; concurrentMap keeps the order", arguments: [1, 3, 8])
    func bounded(limit: Int) async throws {
        let gauge = Gauge()
        let out = try await Array(0..<40).concurrentMap(maxConcurrentTasks: limit) { value in
            gauge.enter()
            defer { gauge.leave() }
            try await Task.sleep(for: .milliseconds(value % 3))
            return value * 2
        }
        #expect(out == (0..<40).map { $0 * 2 })
        #expect(gauge.peak <= limit && gauge.peak >= 1)
    }

    @Test("A failing async sequence: the elements in flight finish before the error is rethrown")
    func sequenceFailure() async {
        struct Broken: Error {}
        let finished = LockedValue(0)
        let stream = AsyncThrowingStream<Int, any Error> { continuation in
            for value in 0..<5 { continuation.yield(value) }
            continuation.finish(throwing: Broken())
        }
        await #expect(throws: Broken.self) {
            try await stream.concurrentForEach(maxConcurrentTasks: 2) { _ in
                try? await Task.sleep(for: .milliseconds(5))
                finished.withLock { $0 += 1 }
            }
        }
        #expect(finished.current == 5)
    }

    @Test("A cancelled caller starts nothing more")
    func cancellation() async {
        let started = LockedValue(0)
        let task = Task {
            await Array(0..<1_000).concurrentForEach(maxConcurrentTasks: 2) { _ in
                started.withLock { $0 += 1 }
                try? await Task.sleep(for: .seconds(600))
            }
        }
        try? await Task.sleep(for: .milliseconds(50))
        task.cancel()
        await task.value
        #expect(started.current <= 4)
    }

    @Test("CallLimiter: never more calls than its slots, every caller served, slots handed on in order", arguments: [1, 3])
    func callLimiter(limit: Int) async throws {
        let limiter = CallLimiter(limit: limit)
        let gauge = Gauge()
        let finished = LockedValue(0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    try await limiter.run {
                        gauge.enter()
                        try await Task.sleep(for: .milliseconds(1))
                        gauge.leave()
                    }
                    finished.withLock { $0 += 1 }
                }
            }
            try await group.waitForAll()
        }
        #expect(gauge.peak <= limit)
        #expect(finished.current == 16)
        // Every slot came back: as many callers as slots run at once again without waiting.
        let again = Gauge()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<limit {
                group.addTask {
                    try await limiter.run {
                        again.enter(); try await Task.sleep(for: .milliseconds(20)); again.leave()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(again.peak <= limit)
    }

    @Test("CallLimiter: a call whose caller was cancelled while it waited is not made, and its slot is handed on")
    func callLimiterCancellation() async throws {
        let limiter = CallLimiter(limit: 1)
        let made = LockedValue(0)
        let holder = Task { try await limiter.run { try await Task.sleep(for: .milliseconds(200)) } }
        try await Task.sleep(for: .milliseconds(20))
        let waiter = Task { try await limiter.run { made.withLock { $0 += 1 } } }
        try await Task.sleep(for: .milliseconds(20))
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        _ = try? await holder.value
        #expect(made.current == 0)
        try await limiter.run { made.withLock { $0 += 10 } }
        #expect(made.current == 10)
    }

    @Test("The shared result is computed once and every waiter gets it")
    func sharedResult() async {
        let shared = SharedResult<Int>()
        async let first = shared.get()
        async let second = shared.get()
        shared.set(7)
        shared.set(8)
        let (a, b) = await (first, second)
        #expect(a == 7 && b == 7)
        #expect(await shared.get() == 7)
    }
}
