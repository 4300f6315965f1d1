// Built with the NIOTransport trait only (see Package.swift).
#if NIOTransport
    import AsyncHTTPClient
    import KMSRotation
    import NIOCore
    import NIOHTTP1
    import NIOPosix
    import NIOSSL

    #if canImport(Glibc)
        import Glibc
    #elseif canImport(Darwin)
        import Darwin
    #endif

    extension AsyncHTTPClientTransport {
        /// Maps what an exchange threw to what ``send(_:)`` throws: `CancellationError` when the caller was
        /// cancelled, else a `TransportError` whose message names the target and the reason only (never a
        /// header, a body, the query or a credential).
        /// - Parameters:
        ///   - error: What the exchange threw.
        ///   - target: The method and redacted URL.
        ///   - timeout: The request's timeout, for the message.
        ///   - limit: The body cap, for the message.
        ///   - timedOut: Whether the request's deadline fired.
        static func mapError(_ error: any Error, target: String, timeout: Duration, limit: Int, timedOut: Bool) -> any Error {
            if Task.isCancelled { return CancellationError() }
            // The deadline timer stops an exchange by cancelling it: only a cancellation is the timeout's doing. A
            // refusal that failed the exchange before the deadline stays a refusal even when the waiting task
            // resumes after it (a busy machine).
            if timedOut && isCancellation(error) {
                return TransportError(.timedOut, "\(target) did not complete within \(timeout)")
            }
            switch error {
            case let error as TransportError:
                return error
            case BodyCapExceeded.declared(let length):
                return TransportError(
                    .responseTooLarge,
                    "\(target): the response declares a Content-Length of \(length) bytes, over the cap of \(limit) bytes "
                        + "(AsyncHTTPClientTransport.Configuration.maximumResponseBodySize)")
            case BodyCapExceeded.received(let received):
                return TransportError(
                    .responseTooLarge,
                    "\(target): the response body exceeded the cap of \(limit) bytes "
                        + "(AsyncHTTPClientTransport.Configuration.maximumResponseBodySize); stopped after \(received) bytes")
            case let error as HTTPClientError where error == .deadlineExceeded:
                return TransportError(.timedOut, "\(target) did not complete within \(timeout)")
            case let error as HTTPClientError:
                return TransportError(kind(of: error), "\(target): \(error.shortDescription)")
            case is CancellationError:
                return TransportError(.cancelled, "\(target): cancelled")
            case let error as NIOConnectionError:
                let reasons = Set(error.connectionErrors.map { reason(for: $0.error) }).sorted()
                return TransportError(
                    .connectionFailed,
                    "\(target): cannot connect to host (\(reasons.isEmpty ? "no address" : reasons.joined(separator: ", ")))"
                )
            case ChannelError.connectTimeout:
                return TransportError(.timedOut, "\(target): connect timed out (timed out after \(timeout))")
            case is IOError, is ChannelError:
                return TransportError(.connectionFailed, "\(target): \(reason(for: error))")
            case is NIOSSLError, is BoringSSLError, is NIOSSLExtraError:
                return TransportError(.connectionFailed, "\(target): TLS handshake failed")
            case is HTTPParserError:
                return TransportError(.invalidResponse, "\(target): invalid response (not HTTP)")
            default:
                return TransportError(.connectionFailed, "\(target): connection failed (\(type(of: error)))")
            }
        }

        /// Whether `error` is how a cancelled exchange ends (Swift's or AsyncHTTPClient's cancellation, or its deadline).
        private static func isCancellation(_ error: any Error) -> Bool {
            if error is CancellationError { return true }
            guard let error = error as? HTTPClientError else { return false }
            return error == .cancelled || error == .deadlineExceeded || error == .requestStreamCancelled
        }

        /// The `TransportError` kind for an AsyncHTTPClient error.
        static func kind(of error: HTTPClientError) -> TransportError.Kind {
            switch error {
            case .readTimeout, .writeTimeout, .connectTimeout, .socksHandshakeTimeout, .httpProxyHandshakeTimeout,
                .tlsHandshakeTimeout, .getConnectionFromPoolTimeout, .deadlineExceeded:
                return .timedOut
            case .cancelled, .requestStreamCancelled:
                return .cancelled
            case .invalidURL, .emptyHost, .emptyScheme, .alreadyShutdown, .traceRequestWithBody, .bodyLengthMismatch,
                .writeAfterRequestSent, .contentLengthMissing:
                return .invalidRequest
            case .identityCodingIncorrectlyPresent, .redirectLimitReached, .redirectCycleDetected:
                return .invalidResponse
            default:
                if error.shortDescription.hasPrefix("Invalid header field") || error.shortDescription == "Unsupported scheme" {
                    return .invalidRequest
                }
                // Closed connections, proxy failures, TLS protocol mismatches.
                return .connectionFailed
            }
        }

        /// A short reason for a socket error: `connection refused`, not the full NIO description.
        private static func reason(for error: any Error) -> String {
            switch error {
            case let error as IOError:
                return String(cString: strerror(error.errnoCode)).lowercased()
            case ChannelError.connectTimeout:
                return "connect timed out"
            case let error as ChannelError:
                return "channel error \(error)"
            default:
                return "\(type(of: error))"
            }
        }
    }
#endif
