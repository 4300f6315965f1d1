import Foundation
import Testing
import KMSRotation
import KMSRotationTesting

/// `(compliance, reason)` of every finding by ARN, to compare a disturbed scan with a clean one.
private func verdictsByArn(_ report: RotationReport) -> [String: String] {
    byArn(report.findings).mapValues { "\($0.compliance.rawValue) \($0.reason.rawValue)" }
}

/// The ID of the key an alias names in the demo account.
private func keyId(_ kms: InMemoryKMS, _ alias: String, region: String = "us-east-1") async throws -> String {
    try await directClient(kms, region: region).describeKey(keyId: alias).keyId
}

extension ScannerTests {
    @Suite("Scanner: errors and exit status")
    struct ScannerErrorTests {
        @Test("A Region that is not enabled gives exactly one ScanError; the others complete")
        func regionNotEnabled() async throws {
            let kms = SampleAccount.demo()
            let regions = SampleAccount.enabledRegions + [SampleAccount.notEnabledRegion]
            let report = try await makeScanner(kms, regions: regions).report()
            #expect(report.errors.count == 1)
            let error = try #require(report.errors.first)
            #expect(error.region == "ap-east-1")
            #expect(error.operation == "ListKeys")
            #expect(error.code == "UnrecognizedClientException")
            #expect(error.message == "The security token included in the request is invalid.")
            #expect(report.findings.count == 30)
            #expect(Set(report.findings.compactMap(\.keyArn)) == allArns(kms, regions: SampleAccount.enabledRegions))
            #expect(report.findings.allSatisfy { $0.region != "ap-east-1" })
            #expect(report.regions == regions.sorted())
            // Not retried: UnrecognizedClientException is not transient. The alias walk fails the same way once.
            #expect(kms.callCount("ListKeys", region: "ap-east-1") == 1)
            #expect(kms.callCount("ListAliases", region: "ap-east-1") == 1)
            #expect(kms.callCount("DescribeKey", region: "ap-east-1") == 0)
            #expect(report.outcome == .nonCompliant, "the demo has NON_COMPLIANT keys: 3 wins over 4")
        }

        @Test("Exit status: 0 clean, 4 when only a Region failed, 4 when only INSUFFICIENT_DATA, 3 when NON_COMPLIANT")
        func exitStatus() async throws {
            func account() -> InMemoryKMS {
                let kms = InMemoryKMS()
                kms.addKey(.init(rotationEnabled: true, aliases: ["alias/good"]), region: "us-east-1")
                kms.addKey(.awsManaged(service: "s3"), region: "us-east-1")
                kms.addKey(.init(keySpec: .rsa2048, keyUsage: .signVerify), region: "us-east-1")
                kms.disableRegion("ap-east-1")
                return kms
            }
            let clean = try await makeScanner(account(), regions: ["us-east-1"]).report()
            #expect(clean.summary.compliant == 1 && clean.summary.notApplicable == 2)
            #expect(clean.errors.isEmpty)
            #expect(clean.outcome == .passed)

            let withFailedRegion = try await makeScanner(account(), regions: ["us-east-1", "ap-east-1"]).report()
            #expect(withFailedRegion.summary.insufficientData == 0 && withFailedRegion.summary.nonCompliant == 0)
            #expect(withFailedRegion.errors.count == 1)
            #expect(withFailedRegion.outcome == .incomplete)

            let denied = account()
            denied.denyOperation("GetKeyRotationStatus")
            let insufficient = try await makeScanner(denied, regions: ["us-east-1"]).report()
            #expect(insufficient.summary.insufficientData == 1 && insufficient.summary.nonCompliant == 0)
            #expect(insufficient.errors.isEmpty)
            #expect(insufficient.outcome == .incomplete)

            let failing = account()
            failing.addKey(.init(aliases: ["alias/bad"]), region: "us-east-1")
            let nonCompliant = try await makeScanner(failing, regions: ["us-east-1", "ap-east-1"]).report()
            #expect(nonCompliant.summary.nonCompliant == 1)
            #expect(nonCompliant.outcome == .nonCompliant)
        }

