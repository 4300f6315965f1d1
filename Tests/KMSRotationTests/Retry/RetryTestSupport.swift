import Foundation
import KMSRotation

/// A service error as the KMS client would throw it for a non-2xx response.
struct FakeServiceError: RetryClassifiable, Equatable {
    var code: String?
    var status: Int?
    /// Which attempt threw it, to check that the caller gets the last error.
    var attempt: Int = 0
    var retryCode: String? { code }
    var httpStatus: Int? { status }
}

/// Thread-safe record of what the executor did: sleeps asked for and events reported.
final class Recorder: @unchecked Sendable {
    private let lock = NSLock()
    private var _sleeps: [Duration] = []
    private var _events: [RetryEvent] = []

    var sleeps: [Duration] { lock.withLock { _sleeps } }
    var events: [RetryEvent] { lock.withLock { _events } }

    func recordSleep(_ duration: Duration) { lock.withLock { _sleeps.append(duration) } }
    func record(_ event: RetryEvent) { lock.withLock { _events.append(event) } }

    /// A sleeper that records and returns at once: no real waiting in tests.
    var sleeper: RetryingExecutor.Sleeper { { [self] duration in recordSleep(duration) } }
    var onEvent: @Sendable (RetryEvent) -> Void { { [self] event in record(event) } }
}

extension RetryEvent.Outcome {
    var label: String {
        switch self {
        case .succeeded: return "succeeded"
        case .willRetry(let kind, _, _): return "willRetry(\(kind))"
        case .failed(let reason, _): return "failed(\(reason))"
        }
    }
}
