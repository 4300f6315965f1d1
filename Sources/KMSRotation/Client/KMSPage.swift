/// One page of a paginated KMS list operation (ListKeys, ListAliases, ListResourceTags, ListKeyRotations).
public struct KMSPage<Element: Sendable>: Sendable {
    /// The items on this page.
    public var items: [Element]
    /// The marker to pass for the next page; `nil` on the last page.
    public var nextMarker: String?
    /// Whether more pages follow.
    public var truncated: Bool

    /// Creates a page.
    public init(items: [Element], nextMarker: String?, truncated: Bool) {
        self.items = items
        self.nextMarker = nextMarker
        self.truncated = truncated
    }
}

extension KMSPage: Equatable where Element: Equatable {}

/// Every item of a paginated KMS operation, fetched page by page as it is iterated.
///
/// Pages follow `Marker`/`NextMarker` while `Truncated` is true. A service that says `Truncated` without a
/// `NextMarker`, or repeats a marker, would loop forever: the sequence throws ``KMSError/Code/invalidResponse``
/// instead.
public struct KMSPaginator<Element: Sendable>: AsyncSequence, Sendable {
    public typealias Failure = any Error
    let fetch: @Sendable (_ marker: String?) async throws -> KMSPage<Element>
    let operation: String

    /// Creates a paginator from a page-fetching closure.
    /// - Parameters:
    ///   - operation: The operation name, for errors.
    ///   - fetch: Fetches the page after `marker` (`nil` for the first).
    public init(operation: String, fetch: @escaping @Sendable (_ marker: String?) async throws -> KMSPage<Element>) {
        self.operation = operation
        self.fetch = fetch
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(paginator: self) }

    /// Collects every item.
    /// - Returns: All items of all pages, in order.
    /// - Throws: The first error of any page.
    public func collect() async throws -> [Element] {
        var all: [Element] = []
        for try await item in self { all.append(item) }
        return all
    }

    /// Iterates items, fetching the next page when the current one is used up.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let paginator: KMSPaginator
        var buffer: [Element] = []
        var index = 0
        var marker: String?
        var seenMarkers: Set<String> = []
        var finished = false

        init(paginator: KMSPaginator) { self.paginator = paginator }

        public mutating func next() async throws -> Element? {
            while index >= buffer.count {
                guard !finished else { return nil }
                try Task.checkCancellation()
                let page = try await paginator.fetch(marker)
                buffer = page.items
                index = 0
                if page.truncated {
                    guard let next = page.nextMarker, !next.isEmpty else {
                        throw KMSError(code: .invalidResponse, message: "Truncated page without NextMarker", operation: paginator.operation)
                    }
                    guard seenMarkers.insert(next).inserted else {
                        throw KMSError(code: .invalidResponse, message: "NextMarker repeated; stopping to avoid an endless loop", operation: paginator.operation)
                    }
                    marker = next
                } else {
                    finished = true
                }
            }
            defer { index += 1 }
            return buffer[index]
        }
    }
}
