// Scans a KMS endpoint with the library's streaming API and counts the findings, holding none of them:
// what an embedder that streams findings to its own store pays in memory. Run by Scripts/bench-scale.sh
// under /usr/bin/time against the loopback stand-in (Tests/KMSRotationIntegrationTests/Support/kms_standin.py).
// Usage: StreamingScan <endpoint> <region> [concurrency]
// STREAMING_SCAN_HTTP_CLIENT=urlsession sends with URLSessionTransport; the default is AsyncHTTPClientTransport
// (the CLI's default), so both stay measurable.
import Foundation
import KMSRotation
import KMSRotationAsyncHTTPClient

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: StreamingScan <endpoint> <region> [concurrency]\n".utf8))
    exit(64)
}
let endpoint = arguments[1]
let region = arguments[2]
let concurrency = arguments.count > 3 ? Int(arguments[3]) ?? 8 : 8
let environment = ProcessInfo.processInfo.environment
let credentials = StaticCredentialProvider(
    AWSCredentials(
        accessKeyId: environment["AWS_ACCESS_KEY_ID"] ?? "",
        secretAccessKey: environment["AWS_SECRET_ACCESS_KEY"] ?? ""))
let ownTransport: AsyncHTTPClientTransport?
let transport: any HTTPTransport
switch environment["STREAMING_SCAN_HTTP_CLIENT"] ?? "async-http-client" {
case "urlsession":
    ownTransport = nil
    transport = URLSessionTransport(configuration: .init(maximumConnectionsPerHost: concurrency))
case "async-http-client":
    ownTransport = try AsyncHTTPClientTransport(configuration: .init(maximumConnectionsPerHost: concurrency))
    transport = ownTransport!
default:
    FileHandle.standardError.write(Data("STREAMING_SCAN_HTTP_CLIENT: urlsession or async-http-client\n".utf8))
    exit(64)
}
let checker = RotationChecker(options: .init(regions: [region], concurrencyPerRegion: concurrency)) { region in
    try KMSClient(AWSClientConfiguration(region: region, credentialProvider: credentials, transport: transport), endpoint: endpoint)
}
var counts: [Compliance: Int] = [:]
for await finding in checker.findings() {
    counts[finding.compliance, default: 0] += 1
}
print(counts.map { "\($0.key.rawValue)=\($0.value)" }.sorted().joined(separator: " "))
try await ownTransport?.shutdown()
