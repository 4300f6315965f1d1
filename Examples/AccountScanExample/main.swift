// swift-format-ignore-file
// (Not reformatted: README.md shows this file's code exactly, and a test keeps them equal.)
// Scan whole accounts: every key in the given Regions, findings streamed as they arrive.
// README.md shows the lines between the markers; a test keeps them equal.
// Run: swift run AccountScanExample (uses your AWS credentials and configuration; read-only).
import Foundation
import KMSRotation

// BEGIN README EXAMPLE
let credentials = try CredentialProviderChain.default(transport: URLSessionTransport())
let checker = RotationChecker(options: .init(regions: ["us-east-1", "eu-west-1"])) { region in
    try KMSClient(AWSClientConfiguration(region: region, credentialProvider: credentials))
}
for await finding in checker.findings() where finding.compliance == .nonCompliant {
    print(finding.keyArn ?? finding.keyId, finding.remediation?.command ?? finding.message)
}
// END README EXAMPLE
