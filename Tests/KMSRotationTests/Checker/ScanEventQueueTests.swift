import Foundation
import Testing
import KMSRotationTesting

@testable import KMSRotation

// The bounded queue between a scan and the consumer of events(): a consumer that falls behind holds the scan
// back instead of letting events pile up in memory, no event is lost, and cancelling or dropping the
// sequence still ends the scan (never by waiting for a time: every wait here ends on a state change).

/// Yields until `condition` holds, or the test's time limit cancels it (a broken queue fails, not hangs).
private func yield(until condition: () -> Bool) async {
    while !condition() && !Task.isCancelled { await Task.yield() }
}

// The limit catches a hang; it is generous because these tests yield thousands of times, and with hundreds
// of tests sharing two cooperative threads each yield waits behind all of them.
@Suite("The event queue of events(): bounded, lossless, cancellable", .timeLimit(.minutes(3)))
struct ScanEventChannelTests {
    /// A finding that carries a number, to check order and loss.
    static func event(_ number: Int) -> ScanEvent {
        .progress(ScanProgress(regionsTotal: 1, keysListed: number))
    }

    static func number(_ event: ScanEvent) -> Int? {
        if case .progress(let value) = event { return value.keysListed }
        return nil
    }

    @Test("Producers wait when the queue is full: never more than its capacity queue, every event arrives once, in each producer's order")
    func boundedAndLossless() async {
        let channel = ScanEventChannel(capacity: 3)
        let producers = 8
        let perProducer = 300
        let scan = Task {
            await withTaskGroup(of: Void.self) { group in
                for producer in 0..<producers {
                    group.addTask {
                        for index in 0..<perProducer {
                            await channel.reserve()
                            channel.deliver(Self.event(producer * 10_000 + index))
                        }
                    }
                }
            }
            channel.finish()
        }
        var received: [Int] = []
        var mostSeen = 0
        while let event = await channel.next() {
            mostSeen = max(mostSeen, channel.queued)
            received.append(Self.number(event) ?? -1)
            // A slow consumer.
            for _ in 0..<3 { await Task.yield() }
        }
        await scan.value
        #expect(received.count == producers * perProducer)
        #expect(Set(received).count == producers * perProducer)
        for producer in 0..<producers {
            let own = received.filter { $0 / 10_000 == producer }
            #expect(own == (0..<perProducer).map { producer * 10_000 + $0 })
        }
        #expect(mostSeen <= 3)
        #expect(channel.mostQueued <= 3)
        #expect(channel.producerWaits > 0, "the producers outran the consumer and waited")
    }

    @Test("A full queue holds its producer until the consumer takes an event")
    func producerWaitsForRoom() async {
        let channel = ScanEventChannel(capacity: 2)
        let delivered = LockedValue(0)
        let producer = Task {
            for index in 0..<5 {
                await channel.reserve()
                channel.deliver(Self.event(index))
                delivered.withLock { $0 += 1 }
            }
            channel.finish()
        }
        await yield { channel.waitingProducers == 1 }
        #expect(delivered.current == 2)
        #expect(channel.queued == 2)
        #expect(await channel.next().flatMap(Self.number) == 0)
        await yield { delivered.current == 3 && channel.waitingProducers == 1 }
        #expect(channel.queued == 2)
        var rest: [Int] = []
        while let event = await channel.next() { rest.append(Self.number(event) ?? -1) }
        await producer.value
        #expect(rest == [1, 2, 3, 4])
    }

    @Test("Closing wakes the waiting producers and the waiting consumer, and drops what is queued")
    func closeWakesEveryone() async {
        let channel = ScanEventChannel(capacity: 1)
        let producers = Task {
            await withTaskGroup(of: Void.self) { group in
                for index in 0..<4 {
                    group.addTask {
                        await channel.reserve()
                        channel.deliver(Self.event(index))
                    }
                }
            }
        }
        await yield { channel.waitingProducers == 3 }
        channel.close()
        await producers.value  // would never return if a producer were left waiting
        #expect(await channel.next() == nil)
        #expect(channel.queued == 0)

        let empty = ScanEventChannel(capacity: 1)
        let consumer = Task { await empty.next() }
        empty.close()
        #expect(await consumer.value == nil)
    }

    @Test("Finishing hands over what is queued, then the end")
    func finishDrains() async {
        let channel = ScanEventChannel(capacity: 4)
        for index in 0..<3 {
            await channel.reserve()
            channel.deliver(Self.event(index))
        }
        channel.finish()
        var received: [Int] = []
        while let event = await channel.next() { received.append(Self.number(event) ?? -1) }
        #expect(received == [0, 1, 2])
        #expect(await channel.next() == nil)
    }
}

