/// One page of a paginated KMS list operation (ListKeys, ListAliases, ListResourceTags, ListKeyRotations).
package struct KMSPage<Element: Sendable>: Sendable {
    /// The items on this page.
    package var items: [Element]
    /// The marker to pass for the next page; `nil` on the last page.
    package var nextMarker: String?
    /// Whether more pages follow.
    package var truncated: Bool

    /// Creates a page.
    package init(items: [Element], nextMarker: String?, truncated: Bool) {
        self.items = items
        self.nextMarker = nextMarker
        self.truncated = truncated
    }
}

extension KMSPage: Equatable where Element: Equatable {}

/// Every item of a paginated KMS operation, fetched page by page as it is iterated.
///
/// Pages follow `Marker`/`NextMarker` while `Truncated` is true. A service that says `Truncated` without a
/// `NextMarker`, or repeats a marker, would loop forever: the sequence throws ``AWSServiceError/Code/invalidResponse``
/// instead. A service whose marker changes forever is stopped by the page cap: after `maximumPages` pages
/// the sequence throws ``AWSServiceError/Code/paginationCapExceeded`` (the items already returned stay valid).
public struct KMSPaginator<Element: Sendable>: AsyncSequence, Sendable {
    public typealias Failure = any Error
    let fetch: @Sendable (_ marker: String?) async throws -> KMSPage<Element>
    let operation: String
    let maximumPages: Int

    /// The default cap on the pages of one listing: 10,000. At ListKeys' largest page (1000 keys) that
    /// is 10 million keys, 100 times KMS's default quota of 100,000 customer managed keys per account
    /// and Region; at ListAliases' documented largest page (100) it is 1 million aliases.
    public static var defaultMaximumPages: Int { 10_000 }

    /// Creates a paginator from a page-fetching closure.
    /// - Parameters:
    ///   - operation: The operation name, for errors.
    ///   - maximumPages: The most pages fetched before the sequence throws
    ///     ``AWSServiceError/Code/paginationCapExceeded``. Default ``defaultMaximumPages``.
    ///   - fetch: Fetches the page after `marker` (`nil` for the first).
    package init(
        operation: String, maximumPages: Int = KMSPaginator.defaultMaximumPages,
        fetch: @escaping @Sendable (_ marker: String?) async throws -> KMSPage<Element>
    ) {
        self.operation = operation
        self.maximumPages = Swift.max(1, maximumPages)
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
        var pagesFetched = 0

        init(paginator: KMSPaginator) { self.paginator = paginator }

        public mutating func next() async throws -> Element? {
            while index >= buffer.count {
                guard !finished else { return nil }
                try Task.checkCancellation()
                guard pagesFetched < paginator.maximumPages else {
                    throw AWSServiceError(
                        service: "kms", code: .paginationCapExceeded,
                        message:
                            "Stopped after \(paginator.maximumPages) pages, the cap on pages per listing (the service kept answering "
                            + "Truncated with a new NextMarker); the items listed before the cap were kept",
                        operation: paginator.operation)
                }
                pagesFetched += 1
                let page = try await paginator.fetch(marker)
                buffer = page.items
                index = 0
                if page.truncated {
                    guard let next = page.nextMarker, !next.isEmpty else {
                        throw AWSServiceError(
                            service: "kms", code: .invalidResponse, message: "Truncated page without NextMarker",
                            operation: paginator.operation)
                    }
                    guard seenMarkers.insert(next).inserted else {
                        throw AWSServiceError(
                            service: "kms", code: .invalidResponse, message: "NextMarker repeated; stopping to avoid an endless loop",
                            operation: paginator.operation)
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

extension AWSServiceError.Code {
    /// Library-defined: a listing reached its cap on pages (``KMSPaginator/defaultMaximumPages`` unless
    /// configured) while the service still answered `Truncated` with a new marker.
    public static let paginationCapExceeded: AWSServiceError.Code = "PaginationCapExceeded"
}
