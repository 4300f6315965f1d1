import Foundation
import Logging

/// A client for the two AWS STS operations this library uses: `AssumeRole` (to audit another account
/// through a role) and `GetCallerIdentity` (to learn the caller's own account).
///
/// Requests use the AWS Query protocol: `POST /`, a form-encoded body
/// (`Action=AssumeRole&Version=2011-06-15&…`), SigV4 with signing name `sts`, answers in XML. They go
/// through the same layers as ``KMSClient``: credentials → signing → retries (standard mode, plus
/// STS's `IDPCommunicationError`) → error decoding (``AWSServiceError``) → ``HTTPTransport``.
///
/// ```swift
/// let caller = AWSClientConfiguration(region: "eu-west-1", credentialProvider: CredentialProviderChain.default())
/// let role = try await STSClient(caller).assumeRole(roleArn: "arn:aws:iam::111122223333:role/Audit", roleSessionName: "audit")
/// let kms = try KMSClient(caller.with(credentialProvider: StaticCredentialProvider(role.credentials)))
/// ```
/// Most callers want ``AssumeRoleCredentialProvider``, which caches and refreshes the role's credentials.
///
/// The client logs each attempt at debug level (operation, Region, outcome); never a body, a header or
/// a credential. The credentials it returns print redacted.
public struct STSClient: Sendable {
    /// The Region requests are sent to and signed for.
    package var region: String { caller.signingRegion }
    /// The endpoint requests are sent to.
    package var endpoint: URL { caller.endpoint }
    /// What the client was built from; its credentials are the identity that calls `AssumeRole`.
    package var configuration: AWSClientConfiguration { caller.configuration }

    /// The API version sent with every request.
    package static let apiVersion = "2011-06-15"
    /// The shortest session `AssumeRole` grants, in seconds (15 minutes).
    package static let minimumDurationSeconds = 900
    /// The longest session `AssumeRole` grants, in seconds (12 hours; the role's `MaxSessionDuration`
    /// may be shorter, and role chaining limits it to 1 hour).
    package static let maximumDurationSeconds = 43_200

    let caller: SignedServiceCaller

    /// Creates a client.
    /// - Parameters:
    ///   - configuration: The caller's identity, transport, retries, endpoint variant, logger and clocks; STS
    ///     is called at the Region's regional endpoint.
    ///   - endpoint: A custom endpoint (`AWS_ENDPOINT_URL_STS`, moto, LocalStack); `nil` resolves the
    ///     Region's endpoint. Plain `http://` is accepted for loopback hosts only.
    /// - Throws: ``EndpointError`` for an invalid Region or endpoint.
    public init(_ configuration: AWSClientConfiguration, endpoint: String? = nil) throws {
        let url = try EndpointResolver().resolveSTS(
            region: configuration.region, useFIPS: configuration.useFIPS,
            useDualStack: configuration.useDualStack, customEndpoint: endpoint)
        self.caller = SignedServiceCaller(service: "sts", signingRegion: configuration.region, endpoint: url, configuration: configuration)
    }

    // MARK: - Operations

    /// Assumes a role and returns its temporary credentials.
    /// - Parameters:
    ///   - roleArn: The role, `arn:aws:iam::111122223333:role/Name`.
    ///   - roleSessionName: The session name, 2–64 characters of `[A-Za-z0-9_+=,.@-]`; it appears in the
    ///     target account's CloudTrail.
    ///   - durationSeconds: The session length, 900–43200 seconds; `nil` lets STS choose (1 hour).
    ///   - externalId: The external ID the role's trust policy requires, if any (2–1224 characters of
    ///     `[A-Za-z0-9_+=,.@:/-]`).
    /// - Returns: The credentials (with their expiration and account) and the assumed-role identity.
    /// - Throws: ``AWSServiceError`` (`AWSServiceError/Code/validationError` before any request for invalid input;
    ///   `AccessDenied`, `RegionDisabledException`, … from STS; ``AWSServiceError/Code/invalidResponse`` for an
    ///   answer that cannot be read), ``TransportError``, or the caller's credential error.
    package func assumeRole(
        roleArn: String, roleSessionName: String, durationSeconds: Int? = nil, externalId: String? = nil
    ) async throws -> AssumedRoleCredentials {
        try await assumeRole(
            roleArn: roleArn, roleSessionName: roleSessionName, durationSeconds: durationSeconds, externalId: externalId,
            serialNumber: nil, tokenCode: nil)
    }

