import Foundation
import Testing
import KMSRotation

/// Builds KeyMetadata for table rows: a customer managed, enabled, symmetric AWS_KMS key unless told otherwise.
func makeKey(
    manager: KeyManager? = .customer, spec: KeySpec? = .symmetricDefault, origin: KeyOrigin? = .awsKMS,
    state: KeyState? = .enabled, multiRegion: MultiRegionKeyType? = nil, legacySpecOnly: Bool = false,
    id: String = "1234abcd-12ab-34cd-56ef-1234567890ab", region: String = "us-east-1"
) -> KMSKey {
    var key = KMSKey(
        keyId: id, arn: "arn:aws:kms:\(region):111122223333:key/\(id)", awsAccountId: "111122223333",
        enabled: state == .enabled, keyState: state, origin: origin, keyManager: manager,
        customerMasterKeySpec: spec, keySpec: legacySpecOnly ? nil : spec)
    switch multiRegion {
    case .some(.replica):
        key.multiRegion = true
        key.multiRegionConfiguration = MultiRegionConfiguration(
            multiRegionKeyType: .replica,
            primaryKey: MultiRegionKey(arn: "arn:aws:kms:us-west-2:111122223333:key/mrk-primary", region: "us-west-2"),
            replicaKeys: [MultiRegionKey(arn: key.arn, region: region)])
    case .some(let type):
        key.multiRegion = true
        key.multiRegionConfiguration = MultiRegionConfiguration(
            multiRegionKeyType: type, primaryKey: MultiRegionKey(arn: key.arn, region: region),
            replicaKeys: [MultiRegionKey(arn: "arn:aws:kms:eu-west-1:111122223333:key/\(id)", region: "eu-west-1")])
    case nil:
        key.multiRegion = false
    }
    return key
}

let on365 = RotationEvidence.status(KeyRotationStatus(keyRotationEnabled: true, rotationPeriodInDays: 365))
let off = RotationEvidence.status(KeyRotationStatus(keyRotationEnabled: false))
func on(_ days: Int?) -> RotationEvidence { .status(KeyRotationStatus(keyRotationEnabled: true, rotationPeriodInDays: days)) }
func failed(_ code: String) -> RotationEvidence {
    .failed(EvidenceError(operation: "GetKeyRotationStatus", code: code, message: "simulated", httpStatus: 400))
}

struct Row: CustomTestStringConvertible, Sendable {
    let name: String
    let key: KMSKey
    var evidence: RotationEvidence = .notGathered
    var policy: RotationPolicy = .cis
    let reason: FindingReason
    let compliance: Compliance
    /// What needsRotationStatus(for:) must answer.
    let needsStatus: Bool
    /// (key ARN, region, period) the remediation must target, or nil for none.
    var remediation: (arn: String, region: String, period: Int?)? = nil
    /// The current material's age (rule 7), and the action the remediation must take.
    var age: KeyMaterialAge = .notGathered
    var action: Remediation.Action = .enableKeyRotation
    /// What needsKeyMaterialAge(for:) must answer.
    var needsAge = false
    var testDescription: String { name }
}

let age365 = RotationPolicy(maximumKeyMaterialAgeDays: 365)
let age365WithDisabled = RotationPolicy(evaluateDisabledKeys: true, maximumKeyMaterialAgeDays: 365)
func historyFailed(_ code: String) -> KeyMaterialAge {
    .failed(EvidenceError(operation: "ListKeyRotations", code: code, message: "simulated", httpStatus: 400))
}

let strict365 = RotationPolicy(maximumRotationPeriodDays: 365)
let strict180 = RotationPolicy(maximumRotationPeriodDays: 180)
let withDisabled = RotationPolicy(evaluateDisabledKeys: true)
let arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
let primaryArn = "arn:aws:kms:us-west-2:111122223333:key/mrk-primary"

