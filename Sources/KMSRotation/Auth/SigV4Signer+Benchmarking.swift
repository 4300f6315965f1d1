import Foundation

/// Not API: the SigV4 signer, reachable from the separate `Benchmarks` package only
/// (`@_spi(Benchmarking) import KMSRotation`), so that signing can be measured with and without the
/// signing-key cache. Embedders never see it; it may change in any release.
@_spi(Benchmarking)
public struct BenchmarkSigner: Sendable {
    private let signer: SigV4Signer

    /// A signer for `service` in `region`; `cachesSigningKeys: false` derives the key on every request.
    public init(service: String, region: String, cachesSigningKeys: Bool = true) {
        signer = SigV4Signer(service: service, region: region, cachesSigningKeys: cachesSigningKeys)
    }

    /// The signed request (see the package's `SigV4Signer.sign`).
    public func sign(_ request: HTTPRequest, credentials: AWSCredentials, date: Date) -> HTTPRequest {
        signer.sign(request, credentials: credentials, date: date)
    }
}