    /// `AssumeRole`, with the MFA device and code (`SerialNumber`, `TokenCode`) when a profile asks for them.
    func assumeRole(
        roleArn: String, roleSessionName: String, durationSeconds: Int?, externalId: String?,
        serialNumber: String?, tokenCode: String?
    ) async throws -> AssumedRoleCredentials {
        try Self.validateAssumeRole(
            roleArn: roleArn, roleSessionName: roleSessionName, durationSeconds: durationSeconds, externalId: externalId)
        var parameters = [("RoleArn", roleArn), ("RoleSessionName", roleSessionName)]
        if let durationSeconds { parameters.append(("DurationSeconds", String(durationSeconds))) }
        if let externalId { parameters.append(("ExternalId", externalId)) }
        if let serialNumber { parameters.append(("SerialNumber", serialNumber)) }
        if let tokenCode { parameters.append(("TokenCode", tokenCode)) }
        let document = try await send("AssumeRole", parameters)
        return try Self.assumeRoleResult(from: document, roleArn: roleArn)
    }

    /// Returns the caller's identity: account, ARN and user ID. Needs no IAM permission.
    /// - Returns: The identity.
    /// - Throws: ``AWSServiceError``, ``TransportError``, or the caller's credential error.
    public func getCallerIdentity() async throws -> CallerIdentity {
        let document = try await send("GetCallerIdentity", [])
        guard let result = document.path(["GetCallerIdentityResult"]),
            let account = result.child("Account")?.text, !account.isEmpty
        else {
            throw AWSServiceError(
                service: "sts", code: .invalidResponse,
                message: "Could not read the GetCallerIdentity answer: no GetCallerIdentityResult/Account element",
                operation: "GetCallerIdentity")
        }
        return CallerIdentity(account: account, arn: result.child("Arn")?.text ?? "", userId: result.child("UserId")?.text ?? "")
    }

    // MARK: - Validation

    /// Checks `AssumeRole` input against the STS API model's constraints, so that a typo fails at once
    /// with a clear message instead of a round trip.
    /// - Parameters:
    ///   - roleArn: Must be an IAM role ARN (see ``ARN``).
    ///   - roleSessionName: 2–64 characters of `[A-Za-z0-9_+=,.@-]`.
    ///   - durationSeconds: 900–43200, or `nil`.
    ///   - externalId: 2–1224 characters of `[A-Za-z0-9_+=,.@:/-]`, or `nil`. Never quoted in the message.
    /// - Throws: ``AWSServiceError`` with code `AWSServiceError/Code/validationError`.
    package static func validateAssumeRole(roleArn: String, roleSessionName: String, durationSeconds: Int?, externalId: String?) throws {
        do {
            _ = try ARN(iamRole: roleArn)
        } catch let error as ARN.ParseError {
            throw AWSServiceError(service: "sts", code: .validationError, message: error.message, operation: "AssumeRole")
        }
        let sessionCharacters = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+=,.@-")
        guard (2...64).contains(roleSessionName.count), roleSessionName.allSatisfy(sessionCharacters.contains) else {
            throw AWSServiceError(
                service: "sts", code: .validationError,
                message: "The role session name must be 2 to 64 characters of letters, digits and _+=,.@-.", operation: "AssumeRole")
        }
        if let durationSeconds, !(minimumDurationSeconds...maximumDurationSeconds).contains(durationSeconds) {
            throw AWSServiceError(
                service: "sts", code: .validationError,
                message:
                    "The session duration must be between \(minimumDurationSeconds) and \(maximumDurationSeconds) seconds; got "
                    + "\(durationSeconds).",
                operation: "AssumeRole")
        }
        if let externalId {
            let externalCharacters = sessionCharacters.union(":/")
            guard (2...1224).contains(externalId.count), externalId.allSatisfy(externalCharacters.contains) else {
                throw AWSServiceError(
                    service: "sts", code: .validationError,
                    message: "The external ID must be 2 to 1224 characters of letters, digits and _+=,.@:/-.", operation: "AssumeRole")
            }
        }
    }

    // MARK: - Wire

    /// Form-encodes `Action`, `Version` and the parameters (RFC 3986: unreserved characters kept,
    /// everything else percent-encoded), in that order.
    static func formBody(action: String, _ parameters: [(String, String)]) -> Data {
        let pairs = [("Action", action), ("Version", apiVersion)] + parameters
        return Data(pairs.map { "\(SigV4Signer.uriEncode($0.0))=\(SigV4Signer.uriEncode($0.1))" }.joined(separator: "&").utf8)
    }

