// TestingYourTool: how to test a tool built on KMSRotation without AWS. The tests drive CustomComplianceTool's
// core (ComplianceToolCore) with the in-memory KMS of KMSRotationTesting (real KMS semantics: paging, refusals,
// throttling), and with MockTransport for answers you script yourself. Copy the helpers for your own tool.
// Run: swift test --filter TestingYourToolTests
import ComplianceToolCore
import Foundation
import KMSRotation
import KMSRotationTesting
import Testing

/// A fixed clock: no test compares a verdict with today's date.
let now = SampleAccount.referenceDate

/// A KMS client for one Region, served by any transport (the in-memory KMS, a mock), with retries that do not
/// wait. `retries: .none` makes one failed attempt final, to test what the tool does when AWS keeps failing.
func client(_ transport: any HTTPTransport, region: String, retries: RetryStrategy = .standard) throws -> KMSClient {
    let credentials = StaticCredentialProvider(AWSCredentials(accessKeyId: "AKIDTESTTOOL", secretAccessKey: "test-secret"))
    return try KMSClient(
        AWSClientConfiguration(
            region: region, credentialProvider: credentials, transport: transport,
            retryStrategy: retries, sleeper: { _ in }, now: { now }))
}

/// The tool, scanning us-east-1 of a KMS.
func tool(_ transport: any HTTPTransport, pciMaximumDays: Int = 365, retries: RetryStrategy = .standard) -> ComplianceTool {
    ComplianceTool(options: ComplianceToolOptions(regions: ["us-east-1"], pciMaximumDays: pciMaximumDays), now: { now }) { region in
        try client(transport, region: region, retries: retries)
    }
}

/// An account with one PCI key (rotation every 730 days), one ordinary key with rotation on, and one without.
func account() -> (kms: InMemoryKMS, pci: String, plain: String, off: String) {
    let kms = InMemoryKMS(accountId: "123456789012", clock: { now })
    let pci = kms.addKey(
        .init(
            rotationEnabled: true, rotationPeriodInDays: 730, aliases: ["alias/cards"],
            tags: ["data-classification": "pci"]), region: "us-east-1")
    let plain = kms.addKey(.init(rotationEnabled: true, rotationPeriodInDays: 730, aliases: ["alias/logs"]), region: "us-east-1")
    let off = kms.addKey(.init(rotationEnabled: false, aliases: ["alias/reports"], tags: ["team": "bi"]), region: "us-east-1")
    return (kms, pci, plain, off)
}

@Suite("Testing your tool: CustomComplianceTool against the in-memory KMS")
struct ComplianceToolTests {
    @Test("The PCI rule holds tagged keys to its period; CIS judges the rest; the exit status says fail")
    func rules() async throws {
        let (kms, pci, plain, off) = account()
        let result = try await tool(kms).run()
        let byKey = Dictionary(uniqueKeysWithValues: result.report.findings.map { ($0.keyId, $0) })
        #expect(byKey[pci]?.reason == .rotationPeriodTooLong)
        #expect(byKey[pci]?.policyRule == "pci")
        #expect(byKey[pci]?.tags == ["data-classification": "pci"])
        #expect(byKey[plain]?.reason == .rotationEnabled)  // 730 days is fine for CIS
        #expect(byKey[plain]?.policyRule == "default")
        #expect(byKey[off]?.reason == .rotationDisabled)
        #expect(result.verdict == .fail)
        #expect(result.exitStatus == 1)
        #expect(result.summary().contains("rule pci: 1 key(s): 1 NON_COMPLIANT"))
    }

    @Test("Fixing the keys makes the tool pass (and the fix is what KMS accepts)")
    func passes() async throws {
        let (kms, pci, _, off) = account()
        let admin = try client(kms, region: "us-east-1")
        try await admin.enableKeyRotation(keyId: pci, rotationPeriodInDays: 365)
        try await admin.enableKeyRotation(keyId: off)
        let result = try await tool(kms).run()
        #expect(result.verdict == .pass)
        #expect(result.exitStatus == 0)
    }

    @Test("Tags are read only because a rule needs them, once per customer key")
    func tagCalls() async throws {
        let (kms, _, _, _) = account()
        _ = try await tool(kms).run()
        #expect(kms.callCount("ListResourceTags") == 3)
    }

