// The one way this library fans out: at most `maxConcurrentTasks` children at a time, started in the
// order the elements come, as soto's `concurrentMap(maxConcurrentTasks:)` does. Regions, keys, accounts
// and remediation actions all go through it.

/// Runs `body` for each element pulled from `next`, at most `maxConcurrentTasks` at a time, handing each
/// result to `collect` (on the calling task, in completion order).
///
/// When `next` throws, the tasks in flight finish (and are collected) before the error is rethrown; a
/// cancelled caller starts no new task and throws `CancellationError` once those in flight have finished.
/// A `body` that throws cancels the others and its error is rethrown.
func forEachBounded<Element: Sendable, Output: Sendable>(
    maxConcurrentTasks: Int,
    next: () async throws -> Element?,
    body: @escaping @Sendable (Element) async throws -> Output,
    collect: (Output) -> Void
) async throws {
    let limit = max(1, maxConcurrentTasks)
    try await withThrowingTaskGroup(of: Output.self) { group in
        var inFlight = 0
        var stopped: (any Error)?
        do {
            while let element = try await next() {
                if inFlight >= limit, let output = try await group.next() {
                    collect(output)
                    inFlight -= 1
                }
                // Checked per element, not only between pages: a cancelled scan must not start (and send) the
                // rest of a page.
                try Task.checkCancellation()
                group.addTask { try await body(element) }
                inFlight += 1
            }
        } catch {
            stopped = error
        }
        while let output = try await group.next() { collect(output) }
        if let stopped { throw stopped }
    }
}

extension Sequence where Element: Sendable {
    /// Runs `body` for every element, at most `maxConcurrentTasks` at a time; stops starting new ones when
    /// the task is cancelled.
    func concurrentForEach(maxConcurrentTasks: Int, _ body: @escaping @Sendable (Element) async -> Void) async {
        var iterator = makeIterator()
        try? await forEachBounded(maxConcurrentTasks: maxConcurrentTasks, next: { iterator.next() }, body: body, collect: { _ in })
    }

    /// Transforms every element, at most `maxConcurrentTasks` at a time, keeping the sequence's order.
    /// - Throws: The first error a transform throws (the others are cancelled), or `CancellationError`.
    func concurrentMap<T: Sendable>(
        maxConcurrentTasks: Int, _ transform: @escaping @Sendable (Element) async throws -> T
    ) async throws -> [T] {
        var iterator = enumerated().makeIterator()
        var results: [(Int, T)] = []
        try await forEachBounded(
            maxConcurrentTasks: maxConcurrentTasks, next: { iterator.next() },
            body: { pair in (pair.offset, try await transform(pair.element)) },
            collect: { results.append($0) })
        return results.sorted { $0.0 < $1.0 }.map(\.1)
    }
}

extension AsyncSequence where Element: Sendable {
    /// Runs `body` for every element as it arrives, at most `maxConcurrentTasks` at a time.
    /// - Throws: What the sequence throws, after the elements in flight have finished; `CancellationError`.
    func concurrentForEach(maxConcurrentTasks: Int, _ body: @escaping @Sendable (Element) async -> Void) async throws {
        var iterator = makeAsyncIterator()
        try await forEachBounded(maxConcurrentTasks: maxConcurrentTasks, next: { try await iterator.next() }, body: body, collect: { _ in })
    }
}

/// A value computed once by one child task and awaited by any number of others: the Region's alias map,
/// which every key's finding waits for while the keys are being judged.
///
/// A lock, not an actor: every key reads it, and once it is set a read returns at once, without the two
/// task switches of a hop onto an actor and back.
final class SharedResult<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var waiting: [CheckedContinuation<Value, Never>] = []
    }
    private let state = LockedValue(State())

    /// Sets the value and wakes everyone waiting; later calls are ignored.
    func set(_ newValue: Value) {
        let waiting: [CheckedContinuation<Value, Never>] = state.withLock { state in
            guard state.value == nil else { return [] }
            state.value = newValue
            defer { state.waiting.removeAll() }
            return state.waiting
        }
        for continuation in waiting { continuation.resume(returning: newValue) }
    }

    /// The value, once set.
    func get() async -> Value {
        if let value = state.withLock({ $0.value }) { return value }
        return await withCheckedContinuation { continuation in
            // Set since the check: answer now rather than wait for a `set` that has already happened.
            let value: Value? = state.withLock { state in
                if let value = state.value { return value }
                state.waiting.append(continuation)
                return nil
            }
            if let value { continuation.resume(returning: value) }
        }
    }
}
