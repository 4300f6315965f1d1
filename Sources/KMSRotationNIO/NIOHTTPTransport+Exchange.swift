// Built with the NIOTransport trait only (see Package.swift).
#if NIOTransport
    import Foundation
    import KMSRotation
    import NIOConcurrencyHelpers
    import NIOCore
    import NIOHTTP1

    /// What the pool gives an exchange: an idle connection, the right to open one, or the news that the
    /// transport was shut down.
    enum Grant: Sendable {
        case connection(Connection)
        case connect
        case shutdown
    }

    /// One request and its response: the state of a ``NIOHTTPTransport/send(_:)`` call.
    ///
    /// Everything mutable is touched on ``loop`` only (the loop of the connection it reuses, or the loop it
    /// connects on), except the fields the pool sets under its lock before the exchange is published.
    final class Exchange: NIOScheduledCallbackHandler, @unchecked Sendable {
        let pool: ConnectionPool
        let key: PoolKey
        let head: HTTPRequestHead
        let body: ByteBuffer?
        let deadline: NIODeadline
        let timeout: Duration
        let limit: Int
        /// The request, for the redacted target of an error message only.
        let request: HTTPRequest
        let statistics: NIOLockedValueBox<NIOHTTPTransport.BodyStatistics>
        var isHEAD: Bool { head.method == .HEAD }

        /// The loop the exchange runs on: set by the pool before the exchange is published.
        private(set) var loop: (any EventLoop)!
        private enum Holding {
            case nothing
            /// In the pool's queue of waiters.
            case waiting
            /// Granted before ``begin(_:)`` ran.
            case granted(Grant)
            /// Opening a connection (the exchange holds one of the pool's slots).
            case connecting
            case connection(Connection)
        }
        private var holding: Holding = .nothing
        /// Resumed exactly once, by ``finish(_:)`` (which runs once: `finished` guards it).
        private var continuation: UnsafeContinuation<HTTPResponse, any Error>?
        private var begun = false
        private var finished = false
        private var cancelled = false
        private var retried = false
        /// The deadline (a scheduled callback: no promise or closure per request, unlike `scheduleTask`).
        private var timer: NIOScheduledCallback?

        init(
            pool: ConnectionPool, key: PoolKey, head: HTTPRequestHead, body: ByteBuffer?, deadline: NIODeadline, timeout: Duration,
            limit: Int, request: HTTPRequest, statistics: NIOLockedValueBox<NIOHTTPTransport.BodyStatistics>
        ) {
            self.pool = pool
            self.key = key
            self.head = head
            self.body = body
            self.deadline = deadline
            self.timeout = timeout
            self.limit = limit
            self.request = request
            self.statistics = statistics
        }

        // MARK: Set by the pool, under its lock, before the exchange is published

        func assign(loop: any EventLoop, grant: Grant?) {
            self.loop = loop
            holding = grant.map { .granted($0) } ?? .waiting
        }

        // MARK: On the loop

        /// Runs once the caller waits: starts the timer and uses what the pool granted.
        func begin(_ continuation: UnsafeContinuation<HTTPResponse, any Error>) {
            begun = true
            self.continuation = continuation
            if cancelled {
                finish(.failure(CancellationError()))
                return
            }
            do {
                timer = try loop.scheduleCallback(at: deadline, handler: self)
            } catch {
                finish(.failure(error))
                return
            }
            if case .granted(let grant) = holding { use(grant) }
        }

        /// The deadline passed.
        func handleScheduledCallback(eventLoop: some EventLoop) {
            timer = nil
            finish(.failure(TransportError(.timedOut, "\(request.redactedTarget) did not complete within \(timeout)")))
        }

        /// The calling task was cancelled.
        func cancel() {
            cancelled = true
            if begun { finish(.failure(CancellationError())) }
        }

        /// The pool's answer to a waiting exchange (from any thread).
        func grant(_ grant: Grant) {
            guard loop.inEventLoop else {
                loop.execute { self.grant(grant) }
                return
            }
            guard !finished, case .waiting = holding else {
                pool.giveBack(grant, key: key)
                return
            }
            holding = .granted(grant)
            if begun { use(grant) }
        }

        private func use(_ grant: Grant) {
            switch grant {
            case .connection(let connection):
                holding = .connection(connection)
                connection.start(self)
            case .connect:
                connect()
            case .shutdown:
                holding = .nothing
                finish(.failure(TransportError(.invalidRequest, "\(request.redactedTarget): the transport was shut down")))
            }
        }

        private func connect() {
            holding = .connecting
            pool.connect(key, on: loop, deadline: deadline).whenComplete { [self] result in
                // On `loop`: the connection was made on it.
                switch result {
                case .success(let connection):
                    guard !finished else {
                        connection.close()
                        return
                    }
                    holding = .connection(connection)
                    connection.start(self)
                case .failure(let error):
                    finish(.failure(error))
                }
            }
        }

        // MARK: From the connection's handler (any loop)

        /// The whole response arrived; `reusable` when the connection may carry another request.
        func responded(_ response: HTTPResponse, reusable: Bool) {
            guard loop.inEventLoop else {
                loop.execute { self.responded(response, reusable: reusable) }
                return
            }
            guard !finished, case .connection(let connection) = holding else { return }
            holding = .nothing
            if reusable {
                pool.release(connection)
            } else {
                connection.close()
                pool.slotFreed(key)
            }
            finish(.success(response))
        }

        /// The connection closed or failed before the response was complete.
        func lost(_ error: any Error, responseStarted: Bool, reused: Bool) {
            guard loop.inEventLoop else {
                loop.execute { self.lost(error, responseStarted: responseStarted, reused: reused) }
                return
            }
            guard !finished, case .connection(let connection) = holding else { return }
            if !responseStarted && reused && !retried && !cancelled {
                // The keep-alive race: the server closed the idle connection as the request went out. Once more,
                // on a new connection, in the same slot.
                retried = true
                connection.close()
                connect()
                return
            }
            finish(.failure(error))
        }

        /// The exchange failed for good (the body cap, an invalid response, TLS).
        func failed(_ error: any Error) {
            guard loop.inEventLoop else {
                loop.execute { self.failed(error) }
                return
            }
            finish(.failure(error))
        }

        /// Ends the exchange once: gives back what it holds (closing a connection it leaves mid-exchange) and
        /// resumes the caller.
        private func finish(_ result: Result<HTTPResponse, any Error>) {
            guard !finished else { return }
            finished = true
            timer?.cancel()
            timer = nil
            switch holding {
            case .nothing:
                break
            case .waiting:
                // Not in the queue any more: a grant is on its way, and grant(_:) gives it back.
                _ = pool.removeWaiter(self)
            case .granted(let grant):
                pool.giveBack(grant, key: key)
            case .connecting:
                // The connection, if it is made, is closed when it arrives.
                pool.slotFreed(key)
            case .connection(let connection):
                connection.close()
                pool.slotFreed(key)
            }
            holding = .nothing
            let continuation = self.continuation
            self.continuation = nil
            switch result {
            case .success(let response):
                continuation?.resume(returning: response)
            case .failure(let error):
                continuation?.resume(throwing: NIOHTTPTransport.mapError(error, target: request.redactedTarget, limit: limit))
            }
        }
    }
#endif