    @Test("Throttling that retries overcome costs no verdict; throttling that lasts is INSUFFICIENT_DATA, never a pass")
    func throttling() async throws {
        let (kms, _, _, _) = account()
        kms.throttle(operation: "GetKeyRotationStatus", schedule: .first(2))
        let transient = try await tool(kms).run()
        #expect(transient.report.findings.allSatisfy { $0.compliance != .insufficientData })
        #expect(transient.verdict == .fail)

        let (steady, pci, _, _) = account()
        steady.throttle(operation: "GetKeyRotationStatus", schedule: .always)
        let lasting = try await tool(steady, retries: .none).run()
        #expect(lasting.report.findings.allSatisfy { $0.reason == .throttled })
        #expect(lasting.report.findings.first { $0.keyId == pci }?.compliance == .insufficientData)
        #expect(lasting.verdict == .incomplete)
        #expect(lasting.exitStatus == 2)
    }

    @Test("AccessDenied on a key's tags: INSUFFICIENT_DATA only where the PCI rule could change the verdict")
    func accessDenied() async throws {
        let (kms, pci, plain, off) = account()
        for key in [pci, plain, off] { kms.denyOperation("ListResourceTags", keyId: key) }
        let result = try await tool(kms).run()
        let byKey = Dictionary(uniqueKeysWithValues: result.report.findings.map { ($0.keyId, $0) })
        // 730 days: NON_COMPLIANT if PCI, COMPLIANT if not: the tags decide, and they could not be read.
        #expect(byKey[pci]?.compliance == .insufficientData)
        #expect(byKey[pci]?.error?.code == "AccessDeniedException")
        #expect(byKey[plain]?.compliance == .insufficientData)
        // Rotation off fails under every rule: the tags cannot change that.
        #expect(byKey[off]?.reason == .rotationDisabled)
        #expect(result.verdict == .fail)
    }

    @Test("A Region that cannot be listed is reported, and the verdict is incomplete, not pass")
    func deniedRegion() async throws {
        let (kms, _, _, _) = account()
        kms.denyOperation("ListKeys")
        let result = try await tool(kms).run()
        #expect(result.report.findings.isEmpty)
        #expect(result.report.errors.map(\.operation) == ["ListKeys"])
        #expect(result.verdict == .incomplete)
        #expect(result.summary().contains("Region us-east-1 not scanned: ListKeys AccessDeniedException"))
    }

    @Test("MockTransport: answers scripted by hand, and the requests the tool sent")
    func mockTransport() async throws {
        let recorder = RequestRecorder()
        let transport = MockTransport { request in
            let target = request.headers["X-Amz-Target"] ?? ""
            switch target {
            case "TrentService.ListKeys":
                return try MockTransport.Reply.json(#"{"Keys":[],"Truncated":false}"#).get()
            case "TrentService.ListAliases":
                return try MockTransport.Reply.json(#"{"Aliases":[],"Truncated":false}"#).get()
            default:
                return try MockTransport.Reply.json(status: 400, #"{"__type":"ValidationException","message":"unexpected"}"#).get()
            }
        }.recording(into: recorder)
        let result = try await tool(transport).run()
        #expect(result.report.findings.isEmpty)
        #expect(result.verdict == .pass)
        #expect(await recorder.targets.sorted() == ["TrentService.ListAliases", "TrentService.ListKeys"])
    }

    @Test("A server error on every call is INSUFFICIENT_DATA (serviceError) or a Region error, never a pass")
    func serverErrors() async throws {
        let (kms, _, _, _) = account()
        kms.injectFault(.internalError, operation: "DescribeKey")
        let result = try await tool(kms, retries: .none).run()
        #expect(result.report.findings.allSatisfy { $0.reason == .serviceError })
        #expect(result.verdict == .incomplete)
    }

    @Test(
        "Arguments: Regions, the PCI period, and usage errors",
        arguments: [
            (["--demo"], true), (["--region", "eu-west-1", "--pci-max-days", "180"], true),
            (["--pci-max-days", "30"], false), (["--bogus"], false), (["--region"], false),
        ])
    func arguments(_ arguments: [String], valid: Bool) {
        let parsed = try? ComplianceToolOptions.parse(arguments, environment: ["AWS_REGION": "us-west-2"])
        #expect((parsed != nil) == valid)
        if arguments == ["--demo"] { #expect(parsed?.regions == ["us-east-1", "eu-west-1", "ap-southeast-2"]) }
        if arguments.first == "--region" && valid { #expect(parsed?.pciMaximumDays == 180) }
    }
}
