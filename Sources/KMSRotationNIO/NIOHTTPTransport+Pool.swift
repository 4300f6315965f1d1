// Built with the NIOTransport trait only (see Package.swift).
#if NIOTransport
    import KMSRotation
    import NIOConcurrencyHelpers
    import NIOCore
    import NIOHTTP1
    import NIOPosix
    import NIOSSL

    /// Where a connection goes: requests share a connection only when all of this is equal.
    struct PoolKey: Hashable, Sendable {
        var secure: Bool
        var host: String
        var port: Int
        var proxy: ProxySettings.Server?
    }

    /// The connections of one ``NIOHTTPTransport``: per ``PoolKey`` at most `maximumPerKey` slots (a slot is
    /// a connection open or being opened), the idle connections, and the exchanges waiting for a slot, first
    /// come first served. One lock guards it all; nothing is called while it is held.
    final class ConnectionPool: @unchecked Sendable {
        let group: any EventLoopGroup
        let tls: NIOSSLContext
        let maximumPerKey: Int

        private struct Endpoint {
            var slots = 0
            var idle: [Connection] = []
            var waiters = CircularBuffer<Exchange>()

            mutating func with<T>(_ body: (inout Endpoint) -> T) -> T { body(&self) }
        }
        private let lock = NIOLock()
        private var endpoints: [PoolKey: Endpoint] = [:]
        private var open: [ObjectIdentifier: Connection] = [:]
        private var isShutDown = false

        init(group: any EventLoopGroup, tls: NIOSSLContext, maximumPerKey: Int) {
            self.group = group
            self.tls = tls
            self.maximumPerKey = max(1, maximumPerKey)
        }

        /// How many connections are open (tests).
        var openCount: Int { lock.withLock { open.count } }

        /// How many slots (connections open or being opened) all endpoints hold (tests).
        var slotCount: Int { lock.withLock { endpoints.values.reduce(0) { $0 + $1.slots } } }

        /// Gives `exchange` its loop and an idle connection, a slot to connect in, or a place in the queue.
        /// - Returns: `false` when the transport was shut down.
        func acquire(_ exchange: Exchange) -> Bool {
            lock.withLock {
                guard !isShutDown else { return false }
                endpoints[exchange.key, default: Endpoint()].with { endpoint in
                    // Loop affinity: an idle connection of the loop this request comes from, when there is one,
                    // so that its answer wakes the thread the caller's task runs on (under EventLoopConcurrency,
                    // a loop) instead of another one. A cross-loop request costs a wake-up of each loop: 1.6
                    // context switches per request without this, 1.0 with it, and about 9% less CPU. A caller
                    // on no loop of the group (Swift's own pool) takes the most recently idle one, as before.
                    if MultiThreadedEventLoopGroup.currentEventLoop != nil,
                        let index = endpoint.idle.lastIndex(where: { $0.channel.eventLoop.inEventLoop && $0.channel.isActive })
                    {
                        let connection = endpoint.idle.remove(at: index)
                        exchange.assign(loop: connection.channel.eventLoop, grant: .connection(connection))
                        return
                    }
                    while let connection = endpoint.idle.popLast() {
                        if connection.channel.isActive {
                            exchange.assign(loop: connection.channel.eventLoop, grant: .connection(connection))
                            return
                        }
                        // Closed while idle, before its close was handled: its slot is free.
                        endpoint.slots -= 1
                    }
                    // A new connection lives on the caller's loop when it runs on one of the group's (any() is
                    // sticky), else on the next. So a scan whose tasks all run on one loop keeps its work there:
                    // measured, as fast in wall time up to 256 requests in flight (2 cores), and cheaper.
                    if endpoint.slots < maximumPerKey {
                        endpoint.slots += 1
                        exchange.assign(loop: group.any(), grant: .connect)
                    } else {
                        exchange.assign(loop: group.any(), grant: nil)
                        endpoint.waiters.append(exchange)
                    }
                }
                return true
            }
        }

        /// An exchange is done with a connection that may carry another request: to the first waiter, or idle.
        func release(_ connection: Connection) {
            enum Next {
                case waiter(Exchange)
                case idle
                case close
            }
            let next: Next = lock.withLock {
                guard !isShutDown, connection.channel.isActive else { return .close }
                return endpoints[connection.key, default: Endpoint()].with { endpoint in
                    if let waiter = endpoint.waiters.popFirst() { return .waiter(waiter) }
                    endpoint.idle.append(connection)
                    return .idle
                }
            }
            switch next {
            case .waiter(let waiter):
                waiter.grant(.connection(connection))
            case .idle:
                break
            case .close:
                connection.close()
                slotFreed(connection.key)
            }
        }

        /// A slot of `key` is free (its connection closed, or was never made): to the first waiter, or freed.
        func slotFreed(_ key: PoolKey) {
            let next: (Exchange, Grant)? = lock.withLock {
                let shutDown = isShutDown
                return endpoints[key, default: Endpoint()].with { endpoint in
                    if let waiter = endpoint.waiters.popFirst() { return (waiter, shutDown ? .shutdown : .connect) }
                    endpoint.slots -= 1
                    return nil
                }
            }
            if let (waiter, grant) = next { waiter.grant(grant) }
        }

        /// Returns what a finished exchange was granted.
        func giveBack(_ grant: Grant, key: PoolKey) {
            switch grant {
            case .connection(let connection): release(connection)
            case .connect: slotFreed(key)
            case .shutdown: break
            }
        }

        /// Takes a finished exchange out of the queue.
        /// - Returns: Whether it was there (else a grant is on its way to it).
        func removeWaiter(_ exchange: Exchange) -> Bool {
            lock.withLock {
                endpoints[exchange.key, default: Endpoint()].with { endpoint in
                    guard let index = endpoint.waiters.firstIndex(where: { $0 === exchange }) else { return false }
                    endpoint.waiters.remove(at: index)
                    return true
                }
            }
        }

        /// A connection's channel closed: an idle one frees its slot.
        private func closed(_ connection: Connection) {
            let wasIdle: Bool = lock.withLock {
                open[ObjectIdentifier(connection)] = nil
                return endpoints[connection.key, default: Endpoint()].with { endpoint in
                    guard let index = endpoint.idle.firstIndex(where: { $0 === connection }) else { return false }
                    endpoint.idle.remove(at: index)
                    return true
                }
            }
            if wasIdle { slotFreed(connection.key) }
        }

        // MARK: Connecting

        /// Opens a connection for `key` on `loop`: TCP (to the proxy when there is one), the `CONNECT` tunnel,
        /// TLS, then the HTTP/1.1 handlers.
        func connect(_ key: PoolKey, on loop: any EventLoop, deadline: NIODeadline) -> EventLoopFuture<Connection> {
            let handler = ResponseHandler()
            let tunnel = key.secure && key.proxy != nil
            let tls = self.tls
            let remaining = deadline - .now()
            let bootstrap = ClientBootstrap(group: loop)
                .connectTimeout(remaining > .milliseconds(1) ? remaining : .milliseconds(1))
                .channelInitializer { channel in
                    do {
                        if let proxy = key.proxy, proxy.usesTLS {
                            // An https:// proxy: TLS to the proxy first; the tunnel, or the forwarded request,
                            // goes inside it (and an https target's own TLS inside the tunnel).
                            let isAddress = (try? SocketAddress(ipAddress: proxy.host, port: proxy.port)) != nil
                            try channel.pipeline.syncOperations.addHandler(
                                try NIOSSLClientHandler(context: tls, serverHostname: isAddress ? nil : proxy.host))
                            try channel.pipeline.syncOperations.addHandler(ProxyTLSWatcher(proxy: proxy))
                        }
                        if let proxy = key.proxy, tunnel {
                            let target = (key.host.contains(":") ? "[\(key.host)]" : key.host) + ":\(key.port)"
                            try channel.pipeline.syncOperations.addHandler(
                                ProxyTunnelHandler(
                                    target: target, authorization: proxy.credentials.map(NIOHTTPTransport.basicAuthorization),
                                    proxy: proxy, promise: channel.eventLoop.makePromise()))
                        } else {
                            try Self.addHTTPHandlers(channel, key: key, tls: key.secure ? tls : nil, handler: handler)
                        }
                        return channel.eventLoop.makeSucceededVoidFuture()
                    } catch {
                        return channel.eventLoop.makeFailedFuture(error)
                    }
                }
            let host = key.proxy?.host ?? key.host
            let port = key.proxy?.port ?? key.port
            let connected: EventLoopFuture<any Channel>
            if let address = try? SocketAddress(ipAddress: host, port: port) {
                connected = bootstrap.connect(to: address)
            } else {
                connected = bootstrap.connect(host: host, port: port)
            }
            return connected.flatMap { channel -> EventLoopFuture<any Channel> in
                guard tunnel else { return loop.makeSucceededFuture(channel) }
                do {
                    let proxy = try channel.pipeline.syncOperations.handler(type: ProxyTunnelHandler.self)
                    return proxy.established.futureResult.flatMapThrowing {
                        try Self.addHTTPHandlers(channel, key: key, tls: tls, handler: handler)
                        return channel
                    }.flatMapErrorThrowing { error in
                        channel.close(promise: nil)
                        throw error
                    }
                } catch {
                    channel.close(promise: nil)
                    return loop.makeFailedFuture(error)
                }
            }.flatMapThrowing { channel in
                let connection = Connection(channel: channel, handler: handler, key: key)
                let registered = self.lock.withLock {
                    guard !self.isShutDown else { return false }
                    self.open[ObjectIdentifier(connection)] = connection
                    return true
                }
                guard registered else {
                    channel.close(promise: nil)
                    throw TransportError(.invalidRequest, "the transport was shut down")
                }
                channel.closeFuture.whenComplete { _ in self.closed(connection) }
                return connection
            }
        }

        /// TLS (for `https`), NIOHTTP1's client codec and the response handler.
        private static func addHTTPHandlers(_ channel: any Channel, key: PoolKey, tls: NIOSSLContext?, handler: ResponseHandler) throws {
            let pipeline = channel.pipeline.syncOperations
            if let tls {
                // No SNI for an IP address; NIOSSL verifies the certificate against the name or the address.
                let isAddress = (try? SocketAddress(ipAddress: key.host, port: key.port)) != nil
                try pipeline.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: isAddress ? nil : key.host))
            }
            try pipeline.addHTTPClientHandlers()
            try pipeline.addHandler(handler)
        }

        // MARK: Shutting down

        /// Closes every connection, fails the waiters, and refuses what comes later; waits for the closes.
        func shutdown() async {
            let (connections, waiters) = stopAll()
            for waiter in waiters { waiter.grant(.shutdown) }
            for connection in connections {
                connection.close()
                try? await connection.channel.closeFuture.get()
            }
        }

        /// Closes every connection without waiting (a transport dropped without ``shutdown()``).
        func closeAll() {
            let (connections, waiters) = stopAll()
            for waiter in waiters { waiter.grant(.shutdown) }
            for connection in connections { connection.close() }
        }

        private func stopAll() -> ([Connection], [Exchange]) {
            lock.withLock {
                isShutDown = true
                let connections = Array(open.values)
                var waiters: [Exchange] = []
                for key in endpoints.keys {
                    endpoints[key, default: Endpoint()].with { endpoint in
                        while let waiter = endpoint.waiters.popFirst() { waiters.append(waiter) }
                    }
                }
                return (connections, waiters)
            }
        }
    }

    /// One HTTP/1.1 connection of the pool.
    final class Connection: @unchecked Sendable {
        let channel: any Channel
        /// Touched on the channel's loop only.
        let handler: ResponseHandler
        let key: PoolKey

        init(channel: any Channel, handler: ResponseHandler, key: PoolKey) {
            self.channel = channel
            self.handler = handler
            self.key = key
        }

        /// Sends the exchange's request on this connection (from any thread).
        func start(_ exchange: Exchange) {
            if channel.eventLoop.inEventLoop {
                handler.start(exchange)
            } else {
                channel.eventLoop.execute { self.handler.start(exchange) }
            }
        }

        func close() {
            channel.close(promise: nil)
        }
    }
#endif