        @Test("AccessDenied on GetKeyRotationStatus for one key: that key INSUFFICIENT_DATA accessDenied, the others unaffected")
        func statusDeniedForOneKey() async throws {
            let clean = try await makeScanner(SampleAccount.demo(), regions: SampleAccount.enabledRegions).report()
            let kms = SampleAccount.demo()
            let orders = try await keyId(kms, "alias/orders")
            kms.denyOperation("GetKeyRotationStatus", keyId: orders)
            kms.resetCallLog()
            let report = try await makeScanner(kms, regions: SampleAccount.enabledRegions).report()

            let ordersArn = kms.keyArn(orders, region: "us-east-1")
            let denied = try #require(byArn(report.findings)[ordersArn])
            #expect(denied.compliance == .insufficientData)
            #expect(denied.reason == .accessDenied)
            #expect(denied.error?.operation == "GetKeyRotationStatus")
            #expect(denied.error?.code == "AccessDeniedException")
            #expect(denied.error?.httpStatus == 400)
            #expect(denied.aliases == ["alias/orders"])
            #expect(denied.rotation == nil)
            #expect(denied.remediation == nil)
            #expect(kms.callCount("GetKeyRotationStatus", keyId: orders) == 1, "AccessDenied is not retried")

            var expected = verdictsByArn(clean)
            expected[ordersArn] = "INSUFFICIENT_DATA accessDenied"
            #expect(verdictsByArn(report) == expected)
            #expect(report.errors.isEmpty)
            #expect(report.summary.compliant == clean.summary.compliant - 1)
            #expect(report.summary.insufficientData == clean.summary.insufficientData + 1)
        }

        @Test("AccessDenied on DescribeKey: INSUFFICIENT_DATA via evaluateUndescribedKey, still reported with ARN and aliases")
        func describeDenied() async throws {
            let clean = try await makeScanner(SampleAccount.demo(), regions: SampleAccount.enabledRegions).report()
            let kms = SampleAccount.demo()
            let legacy = try await keyId(kms, "alias/legacy-app")
            let legacyArn = kms.keyArn(legacy, region: "us-east-1")
            kms.denyOperation("DescribeKey", keyId: legacy)
            kms.resetCallLog()
            let report = try await makeScanner(kms, regions: SampleAccount.enabledRegions).report()

            #expect(report.findings.count == 30)
            let undescribed = try #require(byArn(report.findings)[legacyArn])
            let expected = RotationPolicy.cis.evaluateUndescribedKey(
                keyId: legacy, keyArn: legacyArn, error: try #require(undescribed.error),
                aliases: ["alias/legacy-app"])
            #expect(undescribed == expected)
            #expect(undescribed.compliance == .insufficientData)
            #expect(undescribed.reason == .accessDenied)
            #expect(undescribed.keyId == legacy)
            #expect(undescribed.region == "us-east-1")
            #expect(undescribed.accountId == "111122223333")
            #expect(undescribed.error?.operation == "DescribeKey")
            #expect(undescribed.error?.code == "AccessDeniedException")
            #expect(undescribed.key == RotationFinding.KeySummary())
            #expect(kms.callCount("DescribeKey", keyId: legacy) == 1)
            #expect(kms.callCount("GetKeyRotationStatus", keyId: legacy) == 0)

            var expectedVerdicts = verdictsByArn(clean)
            expectedVerdicts[legacyArn] = "INSUFFICIENT_DATA accessDenied"
            #expect(verdictsByArn(report) == expectedVerdicts)
            #expect(report.outcome == .nonCompliant, "the other NON_COMPLIANT keys remain")
        }

        @Test(
            "Persistent throttling of GetKeyRotationStatus: INSUFFICIENT_DATA throttled after 3 attempts per key; disabled keys stay keyDisabled"
        )
        func persistentThrottling() async throws {
            let clean = try await makeScanner(SampleAccount.demo(), regions: SampleAccount.enabledRegions).report()
            let kms = SampleAccount.demo()
            kms.injectFault(.throttling, operation: "GetKeyRotationStatus", schedule: .always)
            let sleeps = SleepLog()
            let probe = InFlightProbe()
            let report = try await makeScanner(
                ProbingTransport(base: kms, probe: probe), regions: SampleAccount.enabledRegions, sleeps: sleeps
            ).report()

            // The 13 keys whose verdict needs the status (8 in us-east-1, 3 in eu-west-1, 2 in ap-southeast-2), 3 attempts
            // each (standard mode); the faults are injected before the key is looked up, so the log has no key IDs.
            #expect(kms.callCount("GetKeyRotationStatus") == 39)
            #expect(kms.callLog.filter { $0.operation == "GetKeyRotationStatus" }.allSatisfy { $0.errorCode == "ThrottlingException" })
            #expect(sleeps.all.count == 26, "two backoffs per key, none really slept")

            // The 2 disabled keys keep their verdict (keyDisabled): their status is evidence only, and its
            // failure is recorded on the finding. The other 11 cannot be judged.
            let disabled = report.findings.filter { $0.reason == .keyDisabled }
            #expect(disabled.count == 2)
            #expect(disabled.allSatisfy { $0.compliance == .notApplicable && $0.error?.code == "ThrottlingException" })
            let throttled = report.findings.filter { $0.reason == .throttled }
            #expect(throttled.count == 11)
            var expected = verdictsByArn(clean)
            for finding in throttled {
                #expect(finding.compliance == .insufficientData)
                #expect(finding.error?.code == "ThrottlingException")
                #expect(finding.error?.operation == "GetKeyRotationStatus")
                #expect(finding.rotation == nil)
                let arn = try #require(finding.keyArn)
                #expect(await probe.startedByKey["GetKeyRotationStatus \(arn)"] == 3, "\(arn): 3 attempts")
                #expect(["COMPLIANT", "NON_COMPLIANT"].contains { expected[arn]?.hasPrefix($0) == true }, "\(arn)")
                expected[arn] = "INSUFFICIENT_DATA throttled"
            }
            #expect(verdictsByArn(report) == expected)
            #expect(report.summary.insufficientData == 12)  // 11 + the replica being created
            #expect(report.summary.compliant == 0 && report.summary.nonCompliant == 0)
            #expect(report.outcome == .incomplete)
        }

