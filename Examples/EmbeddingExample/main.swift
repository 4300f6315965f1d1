// swift-format-ignore-file
// (Not reformatted: README.md shows this file's code exactly, and a test keeps them equal.)
// A compliance tool that embeds KMSRotation: judge one key from its DescribeKey and
// GetKeyRotationStatus answers. README.md shows the lines between the markers; a test keeps them equal.
import Foundation
import KMSRotation

// BEGIN README EXAMPLE
let describeKey = #"{"KeyId":"1234abcd-12ab-34cd-56ef-1234567890ab","KeyManager":"CUSTOMER","KeyState":"Enabled","#
    + #""KeySpec":"SYMMETRIC_DEFAULT","Origin":"AWS_KMS","Arn":"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}"#
let key = try JSONDecoder().decode(KMSKey.self, from: Data(describeKey.utf8))
let policy = RotationPolicy(maximumRotationPeriodDays: 365)

// Ask the policy first: AWS managed, asymmetric, HMAC, imported and custom-key-store keys need no call.
let status: KeyRotationStatus? = policy.needsRotationStatus(for: key)
    ? KeyRotationStatus(keyRotationEnabled: false)  // your GetKeyRotationStatus answer goes here
    : nil
let finding = RotationChecker.evaluate(key: key, rotation: status, policy: policy)

print(finding.compliance, finding.reason, finding.message)  // NON_COMPLIANT rotationDisabled …
if let fix = finding.remediation { print(fix.command) }     // aws kms enable-key-rotation --key-id …
// END README EXAMPLE
