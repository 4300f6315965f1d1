import Foundation
import Logging

/// The STS calls that sign-in needs beyond ``STSClient/assumeRole(roleArn:roleSessionName:durationSeconds:externalId:)``:
/// `AssumeRole` with an MFA code, and `AssumeRoleWithWebIdentity`, which is sent unsigned as the AWS SDKs
/// send it (the web identity token is the proof of identity; there are no source credentials).
///
/// Every ``STSClient`` that sign-in uses is made by
/// ``makeSignInSTSClient(region:endpoint:useFIPS:useDualStack:credentialProvider:transport:now:)``,
/// so a change to the client's initialiser has one place to follow.
extension STSClient {
    /// The one place sign-in constructs an ``STSClient``.
    static func makeSignInSTSClient(
        region: String, endpoint: String?, useFIPS: Bool, useDualStack: Bool,
        credentialProvider: any CredentialProvider, transport: any HTTPTransport,
        now: @escaping @Sendable () -> Date
    ) throws -> STSClient {
        try STSClient(
            AWSClientConfiguration(
                region: region, credentialProvider: credentialProvider, transport: transport, useFIPS: useFIPS,
                useDualStack: useDualStack, now: now),
            endpoint: endpoint)
    }

    /// `AssumeRoleWithWebIdentity`, unsigned: `POST` of the form body to the STS endpoint with no
    /// `Authorization` header. Retried up to 3 attempts on a transport failure, a 5xx answer, throttling
    /// or a transient code of ``AWSErrorCodes`` (`IDPCommunicationError` among them), as the SDKs retry it.
    /// - Throws: ``AWSServiceError`` (`InvalidIdentityToken`, `ExpiredTokenException`, `AccessDenied`, …) or ``TransportError``.
    static func assumeRoleWithWebIdentity(
        endpoint: URL, transport: any HTTPTransport, roleArn: String, roleSessionName: String,
        webIdentityToken: String, durationSeconds: Int? = nil,
        sleep: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    )
        async throws -> AssumedRoleCredentials
    {
        let operation = "AssumeRoleWithWebIdentity"
        do {
            _ = try ARN(iamRole: roleArn)
        } catch let error as ARN.ParseError {
            throw AWSServiceError(service: "sts", code: .validationError, message: error.message, operation: operation)
        }
        var parameters = [("RoleArn", roleArn), ("RoleSessionName", roleSessionName), ("WebIdentityToken", webIdentityToken)]
        if let durationSeconds { parameters.append(("DurationSeconds", String(durationSeconds))) }
        var request = HTTPRequest(
            method: "POST", url: endpoint,
            headers: [
                "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"
            ], body: formBody(action: operation, parameters), timeout: .seconds(30))
        request.headers["User-Agent"] = SignedServiceCaller.userAgent
        request.headers["Host"] = SignedServiceCaller.hostHeader(for: endpoint)
        var attempt = 0
        while true {
            attempt += 1
            let retryable: any Error
            do {
                let response = try await transport.send(request)
                if response.isSuccess {
                    let document: XMLDocumentNode
                    do {
                        document = try XMLDocumentNode.read(response.body)
                    } catch {
                        throw AWSServiceError(
                            service: "sts", code: .invalidResponse, message: "Could not read the \(operation) answer: \(error)",
                            operation: operation)
                    }
                    return try assumeRoleResult(from: document, roleArn: roleArn, operation: operation)
                }
                let error = AWSServiceError.decodeQuery(service: "sts", from: response, operation: operation)
                // The one error-code table decides, as it does for signed calls: throttling and the transient
                // codes, STS's IDPCommunicationError among them, are retried; so is any 5xx.
                let kind = AWSErrorCodes.kind(of: error.code.rawValue, operation: operation, service: "sts")
                guard response.status >= 500 || kind == .transient || kind == .throttling else { throw error }
                retryable = error
            } catch let error as TransportError {
                retryable = error
            }
            if attempt >= 3 { throw retryable }
            try await sleep(.milliseconds(100 * attempt * attempt))
        }
    }
}
