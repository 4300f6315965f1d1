import Foundation
@testable import KMSRotation

/// Shared by the hardening tests: clients of the hostile server, with static test credentials.
enum BoundedSupport {
    static let credentials = StaticCredentialProvider(
        AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"))
    /// A fixed clock, for signing and verdicts (never the real clock).
    static let now: @Sendable () -> Date = { Date(timeIntervalSince1970: 1_795_000_000) }

    /// No waiting between retries.
    static let noSleep: RetryingExecutor.Sleeper = { _ in }

    static func kms(_ server: BoundedHostileServer, scenario: String) throws -> KMSClient {
        try KMSClient(
            AWSClientConfiguration(
                region: "us-east-1", credentialProvider: credentials, transport: URLSessionTransport(), sleeper: noSleep, now: now),
            endpoint: try server.url("/kms/\(scenario)").absoluteString)
    }

    static func scan(
        _ server: BoundedHostileServer, scenario: String, maximumPages: Int = KMSPaginator<KeyListEntry>.defaultMaximumPages
    ) async throws -> RotationReport {
        let client = try kms(server, scenario: scenario)
        let options = RotationChecker.ScanOptions(
            regions: ["us-east-1"], concurrencyPerRegion: 2, maximumPagesPerListing: maximumPages, now: now)
        return try await RotationChecker(options: options) { _ in client }.report()
    }
}