        // At most 2 faults: with 3 attempts per request, no single request can exhaust its attempts, whichever
        // concurrent requests the faults land on.
        @Test(
            "Transient faults are retried away: the verdicts are those of a clean scan",
            arguments: [
                (InMemoryKMS.Fault.throttling, "GetKeyRotationStatus"),
                (InMemoryKMS.Fault.internalError, "DescribeKey"),
                (InMemoryKMS.Fault.serviceUnavailable, "ListKeys"),
                (InMemoryKMS.Fault.dependencyTimeout, "ListAliases"),
            ])
        func transientFaults(fault: InMemoryKMS.Fault, operation: String) async throws {
            let first = 2
            let cleanKMS = SampleAccount.demo()
            let clean = try await makeScanner(cleanKMS, regions: SampleAccount.enabledRegions).report()
            let kms = SampleAccount.demo()
            kms.injectFault(fault, operation: operation, region: "us-east-1", schedule: .first(first))
            let sleeps = SleepLog()
            let report = try await makeScanner(kms, regions: SampleAccount.enabledRegions, sleeps: sleeps).report()

            #expect(report.findings == clean.findings)
            #expect(report.errors.isEmpty)
            #expect(report.outcome == .nonCompliant)
            #expect(kms.callCount(operation, region: "us-east-1") == cleanKMS.callCount(operation, region: "us-east-1") + first)
            #expect(kms.callLog.count { $0.errorCode == fault.code } == first)
            #expect(sleeps.all.count == first)
        }

        @Test("ListAliases denied: keys are still judged, without aliases, and one ScanError names ListAliases")
        func aliasesDenied() async throws {
            let clean = try await makeScanner(SampleAccount.demo(), regions: SampleAccount.enabledRegions).report()
            let kms = SampleAccount.demo()
            kms.denyOperation("ListAliases", region: "us-east-1")
            let report = try await makeScanner(kms, regions: SampleAccount.enabledRegions).report()

            #expect(report.errors.count == 1)
            let error = try #require(report.errors.first)
            #expect(error.region == "us-east-1")
            #expect(error.operation == "ListAliases")
            #expect(error.code == "AccessDeniedException")
            #expect(verdictsByArn(report) == verdictsByArn(clean))
            #expect(report.findings.filter { $0.region == "us-east-1" }.allSatisfy { $0.aliases.isEmpty })
            #expect(report.findings.filter { $0.region == "us-east-1" }.count == 21)
            #expect(report.findings.filter { $0.region != "us-east-1" } == clean.findings.filter { $0.region != "us-east-1" })
            #expect(
                kms.callCount("ListAliases", region: "us-east-1") == 1, "AccessDenied is not retried, and the walk is not repeated per key")
            #expect(kms.callCount("DescribeKey", region: "us-east-1") == 21)
        }

        @Test("AccessDenied on ListKeys in one Region: one ScanError, no findings there, no ListAliases error on top")
        func listKeysDenied() async throws {
            let kms = SampleAccount.demo()
            kms.denyOperation("ListKeys", region: "eu-west-1")
            kms.denyOperation("ListAliases", region: "eu-west-1")
            let report = try await makeScanner(kms, regions: SampleAccount.enabledRegions).report()
            #expect(
                report.errors == [
                    ScanError(
                        region: "eu-west-1", operation: "ListKeys", code: "AccessDeniedException",
                        message: try #require(report.errors.first?.message))
                ])
            #expect(report.findings.count == 25)
            #expect(report.findings.allSatisfy { $0.region != "eu-west-1" })
            #expect(kms.callCount("DescribeKey", region: "eu-west-1") == 0)
        }
    }
}
