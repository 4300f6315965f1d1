import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A small HTTP/1.1 server on 127.0.0.1 for transport tests (a ``PythonHTTPServer``).
///
/// Endpoints: `/echo` (any method; replies JSON with the method, path, query, lower-cased headers and
/// the base64 body), `/status/<code>`, `/delay?seconds=<s>`, `/redirect` (307 to `/echo`), `/hold?seconds=<s>`
/// (counts requests in flight), `/peak` (the most held at once since the last `/peak`), `/huge?bytes=<n>`
/// (n bytes with a Content-Length), `/huge-chunked?bytes=<n>` (the same, chunked), `/slow-body?seconds=<s>`
/// (the head and one byte of a 1000-byte body, the rest after s seconds) and `/repeated-header` (`X-Many` twice).
package final class LoopbackServer: @unchecked Sendable {
    /// `http://127.0.0.1:<port>`.
    package let baseURL: URL
    /// A loopback port that was free a moment ago and is now closed: connecting to it is refused.
    package let closedPortURL: URL

    private let server: PythonHTTPServer

    private static let handler = #"""
        class Handler(BaseHandler):
            def route(self):
                url = urlparse(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if url.path == "/echo":
                    payload = {"method": self.command, "path": url.path, "query": url.query,
                               "headers": {k.lower(): v for k, v in self.headers.items()},
                               "body": base64.b64encode(body).decode()}
                    self.reply(200, json.dumps(payload).encode(), [("Content-Type", "application/json"), ("X-Echo", "yes")])
                elif url.path.startswith("/status/"):
                    code = int(url.path.split("/")[2])
                    self.reply(code, b'{"status":%d}' % code, [("Content-Type", "application/json")])
                elif url.path == "/delay":
                    time.sleep(float(parse_qs(url.query).get("seconds", ["1"])[0]))
                    self.reply(200, b"late")
                elif url.path == "/hold":
                    with lock:
                        state["inflight"] += 1
                        state["peak"] = max(state["peak"], state["inflight"])
                    time.sleep(float(parse_qs(url.query).get("seconds", ["1"])[0]))
                    with lock:
                        state["inflight"] -= 1
                    self.reply(200, b"held")
                elif url.path == "/peak":
                    with lock:
                        peak = state["peak"]
                        state["peak"] = 0
                    self.reply(200, json.dumps({"peak": peak}).encode(), [("Content-Type", "application/json")])
                elif url.path == "/redirect":
                    self.reply(307, b"", [("Location", "/echo")])
                elif url.path in ("/huge", "/huge-chunked"):
                    size = int(parse_qs(url.query)["bytes"][0])
                    self.send_response(200)
                    if url.path == "/huge": self.send_header("Content-Length", str(size))
                    else: self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    block = b"x" * 65536
                    while size > 0:
                        piece = block[:min(size, len(block))]
                        size -= len(piece)
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if url.path == "/huge-chunked" else piece)
                    if url.path == "/huge-chunked": self.wfile.write(b"0\r\n\r\n")
                elif url.path == "/slow-body":
                    self.send_response(200)
                    self.send_header("Content-Length", "1000")
                    self.end_headers()
                    self.wfile.write(b"x"); self.wfile.flush()
                    time.sleep(float(parse_qs(url.query).get("seconds", ["120"])[0]))
                    self.wfile.write(b"x" * 999)
                elif url.path == "/repeated-header":
                    self.send_response(200)
                    self.send_header("X-Many", "one"); self.send_header("X-Many", "two")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    self.reply(404, b"not found")
            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = route

        lock = threading.Lock()
        state = {"inflight": 0, "peak": 0}
        probe = socket.socket(); probe.bind(("127.0.0.1", 0)); READY = {"closedPort": probe.getsockname()[1]}; probe.close()
        """#

    private init(server: PythonHTTPServer, closedPort: Int) {
        self.baseURL = server.baseURL
        self.closedPortURL = URL(string: "http://127.0.0.1:\(closedPort)")!
        self.server = server
    }

    /// Starts a server and waits until it listens.
    package static func start() throws -> LoopbackServer {
        let server = try PythonHTTPServer.start(handler: handler, name: "kms-rotation-loopback")
        struct Ready: Decodable { var closedPort: Int }
        do {
            return LoopbackServer(server: server, closedPort: try JSONDecoder().decode(Ready.self, from: server.readyLine).closedPort)
        } catch {
            server.stop()
            throw error
        }
    }

    /// Stops the server and waits for it to exit.
    package func stop() {
        server.stop()
    }

    /// Runs `body` with a fresh server, stopping it afterwards.
    package static func with<T>(_ body: (LoopbackServer) async throws -> T) async throws -> T {
        let server = try start()
        defer { server.stop() }
        return try await body(server)
    }
}
