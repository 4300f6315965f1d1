import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A small HTTP/1.1 server on 127.0.0.1 for transport tests: Python's `http.server`, started on a free
/// port in a child process that exits when its stdin closes (so it never outlives the test process).
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

    private let helper: PythonHelper

    private static let script = #"""
        import base64, json, os, socket, sys, threading, time
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import urlparse, parse_qs

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def log_message(self, *args): pass
            def handle(self):
                try: super().handle()
                except (BrokenPipeError, ConnectionResetError): pass
            def reply(self, status, body=b"", headers=()):
                self.send_response(status)
                for name, value in headers: self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
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
        ThreadingHTTPServer.request_queue_size = 128
        probe = socket.socket(); probe.bind(("127.0.0.1", 0)); closed = probe.getsockname()[1]; probe.close()
        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        print(json.dumps({"port": server.server_address[1], "closedPort": closed}), flush=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        sys.stdin.read()
        os._exit(0)
        """#

    private init(baseURL: URL, closedPortURL: URL, helper: PythonHelper) {
        self.baseURL = baseURL
        self.closedPortURL = closedPortURL
        self.helper = helper
    }

    /// Starts a server and waits until it listens.
    package static func start() throws -> LoopbackServer {
        let helper = try PythonHelper.start(script: script, name: "kms-rotation-loopback")
        struct Ready: Decodable { var port: Int; var closedPort: Int }
        let ready = try helper.ready(Ready.self)
        return LoopbackServer(
            baseURL: URL(string: "http://127.0.0.1:\(ready.port)")!,
            closedPortURL: URL(string: "http://127.0.0.1:\(ready.closedPort)")!,
            helper: helper
        )
    }

    /// Stops the server and waits for it to exit.
    package func stop() {
        helper.stop()
    }

    /// Runs `body` with a fresh server, stopping it afterwards.
    package static func with<T>(_ body: (LoopbackServer) async throws -> T) async throws -> T {
        let server = try start()
        defer { server.stop() }
        return try await body(server)
    }
}
