/// Why an endpoint could not be resolved or a custom endpoint was refused.
///
/// Its ``message`` says what is wrong and what is expected (an insecure scheme, an unknown Region, a
/// malformed URL).
public struct EndpointError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    package struct Kind: Sendable, Hashable, CustomStringConvertible {
        fileprivate enum Code: String, Sendable, Hashable {
            case invalidRegion, fipsNotSupported, dualStackNotSupported, conflictingOptions
            case invalidEndpoint, insecureEndpoint
        }
        fileprivate let code: Code

        /// The region name is empty, malformed, or a pseudo-region (`us-east-1-fips`, `aws-global`).
        package static let invalidRegion = Kind(code: .invalidRegion)
        /// FIPS was requested in a partition without FIPS endpoints.
        package static let fipsNotSupported = Kind(code: .fipsNotSupported)
        /// Dual-stack was requested in a partition without dual-stack endpoints.
        package static let dualStackNotSupported = Kind(code: .dualStackNotSupported)
        /// A custom endpoint was combined with FIPS or dual-stack, which the endpoint rules forbid.
        package static let conflictingOptions = Kind(code: .conflictingOptions)
        /// The custom endpoint is not an absolute `http`/`https` URL with a host and nothing else
        /// (no user information, query or fragment).
        package static let invalidEndpoint = Kind(code: .invalidEndpoint)
        /// The custom endpoint uses plain `http://` for a host that is not loopback.
        package static let insecureEndpoint = Kind(code: .insecureEndpoint)

        /// The kind's name, for example `insecureEndpoint`; stable and safe for logs.
        package var description: String { code.rawValue }
    }

    /// The kind of failure.
    package let kind: Kind
    /// What was wrong and how to fix it. Never contains user information from a URL.
    public let message: String

    /// Creates an endpoint error.
    /// - Parameters:
    ///   - kind: The kind of failure.
    ///   - message: The details.
    package init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// `EndpointError.<kind>: <message>`.
    public var description: String { "EndpointError.\(kind): \(message)" }
}
