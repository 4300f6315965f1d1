import Foundation
import Testing

@testable import KMSRotation

/// `AnswerDecoder` replaces `JSONDecoder` for KMS and Organizations answers. These tests hold it to
/// `JSONDecoder`: the same values for every answer shape, the same errors at the same paths, and never a
/// value where `JSONDecoder` has none.
@Suite("Answer decoder")
struct AnswerDecoderTests {
    // fixed-clock-begin: decoding only; no clock is read.

    /// Decodes `body` with both decoders; both must succeed with equal values, or both fail with the same
    /// readable description (numbers out of range excepted: `JSONDecoder` calls those "not valid JSON").
    static func agree<T: Decodable & Equatable>(
        _ type: T.Type, _ body: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let data = Data(body.utf8)
        let foundation = Result { try JSONDecoder().decode(T.self, from: data) }
        let ours = Result { try AnswerDecoder.decode(T.self, from: data) }
        switch (foundation, ours) {
        case (.success(let expected), .success(let actual)):
            #expect(actual == expected, "\(body)", sourceLocation: sourceLocation)
        case (.failure(let expected), .failure(let actual)):
            if case DecodingError.dataCorrupted = expected { return }
            #expect(readableDescription(of: actual) == readableDescription(of: expected), "\(body)", sourceLocation: sourceLocation)
        case (.success(let expected), .failure(let error)):
            Issue.record("\(body): JSONDecoder read \(expected), AnswerDecoder threw \(error)", sourceLocation: sourceLocation)
        case (.failure(let error), .success(let actual)):
            Issue.record("\(body): AnswerDecoder read \(actual), JSONDecoder threw \(error)", sourceLocation: sourceLocation)
        }
    }

    struct DescribeKey: Decodable, Equatable { var KeyMetadata: KMSKey? }
    struct ListKeys: Decodable, Equatable { var Keys: [KeyListEntry]?; var NextMarker: String?; var Truncated: Bool? }
    struct ListAliases: Decodable, Equatable { var Aliases: [KMSAlias]?; var NextMarker: String?; var Truncated: Bool? }
    struct ListAccounts: Decodable, Equatable { var Accounts: [OrganizationAccount]?; var NextToken: String? }
    struct Numbers: Decodable, Equatable {
        var int: Int?
        var int8: Int8?
        var uint: UInt?
        var uint64: UInt64?
        var double: Double?
        var float: Float?
    }
    struct Required: Decodable, Equatable { var name: String; var count: Int; var flag: Bool; var list: [String] }
    struct Nested: Decodable, Equatable { var map: [String: Int]?; var grid: [[Int]]?; var optionals: [String?]? }

