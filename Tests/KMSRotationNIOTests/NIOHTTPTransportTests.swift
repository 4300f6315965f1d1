// Built with the NIOTransport trait only (see Package.swift).
#if NIOTransport
    import Foundation
    import KMSRotation
    import NIOCore
    import NIOPosix
    import Testing
    import TestSupport

    @testable import KMSRotationNIO

    #if canImport(Glibc)
        import Glibc
    #endif

    /// A raw HTTP/1.1 server on 127.0.0.1 that shows what a connection pool does: every request is recorded with
    /// the number of the connection it came on. Optionally TLS (a certificate and key file).
    ///
    /// Paths: `/ok` (`?hold=<s>` waits first; `HEAD` gets the head only), `/close` (answers with
    /// `Connection: close` but keeps the socket open), `/http10` (an HTTP/1.0 answer, socket kept open),
    /// `/stale` (answers the first request of a connection; reads the second and closes without answering),
    /// `/drop` (closes without answering), `/echo-head` (the request head as the body), `/stats` (the records, as JSON).
    final class PoolServer: @unchecked Sendable {
        struct Record: Decodable, Sendable {
            var method: String
            var path: String
            var connection: Int
            var tag: String?
        }

        let port: Int
        private let helper: PythonHelper
        private struct Ready: Decodable { var port: Int }

        private static let script = #"""
            import json, os, socket, ssl, sys, threading, time
            context = None
            if len(sys.argv) > 2 and sys.argv[1]:
                context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                context.load_cert_chain(sys.argv[1], sys.argv[2])
            lock = threading.Lock()
            state = {"connections": 0, "records": []}

            def answer(conn, status, body, extra=b"", head_only=False, version=b"HTTP/1.1"):
                conn.sendall(b"%s %d X\r\nContent-Length: %d\r\n%s\r\n%s" % (version, status, len(body), extra, b"" if head_only else body))

            def serve(conn):
                if context is not None:
                    try: conn = context.wrap_socket(conn, server_side=True)
                    except (OSError, ssl.SSLError): conn.close(); return
                with lock:
                    state["connections"] += 1
                    number = state["connections"]
                served, buf = 0, b""
                try:
                    while True:
                        while b"\r\n\r\n" not in buf:
                            data = conn.recv(65536)
                            if not data: return
                            buf += data
                        head, buf = buf.split(b"\r\n\r\n", 1)
                        lines = head.decode("latin-1").split("\r\n")
                        method, target, _ = lines[0].split(" ", 2)
                        length = 0
                        for line in lines[1:]:
                            name, _, value = line.partition(":")
                            if name.strip().lower() == "content-length": length = int(value.strip())
                        while len(buf) < length:
                            data = conn.recv(65536)
                            if not data: return
                            buf += data
                        buf = buf[length:]
                        served += 1
                        path, _, query = target.partition("?")
                        params = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
                        if path == "/stats":
                            with lock: body = json.dumps(state["records"]).encode()
                            answer(conn, 200, body, b"Connection: close\r\n"); return
                        with lock: state["records"].append({"method": method, "path": path, "connection": number, "tag": params.get("tag")})
                        if path == "/drop": return
                        if path == "/stale" and served >= 2: return
                        if "hold" in params: time.sleep(float(params["hold"]))
                        if path == "/close": answer(conn, 200, b"ok", b"Connection: close\r\n")
                        elif path == "/http10": answer(conn, 200, b"ok", version=b"HTTP/1.0")
                        elif path == "/echo-head": answer(conn, 200, head)
                        else: answer(conn, 200, b"ok", head_only=(method == "HEAD"))
                except OSError: pass
                finally:
                    try: conn.close()
                    except OSError: pass

            """# + PythonHelper.socketServerEpilogue

        private init(port: Int, helper: PythonHelper) {
            self.port = port
            self.helper = helper
        }

        static func with<T>(certificate: String? = nil, key: String? = nil, _ body: (PoolServer) async throws -> T) async throws -> T {
            let helper = try PythonHelper.start(script: script, name: "kms-rotation-pool", arguments: [certificate ?? "", key ?? ""])
            let server = PoolServer(port: try helper.ready(Ready.self).port, helper: helper)
            defer { helper.stop() }
            return try await body(server)
        }

        func url(_ pathAndQuery: String, scheme: String = "http", host: String = "127.0.0.1") -> URL {
            URL(string: "\(scheme)://\(host):\(port)\(pathAndQuery)")!
        }

        /// The requests the server saw, asked on a connection of its own (a plain server only).
        func records() async throws -> [Record] {
            let response = try await withTransport { try await $0.send(HTTPRequest(method: "GET", url: url("/stats"))) }
            return try JSONDecoder().decode([Record].self, from: response.body)
        }
    }

    @Suite("NIOHTTPTransport: connection pool", .serialized)
    struct NIOHTTPTransportPoolTests {
        @Test("Sequential requests reuse one keep-alive connection")
        func reuse() async throws {
            try await PoolServer.with { server in
                try await withTransport { transport in
                    for index in 0..<5 {
                        let response = try await transport.send(HTTPRequest(method: "GET", url: server.url("/ok?tag=\(index)")))
                        #expect(response.status == 200)
                        #expect(response.body == Data("ok".utf8))
                    }
                    let records = try await server.records()
                    #expect(records.count == 5)
                    #expect(Set(records.map(\.connection)).count == 1, "\(records)")
                    #expect(transport.pool.openCount == 1)
                }
            }
        }

        @Test(
            "A request made on an event loop reuses an idle connection of that loop, and a new connection opens on the loop that asked",
            .enabled(if: LoopExecutor.loops.count >= 2, "needs an event loop group of two loops or more"))
        func loopAffinity() async throws {
            let (first, second) = (LoopExecutor(LoopExecutor.loops[0]), LoopExecutor(LoopExecutor.loops[1]))
            try await PoolServer.with { server in
                try await withTransport(.init(maximumConnectionsPerHost: 4)) { transport in
                    // Four overlapping requests, two from each loop: four connections, each opened on the loop
                    // of the request that needed it (an idle connection of another loop would be reused first).
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for (name, executor) in [("a", first), ("b", second)] {
                            for index in 0..<2 {
                                group.addTask(executorPreference: executor) {
                                    #expect(executor.loop.inEventLoop)
                                    _ = try await transport.send(
                                        HTTPRequest(method: "GET", url: server.url("/ok?hold=0.5&tag=\(name)\(index)")))
                                }
                            }
                        }
                        try await group.waitForAll()
                    }
                    // Then one request at a time, alternating loops: each on a connection of its own loop.
                    for index in 0..<6 {
                        let (name, executor) = index % 2 == 0 ? ("a", first) : ("b", second)
                        try await withTaskExecutorPreference(executor) {
                            _ = try await transport.send(HTTPRequest(method: "GET", url: server.url("/ok?tag=\(name)-again\(index)")))
                        }
                    }
                    let records = try await server.records()
                    /// The connections of the requests tagged `name` then a digit (`a0`, `a1`), or `name-again…`.
                    func connections(_ name: String) -> Set<Int> {
                        Set(
                            records.filter { record in
                                guard let tag = record.tag, tag.hasPrefix(name) else { return false }
                                return name.hasSuffix("-again") || tag.dropFirst(name.count).allSatisfy(\.isNumber)
                            }.map(\.connection))
                    }
                    #expect(connections("a").count == 2 && connections("b").count == 2, "\(records)")
                    #expect(connections("a").isDisjoint(with: connections("b")), "\(records)")
                    #expect(connections("a-again").isSubset(of: connections("a")), "\(records)")
                    #expect(connections("b-again").isSubset(of: connections("b")), "\(records)")
                    #expect(transport.pool.openCount == 4)
                }
            }
        }

        @Test("Requests beyond the cap wait, first come first served, and reuse the freed connection")
        func fifoWaiters() async throws {
            try await PoolServer.with { server in
                try await withTransport(.init(maximumConnectionsPerHost: 1)) { transport in
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask { _ = try await transport.send(HTTPRequest(method: "GET", url: server.url("/ok?hold=3&tag=0"))) }
                        for index in 1..<5 {
                            try await Task.sleep(for: .milliseconds(200))
                            group.addTask { _ = try await transport.send(HTTPRequest(method: "GET", url: server.url("/ok?tag=\(index)"))) }
                        }
                        try await group.waitForAll()
                    }
                    let records = try await server.records()
                    #expect(records.map(\.tag) == ["0", "1", "2", "3", "4"], "\(records)")
                    #expect(Set(records.map(\.connection)).count == 1, "one connection, handed from one request to the next")
                }
            }
        }

        @Test("The timeout covers the wait for a connection; the waiter leaves the queue")
        func timeoutWhileWaiting() async throws {
            try await PoolServer.with { server in
                try await withTransport(.init(maximumConnectionsPerHost: 1)) { transport in
                    let holder = Task { try await transport.send(HTTPRequest(method: "GET", url: server.url("/ok?hold=4&tag=holder"))) }
                    try await Task.sleep(for: .milliseconds(200))
                    let error = await #expect(throws: TransportError.self) {
                        try await transport.send(HTTPRequest(method: "GET", url: server.url("/ok?tag=late"), timeout: .milliseconds(300)))
                    }
                    #expect(error?.kind == .timedOut)
                    let held = try await holder.value
                    #expect(held.status == 200)
                    let after = try await transport.send(HTTPRequest(method: "GET", url: server.url("/ok?tag=after")))
                    #expect(after.status == 200)
                    let records = try await server.records()
                    #expect(records.map(\.tag) == ["holder", "after"])
                }
            }
        }

        @Test("Cancelling a request that waits for a connection throws CancellationError and leaves the queue")
        func cancelWhileWaiting() async throws {
            try await PoolServer.with { server in
                try await withTransport(.init(maximumConnectionsPerHost: 1)) { transport in
                    let holder = Task { try await transport.send(HTTPRequest(method: "GET", url: server.url("/ok?hold=4&tag=holder"))) }
                    try await Task.sleep(for: .milliseconds(200))
                    let waiter = Task { try await transport.send(HTTPRequest(method: "GET", url: server.url("/ok?tag=cancelled"))) }
                    try await Task.sleep(for: .milliseconds(100))
                    waiter.cancel()
                    let result = await waiter.result
                    #expect(throws: CancellationError.self) { try result.get() }
                    let held = try await holder.value
                    #expect(held.status == 200)
                    let records = try await server.records()
                    #expect(records.map(\.tag) == ["holder"])
                }
            }
        }

        @Test("A reused connection the server closed before answering is retried once on a new connection")
        func staleConnectionRetry() async throws {
            try await PoolServer.with { server in
                try await withTransport { transport in
                    let first = try await transport.send(HTTPRequest(method: "POST", url: server.url("/stale?tag=1"), body: Data("a".utf8)))
                    #expect(first.status == 200)
                    let second = try await transport.send(
                        HTTPRequest(method: "POST", url: server.url("/stale?tag=2"), body: Data("b".utf8)))
                    #expect(second.status == 200)
                    let records = try await server.records()
                    #expect(records.map(\.tag) == ["1", "2", "2"], "sent, lost on the stale connection, sent again")
                    #expect(records.map(\.connection) == [1, 1, 2], "\(records)")
                }
            }
        }

        @Test("A new connection closed before any answer is not retried: connectionFailed")
        func droppedOnNewConnection() async throws {
            try await PoolServer.with { server in
                try await withTransport { transport in
                    let error = await #expect(throws: TransportError.self) {
                        try await transport.send(HTTPRequest(method: "GET", url: server.url("/drop?tag=1")))
                    }
                    #expect(error?.kind == .connectionFailed)
                    #expect(error?.message.contains("GET http://127.0.0.1:\(server.port)/drop") == true, "\(error?.message ?? "")")
                    let records = try await server.records()
                    #expect(records.count == 1)
                }
            }
        }

        @Test("A Connection: close or HTTP/1.0 answer is not reused, even if the server keeps the socket open")
        func notReused() async throws {
            try await PoolServer.with { server in
                try await withTransport { transport in
                    for path in ["/close", "/close", "/http10", "/http10"] {
                        let response = try await transport.send(HTTPRequest(method: "GET", url: server.url(path)))
                        #expect(response.status == 200)
                    }
                    let records = try await server.records()
                    #expect(records.map(\.connection) == [1, 2, 3, 4], "\(records)")
                }
            }
        }

        @Test("HEAD gets no body and leaves the connection usable; Host and Content-Length are set")
        func headAndHeaders() async throws {
            try await PoolServer.with { server in
                try await withTransport { transport in
                    let head = try await transport.send(HTTPRequest(method: "HEAD", url: server.url("/ok")))
                    #expect(head.status == 200)
                    #expect(head.body.isEmpty)
                    #expect(head.headers["content-length"] == "2")
                    let echo = try await transport.send(HTTPRequest(method: "POST", url: server.url("/echo-head?x=1")))
                    let text = String(decoding: echo.body, as: UTF8.self)
                    #expect(text.hasPrefix("POST /echo-head?x=1 HTTP/1.1\r\n"), "\(text)")
                    #expect(text.contains("Host: 127.0.0.1:\(server.port)\r\n"), "\(text)")
                    #expect(text.contains("Content-Length: 0"), "\(text)")
                    #expect(text.contains("Accept-Encoding: identity"), "\(text)")
                    let put = try await transport.send(
                        HTTPRequest(
                            method: "PUT", url: server.url("/echo-head"), headers: ["Content-Length": "999"], body: Data("abc".utf8)))
                    let putText = String(decoding: put.body, as: UTF8.self)
                    #expect(putText.contains("Content-Length: 3"), "\(putText)")
                    #expect(!putText.contains("999"), "the transport sets the length of the body it sends")
                    let records = try await server.records()
                    #expect(Set(records.map(\.connection)).count == 1)
                }
            }
        }

        @Test("A timed-out or cancelled exchange closes its connection, and the next request opens a new one")
        func timeoutAndCancelCloseTheConnection() async throws {
            try await PoolServer.with { server in
                try await withTransport { transport in
                    func closed() async throws -> Bool {
                        for _ in 0..<100 where transport.pool.openCount > 0 { try await Task.sleep(for: .milliseconds(20)) }
                        return transport.pool.openCount == 0
                    }
                    let error = await #expect(throws: TransportError.self) {
                        try await transport.send(
                            HTTPRequest(method: "GET", url: server.url("/ok?hold=3&tag=slow"), timeout: .milliseconds(300)))
                    }
                    #expect(error?.kind == .timedOut)
                    #expect(try await closed(), "the timed-out connection is closed")

                    let task = Task { try await transport.send(HTTPRequest(method: "GET", url: server.url("/ok?hold=3&tag=cancelled"))) }
                    try await Task.sleep(for: .milliseconds(300))
                    task.cancel()
                    let result = await task.result
                    #expect(throws: CancellationError.self) { try result.get() }
                    #expect(try await closed(), "the cancelled connection is closed")

                    let after = try await transport.send(HTTPRequest(method: "GET", url: server.url("/ok?tag=after")))
                    #expect(after.status == 200)
                    let records = try await server.records()
                    #expect(records.map(\.connection) == [1, 2, 3], "\(records)")
                }
            }
        }

        @Test("A connect that is never answered ends at the request's timeout (timedOut) and gives its slot back")
        func unansweredConnect() async throws {
            #if canImport(Glibc)
                let listener = try UnansweredListener()
                defer { listener.close() }
                try await Task.sleep(for: .milliseconds(100))  // the queued handshakes complete and fill the queue
                try await withTransport(.init(maximumConnectionsPerHost: 1)) { transport in
                    let url = try #require(URL(string: "http://127.0.0.1:\(listener.port)/never"))
                    for attempt in 1...2 {
                        let error = await #expect(throws: TransportError.self) {
                            try await transport.send(HTTPRequest(method: "GET", url: url, timeout: .milliseconds(400)))
                        }
                        #expect(error?.kind == .timedOut, "attempt \(attempt): \(String(describing: error))")
                        // The connect failed at the deadline: its slot is free again (a leaked slot would make
                        // the next request wait in the queue instead of connecting).
                        for _ in 0..<100 where transport.pool.slotCount > 0 { try await Task.sleep(for: .milliseconds(20)) }
                        #expect(transport.pool.slotCount == 0, "attempt \(attempt)")
                        #expect(transport.pool.openCount == 0)
                    }
                }
            #endif
        }

        @Test("shutdown() closes every connection; a later request is an invalid request")
        func shutdownClosesConnections() async throws {
            try await PoolServer.with { server in
                let transport = try NIOHTTPTransport()
                _ = try await transport.send(HTTPRequest(method: "GET", url: server.url("/ok")))
                #expect(transport.pool.openCount == 1)
                try await transport.shutdown()
                #expect(transport.pool.openCount == 0)
                let error = await #expect(throws: TransportError.self) {
                    try await transport.send(HTTPRequest(method: "GET", url: server.url("/ok")))
                }
                #expect(error?.kind == .invalidRequest)
                #expect(error?.message.contains("the transport was shut down") == true)
            }
        }
    }

    @Suite("NIOHTTPTransport: TLS and proxies", .serialized)
    struct NIOHTTPTransportTLSTests {
        /// A self-signed certificate for `names` (localhost and 127.0.0.1 by default), made with openssl; `nil`
        /// without openssl.
        static func makeCertificate(
            in directory: URL, names: String = "DNS:localhost,IP:127.0.0.1"
        ) throws -> (certificate: String, key: String)? {
            let certificate = directory.appendingPathComponent("cert.pem").path
            let key = directory.appendingPathComponent("key.pem").path
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "2", "-subj",
                "/CN=localhost", "-addext", "subjectAltName=\(names)",
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            do { try process.run() } catch { return nil }
            process.waitUntilExit()
            return process.terminationStatus == 0 ? (certificate, key) : nil
        }

        static func withTLSServer(
            names: String = "DNS:localhost,IP:127.0.0.1", _ body: (PoolServer, String) async throws -> Void
        ) async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            guard let (certificate, key) = try makeCertificate(in: directory, names: names) else {
                Issue.record("openssl could not make a test certificate")
                return
            }
            try await PoolServer.with(certificate: certificate, key: key) { server in try await body(server, certificate) }
        }

        /// A certificate for localhost and 127.0.0.1 used by both an https server and an https:// proxy.
        static func withTLSServerAndProxy(
            credentials: String? = nil, _ body: (PoolServer, LoopbackProxy, String) async throws -> Void
        ) async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            guard let (certificate, key) = try makeCertificate(in: directory) else {
                Issue.record("openssl could not make a test certificate")
                return
            }
            try await PoolServer.with(certificate: certificate, key: key) { server in
                try await LoopbackProxy.with(credentials: credentials, tls: (certificate, key)) { proxy in
                    try await body(server, proxy, certificate)
                }
            }
        }

        @Test("An https:// proxy: TLS to the proxy, then the CONNECT tunnel with the target's own TLS inside it, reused")
        func httpsProxyTunnel() async throws {
            try await Self.withTLSServerAndProxy(credentials: "tls-user:tls-pa55") { server, proxy, certificate in
                let settings = try #require(
                    try ProxySettings.fromEnvironment(["HTTPS_PROXY": "https://tls-user:tls-pa55@localhost:\(proxy.port)"]))
                #expect(settings.httpsProxy?.usesTLS == true)
                #expect(settings.httpsProxy?.description == "https://localhost:\(proxy.port) (with credentials)")
                try await withTransport(.init(proxy: settings, caBundlePath: certificate)) { transport in
                    for _ in 0..<2 {
                        let response = try await transport.send(HTTPRequest(method: "GET", url: server.url("/ok", scheme: "https")))
                        #expect(response.status == 200)
                        #expect(response.body == Data("ok".utf8))
                    }
                }
                let records = try await withTransport(.init(caBundlePath: certificate)) { direct in try await proxy.records(using: direct) }
                #expect(records.map(\.line) == ["CONNECT 127.0.0.1:\(server.port) HTTP/1.1"], "one tunnel, reused")
                #expect(records.first?.authorization == "Basic " + Data("tls-user:tls-pa55".utf8).base64EncodedString())
            }
        }

        @Test("An https:// proxy forwards an http request with its absolute URL, over TLS to the proxy")
        func httpsProxyForward() async throws {
            try await Self.withTLSServerAndProxy { _, proxy, certificate in
                try await PoolServer.with { plain in
                    let settings = try #require(try ProxySettings.fromEnvironment(["HTTP_PROXY": "https://127.0.0.1:\(proxy.port)"]))
                    try await withTransport(.init(proxy: settings, caBundlePath: certificate)) { transport in
                        let response = try await transport.send(HTTPRequest(method: "GET", url: plain.url("/ok?tag=forwarded")))
                        #expect(response.status == 200)
                        #expect(response.body == Data("ok".utf8))
                    }
                    let records = try await withTransport(.init(caBundlePath: certificate)) { direct in
                        try await proxy.records(using: direct)
                    }
                    #expect(records.map(\.line) == ["GET http://127.0.0.1:\(plain.port)/ok?tag=forwarded HTTP/1.1"])
                }
            }
        }

        @Test("An https:// proxy whose certificate is not trusted: connectionFailed, naming the proxy, not the target")
        func httpsProxyUntrusted() async throws {
            try await Self.withTLSServerAndProxy { server, proxy, _ in
                let settings = try #require(try ProxySettings.fromEnvironment(["HTTPS_PROXY": "https://127.0.0.1:\(proxy.port)"]))
                try await withTransport(.init(proxy: settings)) { transport in
                    let error = await #expect(throws: TransportError.self) {
                        try await transport.send(HTTPRequest(method: "GET", url: server.url("/ok", scheme: "https")))
                    }
                    #expect(error?.kind == .connectionFailed)
                    #expect(
                        error?.message.contains(
                            "TLS handshake with the proxy 127.0.0.1:\(proxy.port) failed: the proxy's certificate is not trusted") == true,
                        "\(error?.message ?? "")")
                }
            }
        }

        @Test("https with the CA bundle: verified by name (with SNI) and by IP address; reused")
        func trustedByBundle() async throws {
            try await Self.withTLSServer { server, certificate in
                try await withTransport(.init(caBundlePath: certificate)) { transport in
                    for host in ["127.0.0.1", "localhost", "127.0.0.1"] {
                        let response = try await transport.send(
                            HTTPRequest(method: "GET", url: server.url("/ok", scheme: "https", host: host)))
                        #expect(response.status == 200)
                        #expect(response.body == Data("ok".utf8))
                    }
                    #expect(transport.pool.openCount == 2, "one connection per host name")
                }
            }
        }

        @Test("https without the bundle: the self-signed certificate is refused, connectionFailed, saying why and what to set")
        func untrusted() async throws {
            try await Self.withTLSServer { server, _ in
                try await withTransport { transport in
                    let error = await #expect(throws: TransportError.self) {
                        try await transport.send(HTTPRequest(method: "GET", url: server.url("/ok?q=secret", scheme: "https")))
                    }
                    #expect(error?.kind == .connectionFailed)
                    #expect(
                        error?.message.contains("TLS handshake failed: the server's certificate is not trusted") == true,
                        "\(error?.message ?? "")")
                    #expect(error?.message.contains("AWS_CA_BUNDLE") == true)
                    #expect(error?.message.contains("secret") == false)
                }
            }
        }

        @Test("A trusted certificate that does not name the host is refused, saying so")
        func wrongName() async throws {
            try await Self.withTLSServer(names: "DNS:localhost") { server, certificate in
                try await withTransport(.init(caBundlePath: certificate)) { transport in
                    let error = await #expect(throws: TransportError.self) {
                        try await transport.send(HTTPRequest(method: "GET", url: server.url("/ok", scheme: "https", host: "127.0.0.1")))
                    }
                    #expect(error?.kind == .connectionFailed)
                    #expect(
                        error?.message.contains("TLS handshake failed: the server's certificate does not name the host") == true,
                        "\(error?.message ?? "")")
                }
            }
        }

        @Test("https through a proxy: a CONNECT tunnel with Proxy-Authorization, then TLS to the target")
        func tunnel() async throws {
            try await Self.withTLSServer { server, certificate in
                try await LoopbackProxy.with(credentials: "tunnel-user:tunnel-pa55") { proxy in
                    let settings = try #require(
                        try ProxySettings.fromEnvironment(["HTTPS_PROXY": "http://tunnel-user:tunnel-pa55@127.0.0.1:\(proxy.port)"]))
                    try await withTransport(.init(proxy: settings, caBundlePath: certificate)) { transport in
                        for _ in 0..<2 {
                            let response = try await transport.send(HTTPRequest(method: "GET", url: server.url("/ok", scheme: "https")))
                            #expect(response.status == 200)
                        }
                    }
                    let records = try await withTransport { direct in try await proxy.records(using: direct) }
                    #expect(records.map(\.line) == ["CONNECT 127.0.0.1:\(server.port) HTTP/1.1"], "one tunnel, reused")
                    #expect(records.first?.authorization == "Basic " + Data("tunnel-user:tunnel-pa55".utf8).base64EncodedString())
                }
            }
        }

        @Test("The timeout covers a TLS handshake that never completes, and a tunnel whose TLS never completes")
        func timeoutCoversTLSAndTunnel() async throws {
            // A plain server reads a ClientHello as the start of a request head and waits for the rest forever.
            try await PoolServer.with { server in
                try await withTransport { transport in
                    let error = await #expect(throws: TransportError.self) {
                        try await transport.send(
                            HTTPRequest(method: "GET", url: server.url("/ok", scheme: "https"), timeout: .milliseconds(400)))
                    }
                    #expect(error?.kind == .timedOut)
                }
                // The plain server as a proxy: it answers the CONNECT with a 200, then stalls on the ClientHello.
                let settings = ProxySettings(httpsProxy: .init(host: "127.0.0.1", port: server.port))
                try await withTransport(.init(proxy: settings)) { transport in
                    let clock = ContinuousClock()
                    let start = clock.now
                    let error = await #expect(throws: TransportError.self) {
                        try await transport.send(
                            HTTPRequest(method: "GET", url: URL(string: "https://127.0.0.1:9/through")!, timeout: .milliseconds(400)))
                    }
                    #expect(error?.kind == .timedOut)
                    #expect(clock.now - start < .seconds(30))
                }
                let records = try await server.records()
                #expect(records.contains { $0.method == "CONNECT" }, "\(records)")
            }
        }

        @Test("An https request through a proxy that refuses the connection fails at once: connectionFailed")
        func tunnelProxyDown() async throws {
            try await LoopbackServer.with { server in
                let closed = server.closedPortURL.port ?? 9
                let settings = ProxySettings(httpsProxy: try ProxySettings.Server(url: "http://user:pa55@127.0.0.1:\(closed)"))
                try await withTransport(.init(proxy: settings)) { transport in
                    let clock = ContinuousClock()
                    let start = clock.now
                    let error = await #expect(throws: TransportError.self) {
                        try await transport.send(
                            HTTPRequest(method: "GET", url: URL(string: "https://127.0.0.1:9/x")!, timeout: .seconds(20)))
                    }
                    #expect(error?.kind == .connectionFailed)
                    #expect(error?.message.contains("pa55") == false)
                    #expect(clock.now - start < .seconds(10), "refused, not retried until the deadline")
                }
            }
        }

        @Test("A proxy that refuses the tunnel: connectionFailed naming the proxy and the status, never the credentials")
        func tunnelRefused() async throws {
            try await Self.withTLSServer { server, certificate in
                try await LoopbackProxy.with(credentials: "tunnel-user:right") { proxy in
                    let settings = try #require(
                        try ProxySettings.fromEnvironment(["https_proxy": "http://tunnel-user:wrong-pa55@127.0.0.1:\(proxy.port)"]))
                    try await withTransport(.init(proxy: settings, caBundlePath: certificate)) { transport in
                        let error = await #expect(throws: TransportError.self) {
                            try await transport.send(HTTPRequest(method: "GET", url: server.url("/ok", scheme: "https")))
                        }
                        #expect(error?.kind == .connectionFailed)
                        let message = error?.message ?? ""
                        #expect(message.contains("proxy 127.0.0.1:\(proxy.port)"), "\(message)")
                        #expect(message.contains("407"), "\(message)")
                        #expect(!message.contains("wrong-pa55") && !message.contains("tunnel-user"), "\(message)")
                    }
                }
            }
        }
    }

    #if canImport(Glibc)
        /// A listening socket on 127.0.0.1 whose accept queue is filled and never drained: the kernel then
        /// drops every further SYN, so a connect to it never completes, as with an address that never answers.
        final class UnansweredListener {
            let port: Int
            private var descriptors: [Int32] = []

            struct SocketError: Error { var call: String }

            init() throws {
                let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                guard listener >= 0 else { throw SocketError(call: "socket") }
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_addr.s_addr = inet_addr("127.0.0.1")
                var length = socklen_t(MemoryLayout<sockaddr_in>.size)
                let bound = withUnsafeMutablePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        bind(listener, $0, length) == 0 && getsockname(listener, $0, &length) == 0
                    }
                }
                guard bound, listen(listener, 0) == 0 else {
                    _ = Glibc.close(listener)
                    throw SocketError(call: "bind/listen")
                }
                port = Int(UInt16(bigEndian: address.sin_port))
                descriptors.append(listener)
                // A backlog of 0 queues one connection; three more make sure the queue stays full.
                for _ in 0..<4 {
                    let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                    guard client >= 0 else { continue }
                    descriptors.append(client)
                    _ = fcntl(client, F_SETFL, O_NONBLOCK)
                    _ = withUnsafePointer(to: &address) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                            Glibc.connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                        }
                    }
                }
            }

            func close() {
                for descriptor in descriptors { _ = Glibc.close(descriptor) }
                descriptors = []
            }

            deinit { close() }
        }
    #endif

    /// Runs a task's jobs on one event loop of NIO's singleton group, as a task executor (a task preferring it
    /// runs on that loop's thread).
    final class LoopExecutor: TaskExecutor, @unchecked Sendable {
        static let loops = Array(MultiThreadedEventLoopGroup.singleton.makeIterator())
        let loop: any EventLoop
        init(_ loop: any EventLoop) { self.loop = loop }
        func enqueue(_ job: consuming ExecutorJob) {
            let job = UnownedJob(job)
            loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
        }
    }
#endif
