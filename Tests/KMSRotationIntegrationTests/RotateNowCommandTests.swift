import Foundation
import Testing
import KMSRotation

/// `remediate --rotate-now` on the demo account: a dry run by default; with --apply, one RotateKeyOnDemand per
/// key whose material is too old, each result in the change log.
@Suite("kms-rotation remediate --rotate-now")
struct RotateNowCommandTests {
    static let base = ["remediate", "--demo", "--max-key-material-age-days", "365", "--rotate-now"]

    @Test("Dry run: the stalled and imported keys are planned, the never-enabled key is left to EnableKeyRotation; exit 3")
    func dryRun() throws {
        let result = try CLIBinary.run(Self.base)
        #expect(result.status == 3, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("Plan: 2 on-demand rotations (dry run"))
        #expect(result.stdout.components(separatedBy: "aws kms rotate-key-on-demand --key-id").count - 1 == 2)
        #expect(result.stdout.contains("rotation is off: enable it first"))
    }

    @Test("--apply --yes: the stalled key is rotated and verified, the imported one fails (no new material); both logged")
    func apply() throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("rotate-now-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: log) }
        let result = try CLIBinary.run(Self.base + ["--apply", "--yes", "--change-log", log.path, "--format", "json"])
        #expect(result.status == 3, "the never-enabled key stays open; stderr: \(result.stderr)")
        let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        let changes = try lines.dropFirst().map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(changes.compactMap { $0?["operation"] as? String } == ["RotateKeyOnDemand", "RotateKeyOnDemand"])
        #expect(Set(changes.compactMap { $0?["outcome"] as? String }) == ["applied", "failed"])
    }

    @Test("--rotate-now needs a maximum key-material age")
    func needsMaximumAge() throws {
        let result = try CLIBinary.run(["remediate", "--demo", "--rotate-now"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--max-key-material-age-days"))
    }
}
