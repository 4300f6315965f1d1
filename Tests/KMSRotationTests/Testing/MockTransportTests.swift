import Foundation
import Testing
import KMSRotationTesting

@Suite("MockTransport")
struct MockTransportTests {
    private let request = HTTPRequest(
        method: "POST", url: URL(string: "https://kms.us-east-1.amazonaws.com/")!, headers: ["X-Amz-Target": "TrentService.ListKeys"],
        body: Data("{}".utf8))

    @Test func closureSeesTheRequest() async throws {
        let transport = MockTransport { request in
            HTTPResponse(status: request.headers["x-amz-target"] == "TrentService.ListKeys" ? 200 : 400, body: request.body)
        }
        let response = try await transport.send(request)
        #expect(response.status == 200)
        #expect(response.body == Data("{}".utf8))
    }

    @Test func jsonPreset() async throws {
        let response = try await MockTransport.json(status: 400, #"{"__type":"NotFoundException"}"#).send(request)
        #expect(response.status == 400)
        #expect(response.headers["Content-Type"] == "application/x-amz-json-1.1")
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"__type":"NotFoundException"}"#)
        #expect(try await MockTransport.json("{}").send(request).status == 200)
    }

    @Test func statusPreset() async throws {
        let response = try await MockTransport.status(503, body: "busy").send(request)
        #expect(response.status == 503)
        #expect(String(decoding: response.body, as: UTF8.self) == "busy")
    }

    @Test func failingPreset() async {
        let error = await #expect(throws: TransportError.self) {
            try await MockTransport.failing(TransportError(.connectionFailed, "refused")).send(request)
        }
        #expect(error?.kind == .connectionFailed)
        #expect(error?.message == "refused")
    }

    @Test func sequenceReplaysInOrderThenFailsLoudly() async throws {
        let transport = MockTransport.sequence([
            .json(status: 400, #"{"__type":"ThrottlingException","message":"Rate exceeded"}"#),
            .failing(TransportError(.timedOut, "slow")),
            .status(204),
        ])
        #expect(try await transport.send(request).status == 400)
        await #expect(throws: TransportError.self) { try await transport.send(request) }
        // A copy shares the position.
        let copy = transport
        #expect(try await copy.send(request).status == 204)
        let error = await #expect(throws: TransportError.self) { try await transport.send(request) }
        #expect(error?.kind == .invalidResponse)
        #expect(error?.message.contains("exhausted") == true)
    }

    @Test func recordingKeepsEveryRequest() async throws {
        let recorder = RequestRecorder()
        let transport = MockTransport.json("{}").recording(into: recorder)
        _ = try await transport.send(request)
        var second = request
        second.headers["X-Amz-Target"] = "TrentService.DescribeKey"
        _ = try await transport.send(second)
        #expect(await recorder.count == 2)
        #expect(await recorder.targets == ["TrentService.ListKeys", "TrentService.DescribeKey"])
        #expect(await recorder.requests(forOperation: "DescribeKey").count == 1)
        #expect(await recorder.last == second)
        await recorder.reset()
        #expect(await recorder.count == 0)
    }

    @Test func recordingAlsoRecordsFailures() async {
        let recorder = RequestRecorder()
        let transport = MockTransport.recording(MockTransport.failing(TransportError(.connectionFailed, "x")), into: recorder)
        await #expect(throws: TransportError.self) { try await transport.send(request) }
        #expect(await recorder.count == 1)
    }

    @Test func timeoutCancelsASlowHandler() async {
        let transport = MockTransport { _ in
            try await Task.sleep(for: .seconds(30))
            return HTTPResponse(status: 200)
        }
        var slow = request
        slow.timeout = .milliseconds(50)
        let error = await #expect(throws: TransportError.self) { try await transport.send(slow) }
        #expect(error?.kind == .timedOut)
    }

    @Test func fastHandlerBeatsTimeout() async throws {
        var quick = request
        quick.timeout = .seconds(10)
        #expect(try await MockTransport.status(200).send(quick).status == 200)
    }

    @Test func cancelledTaskDoesNotCallTheHandler() async {
        let recorder = RequestRecorder()
        let transport = MockTransport.status(200).recording(into: recorder)
        let request = self.request
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await MockTransport { try await transport.send($0) }.send(request)
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(await recorder.count == 0)
    }
}
