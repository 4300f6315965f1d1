import Foundation

/// The queue between a scan and the consumer of ``RotationChecker/events()``: at most `capacity` events wait
/// in it, and a producer that finds it full waits for the consumer to take one (backpressure), instead of the
/// unbounded buffer of an `AsyncStream` continuation, which grew with every event a slow consumer had not
/// taken yet.
///
/// A producer first waits for room (``reserve()``, which hands it one of `capacity` slots) and then puts its
/// event in (``deliver(_:)``, which does not wait): the scan counts progress and delivers the snapshot under
/// one lock, so that snapshots arrive in the order of the changes, and that lock cannot be held across a wait.
/// Nothing is dropped while the channel is open; once it is closed (the consumer cancelled or dropped the
/// sequence) producers stop waiting and their events are discarded, as an `AsyncStream` does after its
/// termination.
final class ScanEventChannel: @unchecked Sendable {
    private let lock = NSLock()
    private let capacity: Int
    /// Events delivered and not yet taken.
    private var buffer: [ScanEvent] = []
    /// Where the next event to take is in `buffer` (taken events before it are dropped in batches).
    private var head = 0
    /// Slots neither reserved nor holding an event.
    private var freeSlots: Int
    private var producers: [CheckedContinuation<Void, Never>] = []
    private var consumers: [CheckedContinuation<ScanEvent?, Never>] = []
    private var finished = false
    private var closed = false
    /// The most events that were ever waiting at once, and how many times a producer had to wait for
    /// room: tests check the bound and the backpressure with them.
    private var statistics = (mostQueued: 0, producerWaits: 0)

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        freeSlots = self.capacity
    }

    /// Waits until the queue has room for one more event and reserves it for the caller's next ``deliver(_:)``.
    /// Returns at once when the channel is closed.
    func reserve() async {
        let ready: Bool = lock.withLock {
            if closed { return true }
            if freeSlots > 0 {
                freeSlots -= 1
                return true
            }
            return false
        }
        if ready { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow: Bool = lock.withLock {
                if closed { return true }
                if freeSlots > 0 {
                    freeSlots -= 1
                    return true
                }
                producers.append(continuation)
                statistics.producerWaits += 1
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Puts an event in the slot the caller reserved, or hands it straight to a waiting consumer. Never waits.
    func deliver(_ event: ScanEvent) {
        let consumer: CheckedContinuation<ScanEvent?, Never>? = lock.withLock {
            if closed { return nil }
            if !consumers.isEmpty {
                // The event does not stay: its slot is free again (or goes to a waiting producer).
                releaseSlot()
                return consumers.removeFirst()
            }
            buffer.append(event)
            statistics.mostQueued = max(statistics.mostQueued, buffer.count - head)
            return nil
        }
        consumer?.resume(returning: event)
    }

    /// The next event, waiting for one; `nil` once the scan finished and every event was taken, or the
    /// channel was closed.
    func next() async -> ScanEvent? {
        enum Taken { case event(ScanEvent), end, wait }
        let taken: Taken = lock.withLock {
            if closed { return .end }
            if let event = takeBuffered() { return .event(event) }
            return finished ? .end : .wait
        }
        switch taken {
        case .event(let event): return event
        case .end: return nil
        case .wait: break
        }
        return await withCheckedContinuation { (continuation: CheckedContinuation<ScanEvent?, Never>) in
            let immediate: ScanEvent?? = lock.withLock {
                if closed { return .some(nil) }
                if let event = takeBuffered() { return .some(event) }
                if finished { return .some(nil) }
                consumers.append(continuation)
                return .none
            }
            if let immediate { continuation.resume(returning: immediate) }
        }
    }

    /// The scan is over: the consumer gets what is queued, then the end.
    func finish() {
        let waiting: [CheckedContinuation<ScanEvent?, Never>] = lock.withLock {
            finished = true
            // Only an empty queue has waiting consumers.
            defer { consumers.removeAll() }
            return consumers
        }
        for consumer in waiting { consumer.resume(returning: nil) }
    }

    /// The consumer is gone: wakes every waiting producer and consumer, and drops what is queued.
    func close() {
        let (waitingProducers, waitingConsumers) = lock.withLock {
            closed = true
            buffer.removeAll()
            head = 0
            defer {
                producers.removeAll()
                consumers.removeAll()
            }
            return (producers, consumers)
        }
        for producer in waitingProducers { producer.resume() }
        for consumer in waitingConsumers { consumer.resume(returning: nil) }
    }

    /// How many events are waiting to be taken.
    var queued: Int { lock.withLock { buffer.count - head } }
    /// How many producers are waiting for room.
    var waitingProducers: Int { lock.withLock { producers.count } }
    /// The most events that were ever waiting to be taken at once.
    var mostQueued: Int { lock.withLock { statistics.mostQueued } }
    /// How many times a producer found the queue full and waited.
    var producerWaits: Int { lock.withLock { statistics.producerWaits } }

    // Called with the lock held.
    private func takeBuffered() -> ScanEvent? {
        guard head < buffer.count else { return nil }
        let event = buffer[head]
        head += 1
        if head == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 64, head * 2 >= buffer.count {
            buffer.removeFirst(head)
            head = 0
        }
        releaseSlot()
        return event
    }

    // Called with the lock held: a slot is free, for the first waiting producer if there is one.
    private func releaseSlot() {
        if producers.isEmpty {
            freeSlots += 1
        } else {
            // Resuming under the lock is safe: the producer's continuation only schedules its task.
            producers.removeFirst().resume()
        }
    }
}

/// Where a scan puts its events: ``ScanEventChannel`` for ``RotationChecker/events()``, a collector for
/// ``RotationChecker/report(progress:)`` (whose `reserve` never waits).
struct ScanSink: Sendable {
    /// Waits for room for one event.
    let reserve: @Sendable () async -> Void
    /// Puts in the event that room was reserved for; never waits.
    let deliver: @Sendable (ScanEvent) -> Void
    /// Whether anyone reads ``ScanEvent/progress(_:)`` events: when not, the scan neither counts nor sends them.
    var wantsProgress = true
}

/// The consumer's end of ``RotationChecker/events()``, held by the stream's closure alone: when the
/// consumer drops the sequence without cancelling its task, the stream releases it, and it stops the scan.
final class ScanConsumerEnd: Sendable {
    private let channel: ScanEventChannel
    private let task: Task<Void, Never>

    init(channel: ScanEventChannel, task: Task<Void, Never>) {
        self.channel = channel
        self.task = task
    }

    func next() async -> ScanEvent? { await channel.next() }

    /// Wakes the scan's waiting producers (their events go nowhere) and cancels the scan.
    func stop() {
        channel.close()
        task.cancel()
    }

    deinit { stop() }
}