extension ScannerTests {
    @Suite("Scanner: the bounded event queue", .timeLimit(.minutes(1)))
    struct ScannerEventQueueTests {
        @Test("A slow consumer holds the scan back: at most the queue's capacity waits, and every finding arrives")
        func slowConsumer() async throws {
            let regions = ["us-east-1", "eu-west-1"]
            let expected = try await makeScanner(SampleAccount.large(keysPerRegion: 300, regions: regions), regions: regions).report()
            let scanner = makeScanner(SampleAccount.large(keysPerRegion: 300, regions: regions), regions: regions)
            let (events, queue, scan) = scanner.eventStream(capacity: 8)
            var findings: [RotationFinding] = []
            var progress: [ScanProgress] = []
            var mostSeen = 0
            for await event in events {
                mostSeen = max(mostSeen, queue.queued)
                switch event {
                case .finding(let finding): findings.append(finding)
                case .progress(let value): progress.append(value)
                case .scanError(let error): Issue.record("unexpected \(error)")
                }
                for _ in 0..<20 { await Task.yield() }
            }
            await scan.value
            #expect(mostSeen <= 8)
            #expect(queue.mostQueued <= 8)
            #expect(queue.producerWaits > 0, "the scan outran the consumer and waited for it")
            #expect(findings.count == 600)
            #expect(RotationReport(findings: findings).findings == expected.findings)
            // One progress event per change, as with an unbounded queue.
            let changes: Int = 1 + 600 + 600 + 2
            #expect(progress.count == changes)
            #expect(progress.last == ScanProgress(regionsTotal: 2, regionsDone: 2, keysListed: 600, keysEvaluated: 600))
        }

        @Test(
            "Without a listener for progress (findings(), report(progress: nil)) the scan sends only findings and errors, the same findings"
        )
        func noProgressWithoutListener() async throws {
            let regions = ["us-east-1", "eu-west-1"]
            let account = SampleAccount.large(keysPerRegion: 120, regions: regions)
            let expected = try await makeScanner(account, regions: regions).report { _ in }
            let (events, _, scan) = makeScanner(account, regions: regions).eventStream(capacity: 16, progress: false)
            var findings: [RotationFinding] = []
            for await event in events {
                switch event {
                case .finding(let finding): findings.append(finding)
                case .progress(let value): Issue.record("progress nobody asked for: \(value)")
                case .scanError(let error): Issue.record("unexpected \(error)")
                }
            }
            await scan.value
            #expect(RotationReport(findings: findings).findings == expected.findings)
            var streamed: [RotationFinding] = []
            for await finding in makeScanner(account, regions: regions).findings() { streamed.append(finding) }
            #expect(RotationReport(findings: streamed).findings == expected.findings)
            #expect(try await makeScanner(account, regions: regions).report().findings == expected.findings)
            // A listener still sees every change.
            let seen = LockedValue(0)
            _ = try await makeScanner(account, regions: regions).report { _ in seen.withLock { $0 += 1 } }
            #expect(seen.current == 1 + 240 + 240 + 2)
        }

        @Test("Cancelling the consumer while the scan waits for room ends the scan: the waiting calls are never sent")
        func cancelWhileFull() async throws {
            let kms = SampleAccount.large(keysPerRegion: 2_000, regions: ["us-east-1"])
            let (events, queue, scan) = makeScanner(kms, regions: ["us-east-1"]).eventStream(capacity: 4)
            let consumer = Task {
                var taken = 0
                for await _ in events {
                    taken += 1
                    if taken == 1 {
                        // The scan fills the queue and waits for the consumer; then the consumer goes away.
                        await yield { queue.queued == 4 && queue.waitingProducers > 0 }
                        withUnsafeCurrentTask { $0?.cancel() }
                    }
                }
                return taken
            }
            let taken = await consumer.value
            await scan.value  // would never return if a producer were left waiting
            #expect(taken == 1)
            #expect(kms.callCount("DescribeKey") < 100, "2,000 keys would take 2,000 DescribeKey calls")
        }

        @Test("Dropping the sequence while the scan waits for room ends the scan")
        func dropWhileFull() async throws {
            let kms = SampleAccount.large(keysPerRegion: 2_000, regions: ["us-east-1"])
            let scanner = makeScanner(kms, regions: ["us-east-1"])
            // Consume in a function of its own, so that the sequence and its iterator are surely released on return.
            func takeOne() async -> (ScanEventChannel, Task<Void, Never>) {
                let (events, queue, scan) = scanner.eventStream(capacity: 4)
                var iterator = events.makeAsyncIterator()
                _ = await iterator.next()
                await yield { queue.queued == 4 && queue.waitingProducers > 0 }
                return (queue, scan)
            }
            let (queue, scan) = await takeOne()
            await scan.value  // would never return if a producer were left waiting
            #expect(queue.waitingProducers == 0)
            #expect(kms.callCount("DescribeKey") < 100, "2,000 keys would take 2,000 DescribeKey calls")
        }
    }
}
