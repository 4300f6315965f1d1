import Foundation
import Logging

/// A client for the KMS operations this library uses, in one Region.
///
/// Every request goes through the same fixed layers: credentials → SigV4 signing (service `kms`) →
/// retries (the AWS SDKs' standard mode) → error decoding by `__type` → ``HTTPTransport``. Requests are
/// JSON 1.1 (`POST /`, `X-Amz-Target: TrentService.<Operation>`, `application/x-amz-json-1.1`).
///
/// ```swift
/// let client = try KMSClient(AWSClientConfiguration(region: "eu-west-1", credentialProvider: CredentialProviderChain.default()))
/// for try await key in client.allKeys() { print(key.keyArn ?? "") }
/// ```
///
/// Copies share the retry quota and the clock-skew correction. The client logs each attempt at debug
/// level (operation, Region, status, request ID); it never logs headers, bodies or credentials.
public struct KMSClient: Sendable {
    /// The Region requests are signed for.
    public var region: String { caller.signingRegion }
    /// The endpoint requests are sent to.
    package var endpoint: URL { caller.endpoint }
    /// What the client was built from.
    package var configuration: AWSClientConfiguration { caller.configuration }

    let caller: SignedServiceCaller

    /// Creates a client.
    /// - Parameters:
    ///   - configuration: The identity, transport, retries, endpoint variant, logger and clocks.
    ///   - endpoint: A custom endpoint (`AWS_ENDPOINT_URL_KMS`, moto, LocalStack); `nil` resolves the
    ///     Region's standard endpoint. Plain `http://` is accepted for loopback hosts only.
    /// - Throws: ``EndpointError`` for an invalid Region or endpoint.
    public init(_ configuration: AWSClientConfiguration, endpoint: String? = nil) throws {
        let url = try EndpointResolver().resolve(
            region: configuration.region, useFIPS: configuration.useFIPS,
            useDualStack: configuration.useDualStack, customEndpoint: endpoint)
        self.caller = SignedServiceCaller(service: "kms", signingRegion: configuration.region, endpoint: url, configuration: configuration)
    }

    /// Sends one operation: encodes the input, signs, retries, decodes the output or the error.
    package func send<Input: Encodable, Output: Decodable>(_ operation: String, _ input: Input) async throws -> Output {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]  // deterministic bodies: reproducible signatures and logs
        return try await send(operation, body: try encoder.encode(input))
    }

    /// Sends one operation whose input is a flat object: the same bytes as the generic ``send(_:_:)``
    /// would encode, written without `JSONEncoder`.
    func send<Input: FlatJSONBody, Output: Decodable>(_ operation: String, _ input: Input) async throws -> Output {
        try await send(operation, body: input.jsonBody)
    }

    /// Signs, sends and retries one operation with its JSON body; decodes the output or the error.
    private func send<Output: Decodable>(_ operation: String, body: Data) async throws -> Output {
        let headers: HTTPHeaders = ["Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService.\(operation)"]
        let response = try await caller.send(operation: operation, headers: headers, body: body) { response in
            AWSServiceError.decodeJSON(service: "kms", from: response, operation: operation)
        }
        return try AWSServiceError.readJSONAnswer(Output.self, from: response, service: "kms", operation: operation)
    }
}
