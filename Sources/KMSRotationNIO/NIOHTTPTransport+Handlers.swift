// Built with the NIOTransport trait only (see Package.swift).
#if NIOTransport
    import Foundation
    import KMSRotation
    import NIOCore
    import NIOFoundationCompat
    import NIOHTTP1
    import NIOPosix
    import NIOSSL

    #if canImport(Glibc)
        import Glibc
    #elseif canImport(Darwin)
        import Darwin
    #endif

    /// The last handler of a connection: writes an exchange's request and collects its response, counting the
    /// body against the cap. Runs on the channel's loop.
    final class ResponseHandler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPClientResponsePart
        typealias OutboundOut = HTTPClientRequestPart

        private var context: ChannelHandlerContext?
        private var current: Exchange?
        private var exchanges = 0
        /// Until `channelInactive`: the connect promise completes (and the first request starts) before
        /// `channelActive` arrives.
        private var active = true
        /// Why the channel closed, for an exchange that arrives after.
        private var closedBy: (any Error)?
        private var head: HTTPResponseHead?
        private var body: ByteBuffer?
        private var received = 0

        func handlerAdded(context: ChannelHandlerContext) {
            self.context = context
        }

        func handlerRemoved(context: ChannelHandlerContext) {
            self.context = nil
        }

        /// Writes the exchange's request.
        func start(_ exchange: Exchange) {
            exchanges += 1
            guard let context, active else {
                exchange.lost(closedBy ?? ConnectionClosed(), responseStarted: false, reused: exchanges > 1)
                return
            }
            current = exchange
            head = nil
            body = nil
            received = 0
            context.write(wrapOutboundOut(.head(exchange.head)), promise: nil)
            if let body = exchange.body {
                context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            }
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard let exchange = current else { return }
            switch unwrapInboundIn(data) {
            case .head(let head):
                // An interim 1xx answer is followed by the real one.
                if (100..<200).contains(head.status.code) && head.status.code != 101 { return }
                if !exchange.isHEAD, let declared = head.headers.first(name: "content-length").flatMap(Int64.init),
                    declared > Int64(exchange.limit)
                {
                    exchange.statistics.withLockedValue { $0.stoppedAtCap += 1 }
                    fail(BodyCapExceeded.declared(declared), context: context)
                    return
                }
                self.head = head
            case .body(var chunk):
                received += chunk.readableBytes
                if received > exchange.limit {
                    exchange.statistics.withLockedValue { $0.stoppedAtCap += 1 }
                    fail(BodyCapExceeded.received(received), context: context)
                    return
                }
                if body == nil {
                    body = chunk
                } else {
                    body!.writeBuffer(&chunk)
                }
            case .end:
                guard let head else { return }
                current = nil
                let held = body?.readableBytes ?? 0
                if held >= 65_536 {
                    exchange.statistics.withLockedValue { $0.largestBodyHeld = Swift.max($0.largestBodyHeld, held) }
                }
                let response = HTTPResponse(
                    status: Int(head.status.code), headers: NIOHTTPTransport.headers(head.headers), body: Self.data(body))
                let reusable = active && head.isKeepAlive && exchange.head.isKeepAlive
                self.head = nil
                body = nil
                if head.status.code == 407, let proxy = exchange.key.proxy, !exchange.key.secure {
                    // Forwarded through an http proxy: a 407 is the proxy's, not the server's.
                    exchange.failed(ProxyRefused(host: proxy.host, port: proxy.port, status: 407))
                    context.close(promise: nil)
                    return
                }
                exchange.responded(response, reusable: reusable)
            }
        }

        /// Ends the current exchange with `error` and closes the connection.
        private func fail(_ error: any Error, context: ChannelHandlerContext) {
            let exchange = current
            current = nil
            head = nil
            body = nil
            context.close(promise: nil)
            exchange?.failed(error)
        }

        func channelInactive(context: ChannelHandlerContext) {
            active = false
            if let exchange = current {
                current = nil
                exchange.lost(closedBy ?? ConnectionClosed(), responseStarted: head != nil, reused: exchanges > 1)
            }
            head = nil
            body = nil
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            closedBy = closedBy ?? error
            if let exchange = current {
                current = nil
                if head == nil && !(error is HTTPParserError) {
                    // Nothing of the response yet: a reset or a closed socket may be the keep-alive race.
                    exchange.lost(error, responseStarted: false, reused: exchanges > 1)
                } else {
                    exchange.failed(error)
                }
            }
            context.close(promise: nil)
        }

        /// The body as `Data`, sharing the buffer's storage when it is large enough to be worth it.
        private static func data(_ buffer: ByteBuffer?) -> Data {
            guard let buffer, buffer.readableBytes > 0 else { return Data() }
            return buffer.getData(at: buffer.readerIndex, length: buffer.readableBytes, byteTransferStrategy: .automatic) ?? Data()
        }
    }

    /// Opens a `CONNECT` tunnel through a proxy, then passes every byte through.
    final class ProxyTunnelHandler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        let established: EventLoopPromise<Void>
        private let request: String
        private let proxy: ProxySettings.Server
        private var answer: ByteBuffer?
        private var open = false
        private var completed = false

        init(target: String, authorization: String?, proxy: ProxySettings.Server, promise: EventLoopPromise<Void>) {
            var request = "CONNECT \(target) HTTP/1.1\r\nHost: \(target)\r\n"
            if let authorization { request += "Proxy-Authorization: \(authorization)\r\n" }
            self.request = request + "\r\n"
            self.proxy = proxy
            established = promise
        }

        func handlerAdded(context: ChannelHandlerContext) {
            if context.channel.isActive { sendRequest(context: context) }
        }

        func channelActive(context: ChannelHandlerContext) {
            sendRequest(context: context)
            context.fireChannelActive()
        }

        private var sent = false
        private func sendRequest(context: ChannelHandlerContext) {
            guard !sent else { return }
            sent = true
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: request)), promise: nil)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard !open else {
                context.fireChannelRead(data)
                return
            }
            var chunk = unwrapInboundIn(data)
            if answer == nil { answer = chunk } else { answer!.writeBuffer(&chunk) }
            guard let buffer = answer, let end = buffer.readableBytesView.firstRange(of: Array("\r\n\r\n".utf8)) else {
                if (answer?.readableBytes ?? 0) > 16_384 { refuse(status: 0, context: context) }
                return
            }
            // `HTTP/1.1 200 Connection established`: the status is the second word.
            let line = String(decoding: buffer.readableBytesView[..<end.lowerBound], as: UTF8.self).prefix { $0 != "\r" }
            let words = line.split(separator: " ", maxSplits: 2)
            let status = words.count > 1 ? Int(words[1]) ?? 0 : 0
            guard (200..<300).contains(status) else {
                refuse(status: status, context: context)
                return
            }
            open = true
            answer = nil
            complete(.success(()))
        }

        private func refuse(status: Int, context: ChannelHandlerContext) {
            answer = nil
            complete(.failure(ProxyRefused(host: proxy.host, port: proxy.port, status: status)))
            context.close(promise: nil)
        }

        /// Completes ``established`` once.
        private func complete(_ result: Result<Void, any Error>) {
            guard !completed else { return }
            completed = true
            established.completeWith(result)
        }

        func channelInactive(context: ChannelHandlerContext) {
            complete(.failure(ConnectionClosed()))
            context.fireChannelInactive()
        }

        func handlerRemoved(context: ChannelHandlerContext) {
            // A connection that failed before it was active never reports inactive.
            complete(.failure(ConnectionClosed()))
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            if !open {
                complete(.failure(error))
                context.close(promise: nil)
            } else {
                context.fireErrorCaught(error)
            }
        }
    }

    /// Right after the TLS handler of an `https://` proxy. An error travels from the handler that raised it
    /// towards the tail, so a TLS error that passes here is the proxy's TLS handler's: the target's own TLS
    /// (inside a tunnel) sits after this handler. It goes on as ``ProxyTLSFailed``, so that the message
    /// names the proxy, not the target.
    final class ProxyTLSWatcher: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        private let proxy: ProxySettings.Server

        init(proxy: ProxySettings.Server) { self.proxy = proxy }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            guard error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError else {
                context.fireErrorCaught(error)
                return
            }
            context.fireErrorCaught(ProxyTLSFailed(host: proxy.host, port: proxy.port, underlying: error))
        }
    }

    /// The TLS handshake with an `https://` proxy failed.
    struct ProxyTLSFailed: Error {
        var host: String
        var port: Int
        var underlying: any Error
    }

    /// The connection closed before the response was complete.
    struct ConnectionClosed: Error {}

    /// A proxy answered a tunnel or a forwarded request with a refusal.
    struct ProxyRefused: Error {
        var host: String
        var port: Int
        var status: Int
    }

    extension NIOHTTPTransport {
        /// Maps what an exchange failed with to what ``send(_:)`` throws: `CancellationError` as is, else a
        /// `TransportError` whose message names the target and the reason only (never a header, a body, the
        /// query or a credential).
        static func mapError(_ error: any Error, target: String, limit: Int) -> any Error {
            switch error {
            case is CancellationError:
                return error
            case let error as TransportError:
                if error.message.hasPrefix("the transport was shut down") {
                    return TransportError(error.kind, "\(target): \(error.message)")
                }
                return error
            case BodyCapExceeded.declared(let length):
                return TransportError(
                    .responseTooLarge,
                    "\(target): the response declares a Content-Length of \(length) bytes, over the cap of \(limit) bytes "
                        + "(NIOHTTPTransport.Configuration.maximumResponseBodySize)")
            case BodyCapExceeded.received(let received):
                return TransportError(
                    .responseTooLarge,
                    "\(target): the response body exceeded the cap of \(limit) bytes "
                        + "(NIOHTTPTransport.Configuration.maximumResponseBodySize); stopped after \(received) bytes")
            case let error as ProxyRefused:
                let shown = error.host.contains(":") ? "[\(error.host)]" : error.host
                let status = error.status == 0 ? "no HTTP answer" : "status \(error.status)"
                return TransportError(.connectionFailed, "\(target): the proxy \(shown):\(error.port) refused the request (\(status))")
            case is ConnectionClosed:
                return TransportError(.connectionFailed, "\(target): the connection closed before the response was complete")
            case let error as NIOConnectionError:
                let reasons = Set(error.connectionErrors.map { reason(for: $0.error) }).sorted()
                return TransportError(
                    .connectionFailed,
                    "\(target): cannot connect to host (\(reasons.isEmpty ? "no address" : reasons.joined(separator: ", ")))")
            case ChannelError.connectTimeout:
                return TransportError(.timedOut, "\(target): connect timed out")
            case is IOError, is ChannelError:
                return TransportError(.connectionFailed, "\(target): \(reason(for: error))")
            case let error as ProxyTLSFailed:
                let shown = error.host.contains(":") ? "[\(error.host)]" : error.host
                return TransportError(
                    .connectionFailed,
                    "\(target): TLS handshake with the proxy \(shown):\(error.port) failed\(tlsReason(error.underlying, ofProxy: true))")
            case is NIOSSLError, is BoringSSLError, is NIOSSLExtraError:
                return TransportError(.connectionFailed, "\(target): TLS handshake failed\(tlsReason(error))")
            case is HTTPParserError:
                return TransportError(.invalidResponse, "\(target): invalid response (not HTTP)")
            default:
                return TransportError(.connectionFailed, "\(target): connection failed (\(type(of: error)))")
            }
        }

        /// Why a TLS handshake failed, when it is one a user can act on: an untrusted certificate (most often a
        /// TLS-inspecting proxy whose CA is not trusted) or one that does not name the host. BoringSSL's own
        /// messages hold error codes, never data from the connection.
        static func tlsReason(_ error: any Error, ofProxy: Bool = false) -> String {
            let peer = ofProxy ? "proxy" : "server"
            let text = String(describing: error).uppercased()
            if text.contains("CERTIFICATE_VERIFY_FAILED") {
                return ": the \(peer)'s certificate is not trusted ("
                    + (ofProxy ? "" : "behind a TLS-inspecting proxy, ") + "name its CA bundle in AWS_CA_BUNDLE or the profile's ca_bundle)"
            }
            if let extra = error as? NIOSSLExtraError, extra == .failedToValidateHostname {
                return ": the \(peer)'s certificate does not name the host"
            }
            return ""
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