/// The whole decision table, one row per key kind that matters. Docs/decision-table.md mirrors it.
let decisionTable: [Row] = [
    // Customer managed, symmetric, KMS material, enabled: the keys control 3.6 is about.
    Row(
        name: "symmetric, rotation on (365)", key: makeKey(), evidence: on365, reason: .rotationEnabled, compliance: .compliant,
        needsStatus: true),
    Row(
        name: "symmetric, rotation on (730), CIS accepts any period", key: makeKey(), evidence: on(730), reason: .rotationEnabled,
        compliance: .compliant, needsStatus: true),
    Row(
        name: "symmetric, rotation on (90), max 180", key: makeKey(), evidence: on(90), policy: strict180, reason: .rotationEnabled,
        compliance: .compliant, needsStatus: true),
    Row(
        name: "symmetric, rotation on, no period reported = 365, max 365", key: makeKey(), evidence: on(nil), policy: strict365,
        reason: .rotationEnabled, compliance: .compliant, needsStatus: true),
    Row(
        name: "symmetric, rotation off", key: makeKey(), evidence: off, reason: .rotationDisabled, compliance: .nonCompliant,
        needsStatus: true, remediation: (arn, "us-east-1", nil)),
    Row(
        name: "symmetric, rotation off, max 180 sets the period", key: makeKey(), evidence: off, policy: strict180,
        reason: .rotationDisabled, compliance: .nonCompliant, needsStatus: true, remediation: (arn, "us-east-1", 180)),
    Row(
        name: "symmetric, rotation on (730), max 365", key: makeKey(), evidence: on(730), policy: strict365, reason: .rotationPeriodTooLong,
        compliance: .nonCompliant, needsStatus: true, remediation: (arn, "us-east-1", 365)),
    Row(
        name: "symmetric, rotation on, no period reported = 365, max 180", key: makeKey(), evidence: on(nil), policy: strict180,
        reason: .rotationPeriodTooLong, compliance: .nonCompliant, needsStatus: true, remediation: (arn, "us-east-1", 180)),
    Row(
        name: "symmetric, legacy CustomerMasterKeySpec only, rotation on", key: makeKey(legacySpecOnly: true), evidence: on365,
        reason: .rotationEnabled, compliance: .compliant, needsStatus: true),
    Row(
        name: "symmetric, legacy CustomerMasterKeySpec only, rotation off", key: makeKey(legacySpecOnly: true), evidence: off,
        reason: .rotationDisabled, compliance: .nonCompliant, needsStatus: true, remediation: (arn, "us-east-1", nil)),
    // Evidence that could not be gathered is never a pass or a fail.
    Row(
        name: "symmetric, GetKeyRotationStatus AccessDenied", key: makeKey(), evidence: failed("AccessDeniedException"),
        reason: .accessDenied, compliance: .insufficientData, needsStatus: true),
    Row(
        name: "symmetric, GetKeyRotationStatus throttled", key: makeKey(), evidence: failed("ThrottlingException"), reason: .throttled,
        compliance: .insufficientData, needsStatus: true),
    Row(
        name: "symmetric, GetKeyRotationStatus KMSInternalException", key: makeKey(), evidence: failed("KMSInternalException"),
        reason: .serviceError, compliance: .insufficientData, needsStatus: true),
    Row(
        name: "symmetric, GetKeyRotationStatus timed out", key: makeKey(), evidence: failed("TransportError.timedOut"),
        reason: .serviceError, compliance: .insufficientData, needsStatus: true),
    Row(
        name: "symmetric, rotation status not gathered", key: makeKey(), evidence: .notGathered, reason: .serviceError,
        compliance: .insufficientData, needsStatus: true),
    Row(
        name: "symmetric, answer without KeyRotationEnabled", key: makeKey(), evidence: .status(KeyRotationStatus(keyRotationEnabled: nil)),
        reason: .serviceError, compliance: .insufficientData, needsStatus: true),
    // AWS managed keys: rotated yearly by AWS; no call (aws/acm denies it).
    Row(name: "AWS managed symmetric", key: makeKey(manager: .aws), reason: .awsManagedKey, compliance: .notApplicable, needsStatus: false),
    Row(
        name: "AWS managed, status call denied anyway", key: makeKey(manager: .aws), evidence: failed("AccessDeniedException"),
        reason: .awsManagedKey, compliance: .notApplicable, needsStatus: false),
    Row(
        name: "AWS managed, strict policy", key: makeKey(manager: .aws), evidence: on(365), policy: strict180, reason: .awsManagedKey,
        compliance: .notApplicable, needsStatus: false),
    // Keys KMS cannot rotate automatically.
    Row(name: "RSA_2048", key: makeKey(spec: .rsa2048), reason: .asymmetricKey, compliance: .notApplicable, needsStatus: false),
    Row(name: "RSA_4096", key: makeKey(spec: .rsa4096), reason: .asymmetricKey, compliance: .notApplicable, needsStatus: false),
    Row(name: "ECC_NIST_P256", key: makeKey(spec: .eccNistP256), reason: .asymmetricKey, compliance: .notApplicable, needsStatus: false),
    Row(
        name: "ECC_SECG_P256K1", key: makeKey(spec: .eccSecgP256K1), reason: .asymmetricKey, compliance: .notApplicable, needsStatus: false),
    Row(
        name: "ECC_NIST_EDWARDS25519", key: makeKey(spec: .eccNistEdwards25519), reason: .asymmetricKey, compliance: .notApplicable,
        needsStatus: false),
    Row(name: "SM2", key: makeKey(spec: .sm2), reason: .asymmetricKey, compliance: .notApplicable, needsStatus: false),
    Row(name: "ML_DSA_65", key: makeKey(spec: .mlDsa65), reason: .asymmetricKey, compliance: .notApplicable, needsStatus: false),
    Row(
        name: "RSA_2048 answered false anyway", key: makeKey(spec: .rsa2048), evidence: off, reason: .asymmetricKey,
        compliance: .notApplicable, needsStatus: false),
    Row(name: "HMAC_256", key: makeKey(spec: .hmac256), reason: .hmacKey, compliance: .notApplicable, needsStatus: false),
    Row(name: "HMAC_512", key: makeKey(spec: .hmac512), reason: .hmacKey, compliance: .notApplicable, needsStatus: false),
    Row(
        name: "imported key material (EXTERNAL), enabled", key: makeKey(origin: .external), reason: .importedKeyMaterial,
        compliance: .notApplicable, needsStatus: false),
    Row(
        name: "imported key material, disabled", key: makeKey(origin: .external, state: .disabled), reason: .importedKeyMaterial,
        compliance: .notApplicable, needsStatus: false),
    Row(
        name: "imported key material, pending import", key: makeKey(origin: .external, state: .pendingImport), reason: .pendingImport,
        compliance: .notApplicable, needsStatus: false),
    Row(
        name: "CloudHSM key store", key: makeKey(origin: .awsCloudHSM), reason: .customKeyStore, compliance: .notApplicable,
        needsStatus: false),
    Row(
        name: "external key store (XKS)", key: makeKey(origin: .externalKeyStore), reason: .customKeyStore, compliance: .notApplicable,
        needsStatus: false),
    Row(
        name: "external key store, disconnected", key: makeKey(origin: .externalKeyStore, state: .unavailable), reason: .keyUnavailable,
        compliance: .notApplicable, needsStatus: false),
    Row(
        name: "CloudHSM key store, disconnected", key: makeKey(origin: .awsCloudHSM, state: .unavailable), reason: .keyUnavailable,
        compliance: .notApplicable, needsStatus: false),
    Row(
        name: "unknown future key spec", key: makeKey(spec: .unknown("FUTURE_SPEC_2027")), reason: .unsupportedKeySpec,
        compliance: .notApplicable, needsStatus: false),
    Row(
        name: "unknown key spec, unknown state", key: makeKey(spec: .unknown("FUTURE_SPEC_2027"), state: .unknown("Archived")),
        reason: .unsupportedKeySpec, compliance: .notApplicable, needsStatus: false),
    // Key states.
    Row(
        name: "symmetric, disabled, rotation on", key: makeKey(state: .disabled), evidence: on365, reason: .keyDisabled,
        compliance: .notApplicable, needsStatus: true),
    Row(
        name: "symmetric, disabled, rotation off", key: makeKey(state: .disabled), evidence: off, reason: .keyDisabled,
        compliance: .notApplicable, needsStatus: true),
    // The status of a disabled key is evidence only under CIS: its failure is recorded, the verdict stays.
    Row(
        name: "symmetric, disabled, status denied", key: makeKey(state: .disabled), evidence: failed("AccessDeniedException"),
        reason: .keyDisabled, compliance: .notApplicable, needsStatus: true),
    Row(
        name: "symmetric, disabled, status failed (5xx)", key: makeKey(state: .disabled), evidence: failed("KMSInternalException"),
        reason: .keyDisabled, compliance: .notApplicable, needsStatus: true),
    Row(
        name: "symmetric, disabled, status throttled", key: makeKey(state: .disabled), evidence: failed("ThrottlingException"),
        reason: .keyDisabled, compliance: .notApplicable, needsStatus: true),
    Row(
        name: "symmetric, disabled, status not gathered", key: makeKey(state: .disabled), evidence: .notGathered, reason: .keyDisabled,
        compliance: .notApplicable, needsStatus: true),
    Row(
        name: "symmetric, disabled, status denied, disabled keys evaluated", key: makeKey(state: .disabled),
        evidence: failed("AccessDeniedException"), policy: withDisabled, reason: .accessDenied, compliance: .insufficientData,
        needsStatus: true),
    Row(
        name: "symmetric, disabled, rotation off, disabled keys evaluated", key: makeKey(state: .disabled), evidence: off,
        policy: withDisabled, reason: .rotationDisabled, compliance: .nonCompliant, needsStatus: true, remediation: (arn, "us-east-1", nil)),
    Row(
        name: "symmetric, disabled, rotation on, disabled keys evaluated", key: makeKey(state: .disabled), evidence: on365,
        policy: withDisabled, reason: .rotationEnabled, compliance: .compliant, needsStatus: true),
    Row(
        name: "symmetric, pending deletion", key: makeKey(state: .pendingDeletion), reason: .pendingDeletion, compliance: .notApplicable,
        needsStatus: false),
    Row(
        name: "symmetric, pending deletion, disabled keys evaluated", key: makeKey(state: .pendingDeletion), policy: withDisabled,
        reason: .pendingDeletion, compliance: .notApplicable, needsStatus: false),
    Row(
        name: "asymmetric, pending deletion", key: makeKey(spec: .rsa2048, state: .pendingDeletion), reason: .pendingDeletion,
        compliance: .notApplicable, needsStatus: false),
    Row(
        name: "symmetric, creating", key: makeKey(state: .creating), reason: .keyStateTransitional, compliance: .insufficientData,
        needsStatus: false),
    Row(
        name: "symmetric, updating", key: makeKey(state: .updating), reason: .keyStateTransitional, compliance: .insufficientData,
        needsStatus: false),
    Row(
        name: "asymmetric, creating", key: makeKey(spec: .rsa2048, state: .creating), reason: .asymmetricKey, compliance: .notApplicable,
        needsStatus: false),
    // Missing or unknown metadata is never judged non-compliant.
    Row(
        name: "symmetric, unknown future state", key: makeKey(state: .unknown("Archived")), reason: .unrecognizedKeyMetadata,
        compliance: .insufficientData, needsStatus: false),
    Row(
        name: "symmetric, no state", key: makeKey(state: nil), reason: .unrecognizedKeyMetadata, compliance: .insufficientData,
        needsStatus: false),
    Row(
        name: "symmetric, unknown origin", key: makeKey(origin: .unknown("QUANTUM_VAULT")), reason: .unrecognizedKeyMetadata,
        compliance: .insufficientData, needsStatus: false),
    Row(
        name: "symmetric, no origin", key: makeKey(origin: nil), reason: .unrecognizedKeyMetadata, compliance: .insufficientData,
        needsStatus: false),
    Row(
        name: "no key spec at all", key: makeKey(spec: nil), reason: .unrecognizedKeyMetadata, compliance: .insufficientData,
        needsStatus: false),
    Row(
        name: "unknown key manager", key: makeKey(manager: .unknown("AWS_OWNED")), reason: .unrecognizedKeyMetadata,
        compliance: .insufficientData, needsStatus: false),
    Row(
        name: "no key manager", key: makeKey(manager: nil), reason: .unrecognizedKeyMetadata, compliance: .insufficientData,
        needsStatus: false),
    // Multi-Region keys: rotation is shared and set on the primary.
    Row(
        name: "multi-Region primary, rotation on", key: makeKey(multiRegion: .primary), evidence: on365, reason: .rotationEnabled,
        compliance: .compliant, needsStatus: true),
    Row(
        name: "multi-Region primary, rotation off", key: makeKey(multiRegion: .primary), evidence: off, reason: .rotationDisabled,
        compliance: .nonCompliant, needsStatus: true, remediation: (arn, "us-east-1", nil)),
    Row(
        name: "multi-Region replica, shared rotation on", key: makeKey(multiRegion: .replica), evidence: on365, reason: .rotationEnabled,
        compliance: .compliant, needsStatus: true),
    Row(
        name: "multi-Region replica, shared rotation off: fix on the primary", key: makeKey(multiRegion: .replica), evidence: off,
        reason: .rotationDisabled, compliance: .nonCompliant, needsStatus: true, remediation: (primaryArn, "us-west-2", nil)),
    Row(
        name: "multi-Region replica, period 730, max 365: fix on the primary", key: makeKey(multiRegion: .replica), evidence: on(730),
        policy: strict365, reason: .rotationPeriodTooLong, compliance: .nonCompliant, needsStatus: true,
        remediation: (primaryArn, "us-west-2", 365)),
    Row(
        name: "multi-Region replica, pending replica deletion", key: makeKey(state: .pendingReplicaDeletion, multiRegion: .replica),
        reason: .pendingReplicaDeletion, compliance: .notApplicable, needsStatus: false),
    Row(
        name: "multi-Region replica, creating", key: makeKey(state: .creating, multiRegion: .replica), reason: .keyStateTransitional,
        compliance: .insufficientData, needsStatus: false),
    Row(
        name: "multi-Region replica, imported material", key: makeKey(origin: .external, multiRegion: .replica),
        reason: .importedKeyMaterial, compliance: .notApplicable, needsStatus: false),
    Row(
        name: "multi-Region HMAC replica", key: makeKey(spec: .hmac256, multiRegion: .replica), reason: .hmacKey,
        compliance: .notApplicable, needsStatus: false),
    Row(
        name: "multi-Region unknown role, rotation off", key: makeKey(multiRegion: .unknown("WITNESS")), evidence: off,
        reason: .rotationDisabled, compliance: .nonCompliant, needsStatus: true, remediation: (arn, "us-east-1", nil)),
    // Rule 7: a maximum key-material age (cryptoperiod).
    Row(
        name: "age: rotation on, material 100 days, max 365", key: makeKey(), evidence: on365, policy: age365, reason: .rotationEnabled,
        compliance: .compliant, needsStatus: true, age: .days(100), needsAge: true),
    Row(
        name: "age: rotation on, material 370 days, max 365, period 365: due within the grace", key: makeKey(), evidence: on365,
        policy: age365, reason: .rotationEnabled, compliance: .compliant, needsStatus: true, age: .days(370), needsAge: true),
    Row(
        name: "age: rotation on, material 373 days, max 365, period 365: stalled", key: makeKey(), evidence: on365, policy: age365,
        reason: .keyMaterialTooOld, compliance: .nonCompliant, needsStatus: true, remediation: (arn, "us-east-1", nil), age: .days(373),
        action: .rotateKeyOnDemand, needsAge: true),
    Row(
        name: "age: rotation on, material 800 days, max 365: stalled, rotate on demand", key: makeKey(), evidence: on365, policy: age365,
        reason: .keyMaterialTooOld, compliance: .nonCompliant, needsStatus: true, remediation: (arn, "us-east-1", nil), age: .days(800),
        action: .rotateKeyOnDemand, needsAge: true),
    Row(
        name: "age: rotation on (730), material 400 days, max 365: period longer than the age", key: makeKey(), evidence: on(730),
        policy: age365, reason: .keyMaterialTooOld, compliance: .nonCompliant, needsStatus: true, remediation: (arn, "us-east-1", 365),
        age: .days(400), needsAge: true),
    Row(
        name: "age: rotation on, history denied", key: makeKey(), evidence: on365, policy: age365, reason: .accessDenied,
        compliance: .insufficientData, needsStatus: true, age: historyFailed("AccessDeniedException"), needsAge: true),
    Row(
        name: "age: rotation on, history not gathered", key: makeKey(), evidence: on365, policy: age365, reason: .serviceError,
        compliance: .insufficientData, needsStatus: true, needsAge: true),
    Row(
        name: "age: rotation on, history throttled", key: makeKey(), evidence: on365, policy: age365, reason: .throttled,
        compliance: .insufficientData, needsStatus: true, age: historyFailed("ThrottlingException"), needsAge: true),
    Row(
        name: "age: rotation never enabled, material 900 days", key: makeKey(), evidence: off, policy: age365, reason: .keyMaterialTooOld,
        compliance: .nonCompliant, needsStatus: true, remediation: (arn, "us-east-1", nil), age: .days(900), needsAge: true),
    Row(
        name: "age: rotation off, material 90 days", key: makeKey(), evidence: off, policy: age365, reason: .rotationDisabled,
        compliance: .nonCompliant, needsStatus: true, remediation: (arn, "us-east-1", nil), age: .days(90), needsAge: true),
    Row(
        name: "age: rotation off, history denied: NON_COMPLIANT whatever the age", key: makeKey(), evidence: off, policy: age365,
        reason: .rotationDisabled, compliance: .nonCompliant, needsStatus: true, remediation: (arn, "us-east-1", nil),
        age: historyFailed("AccessDeniedException"), needsAge: true),
    Row(
        name: "age: imported material, 420 days", key: makeKey(origin: .external), policy: age365, reason: .keyMaterialTooOld,
        compliance: .nonCompliant, needsStatus: false, remediation: (arn, "us-east-1", nil), age: .days(420), action: .rotateKeyOnDemand,
        needsAge: true),
    Row(
        name: "age: imported material, 30 days", key: makeKey(origin: .external), policy: age365, reason: .importedKeyMaterial,
        compliance: .notApplicable, needsStatus: false, age: .days(30), needsAge: true),
    Row(
        name: "age: imported material, history failed", key: makeKey(origin: .external), policy: age365, reason: .serviceError,
        compliance: .insufficientData, needsStatus: false, age: historyFailed("KMSInternalException"), needsAge: true),
    Row(
        name: "age: imported material, old, without an age policy", key: makeKey(origin: .external), reason: .importedKeyMaterial,
        compliance: .notApplicable, needsStatus: false, age: .days(4000)),
    Row(
        name: "age: imported material, disabled, old", key: makeKey(origin: .external, state: .disabled), policy: age365,
        reason: .importedKeyMaterial, compliance: .notApplicable, needsStatus: false, age: .days(900)),
    Row(
        name: "age: imported material, disabled, old, disabled keys evaluated", key: makeKey(origin: .external, state: .disabled),
        policy: age365WithDisabled, reason: .keyMaterialTooOld, compliance: .nonCompliant, needsStatus: false,
        remediation: (arn, "us-east-1", nil), age: .days(900), action: .rotateKeyOnDemand, needsAge: true),
    Row(
        name: "age: RSA_2048, old: stays NOT_APPLICABLE", key: makeKey(spec: .rsa2048), policy: age365, reason: .asymmetricKey,
        compliance: .notApplicable, needsStatus: false, age: .days(900)),
    Row(
        name: "age: HMAC_256, old: stays NOT_APPLICABLE", key: makeKey(spec: .hmac256), policy: age365, reason: .hmacKey,
        compliance: .notApplicable, needsStatus: false, age: .days(900)),
    Row(
        name: "age: CloudHSM, old: stays NOT_APPLICABLE", key: makeKey(origin: .awsCloudHSM), policy: age365, reason: .customKeyStore,
        compliance: .notApplicable, needsStatus: false, age: .days(900)),
    Row(
        name: "age: AWS managed, old", key: makeKey(manager: .aws), policy: age365, reason: .awsManagedKey, compliance: .notApplicable,
        needsStatus: false, age: .days(900)),
    Row(
        name: "age: disabled key, old: keyDisabled", key: makeKey(state: .disabled), evidence: off, policy: age365, reason: .keyDisabled,
        compliance: .notApplicable, needsStatus: true, age: .days(900)),
    Row(
        name: "age: rotation on, old, no age policy", key: makeKey(), evidence: on365, reason: .rotationEnabled, compliance: .compliant,
        needsStatus: true, age: .days(4000)),
    Row(
        name: "age: replica, stalled: rotate the primary on demand", key: makeKey(multiRegion: .replica), evidence: on365, policy: age365,
        reason: .keyMaterialTooOld, compliance: .nonCompliant, needsStatus: true, remediation: (primaryArn, "us-west-2", nil),
        age: .days(800), action: .rotateKeyOnDemand, needsAge: true),
]

