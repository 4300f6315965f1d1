import Foundation
import Testing
import KMSRotationTesting

@Suite("InMemoryKMS wire protocol, Regions, access, faults, accounting")
struct InMemoryKMSWireTests {
    private func makeKMS() -> (InMemoryKMS, String) {
        let kms = InMemoryKMS(clock: { SampleAccount.referenceDate })
        let id = kms.addKey(.init(rotationEnabled: true, description: "k", aliases: ["alias/k"]), region: "us-east-1")
        return (kms, id)
    }

    @Test func successResponseIsJSON11WithEpochTimestamps() async throws {
        let (kms, id) = makeKMS()
        let reply = try await KMSWireClient(kms).call("DescribeKey", ["KeyId": id])
        #expect(reply.status == 200)
        #expect(reply.headers["Content-Type"] == "application/x-amz-json-1.1")
        #expect(reply.headers["x-amzn-RequestId"]?.isEmpty == false)
        #expect(reply.keyMetadata["CreationDate"] is NSNumber)
        #expect((reply.keyMetadata["CreationDate"] as? NSNumber)?.doubleValue == SampleAccount.referenceDate.timeIntervalSince1970)
        #expect(reply.text.contains(#""CreationDate":1768435200"#))
    }

    @Test func errorBodyHasTypeAndMessage() async throws {
        let (kms, _) = makeKMS()
        let reply = try await KMSWireClient(kms).call("DescribeKey", ["KeyId": "alias/missing"])
        #expect(reply.status == 400)
        #expect(reply.errorType == "NotFoundException")
        #expect(reply.message == "Alias 'arn:aws:kms:us-east-1:111122223333:alias/missing' is not found.")
        #expect(reply.object.keys.sorted() == ["__type", "message"])
    }

    @Test func modelledStatusStyle() async throws {
        let kms = InMemoryKMS(options: .init(errorStatusStyle: .modelled))
        let client = KMSWireClient(kms)
        #expect(try await client.call("DescribeKey", ["KeyId": "nope"]).status == 404)
        let disabled = kms.addKey(.init(keyState: .disabled), region: "us-east-1")
        #expect(try await client.call("EnableKeyRotation", ["KeyId": disabled]).status == 409)
        #expect(try await client.call("ListKeys", ["Limit": 0]).status == 400)
    }

    @Test func unknownAndMissingTarget() async throws {
        let (kms, _) = makeKMS()
        let client = KMSWireClient(kms)
        let unknown = try await client.raw("Encrypt", json: "{}")
        #expect(unknown.status == 400)
        #expect(unknown.errorType == "UnknownOperationException")
        var request = InMemoryKMS.request("ListKeys")
        request.headers["X-Amz-Target"] = nil
        #expect(try await client.send(request).errorType == "UnknownOperationException")
        request.headers["X-Amz-Target"] = "DynamoDB_20120810.ListTables"
        #expect(try await client.send(request).errorType == "UnknownOperationException")
        var get = InMemoryKMS.request("ListKeys")
        get.method = "GET"
        #expect(try await client.send(get).errorType == "UnknownOperationException")
    }

