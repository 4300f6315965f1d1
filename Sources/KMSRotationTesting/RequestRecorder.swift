import Foundation

/// Records the requests a transport sends, for assertions in tests.
///
/// ```swift
/// let recorder = RequestRecorder()
/// let transport = MockTransport.json("{}").recording(into: recorder)
/// // ... exercise the code under test ...
/// #expect(await recorder.targets == ["TrentService.ListKeys"])
/// ```
public actor RequestRecorder {
    /// Every recorded request, oldest first.
    public private(set) var requests: [HTTPRequest] = []

    /// Creates an empty recorder.
    public init() {}

    /// Records a request.
    /// - Parameter request: The request that was sent.
    public func record(_ request: HTTPRequest) {
        requests.append(request)
    }

    /// How many requests were recorded.
    public var count: Int { requests.count }

    /// The most recent request, if any.
    public var last: HTTPRequest? { requests.last }

    /// The `X-Amz-Target` header of each recorded request (empty string when absent), oldest first.
    public var targets: [String] { requests.map { $0.headers["X-Amz-Target"] ?? "" } }

    /// The requests whose `X-Amz-Target` is `TrentService.<operation>`.
    /// - Parameter operation: The KMS operation name, such as `GetKeyRotationStatus`.
    /// - Returns: The matching requests, oldest first.
    public func requests(forOperation operation: String) -> [HTTPRequest] {
        requests.filter { $0.headers["X-Amz-Target"] == "TrentService.\(operation)" }
    }

    /// Forgets every recorded request.
    public func reset() {
        requests.removeAll()
    }
}