let now = Date(timeIntervalSince1970: 1_795_000_000)

@Suite("Decision table")
struct DecisionTableTests {
    @Test("Every row's verdict", arguments: decisionTable)
    func row(_ row: Row) throws {
        let finding = row.policy.evaluate(key: row.key, rotation: row.evidence, materialAge: row.age, now: now)
        #expect(finding.reason == row.reason)
        #expect(row.policy.needsKeyMaterialAge(for: row.key) == row.needsAge)
        #expect(finding.compliance == row.compliance)
        #expect(finding.compliance == finding.reason.compliance)
        #expect(row.policy.needsRotationStatus(for: row.key) == row.needsStatus)
        #expect(finding.keyId == row.key.keyId)
        #expect(!finding.message.isEmpty)
        if let expected = row.remediation {
            let remediation = try #require(finding.remediation)
            #expect(remediation.action == row.action)
            #expect(remediation.keyArn == expected.arn)
            #expect(remediation.region == expected.region)
            #expect(remediation.rotationPeriodInDays == expected.period)
            let verb = row.action == .enableKeyRotation ? "enable-key-rotation" : "rotate-key-on-demand"
            #expect(remediation.command.hasPrefix("aws kms \(verb) --key-id \(expected.arn)"))
        } else {
            #expect(finding.remediation == nil)
        }
        if case .failed(let error) = row.evidence, row.needsStatus {
            #expect(finding.error == error)
        }
        if case .failed(let error) = row.age, row.compliance == .insufficientData {
            #expect(finding.error == error)
            #expect(finding.message.contains("rotation history"))
        }
    }

