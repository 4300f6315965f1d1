import Foundation
import Testing
import KMSRotation
import KMSRotationTesting

@Suite("Model decoding")
struct ModelDecodingTests {
    // fixed-clock-begin: decoding only; no clock is read.
    /// A DescribeKey answer shaped exactly like the service model's KeyMetadata, every member present.
    static let fullKeyMetadata = #"""
        {"KeyMetadata": {
          "AWSAccountId": "111122223333",
          "KeyId": "mrk-1234abcd12ab34cd56ef1234567890ab",
          "Arn": "arn:aws:kms:eu-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab",
          "CreationDate": 1521097200.123,
          "Enabled": false,
          "Description": "orders replica",
          "KeyUsage": "ENCRYPT_DECRYPT",
          "KeyState": "PendingReplicaDeletion",
          "DeletionDate": 1799999999.5,
          "ValidTo": 1800000000,
          "Origin": "AWS_KMS",
          "CustomKeyStoreId": "cks-1234567890abcdef0",
          "CloudHsmClusterId": "cluster-1a23b4cdefg",
          "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE",
          "KeyManager": "CUSTOMER",
          "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
          "KeySpec": "SYMMETRIC_DEFAULT",
          "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
          "SigningAlgorithms": ["ML_DSA_SHAKE_256", "ED25519_SHA_512"],
          "KeyAgreementAlgorithms": ["ECDH"],
          "MacAlgorithms": ["HMAC_SHA_256"],
          "MultiRegion": true,
          "MultiRegionConfiguration": {
            "MultiRegionKeyType": "REPLICA",
            "PrimaryKey": {"Arn": "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab", "Region": "us-east-1"},
            "ReplicaKeys": [{"Arn": "arn:aws:kms:eu-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab", "Region": "eu-west-1"}]
          },
          "PendingDeletionWindowInDays": 7,
          "XksKeyConfiguration": {"Id": "ABC123"},
          "CurrentKeyMaterialId": "0b7fd7ddbac6eef27907413567cad8c810e2883dc8a7534067a82ee1142fc1e6"
        }}
        """#

    struct DescribeKeyResponse: Decodable { let KeyMetadata: KMSKey }

    @Test("Every KeyMetadata member decodes")
    func fullMetadata() throws {
        let key = try JSONDecoder().decode(DescribeKeyResponse.self, from: Data(Self.fullKeyMetadata.utf8)).KeyMetadata
        #expect(key.awsAccountId == "111122223333")
        #expect(key.keyId == "mrk-1234abcd12ab34cd56ef1234567890ab")
        #expect(key.region == "eu-west-1")
        #expect(key.accountId == "111122223333")
        #expect(key.creationDate == Date(timeIntervalSince1970: 1521097200.123))
        #expect(key.enabled == false)
        #expect(key.description == "orders replica")
        #expect(key.keyUsage == .encryptDecrypt)
        #expect(key.keyState == .pendingReplicaDeletion)
        #expect(key.deletionDate == Date(timeIntervalSince1970: 1799999999.5))
        #expect(key.validTo == Date(timeIntervalSince1970: 1800000000))
        #expect(key.origin == .awsKMS)
        #expect(key.customKeyStoreId == "cks-1234567890abcdef0")
        #expect(key.cloudHsmClusterId == "cluster-1a23b4cdefg")
        #expect(key.expirationModel == .keyMaterialDoesNotExpire)
        #expect(key.keyManager == .customer)
        #expect(key.customerMasterKeySpec == .symmetricDefault)
        #expect(key.keySpec == .symmetricDefault)
        #expect(key.encryptionAlgorithms == [.symmetricDefault])
        #expect(key.signingAlgorithms == [.mlDsaShake256, .ed25519Sha512])
        #expect(key.keyAgreementAlgorithms == [.ecdh])
        #expect(key.macAlgorithms == [.hmacSha256])
        #expect(key.multiRegion == true)
        #expect(key.multiRegionKeyType == .replica)
        #expect(key.isMultiRegionReplica)
        #expect(key.primaryKeyArn == "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab")
        #expect(key.multiRegionConfiguration?.replicaKeys?.first?.region == "eu-west-1")
        #expect(key.pendingDeletionWindowInDays == 7)
        #expect(key.xksKeyConfiguration?.id == "ABC123")
        #expect(key.currentKeyMaterialId == "0b7fd7ddbac6eef27907413567cad8c810e2883dc8a7534067a82ee1142fc1e6")
    }
    // fixed-clock-end

    @Test("KeyMetadata round-trips to the same JSON, whatever the coder's date strategy")
    func roundTrip() throws {
        let key = try JSONDecoder().decode(DescribeKeyResponse.self, from: Data(Self.fullKeyMetadata.utf8)).KeyMetadata
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601  // must not matter: KMS timestamps are epoch seconds
        let data = try encoder.encode(key)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        #expect(try decoder.decode(KMSKey.self, from: data) == key)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["CreationDate"] as? Double == 1521097200.123)
        #expect(object["KeyState"] as? String == "PendingReplicaDeletion")
    }

    @Test("Only KeyId is required")
    func minimal() throws {
        let key = try JSONDecoder().decode(KMSKey.self, from: Data(#"{"KeyId":"k"}"#.utf8))
        #expect(key == KMSKey(keyId: "k"))
        #expect(key.region == nil)
        #expect(try JSONEncoder().encode(key) == Data(#"{"KeyId":"k"}"#.utf8))
    }

    @Test(
        "Unknown enum values decode, are kept, and encode back exactly",
        arguments: ["ML_DSA_65", "ECC_NIST_EDWARDS25519", "SYMMETRIC_DEFAULT", "QUANTUM_SAFE_9000", ""])
    func keySpecRoundTrip(_ raw: String) throws {
        let json =
            #"{"KeyId":"k","KeySpec":"\#(raw)","KeyState":"Hibernating","Origin":"NEW_ORIGIN","KeyManager":"AWS_OWNED","KeyUsage":"TELEPORT","MultiRegionConfiguration":{"MultiRegionKeyType":"WITNESS"}}"#
        let key = try JSONDecoder().decode(KMSKey.self, from: Data(json.utf8))
        #expect(key.keySpec?.rawValue == raw)
        #expect(key.keyState == .unknown("Hibernating"))
        #expect(key.origin == .unknown("NEW_ORIGIN"))
        #expect(key.keyManager == .unknown("AWS_OWNED"))
        #expect(key.keyUsage == .unknown("TELEPORT"))
        #expect(key.multiRegionKeyType == .unknown("WITNESS"))
        let again = try JSONDecoder().decode(KMSKey.self, from: try JSONEncoder().encode(key))
        #expect(again == key)
        #expect(again.keySpec?.rawValue == raw)
    }

    @Test("Every modelled value of every enum round-trips")
    func allKnownValues() throws {
        func check<E: OpenEnum>(_ type: E.Type, _ expected: [String]) throws {
            #expect(E.knownCases.map(\.rawValue) == expected)
            for value in E.knownCases {
                #expect(E(rawValue: value.rawValue) == value)
                #expect(value.isKnown)
                let data = try JSONEncoder().encode([value])
                #expect(try JSONDecoder().decode([E].self, from: data) == [value])
                #expect(String(decoding: data, as: UTF8.self) == "[\"\(value.rawValue)\"]")
            }
            #expect(!E(rawValue: "NOT_A_VALUE").isKnown)
        }
        // The lists of the service model (reference/kms-service-2.json), in its order.
        try check(
            KeySpec.self,
            [
                "RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1",
                "ECC_NIST_EDWARDS25519", "SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512", "SM2", "ML_DSA_44",
                "ML_DSA_65", "ML_DSA_87",
            ])
        try check(KeyUsage.self, ["SIGN_VERIFY", "ENCRYPT_DECRYPT", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"])
        try check(
            KeyState.self,
            ["Creating", "Enabled", "Disabled", "PendingDeletion", "PendingImport", "PendingReplicaDeletion", "Unavailable", "Updating"])
        try check(KeyManager.self, ["AWS", "CUSTOMER"])
        try check(KeyOrigin.self, ["AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"])
        try check(MultiRegionKeyType.self, ["PRIMARY", "REPLICA"])
        try check(ExpirationModel.self, ["KEY_MATERIAL_EXPIRES", "KEY_MATERIAL_DOES_NOT_EXPIRE"])
        try check(EncryptionAlgorithmSpec.self, ["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"])
        try check(MacAlgorithmSpec.self, ["HMAC_SHA_224", "HMAC_SHA_256", "HMAC_SHA_384", "HMAC_SHA_512"])
        try check(KeyAgreementAlgorithmSpec.self, ["ECDH"])
        try check(
            SigningAlgorithmSpec.self,
            [
                "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512", "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384",
                "RSASSA_PKCS1_V1_5_SHA_512", "ECDSA_SHA_256", "ECDSA_SHA_384", "ECDSA_SHA_512", "SM2DSA", "ML_DSA_SHAKE_256",
                "ED25519_SHA_512", "ED25519_PH_SHA_512",
            ])
        try check(ImportState.self, ["IMPORTED", "PENDING_IMPORT"])
        try check(KeyMaterialState.self, ["NON_CURRENT", "CURRENT", "PENDING_ROTATION", "PENDING_MULTI_REGION_IMPORT_AND_ROTATION"])
        try check(RotationType.self, ["AUTOMATIC", "ON_DEMAND"])
    }

    @Test("KeySpec families")
    func families() {
        #expect(KeySpec.symmetricDefault.isSymmetricEncryption)
        for spec in KeySpec.knownCases {
            let families = [spec.isSymmetricEncryption, spec.isAsymmetric, spec.isHMAC].filter { $0 }
            #expect(families.count == 1, "\(spec) must be in exactly one family")
        }
        #expect(KeySpec.mlDsa87.isAsymmetric && KeySpec.eccNistEdwards25519.isAsymmetric && KeySpec.sm2.isAsymmetric)
        #expect(KeySpec.hmac224.isHMAC)
        let future = KeySpec(rawValue: "FUTURE")
        #expect(!future.isSymmetricEncryption && !future.isAsymmetric && !future.isHMAC)
    }

    // fixed-clock-begin: decoding only; no clock is read.
    @Test("GetKeyRotationStatus, ListKeyRotations, ListAliases, ListKeys shapes decode")
    func otherShapes() throws {
        let status = try JSONDecoder().decode(
            KeyRotationStatus.self,
            from: Data(
                #"{"KeyRotationEnabled":true,"KeyId":"arn:aws:kms:us-east-1:111122223333:key/k","RotationPeriodInDays":180,"NextRotationDate":1800000000.25,"OnDemandRotationStartDate":1790000000}"#
                    .utf8))
        #expect(
            status
                == KeyRotationStatus(
                    keyRotationEnabled: true, keyId: "arn:aws:kms:us-east-1:111122223333:key/k", rotationPeriodInDays: 180,
                    nextRotationDate: Date(timeIntervalSince1970: 1800000000.25),
                    onDemandRotationStartDate: Date(timeIntervalSince1970: 1790000000)))
        #expect(try JSONDecoder().decode(KeyRotationStatus.self, from: try JSONEncoder().encode(status)) == status)
        #expect(try JSONDecoder().decode(KeyRotationStatus.self, from: Data("{}".utf8)).keyRotationEnabled == nil)

        let entry = try JSONDecoder().decode(
            KeyRotationEntry.self,
            from: Data(
                #"{"KeyId":"k","KeyMaterialId":"aa","KeyMaterialDescription":"d","ImportState":"IMPORTED","KeyMaterialState":"PENDING_MULTI_REGION_IMPORT_AND_ROTATION","ExpirationModel":"KEY_MATERIAL_EXPIRES","ValidTo":1800000000,"RotationDate":1700000000,"RotationType":"ON_DEMAND"}"#
                    .utf8))
        #expect(entry.rotationType == .onDemand)
        #expect(entry.keyMaterialState == .pendingMultiRegionImportAndRotation)
        #expect(entry.importState == .imported)
        #expect(entry.rotationDate == Date(timeIntervalSince1970: 1700000000))
        #expect(try JSONDecoder().decode(KeyRotationEntry.self, from: try JSONEncoder().encode(entry)) == entry)

        let alias = try JSONDecoder().decode(
            KMSAlias.self,
            from: Data(
                #"{"AliasName":"aws/ebs","AliasArn":"arn:aws:kms:us-east-1:111122223333:alias/aws/ebs","CreationDate":1700000000}"#.utf8))
        #expect(alias.targetKeyId == nil)
        #expect(try JSONDecoder().decode(KMSAlias.self, from: try JSONEncoder().encode(alias)) == alias)
        let entryKey = try JSONDecoder().decode(KeyListEntry.self, from: Data(#"{"KeyId":"k","KeyArn":"arn"}"#.utf8))
        #expect(entryKey == KeyListEntry(keyId: "k", keyArn: "arn"))
        #expect(
            try JSONDecoder().decode(KMSTag.self, from: Data(#"{"TagKey":"a","TagValue":"b"}"#.utf8)) == KMSTag(tagKey: "a", tagValue: "b"))
        // fixed-clock-end
    }

    @Test(
        "Malformed JSON throws a clear DecodingError, never crashes",
        arguments: [
            (#"{"Arn":"arn:aws:kms:us-east-1:111122223333:key/k"}"#, "KeyId"),
            (#"{"KeyId":42}"#, "KeyId"),
            (#"{"KeyId":"k","Enabled":"yes"}"#, "Enabled"),
            (#"{"KeyId":"k","CreationDate":"2024-01-01"}"#, "CreationDate"),
            (#"{"KeyId":"k","KeySpec":7}"#, "KeySpec"),
            (#"{"KeyId":"k","EncryptionAlgorithms":"SYMMETRIC_DEFAULT"}"#, "EncryptionAlgorithms"),
            (#"{"KeyId":"k","MultiRegionConfiguration":[]}"#, "MultiRegionConfiguration"),
            // swift-corelibs-foundation reports a fractional Int as "not valid JSON" without the key: still an error.
            (#"{"KeyId":"k","PendingDeletionWindowInDays":7.5}"#, ""),
            (#"[]"#, ""),
            (#"{"KeyId":"k""#, ""),
        ])
    func malformed(_ json: String, _ field: String) {
        do {
            _ = try JSONDecoder().decode(KMSKey.self, from: Data(json.utf8))
            Issue.record("decoding \(json) should fail")
        } catch let error as DecodingError {
            let text = String(describing: error)
            if !field.isEmpty { #expect(text.contains(field), "\(text) should name \(field)") }
        } catch {
            Issue.record("unexpected error type \(type(of: error))")
        }
    }

    @Test("Findings encode to the documented JSON shape and decode back")
    func findingJSON() throws {
        let key = try JSONDecoder().decode(DescribeKeyResponse.self, from: Data(Self.fullKeyMetadata.utf8)).KeyMetadata
        var enabledKey = key
        enabledKey.keyState = .enabled
        let finding = RotationChecker.evaluate(
            key: enabledKey, rotation: KeyRotationStatus(keyRotationEnabled: false), now: Date(timeIntervalSince1970: 0))
        let data = try JSONEncoder().encode(finding)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(
            Set(object.keys) == [
                "keyArn", "keyId", "accountId", "region", "aliases", "compliance", "reason", "message", "key", "rotation", "error",
                "remediation",
            ])
        #expect(object["compliance"] as? String == "NON_COMPLIANT")
        #expect(object["reason"] as? String == "rotationDisabled")
        #expect(object["error"] is NSNull)
        let keyObject = try #require(object["key"] as? [String: Any])
        #expect(keyObject["multiRegionKeyType"] as? String == "REPLICA")
        let remediation = try #require(object["remediation"] as? [String: Any])
        #expect(remediation["action"] as? String == "EnableKeyRotation")
        #expect(remediation["region"] as? String == "us-east-1")
        #expect(try JSONDecoder().decode(RotationFinding.self, from: data) == finding)
    }

    @Test("A finding whose compliance contradicts its reason does not decode")
    func contradictoryFinding() throws {
        let finding = RotationChecker.evaluate(key: makeKey(), rotation: KeyRotationStatus(keyRotationEnabled: true))
        var object = try #require(try JSONSerialization.jsonObject(with: try JSONEncoder().encode(finding)) as? [String: Any])
        object["compliance"] = "NON_COMPLIANT"
        let data = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(RotationFinding.self, from: data) }
    }
}
