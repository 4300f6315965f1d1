import Foundation
import KMSRotation
import Testing
@testable import KMSRotationIaC

/// A small, deterministic fuzz of the readers: every example file, cut short and with bytes flipped,
/// must end in findings or an `IaCError`, never a trap.
@Suite("IaC readers survive mutated input")
struct MutationTests {
    /// A linear congruential generator, so every run tries the same inputs.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state
        }
    }

    static let interesting: [UInt8] = Array("{}[]\":,!&*\n\t \\-0123456789.eE".utf8) + [0x00, 0xC3, 0xFF]

    @Test("Truncations and byte flips of every example")
    func mutations() throws {
        let files = IaCScan.walk(IaCFixture.examples.path) + IaCScan.walk(IaCFixture.fixtures.path)
        #expect(files.count >= 10)
        var generator = Seeded(state: 13)
        var outcomes = (findings: 0, errors: 0)
        for file in files {
            let original = try Data(contentsOf: URL(fileURLWithPath: file))
            guard !original.isEmpty else { continue }
            for round in 0..<120 {
                var bytes = [UInt8](original)
                if round % 3 == 0 {
                    bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &generator)))
                } else {
                    for _ in 0..<Int.random(in: 1...4, using: &generator) where !bytes.isEmpty {
                        let position = Int.random(in: 0..<bytes.count, using: &generator)
                        bytes[position] = Self.interesting.randomElement(using: &generator) ?? 0
                    }
                }
                do {
                    let document = try IaCDocument(data: Data(bytes), path: file)
                    _ = document.findings(policy: RotationPolicy(maximumRotationPeriodDays: 180))
                    outcomes.findings += 1
                } catch {
                    #expect(!error.description.isEmpty)
                    outcomes.errors += 1
                }
            }
        }
        #expect(outcomes.findings > 0 && outcomes.errors > 0)
    }
}
