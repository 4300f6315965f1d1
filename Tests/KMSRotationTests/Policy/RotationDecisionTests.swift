import Foundation
import Testing
@testable import KMSRotation

/// `decide` is the table without prose or clock; `evaluate` renders it. These pin the split.
@Suite("RotationDecision: the table without prose")
struct RotationDecisionTests {
    @Test("decide gives every row's reason and remediation target, whatever the clock", arguments: decisionTable)
    func everyRow(_ row: Row) {
        let decision = row.policy.decide(key: row.key, rotation: row.evidence, materialAge: row.age)
        #expect(decision.reason == row.reason)
        #expect(decision.remediation?.keyArn == row.remediation?.arn)
        #expect(decision.remediation?.rotationPeriodInDays == row.remediation?.period)
        let early = RotationFinding(decision, key: row.key, now: Date(timeIntervalSince1970: 0))
        let late = row.policy.evaluate(
            key: row.key, rotation: row.evidence, materialAge: row.age, now: Date(timeIntervalSince1970: 4_000_000_000))
        #expect(early.reason == late.reason && early.remediation == late.remediation && early.error == late.error)
    }

    @Test("The facts name what a message needs: the unrecognised field, the period, the failed call")
    func facts() {
        let unknownManager = RotationPolicy.cis.decide(key: makeKey(manager: .unknown("PARTNER")), rotation: .notGathered)
        #expect(unknownManager.facts.unrecognizedField == "KeyManager" && unknownManager.facts.unrecognizedValue == "PARTNER")
        let missingState = RotationPolicy.cis.decide(key: makeKey(state: nil), rotation: .notGathered)
        #expect(missingState.facts.unrecognizedField == "KeyState" && missingState.facts.unrecognizedValue == nil)

        let long = strict180.decide(key: makeKey(), rotation: on(400))
        #expect(long.reason == .rotationPeriodTooLong)
        #expect(long.facts.rotationPeriodInDays == 400 && long.facts.maximumRotationPeriodDays == 180)

        let denied = RotationPolicy.cis.decide(key: makeKey(), rotation: failed("AccessDeniedException"))
        #expect(
            denied.reason == .accessDenied && denied.facts.error?.code == "AccessDeniedException" && denied.facts.rotationStatusGathered)

        // The failure of a call a metadata verdict never needed is not the verdict's evidence.
        let hmac = RotationPolicy.cis.decide(key: makeKey(spec: .hmac256), rotation: failed("ThrottlingException"))
        #expect(hmac.reason == .hmacKey && hmac.facts.error == nil)
    }

    @Test("Every reason has a title, an explanation and advice")
    func everyReasonHasText() {
        for reason in FindingReason.allCases {
            #expect(!reason.title.isEmpty && !reason.explanation.isEmpty && !reason.advice.isEmpty, "\(reason)")
        }
    }

    @Test("A replica's fix goes to its primary, with the note rendered, not decided")
    func replicaNote() {
        let key = makeKey(multiRegion: .replica)
        let decision = RotationPolicy.cis.decide(key: key, rotation: off)
        #expect(decision.remediation?.keyArn == primaryArn && decision.remediation?.note == nil)
        let finding = RotationFinding(decision, key: key, now: Date(timeIntervalSince1970: 0))
        #expect(finding.remediation?.note == "Rotation of a multi-Region key is set on its primary and shared with every replica.")
    }
}