    @Test("Every answer shape reads as JSONDecoder reads it")
    func answerShapes() {
        Self.agree(DescribeKey.self, ModelDecodingTests.fullKeyMetadata)
        Self.agree(DescribeKey.self, #"{"KeyMetadata":{"KeyId":"k"}}"#)
        Self.agree(DescribeKey.self, #"{"KeyMetadata":null}"#)
        Self.agree(DescribeKey.self, "{}")
        Self.agree(
            KeyRotationStatus.self,
            #"{"KeyRotationEnabled":true,"KeyId":"arn:aws:kms:us-east-1:111122223333:key/k","RotationPeriodInDays":180,"NextRotationDate":1800000000.25,"OnDemandRotationStartDate":1790000000}"#
        )
        Self.agree(
            ListKeys.self,
            #"{"Keys":[{"KeyId":"a","KeyArn":"arn:aws:kms:us-east-1:111122223333:key/a"},{"KeyId":"b"}],"NextMarker":"m/+=","Truncated":true}"#
        )
        Self.agree(
            ListAliases.self,
            #"{"Aliases":[{"AliasName":"aws/ebs","AliasArn":"arn:aws:kms:us-east-1:111122223333:alias/aws/ebs","CreationDate":1700000000},{"AliasName":"alias/x","TargetKeyId":"k","LastUpdatedDate":1.7e9}],"Truncated":false}"#
        )
        Self.agree(
            KeyRotationEntry.self,
            #"{"KeyId":"k","KeyMaterialId":"aa","ImportState":"IMPORTED","RotationDate":1700000000,"RotationType":"ON_DEMAND","ValidTo":1800000000}"#
        )
        Self.agree(
            ListAccounts.self,
            #"{"Accounts":[{"Id":"111122223333","Arn":"arn:aws:organizations::999988887777:account/o-abc/111122223333","Name":"Prod \u00e9","Email":"a@b.c","Status":"ACTIVE","State":"ACTIVE","JoinedMethod":"INVITED","JoinedTimestamp":1.7e9}],"NextToken":"t"}"#
        )
        Self.agree(KeyLastUsage.self, #"{"KeyLastUsage":{"Operation":"Decrypt","Timestamp":1790000000.5},"TrackingStartDate":1780000000}"#)
        Self.agree(KeyLastUsage.self, #"{"KeyLastUsage":null,"TrackingStartDate":1780000000}"#)
    }

    @Test("Wrong types, nulls and missing members fail at the same path with the same words")
    func errors() {
        let bodies = [
            #"{"KeyMetadata":{"Arn":"arn"}}"#, #"{"KeyMetadata":{"KeyId":42}}"#, #"{"KeyMetadata":{"KeyId":null}}"#,
            #"{"KeyMetadata":{"KeyId":"k","Enabled":"yes"}}"#, #"{"KeyMetadata":{"KeyId":"k","CreationDate":"2024-01-01"}}"#,
            #"{"KeyMetadata":{"KeyId":"k","KeySpec":7}}"#, #"{"KeyMetadata":{"KeyId":"k","EncryptionAlgorithms":"SYMMETRIC_DEFAULT"}}"#,
            #"{"KeyMetadata":{"KeyId":"k","EncryptionAlgorithms":["SYMMETRIC_DEFAULT",null]}}"#,
            #"{"KeyMetadata":{"KeyId":"k","SigningAlgorithms":[1]}}"#, #"{"KeyMetadata":{"KeyId":"k","MultiRegionConfiguration":[]}}"#,
            #"{"KeyMetadata":{"KeyId":"k","MultiRegionConfiguration":{"ReplicaKeys":[{"Arn":5}]}}}"#, #"{"KeyMetadata":[]}"#,
            #"{"KeyMetadata":"k"}"#, "[]", "7", "null", #""text""#,
        ]
        for body in bodies { Self.agree(DescribeKey.self, body) }
        for body in [
            #"{"name":"n","count":1,"flag":true}"#, #"{"name":"n","count":1,"flag":true,"list":null}"#,
            #"{"name":"n","count":true,"flag":true,"list":[]}"#, #"{"name":"n","count":1,"flag":1,"list":[]}"#,
            #"{"name":["n"],"count":1,"flag":true,"list":[]}"#, #"{"name":"n","count":1,"flag":true,"list":[1]}"#,
            #"{"name":"n","count":1,"flag":true,"list":["a","b"]}"#,
        ] {
            Self.agree(Required.self, body)
        }
    }

    @Test("Dictionaries, nested arrays and optional elements")
    func containers() {
        for body in [
            #"{"map":{"a":1,"B":2,"é":3},"grid":[[1,2],[],[3]],"optionals":["a",null,"b"]}"#, #"{"map":{}}"#,
            #"{"map":{"a":"x"}}"#, #"{"grid":[[1],[null]]}"#, #"{"grid":[1]}"#, #"{"optionals":[null,null]}"#,
        ] {
            Self.agree(Nested.self, body)
        }
    }

    @Test("Numbers: exact integers (1.0 and 1e2 included), finite doubles, and ranges")
    func numbers() throws {
        for body in [
            #"{"int":1.0}"#, #"{"int":1e2}"#, #"{"int":1E+2}"#, #"{"int":-0}"#, #"{"int":-1.0e0}"#, #"{"int":9223372036854775807}"#,
            #"{"int":-9223372036854775808}"#, #"{"int8":127}"#, #"{"uint":0}"#, #"{"uint64":18446744073709551615}"#,
            #"{"double":1.5}"#, #"{"double":1}"#, #"{"double":-0.0}"#, #"{"double":1700000000.123}"#, #"{"double":1.7976931348623157e308}"#,
            #"{"float":1.25}"#, #"{"int":0.0}"#,
        ] {
            Self.agree(Numbers.self, body)
        }
        // The one known difference: RFC 8259 allows a zero with an exponent; Foundation refuses it.
        #expect(try AnswerDecoder.decode(Numbers.self, from: Data(#"{"double":0e5}"#.utf8)).double == 0)
        // Where JSONDecoder answers "not valid JSON", the answer decoder names the number and the member.
        for (body, member) in [
            (#"{"int":1.5}"#, "int"), (#"{"int":9223372036854775808}"#, "int"), (#"{"int8":128}"#, "int8"), (#"{"uint":-1}"#, "uint"),
            (#"{"double":1e400}"#, "double"), (#"{"double":-1e400}"#, "double"), (#"{"double":1e-400}"#, "double"),
            (#"{"float":1e39}"#, "float"),
        ] {
            #expect(throws: DecodingError.self, "\(body)") { try JSONDecoder().decode(Numbers.self, from: Data(body.utf8)) }
            do {
                _ = try AnswerDecoder.decode(Numbers.self, from: Data(body.utf8))
                Issue.record("\(body) should not decode")
            } catch {
                #expect(readableDescription(of: error).hasPrefix(".\(member): Number "), "\(readableDescription(of: error))")
            }
        }
    }

    @Test("A repeated member: the first wins, in small objects and in indexed large ones")
    func repeatedMembers() throws {
        Self.agree(Numbers.self, #"{"int":1,"int":2}"#)
        let filler = (0..<20).map { #""m\#($0)":\#($0)"# }.joined(separator: ",")
        Self.agree(Numbers.self, #"{\#(filler),"int":1,"int":2}"#)
        let object = try AnswerJSON.parse(Data(#"{\#(filler),"int":1,"int":2}"#.utf8))
        guard case .object(let members) = object else {
            Issue.record("not an object")
            return
        }
        #expect(members.keys.count == 21)
        #expect(members.members.count == 22)
    }

    @Test("Strings: escapes, surrogate pairs, UTF-8 and control characters")
    func strings() {
        for text in [
            #""plain""#, #""\"\\\/\b\f\n\r\t""#, #""\u0000\u001f\u007f\u00e9\u20ac""#, #""\ud83d\ude00""#, "\"é€😀\"", "\"\u{7F}\"",
            #""\uD83D\uDE00 mixed \u00E9""#, #""""#, #""a\u0022b""#,
        ] {
            Self.agree(KeyListEntry.self, #"{"KeyId":\#(text)}"#)
        }
        for invalid in [
            #""\ud83d""#, #""\ude00x""#, #""\ud83d\u0041""#, "\"tab\there\"", #""\x""#, #""\u12""#, #""\u12g4""#, #""unterminated"#,
            "\"new\nline\"",
        ] {
            #expect(throws: DecodingError.self, "\(invalid)") {
                try AnswerDecoder.decode(KeyListEntry.self, from: Data(#"{"KeyId":\#(invalid)}"#.utf8))
            }
        }
        var invalidUTF8 = Data(#"{"KeyId":""#.utf8)
        invalidUTF8.append(contentsOf: [0xC3, 0x28])
        invalidUTF8.append(contentsOf: Data(#""}"#.utf8))
        #expect(throws: DecodingError.self) { try AnswerDecoder.decode(KeyListEntry.self, from: invalidUTF8) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(KeyListEntry.self, from: invalidUTF8) }
    }

    @Test(
        "Malformed JSON is refused, with the offset",
        arguments: [
            "", " ", "{", "}", "[", "{\"KeyId\"}", "{\"KeyId\":}", "{\"KeyId\" \"k\"}", "{KeyId:\"k\"}", "{'KeyId':'k'}",
            "{\"KeyId\":\"k\",}", "[1,]", "[1 2]", "{\"KeyId\":\"k\"} x", "{\"KeyId\":\"k\"}{}", "tru", "nul", "falsey", "01", "-",
            "1.", ".5", "1e", "1e+", "+1", "NaN", "Infinity", "\u{FEFF}{}", "{\"a\":1}\u{0}",
        ])
    func malformed(_ body: String) throws {
        #expect(throws: AnswerJSONError.self, "\(body)") { try AnswerJSON.parse(Data(body.utf8)) }
        do {
            _ = try AnswerDecoder.decode(Numbers.self, from: Data(body.utf8))
            Issue.record("\(body) should not decode")
        } catch {
            #expect(readableDescription(of: error).hasPrefix("the document: The given data was not valid JSON: "))
            #expect(readableDescription(of: error).contains(" at byte "))
        }
    }

    @Test("Whitespace anywhere between tokens")
    func whitespace() {
        Self.agree(ListKeys.self, " \t\r\n{ \"Keys\" :\n[ { \"KeyId\" : \"a\" } ,\t{\"KeyId\":\"b\"} ] , \"Truncated\" : false } \n")
    }

    @Test("Nesting: the cap is refused as it is reached, and marked as such")
    func depth() throws {
        let deepest = String(repeating: "[", count: JSONNesting.maximumDepth) + String(repeating: "]", count: JSONNesting.maximumDepth)
        _ = try AnswerJSON.parse(Data(deepest.utf8))
        let tooDeep = String(repeating: "{\"a\":", count: 33) + "1" + String(repeating: "}", count: 33)
        do {
            _ = try AnswerJSON.parse(Data(tooDeep.utf8))
            Issue.record("33 levels should be refused")
        } catch {
            #expect(error.isTooDeep)
        }
        // Unbalanced and hostile: refused at the cap, not after recursing through the whole body.
        let hostile = Data(String(repeating: "[", count: 1_000_000).utf8)
        do {
            _ = try AnswerJSON.parse(hostile)
            Issue.record("a million brackets should be refused")
        } catch {
            #expect(error.isTooDeep)
            #expect(error.offset == JSONNesting.maximumDepth)
        }
    }

    @Test("Generated KeyMetadata answers, with unknown members and escapes, read as JSONDecoder reads them")
    func generated() throws {
        var random = SplitMix64(seed: 0x5EED_0A1E)
        let states = ["Enabled", "Disabled", "PendingDeletion", "PendingImport", "Unavailable", "Creating", "Updating", "NewIn2027"]
        let specs = ["SYMMETRIC_DEFAULT", "RSA_2048", "HMAC_256", "ML_DSA_65", "ECC_NIST_EDWARDS25519", "FUTURE_SPEC"]
        let texts = ["", "orders", "a \"quoted\" / slashed \\ text", "tab\tnew\nline", "é€😀", "\u{0}\u{1F}\u{7F}", "</script>"]
        for iteration in 0..<300 {
            var key = KMSKey(keyId: "k-\(iteration)-\(texts[random.below(texts.count)])")
            if random.coin() { key.arn = "arn:aws:kms:us-east-1:111122223333:key/\(iteration)" }
            if random.coin() { key.awsAccountId = "111122223333" }
            if random.coin() { key.creationDate = Date(timeIntervalSince1970: Double(random.below(2_000_000_000)) + 0.125) }
            if random.coin() { key.enabled = random.coin() }
            if random.coin() { key.description = texts[random.below(texts.count)] }
            if random.coin() { key.keyState = KeyState(rawValue: states[random.below(states.count)]) }
            if random.coin() { key.keySpec = KeySpec(rawValue: specs[random.below(specs.count)]) }
            if random.coin() { key.customerMasterKeySpec = KeySpec(rawValue: specs[random.below(specs.count)]) }
            if random.coin() { key.keyManager = random.coin() ? .customer : .aws }
            if random.coin() { key.origin = KeyOrigin(rawValue: random.coin() ? "AWS_KMS" : "EXTERNAL_KEY_STORE") }
            if random.coin() { key.multiRegion = random.coin() }
            if random.coin() {
                key.multiRegionConfiguration = MultiRegionConfiguration(
                    multiRegionKeyType: random.coin() ? .primary : .replica, primaryKey: MultiRegionKey(arn: "arn:p", region: "us-east-1"),
                    replicaKeys: (0..<random.below(4)).map { MultiRegionKey(arn: "arn:r\($0)", region: nil) })
            }
            if random.coin() { key.pendingDeletionWindowInDays = 7 + random.below(24) }
            let encoder = JSONEncoder()
            encoder.outputFormatting = random.coin() ? [.prettyPrinted] : []
            var body = String(decoding: try encoder.encode(key), as: UTF8.self)
            // Members the model does not know, which must be skipped, whatever they hold.
            if random.coin() { body = #"{"FutureMember":{"a":[1,2.5e-3,{"b":null}],"c":"\u00e9"},"# + body.dropFirst() }
            Self.agree(DescribeKey.self, #"{"KeyMetadata":\#(body),"Extra":[true,false,null]}"#)
        }
    }

    @Test("Mutated answers: the answer decoder never reads a value JSONDecoder refuses, and agrees when both read")
    func mutated() throws {
        var random = SplitMix64(seed: 0xF0CC_ACC1)
        let seeds = [
            Data(ModelDecodingTests.fullKeyMetadata.utf8),
            Data(#"{"Keys":[{"KeyId":"a","KeyArn":"arn:aws:kms:us-east-1:111122223333:key/a"}],"NextMarker":"m","Truncated":true}"#.utf8),
        ]
        let alphabet = Array(#"{}[]",:0123456789.eE+-tfnul\ "#.utf8) + [0x00, 0x1F, 0x7F, 0xC3, 0xFF]
        var readByBoth = 0
        for _ in 0..<3_000 {
            var bytes = Array(seeds[random.below(seeds.count)])
            for _ in 0...random.below(3) {
                let position = random.below(bytes.count)
                switch random.below(3) {
                case 0: bytes[position] = alphabet[random.below(alphabet.count)]
                case 1: bytes.remove(at: position)
                default: bytes.insert(alphabet[random.below(alphabet.count)], at: position)
                }
            }
            let data = Data(bytes)
            guard let ours = try? AnswerDecoder.decode(DescribeKey.self, from: data) else { continue }
            let theirs = try? JSONDecoder().decode(DescribeKey.self, from: data)
            #expect(theirs == ours, "\(String(decoding: bytes, as: UTF8.self))")
            readByBoth += 1
        }
        #expect(readByBoth > 100)
    }
    // fixed-clock-end
}
