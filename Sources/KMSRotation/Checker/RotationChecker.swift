import Foundation
import Logging

/// The façade of the library: judge one key (pure, synchronous) or, with an instance, scan accounts.
///
/// ```swift
/// let finding = RotationChecker.evaluate(key: key, rotation: .status(status))
/// if finding.compliance == .nonCompliant { print(finding.remediation?.command ?? finding.message) }
/// ```
public struct RotationChecker: Sendable {
    /// How this scanner runs (Regions, policy, concurrency).
    package let options: ScanOptions
    let logger: Logger
    let clientFactory: @Sendable (_ region: String) async throws -> KMSClient

    /// Creates a scanner.
    /// - Parameters:
    ///   - options: Regions, policy, concurrency.
    ///   - logger: Where the scan logs (debug: per Region; never credentials).
    ///   - clientFactory: Makes the KMS client for a Region. A throw becomes a ``ScanError`` for that Region.
    public init(
        options: ScanOptions, logger: Logger = Logger(label: "kms-rotation", factory: { _ in SwiftLogNoOpLogHandler() }),
        clientFactory: @escaping @Sendable (_ region: String) async throws -> KMSClient
    ) {
        self.options = options
        self.logger = logger
        self.clientFactory = clientFactory
    }

    /// Judges one key against a policy. Pure: the same inputs always give the same finding.
    /// - Parameters:
    ///   - key: The key, as DescribeKey described it.
    ///   - rotation: Its GetKeyRotationStatus answer, the error that call failed with, or `.notGathered`
    ///     when ``RotationPolicy/needsRotationStatus(for:)`` said the verdict does not need it.
    ///   - aliases: The key's aliases, recorded in the finding.
    ///   - policy: The policy; `.cis` by default.
    ///   - now: The time of evaluation; `Date()` by default.
    /// - Returns: Exactly one finding.
    public static func evaluate(
        key: KMSKey, rotation: RotationEvidence, aliases: [String] = [], policy: RotationPolicy = .cis, now: Date = Date()
    ) -> RotationFinding {
        policy.evaluate(key: key, rotation: rotation, aliases: aliases, now: now)
    }

    /// Judges one key given the rotation status directly (or `nil` when it was not gathered).
    /// - Parameters:
    ///   - key: The key, as DescribeKey described it.
    ///   - rotation: Its GetKeyRotationStatus answer, or `nil`.
    ///   - policy: The policy; `.cis` by default.
    ///   - now: The time of evaluation.
    /// - Returns: Exactly one finding.
    public static func evaluate(
        key: KMSKey, rotation: KeyRotationStatus?, policy: RotationPolicy = .cis, now: Date = Date()
    ) -> RotationFinding {
        policy.evaluate(key: key, rotation: rotation.map(RotationEvidence.status) ?? .notGathered, now: now)
    }
}
