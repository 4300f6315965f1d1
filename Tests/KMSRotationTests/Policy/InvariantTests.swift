import Foundation
import Testing
import KMSRotation

/// The contract, checked over every combination of manager × spec × origin × state × multi-Region role ×
/// evidence × policy — not just the table's rows.
@Suite("Decision table invariants")
struct InvariantTests {
    static let managers: [KeyManager?] = [.aws, .customer, .unknown("AWS_OWNED"), nil]
    static let specs: [KeySpec?] = KeySpec.knownCases.map { $0 } + [.unknown("FUTURE_SPEC"), nil]
    static let origins: [KeyOrigin?] = KeyOrigin.knownCases.map { $0 } + [.unknown("NEW_ORIGIN"), nil]
    static let states: [KeyState?] = KeyState.knownCases.map { $0 } + [.unknown("Archived"), nil]
    static let roles: [MultiRegionKeyType?] = [nil, .primary, .replica]
    static let evidences: [RotationEvidence] = [
        .notGathered, on365, off, on(2560), .status(KeyRotationStatus(keyRotationEnabled: nil)),
        failed("AccessDeniedException"), failed("ThrottlingException"), failed("KMSInternalException"),
    ]
    static let policies: [RotationPolicy] = [.cis, strict180, withDisabled]

    /// Computed once: about 100,000 evaluations.
    static let all = allFindings()

    static func allFindings() -> [(KMSKey, RotationEvidence, RotationPolicy, RotationFinding)] {
        var result: [(KMSKey, RotationEvidence, RotationPolicy, RotationFinding)] = []
        for manager in managers {
            for spec in specs {
                for origin in origins {
                    for state in states {
                        for role in roles {
                            let key = makeKey(manager: manager, spec: spec, origin: origin, state: state, multiRegion: role)
                            for evidence in evidences {
                                for policy in policies {
                                    result.append((key, evidence, policy, policy.evaluate(key: key, rotation: evidence, now: now)))
                                }
                            }
                        }
                    }
                }
            }
        }
        return result
    }

    @Test("Only customer managed SYMMETRIC_DEFAULT AWS_KMS keys in service can be NON_COMPLIANT")
    func onlyRotatableKeysFail() {
        let all = Self.all
        #expect(all.count > 50_000)
        for (key, _, policy, finding) in all where finding.compliance == .nonCompliant {
            #expect(key.keyManager == .customer)
            #expect(key.effectiveKeySpec == .symmetricDefault)
            #expect(key.origin == .awsKMS)
            #expect(key.keyState == .enabled || (key.keyState == .disabled && policy.evaluateDisabledKeys))
            #expect(finding.remediation != nil || key.isMultiRegionReplica)
        }
    }

    @Test("Unknown specs, states, origins and managers are never NON_COMPLIANT")
    func unknownsNeverFail() {
        for (key, _, _, finding) in Self.all {
            let hasUnknown =
                key.keySpec?.isKnown == false || key.keyState?.isKnown == false
                || key.origin?.isKnown == false || key.keyManager?.isKnown == false
            if hasUnknown { #expect(finding.compliance != .nonCompliant) }
        }
    }

    @Test("An evidence error is never COMPLIANT or NON_COMPLIANT")
    func errorsAreInsufficientData() {
        for (_, evidence, _, finding) in Self.all {
            if case .failed = evidence {
                #expect(finding.compliance == .insufficientData || finding.compliance == .notApplicable)
            }
        }
    }

    @Test("When the policy says the status is not needed, the verdict does not depend on it")
    func unneededEvidenceIsUnused() {
        var verdicts: [String: FindingReason] = [:]
        for (key, _, policy, finding) in Self.all where !policy.needsRotationStatus(for: key) {
            let id =
                "\(key.keyManager.map(\.rawValue) ?? "-")/\(key.effectiveKeySpec.map(\.rawValue) ?? "-")/\(key.origin.map(\.rawValue) ?? "-")/\(key.keyState.map(\.rawValue) ?? "-")/\(key.multiRegionKeyType.map(\.rawValue) ?? "-")/\(policy.maximumRotationPeriodDays ?? 0)/\(policy.evaluateDisabledKeys)"
            if let earlier = verdicts[id] { #expect(earlier == finding.reason, "\(id)") } else { verdicts[id] = finding.reason }
        }
        #expect(!verdicts.isEmpty)
    }

    @Test("Keys AWS cannot rotate are never asked for their rotation status")
    func ineligibleKeysAreNotAsked() {
        for spec in Self.specs where spec != .symmetricDefault {
            #expect(!RotationPolicy.cis.needsRotationStatus(for: makeKey(spec: spec)))
        }
        for origin in Self.origins where origin != .awsKMS {
            #expect(!RotationPolicy.cis.needsRotationStatus(for: makeKey(origin: origin)))
        }
        #expect(!RotationPolicy.cis.needsRotationStatus(for: makeKey(manager: .aws)))
    }
}
