// StreamingScan: findings as they arrive, with progress on standard error and cancellation: stop after the
// first N non-compliant keys (--stop-after N), or on Ctrl-C (SIGINT). Cancelling the consuming task cancels the
// scan's outstanding KMS calls; what was found so far is kept.
// Run: swift run StreamingScan --demo --stop-after 2    (the sample account, no AWS)
//      swift run StreamingScan --region eu-west-1        (your AWS credentials; read-only)
import Dispatch
import Foundation
import KMSRotation
import KMSRotationTesting

var demo = false
var stopAfter: Int?
var regions: [String] = []
var rest = CommandLine.arguments.dropFirst()
while let argument = rest.popFirst() {
    switch argument {
    case "--demo": demo = true
    case "--stop-after": stopAfter = rest.popFirst().flatMap(Int.init)
    case "--region": if let region = rest.popFirst() { regions.append(region) }
    default:
        FileHandle.standardError.write(Data("usage: StreamingScan [--demo] [--region R]... [--stop-after N]\n".utf8))
        exit(64)
    }
}

let checker: RotationChecker
if demo {
    let kms = SampleAccount.demo()
    kms.setLatency(.milliseconds(20))  // a little network-like latency, so progress is visible
    let credentials = StaticCredentialProvider(AWSCredentials(accessKeyId: "AKIDSTREAMINGDEMO", secretAccessKey: "not-a-secret"))
    let options = RotationChecker.ScanOptions(
        regions: regions.isEmpty ? SampleAccount.enabledRegions : regions,
        concurrencyPerRegion: 2, now: { SampleAccount.referenceDate })
    checker = RotationChecker(options: options) { region in
        try KMSClient(
            AWSClientConfiguration(
                region: region, credentialProvider: credentials, transport: kms,
                sleeper: { _ in }, now: { SampleAccount.referenceDate }))
    }
} else {
    let environment = ProcessInfo.processInfo.environment
    let transport = URLSessionTransport()
    let credentials: any CredentialProvider
    do {
        credentials = try CredentialProviderChain.default(environment: environment, transport: transport)
    } catch {
        FileHandle.standardError.write(Data("StreamingScan: \(error)\n".utf8))
        exit(1)
    }
    let home = environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? "us-east-1"
    checker = RotationChecker(options: .init(regions: regions.isEmpty ? [home] : regions)) { region in
        try KMSClient(AWSClientConfiguration(region: region, credentialProvider: credentials, transport: transport))
    }
}

/// What the scan saw before it ended or was cancelled.
struct Tally: Sendable {
    var findings = 0
    var nonCompliant = 0
    var errors = 0
    var stoppedEarly = false
}

// The scan runs in a task of its own so that SIGINT (or the --stop-after limit) can cancel it.
/// Ends the progress line before a result is printed (on a terminal only).
let lead = isatty(STDERR_FILENO) == 1 ? "\n" : ""

let scan = Task { () -> Tally in
    var tally = Tally()
    for await event in checker.events() {
        switch event {
        case .progress(let progress):
            // Redrawn in place on a terminal only; a log file gets no control sequences.
            if isatty(STDERR_FILENO) == 1 { FileHandle.standardError.write(Data("\r\(progress)\u{1B}[K".utf8)) }
        case .finding(let finding):
            tally.findings += 1
            guard finding.compliance == .nonCompliant else { continue }
            tally.nonCompliant += 1
            print("\(lead)\(finding.region ?? "?") \(finding.aliases.first ?? finding.keyId): \(finding.reason.rawValue)")
            if let fix = finding.remediation { print("  fix: \(fix.command)") }
            if let limit = stopAfter, tally.nonCompliant >= limit {
                tally.stoppedEarly = true
                return tally  // leaving the loop drops the stream, which cancels the scan
            }
        case .scanError(let error):
            tally.errors += 1
            print("\(lead)\(error.region): \(error.operation) failed: \(error.code)")
        }
        if Task.isCancelled {
            tally.stoppedEarly = true
            return tally
        }
    }
    return tally
}

// Ctrl-C cancels the scan task instead of killing the process, so the summary is still printed.
signal(SIGINT, SIG_IGN)
let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
interrupt.setEventHandler { [scan] in scan.cancel() }
interrupt.resume()

let tally = await scan.value
interrupt.cancel()
if isatty(STDERR_FILENO) == 1 { FileHandle.standardError.write(Data("\n".utf8)) }
print(
    "\(tally.findings) findings, \(tally.nonCompliant) NON_COMPLIANT, \(tally.errors) scan errors"
        + (tally.stoppedEarly ? " (stopped early: the rest of the account was not scanned)" : ""))
exit(tally.nonCompliant > 0 ? 3 : tally.errors > 0 || tally.stoppedEarly ? 4 : 0)