    @Test("The table has at least 40 rows and covers every reason code")
    func coverage() {
        #expect(decisionTable.count >= 60)
        let covered = Set(decisionTable.map(\.reason))
        // primaryKeyElsewhere and unresolvedValue come from templates and plans (KMSRotationIaC), never from a live key.
        for reason in FindingReason.allCases where ![.primaryKeyElsewhere, .unresolvedValue].contains(reason) {
            #expect(covered.contains(reason), "no row for \(reason)")
        }
        for compliance in Compliance.allCases {
            #expect(decisionTable.contains { $0.compliance == compliance })
        }
    }

    @Test("The reason codes are exactly DESIGN.md's, plus the documented extension")
    func reasonCodes() {
        #expect(
            FindingReason.allCases.map(\.rawValue) == [
                "rotationEnabled", "rotationDisabled", "rotationPeriodTooLong", "awsManagedKey", "asymmetricKey", "hmacKey",
                "importedKeyMaterial", "customKeyStore", "keyDisabled", "pendingDeletion", "pendingReplicaDeletion",
                "pendingImport", "keyUnavailable", "unsupportedKeySpec", "accessDenied", "throttled", "serviceError",
                "keyStateTransitional", "unrecognizedKeyMetadata", "primaryKeyElsewhere", "unresolvedValue", "keyMaterialTooOld",
            ])
        #expect(Compliance.allCases.map(\.rawValue) == ["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE", "INSUFFICIENT_DATA"])
    }

    @Test("A replica's finding stays about the replica; only the remediation points at the primary")
    func replicaIdentity() {
        let key = makeKey(multiRegion: .replica, region: "eu-west-1")
        let finding = RotationChecker.evaluate(key: key, rotation: off, now: now)
        #expect(finding.region == "eu-west-1")
        #expect(finding.keyArn == key.arn)
        #expect(finding.key.primaryKeyArn == primaryArn)
        #expect(finding.remediation?.command == "aws kms enable-key-rotation --key-id \(primaryArn) --region us-west-2")
        #expect(finding.message.contains(primaryArn))
    }

    @Test("A replica without a known primary gets no remediation rather than a wrong one")
    func replicaWithoutPrimary() {
        var key = makeKey(multiRegion: .replica)
        key.multiRegionConfiguration?.primaryKey = nil
        let finding = RotationChecker.evaluate(key: key, rotation: off, now: now)
        #expect(finding.compliance == .nonCompliant)
        #expect(finding.remediation == nil)
    }

    @Test("A disabled key's remediation says to enable the key first")
    func disabledRemediationNote() {
        let finding = RotationChecker.evaluate(key: makeKey(state: .disabled), rotation: off, policy: withDisabled, now: now)
        #expect(finding.remediation?.note?.contains("enable-key") == true)
    }

    @Test("A disabled key keeps its stored rotation flag as evidence")
    func disabledKeepsEvidence() {
        let finding = RotationChecker.evaluate(key: makeKey(state: .disabled), rotation: on365, now: now)
        #expect(finding.rotation?.enabled == true)
        #expect(finding.message.contains("resumes"))
    }

    @Test("A disabled key whose status call failed stays keyDisabled, with the failure recorded on the finding")
    func disabledKeyKeepsItsVerdictWhenEvidenceFails() {
        let finding = RotationChecker.evaluate(key: makeKey(state: .disabled), rotation: failed("KMSInternalException"), now: now)
        #expect(finding.compliance == .notApplicable)
        #expect(finding.reason == .keyDisabled)
        #expect(finding.error?.code == "KMSInternalException")
        #expect(finding.message.contains("could not be read (KMSInternalException)"))
        #expect(finding.rotation == nil)
    }

    @Test("The next rotation date is described relative to now")
    func nextRotationMessage() {
        let status = KeyRotationStatus(
            keyRotationEnabled: true, rotationPeriodInDays: 365, nextRotationDate: now.addingTimeInterval(10 * 86_400 + 5))
        let finding = RotationChecker.evaluate(key: makeKey(), rotation: status, now: now)
        #expect(finding.message.contains("next rotation in 10 days"))
        #expect(finding.rotation?.nextRotationDate == now.addingTimeInterval(10 * 86_400 + 5))
    }

    @Test("An undescribed key still gets exactly one INSUFFICIENT_DATA finding")
    func undescribed() {
        let error = EvidenceError(operation: "DescribeKey", code: "AccessDeniedException", message: "no")
        let finding = RotationPolicy.cis.evaluateUndescribedKey(
            keyId: "k", keyArn: "arn:aws:kms:eu-west-1:111122223333:key/k", error: error)
        #expect(finding.compliance == .insufficientData)
        #expect(finding.reason == .accessDenied)
        #expect(finding.region == "eu-west-1")
        #expect(finding.accountId == "111122223333")
    }

    @Test("keyMaterialTooOld has a distinct message per case: stalled, never enabled, period, imported")
    func keyMaterialMessages() {
        func message(_ key: KMSKey, _ rotation: RotationEvidence, _ days: Int) -> String {
            age365.evaluate(key: key, rotation: rotation, materialAge: .days(days), now: now).message
        }
        #expect(message(makeKey(), on365, 800).contains("stalled"))
        #expect(message(makeKey(), off, 900).contains("automatic rotation is not enabled"))
        #expect(message(makeKey(), on(730), 400).contains("shorten the period"))
        #expect(message(makeKey(origin: .external), .notGathered, 420).contains("import new key material, then call RotateKeyOnDemand"))
        let imported = age365.evaluate(key: makeKey(origin: .external), rotation: .notGathered, materialAge: .days(420), now: now)
        #expect(imported.remediation?.note?.contains("import-key-material") == true)
        #expect(imported.remediation?.command == "aws kms rotate-key-on-demand --key-id \(arn) --region us-east-1")
    }

    @Test("Policy validation rejects a maximum key-material age below a day")
    func ageValidation() throws {
        try RotationPolicy(maximumKeyMaterialAgeDays: 1).validate()
        #expect(throws: RotationPolicyError.self) { try RotationPolicy(maximumKeyMaterialAgeDays: 0).validate() }
    }

    @Test("Policy validation rejects periods KMS cannot set")
    func validation() throws {
        try RotationPolicy(maximumRotationPeriodDays: 90).validate()
        try RotationPolicy(maximumRotationPeriodDays: 2560).validate()
        #expect(throws: RotationPolicyError.self) { try RotationPolicy(maximumRotationPeriodDays: 89).validate() }
        #expect(throws: RotationPolicyError.self) { try RotationPolicy(maximumRotationPeriodDays: 2561).validate() }
    }
}