    /// Sends one Query operation and returns the parsed XML of its 2xx answer.
    private func send(_ action: String, _ parameters: [(String, String)]) async throws -> XMLDocumentNode {
        let response = try await caller.send(
            operation: action,
            headers: ["Content-Type": "application/x-www-form-urlencoded; charset=utf-8"],
            body: Self.formBody(action: action, parameters),
            decodeError: { AWSServiceError.decodeQuery(service: "sts", from: $0, operation: action) })
        do {
            return try XMLDocumentNode.read(response.body)
        } catch {
            // Not quoted: a successful answer that failed to parse may still hold a secret key.
            let contentType = response.headers["Content-Type"] ?? "no content type"
            throw AWSServiceError(
                service: "sts", code: .invalidResponse,
                message:
                    "Could not read the \(action) answer: HTTP \(response.status) with a body of \(response.body.count) bytes; \(error) "
                    + "(\(contentType))",
                httpStatus: response.status, requestId: response.headers["x-amzn-RequestId"], operation: action)
        }
    }

    /// Reads `AssumeRoleResponse/AssumeRoleResult`. Error messages name the missing element, never a value.
    static func assumeRoleResult(
        from document: XMLDocumentNode, roleArn: String, operation: String = "AssumeRole"
    ) throws -> AssumedRoleCredentials {
        func fail(_ what: String) -> AWSServiceError {
            AWSServiceError(
                service: "sts", code: .invalidResponse, message: "Could not read the \(operation) answer: \(what)", operation: operation)
        }
        // `AssumeRoleResult` and `AssumeRoleWithWebIdentityResult` have the same shape.
        guard let result = document.path(["\(operation)Result"]) else { throw fail("no \(operation)Result element") }
        guard let credentials = result.child("Credentials") else { throw fail("no \(operation)Result/Credentials element") }
        func required(_ name: String) throws -> String {
            guard let value = credentials.child(name)?.text, !value.isEmpty else { throw fail("no Credentials/\(name) element") }
            return value
        }
        let accessKeyId = try required("AccessKeyId")
        let secretAccessKey = try required("SecretAccessKey")
        let sessionToken = try required("SessionToken")
        let expirationText = try required("Expiration")
        guard let expiration = CredentialsDocument.parseISO8601(expirationText) else {
            throw fail("Credentials/Expiration is not an ISO 8601 date-time")
        }
        let assumedRoleArn = result.path(["AssumedRoleUser", "Arn"])?.text
        let accountId = assumedRoleArn.flatMap { ARN($0)?.accountId } ?? (try? ARN(iamRole: roleArn))?.accountId
        return AssumedRoleCredentials(
            credentials: AWSCredentials(
                accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, sessionToken: sessionToken,
                expiration: expiration, accountId: accountId),
            assumedRoleArn: assumedRoleArn,
            assumedRoleId: result.path(["AssumedRoleUser", "AssumedRoleId"])?.text)
    }
}

/// What `AssumeRole` returns: the temporary credentials and who they act as.
package struct AssumedRoleCredentials: Sendable, Hashable, CustomStringConvertible {
    /// The role's temporary credentials, with their expiration and the role's account.
    package var credentials: AWSCredentials
    /// The assumed-role principal, `arn:aws:sts::111122223333:assumed-role/Role/session`.
    package var assumedRoleArn: String?
    /// The role ID and session name, `AROA…:session`.
    package var assumedRoleId: String?

    /// Creates a result.
    package init(credentials: AWSCredentials, assumedRoleArn: String?, assumedRoleId: String?) {
        self.credentials = credentials
        self.assumedRoleArn = assumedRoleArn
        self.assumedRoleId = assumedRoleId
    }

    /// The principal and the redacted credentials.
    package var description: String { "AssumedRoleCredentials(\(assumedRoleArn ?? "unknown principal"), \(credentials))" }
}

/// Who the caller is, as `GetCallerIdentity` says.
public struct CallerIdentity: Sendable, Hashable, CustomStringConvertible {
    /// The 12-digit account ID.
    public var account: String
    /// The caller's ARN (`arn:aws:iam::…:user/name`, `arn:aws:sts::…:assumed-role/Role/session`).
    public var arn: String
    /// The unique ID of the caller.
    public var userId: String

    /// Creates an identity.
    package init(account: String, arn: String, userId: String) {
        self.account = account
        self.arn = arn
        self.userId = userId
    }

    /// The partition of ``arn`` (`aws`, `aws-cn`, …), when it is an ARN.
    public var partition: String? { ARN(arn)?.partition }

    /// `arn (account)`.
    public var description: String { "\(arn) (account \(account))" }
}
