import Foundation

/// A closure-backed ``HTTPTransport`` for tests: decide in a closure what each request gets, or use a
/// preset.
///
/// Use it wherever code under test takes an `any HTTPTransport`:
/// ```swift
/// let transport = MockTransport.json(#"{"Keys":[],"Truncated":false}"#)
/// let flaky = MockTransport.sequence([.json(status: 400, #"{"__type":"ThrottlingException"}"#), .json("{}")])
/// let custom = MockTransport { request in
///     HTTPResponse(status: request.url.path == "/" ? 200 : 404)
/// }
/// ```
///
/// Like every conformance it honours ``HTTPRequest/timeout``: when the handler has not answered in
/// time, it is cancelled and ``TransportError/Kind/timedOut`` is thrown. A cancelled calling task
/// cancels the handler too. Handlers that wait should use cancellable waits (`Task.sleep`).
public struct MockTransport: HTTPTransport {
    /// The closure that answers each request.
    public let handler: @Sendable (HTTPRequest) async throws -> HTTPResponse

    /// Creates a transport that answers every request with `handler`.
    /// - Parameter handler: Returns the response for a request, or throws as a transport would
    ///   (a ``TransportError`` or `CancellationError`).
    public init(_ handler: @escaping @Sendable (HTTPRequest) async throws -> HTTPResponse) {
        self.handler = handler
    }

    /// Sends a request to the handler, bounded by the request's timeout.
    /// - Parameter request: The request.
    /// - Returns: The handler's response.
    /// - Throws: Whatever the handler throws; ``TransportError/Kind/timedOut`` when
    ///   ``HTTPRequest/timeout`` elapses first; `CancellationError` when the calling task is cancelled.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try Task.checkCancellation()
        guard let timeout = request.timeout else {
            return try await handler(request)
        }
        let handler = self.handler
        return try await withThrowingTaskGroup(of: HTTPResponse?.self) { group in
            group.addTask { try await handler(request) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            if let first = try await group.next(), let response = first {
                return response
            }
            try Task.checkCancellation()
            throw TransportError(.timedOut, "\(request.method) \(request.url.path) did not complete within \(timeout)")
        }
    }
}

// MARK: - Presets

extension MockTransport {
    /// What a preset answers: a response or an error.
    public enum Reply: Sendable {
        /// Return this response.
        case response(HTTPResponse)
        /// Throw this error (a ``TransportError``, `CancellationError`, ...).
        case failure(any Error)

        /// A JSON response.
        /// - Parameters:
        ///   - status: The status code. Default 200.
        ///   - body: The JSON text, sent as is.
        ///   - contentType: The `Content-Type`. Default `application/x-amz-json-1.1`, as KMS sends.
        /// - Returns: The reply.
        public static func json(status: Int = 200, _ body: String, contentType: String = "application/x-amz-json-1.1") -> Reply {
            .response(HTTPResponse(status: status, headers: ["Content-Type": contentType], body: Data(body.utf8)))
        }

        /// A response with a status code and an optional text body.
        /// - Parameters:
        ///   - status: The status code.
        ///   - body: The body text. Default empty.
        /// - Returns: The reply.
        public static func status(_ status: Int, body: String = "") -> Reply {
            .response(HTTPResponse(status: status, body: Data(body.utf8)))
        }

        /// A thrown error.
        /// - Parameter error: The error to throw.
        /// - Returns: The reply.
        public static func failing(_ error: any Error) -> Reply { .failure(error) }

        /// Returns the response or throws the error.
        /// - Returns: The response.
        /// - Throws: The error of a ``failure(_:)`` reply.
        public func get() throws -> HTTPResponse {
            switch self {
            case .response(let response): return response
            case .failure(let error): throw error
            }
        }
    }

    /// A transport that answers every request with the same reply.
    /// - Parameter reply: The reply.
    /// - Returns: The transport.
    public static func always(_ reply: Reply) -> MockTransport {
        MockTransport { _ in try reply.get() }
    }

    /// A transport that answers every request with a JSON body.
    /// - Parameters:
    ///   - status: The status code. Default 200.
    ///   - body: The JSON text, sent as is.
    /// - Returns: The transport.
    public static func json(status: Int = 200, _ body: String) -> MockTransport {
        always(.json(status: status, body))
    }

    /// A transport that answers every request with a status code and an optional text body.
    /// - Parameters:
    ///   - status: The status code.
    ///   - body: The body text. Default empty.
    /// - Returns: The transport.
    public static func status(_ status: Int, body: String = "") -> MockTransport {
        always(.status(status, body: body))
    }

    /// A transport whose every request fails with `error` (no response).
    /// - Parameter error: The error, typically a ``TransportError``.
    /// - Returns: The transport.
    public static func failing(_ error: any Error) -> MockTransport {
        always(.failure(error))
    }

    /// A transport that replays `replies` in order, one per request, across all copies of it.
    ///
    /// Once every reply was used, further requests throw ``TransportError/Kind/invalidResponse`` with a
    /// message saying the sequence is exhausted, so a test that sends more than it planned fails loudly.
    /// - Parameter replies: The replies, first request first.
    /// - Returns: The transport.
    public static func sequence(_ replies: [Reply]) -> MockTransport {
        let cursor = ReplyCursor(replies)
        return MockTransport { request in
            guard let reply = await cursor.next() else {
                throw TransportError(
                    .invalidResponse,
                    "MockTransport.sequence exhausted: \(replies.count) replies were planned, request \(replies.count + 1) was "
                        + "\(request.method) \(request.url.path)"
                )
            }
            return try reply.get()
        }
    }

    /// A transport that records every request in `recorder`, then forwards it to `transport`.
    /// - Parameters:
    ///   - transport: The transport that answers.
    ///   - recorder: Where requests are recorded, in the order they were sent.
    /// - Returns: The recording transport.
    public static func recording(_ transport: any HTTPTransport, into recorder: RequestRecorder) -> MockTransport {
        MockTransport { request in
            await recorder.record(request)
            return try await transport.send(request)
        }
    }

    /// This transport, recording every request in `recorder` before answering it.
    /// - Parameter recorder: Where requests are recorded.
    /// - Returns: The recording transport.
    public func recording(into recorder: RequestRecorder) -> MockTransport {
        MockTransport.recording(self, into: recorder)
    }
}

/// The position in a ``MockTransport/sequence(_:)``.
private actor ReplyCursor {
    private let replies: [MockTransport.Reply]
    private var index = 0

    init(_ replies: [MockTransport.Reply]) { self.replies = replies }

    func next() -> MockTransport.Reply? {
        guard index < replies.count else { return nil }
        defer { index += 1 }
        return replies[index]
    }
}