    @Test(arguments: ["{not json", "", "[]", "null", #"{"Limit":"10"}"#, #"{"Limit":1.5}"#, #"{"Marker":7}"#])
    func malformedBodiesAreSerializationErrors(body: String) async throws {
        let (kms, _) = makeKMS()
        let reply = try await KMSWireClient(kms).raw("ListKeys", json: body)
        #expect(reply.status == 400)
        #expect(reply.errorType == "SerializationException")
    }

    @Test func wrongContentTypeIsRejected() async throws {
        let (kms, _) = makeKMS()
        var request = InMemoryKMS.request("ListKeys")
        request.headers["Content-Type"] = "application/json"
        #expect(try await KMSWireClient(kms).send(request).errorType == "SerializationException")
    }

    @Test func regionFromHostThenCredentialScopeThenDefault() async throws {
        let kms = InMemoryKMS()
        let east = kms.addKey(.init(), region: "us-east-1")
        let west = kms.addKey(.init(), region: "eu-west-1")
        let client = KMSWireClient(kms)
        func keys(_ request: HTTPRequest) async throws -> [String] {
            try await client.send(request).list("Keys").compactMap { $0["KeyId"] as? String }
        }
        // Host header.
        #expect(try await keys(InMemoryKMS.request("ListKeys", region: "eu-west-1")) == [west])
        // Loopback endpoint: the SigV4 credential scope names the Region.
        var loopback = HTTPRequest(
            method: "POST", url: URL(string: "http://127.0.0.1:4566/")!,
            headers: [
                "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService.ListKeys", "Host": "127.0.0.1:4566",
                "Authorization":
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/eu-west-1/kms/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc",
            ], body: Data("{}".utf8))
        #expect(try await keys(loopback) == [west])
        // FIPS host.
        loopback.headers["Host"] = "kms-fips.us-east-1.amazonaws.com"
        #expect(try await keys(loopback) == [east])
        // Neither: the default Region.
        loopback.headers["Host"] = "127.0.0.1:4566"
        loopback.headers["Authorization"] = nil
        #expect(try await keys(loopback) == [east])
        kms.options.defaultRegion = nil
        #expect(try await client.send(loopback).errorType == "MissingAuthenticationTokenException")
        #expect(kms.callLog.last?.region == nil)
    }

    @Test func keysInOtherRegionsAreNotFound() async throws {
        let (kms, id) = makeKMS()
        let client = KMSWireClient(kms)
        #expect(try await client.call("DescribeKey", ["KeyId": id], region: "eu-west-1").errorType == "NotFoundException")
        #expect(try await client.call("DescribeKey", ["KeyId": "alias/k"], region: "eu-west-1").errorType == "NotFoundException")
        // The key's own ARN sent to another Region's endpoint.
        let arn = kms.keyArn(id, region: "us-east-1")
        #expect(try await client.call("DescribeKey", ["KeyId": arn], region: "eu-west-1").errorType == "NotFoundException")
        // Another account's ARN.
        #expect(
            try await client.call("DescribeKey", ["KeyId": "arn:aws:kms:us-east-1:444455556666:key/\(id)"]).errorType == "NotFoundException"
        )
        #expect(try await client.call("DescribeKey", ["KeyId": "arn:aws:kms"]).errorType == "InvalidArnException")
    }

    @Test func disabledRegionRejectsEveryOperation() async throws {
        let kms = InMemoryKMS()
        kms.addKey(.init(), region: "ap-east-1")
        kms.disableRegion("ap-east-1")
        #expect(!kms.isRegionEnabled("ap-east-1"))
        let client = KMSWireClient(kms, region: "ap-east-1")
        for operation in ["ListKeys", "DescribeKey", "GetKeyRotationStatus", "ListAliases", "Encrypt"] {
            let reply = try await client.call(operation, ["KeyId": "x"])
            #expect(reply.status == 400)
            #expect(reply.errorType == "UnrecognizedClientException")
            #expect(reply.message == "The security token included in the request is invalid.")
        }
        #expect(kms.callCount("ListKeys", region: "ap-east-1") == 1)
        kms.enableRegion("ap-east-1")
        #expect(try await client.call("ListKeys").list("Keys").count == 1)
    }

    @Test func denyOperationEverywhereForAKeyOrInARegion() async throws {
        let kms = InMemoryKMS()
        let a = kms.addKey(.init(rotationEnabled: true), region: "us-east-1")
        let b = kms.addKey(.init(rotationEnabled: true), region: "us-east-1")
        let c = kms.addKey(.init(rotationEnabled: true), region: "eu-west-1")
        let client = KMSWireClient(kms)
        kms.denyOperation("GetKeyRotationStatus", keyId: kms.keyArn(a, region: "us-east-1"))
        let denied = try await client.call("GetKeyRotationStatus", ["KeyId": a])
        #expect(denied.errorType == "AccessDeniedException")
        #expect(denied.message?.contains("kms:GetKeyRotationStatus") == true)
        #expect(try await client.call("GetKeyRotationStatus", ["KeyId": b]).status == 200)
        kms.denyOperation("GetKeyRotationStatus", region: "eu-west-1")
        #expect(try await client.call("GetKeyRotationStatus", ["KeyId": c], region: "eu-west-1").errorType == "AccessDeniedException")
        kms.denyOperation("ListKeys")
        #expect(try await client.call("ListKeys").errorType == "AccessDeniedException")
        kms.removeAllDenials()
        #expect(try await client.call("ListKeys").status == 200)
        #expect(try await client.call("GetKeyRotationStatus", ["KeyId": a]).status == 200)
    }

    @Test func throttleFirstRequestsThenSucceed() async throws {
        let (kms, id) = makeKMS()
        kms.throttle(operation: "GetKeyRotationStatus", schedule: .first(2))
        let client = KMSWireClient(kms)
        for _ in 0..<2 {
            let reply = try await client.call("GetKeyRotationStatus", ["KeyId": id])
            #expect(reply.status == 400)
            #expect(reply.errorType == "ThrottlingException")
            #expect(reply.message == "Rate exceeded")
        }
        #expect(try await client.call("GetKeyRotationStatus", ["KeyId": id]).status == 200)
        #expect(try await client.call("DescribeKey", ["KeyId": id]).status == 200)
        #expect(kms.callCount("GetKeyRotationStatus") == 3)
        #expect(kms.callLog.filter { $0.errorCode == "ThrottlingException" }.count == 2)
    }

    @Test func everyNthAndServerFaults() async throws {
        let (kms, _) = makeKMS()
        let client = KMSWireClient(kms)
        kms.throttle(operation: "ListKeys", schedule: .everyNth(3))
        let statuses = try await (0..<6).asyncMap { _ in try await client.call("ListKeys").errorType ?? "ok" }
        #expect(statuses == ["ok", "ok", "ThrottlingException", "ok", "ok", "ThrottlingException"])
        kms.removeAllFaults()
        kms.injectFault(.internalError, operation: "ListAliases", schedule: .first(1))
        kms.injectFault(.serviceUnavailable, region: "eu-west-1")
        let internalError = try await client.call("ListAliases")
        #expect(internalError.status == 500)
        #expect(internalError.errorType == "KMSInternalException")
        #expect(try await client.call("ListAliases").status == 200)
        let unavailable = try await client.call("ListKeys", region: "eu-west-1")
        #expect(unavailable.status == 503)
        #expect(unavailable.errorType == "ServiceUnavailable")
        kms.injectFault(.init(status: 400, code: "RequestExpired", message: "Request has expired."), operation: "DescribeKey")
        #expect(try await client.call("DescribeKey", ["KeyId": "alias/k"]).errorType == "RequestExpired")
    }

    @Test func latencyDelaysAndHonoursCancellation() async throws {
        let (kms, _) = makeKMS()
        kms.setLatency(.milliseconds(100), operation: "ListKeys")
        let clock = ContinuousClock()
        let start = clock.now
        #expect(try await KMSWireClient(kms).call("ListKeys").status == 200)
        #expect(clock.now - start >= .milliseconds(100))

        kms.setLatency(.seconds(600))
        let task = Task { try await kms.send(InMemoryKMS.request("DescribeKey", json: #"{"KeyId":"alias/k"}"#)) }
        try await Task.sleep(for: .milliseconds(50))
        let cancelledAt = clock.now
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(clock.now - cancelledAt < .seconds(60))  // far below the 600 s latency, with room for a loaded CI machine
        #expect(kms.callCount("DescribeKey") == 0)

        var bounded = InMemoryKMS.request("ListKeys")
        bounded.timeout = .milliseconds(20)
        let error = await #expect(throws: TransportError.self) { try await kms.send(bounded) }
        #expect(error?.kind == .timedOut)
        kms.setLatency(nil)
        kms.setLatency(nil, operation: "ListKeys")
        #expect(try await kms.send(bounded).status == 200)
    }

    @Test func callAccountingByOperationRegionAndKey() async throws {
        let kms = InMemoryKMS()
        let east = kms.addKey(.init(aliases: ["alias/e"]), region: "us-east-1")
        kms.addKey(.init(), region: "eu-west-1")
        let client = KMSWireClient(kms)
        _ = try await client.call("ListKeys")
        _ = try await client.call("ListKeys", region: "eu-west-1")
        _ = try await client.call("DescribeKey", ["KeyId": "alias/e"])
        _ = try await client.call("DescribeKey", ["KeyId": kms.keyArn(east, region: "us-east-1")])
        _ = try await client.call("DescribeKey", ["KeyId": "missing"])
        #expect(kms.callCount("ListKeys") == 2)
        #expect(kms.callCount("ListKeys", region: "eu-west-1") == 1)
        #expect(kms.callCount("DescribeKey", keyId: east) == 2)
        #expect(kms.callCount("DescribeKey", keyId: "missing") == 1)
        #expect(kms.callLog.map(\.operation) == ["ListKeys", "ListKeys", "DescribeKey", "DescribeKey", "DescribeKey"])
        #expect(
            kms.callLog.last
                == InMemoryKMS.Call(
                    operation: "DescribeKey", region: "us-east-1", keyId: "missing", status: 400, errorCode: "NotFoundException"))
        kms.resetCallLog()
        #expect(kms.callLog.isEmpty)
    }

    @Test func servesAsMockTransportAndConcurrently() async throws {
        let kms = InMemoryKMS()
        for _ in 0..<5 { kms.addKey(.init(), region: "us-east-1") }
        let recorder = RequestRecorder()
        let client = KMSWireClient(kms.transport.recording(into: recorder))
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<50 { group.addTask { try await client.call("ListKeys").list("Keys").count } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(counts == Array(repeating: 5, count: 50))
        #expect(await recorder.count == 50)
        #expect(kms.callCount("ListKeys") == 50)
    }

    @Test func keyIdsAreDeterministicAndWellFormed() {
        let first = InMemoryKMS()
        let second = InMemoryKMS()
        let ids = (0..<5).map { _ in first.addKey(.init(), region: "us-east-1") }
        #expect(ids == (0..<5).map { _ in second.addKey(.init(), region: "us-east-1") })
        #expect(Set(ids).count == 5)
        let uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
        #expect(ids.allSatisfy { $0.wholeMatch(of: uuid) != nil })
        let mrk = first.addKey(.init(multiRegion: true), region: "us-east-1")
        #expect(mrk.wholeMatch(of: /^mrk-[0-9a-f]{32}$/) != nil)
        #expect(InMemoryKMS(accountId: "444455556666").addKey(.init(), region: "us-east-1") != ids[0])
        #expect(first.keyArn(ids[0], region: "cn-north-1") == "arn:aws-cn:kms:cn-north-1:111122223333:key/\(ids[0])")
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
