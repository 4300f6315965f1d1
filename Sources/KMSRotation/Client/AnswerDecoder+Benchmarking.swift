import Foundation

/// Not API: reading a KMS answer as the clients do, reachable from the separate `Benchmarks` package only
/// (`@_spi(Benchmarking) import KMSRotation`), so that ``AnswerDecoder`` can be measured against
/// Foundation's `JSONDecoder` on the same bytes. Embedders never see it; it may change in any release.
@_spi(Benchmarking)
public enum BenchmarkAnswerReader {
    /// The key of a DescribeKey answer, read by the library's parser and decoder.
    public static func describeKey(_ body: Data) throws -> KMSKey? {
        try AnswerDecoder.decode(DescribeKeyOutput.self, from: body).KeyMetadata
    }

    /// The key of a DescribeKey answer, read by Foundation's `JSONDecoder` (what the library did before).
    public static func describeKeyWithJSONDecoder(_ body: Data) throws -> KMSKey? {
        try JSONDecoder().decode(DescribeKeyOutput.self, from: body).KeyMetadata
    }
}
