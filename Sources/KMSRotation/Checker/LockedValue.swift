import Foundation

/// A value behind a lock, for the little shared mutable state a scan has (progress counters).
/// `Synchronization.Mutex` would do, but needs macOS 15; this package supports macOS 13.
final class LockedValue<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }

    var current: Value { withLock { $0 } }
}
