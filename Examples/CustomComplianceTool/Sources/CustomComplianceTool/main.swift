// CustomComplianceTool: a compliance tool of your own on top of KMSRotation, in one screen.
// PCI-tagged keys must rotate at least yearly, every other key is held to CIS 3.6; the tool prints its own
// summary (or JSON) and exits 0 (pass), 1 (fail), 2 (incomplete), 3 (could not run) or 64 (usage).
// The logic lives in ComplianceToolCore, tested in Examples/TestingYourTool against the in-memory KMS.
// Run: swift run CustomComplianceTool --demo          (the built-in sample account, no AWS)
//      swift run CustomComplianceTool --region eu-west-1   (your AWS credentials; read-only)
import ComplianceToolCore
import Foundation
import KMSRotation
import KMSRotationTesting

let environment = ProcessInfo.processInfo.environment
let options: ComplianceToolOptions
do {
    options = try ComplianceToolOptions.parse(Array(CommandLine.arguments.dropFirst()), environment: environment)
} catch let error as ComplianceToolUsageError {
    FileHandle.standardError.write(Data(error.description.utf8))
    exit(error.message == nil ? 0 : 64)
}

let tool: ComplianceTool
if options.demo {
    // The in-memory KMS serves the sample account; its clock is frozen so that the output is the same every run.
    let kms = SampleAccount.demo()
    let credentials = StaticCredentialProvider(AWSCredentials(accessKeyId: "AKIDEXAMPLEDEMO", secretAccessKey: "not-a-secret"))
    tool = ComplianceTool(options: options, now: { SampleAccount.referenceDate }) { region in
        try KMSClient(
            AWSClientConfiguration(
                region: region, credentialProvider: credentials, transport: kms,
                sleeper: { _ in }, now: { SampleAccount.referenceDate }))
    }
} else {
    do {
        let transport = URLSessionTransport()
        let credentials = try CredentialProviderChain.default(environment: environment, transport: transport)
        tool = ComplianceTool(options: options) { region in
            try KMSClient(AWSClientConfiguration(region: region, credentialProvider: credentials, transport: transport))
        }
    } catch {
        FileHandle.standardError.write(Data("CustomComplianceTool: cannot read the AWS configuration: \(error)\n".utf8))
        exit(3)
    }
}

do {
    let result = try await tool.run()
    if options.json {
        print(try ReportRenderer().render(result.report, as: .json), terminator: "")
    } else {
        print(result.summary(), terminator: "")
    }
    exit(result.exitStatus)
} catch {
    FileHandle.standardError.write(Data("CustomComplianceTool: \(error)\n".utf8))
    exit(3)
}
