import Foundation

/// An HTTP/1.1 server on 127.0.0.1 for tests, written in Python (`http.server`): the common part of every
/// such server here. A test server supplies only its `Handler` class; this adds the imports, a
/// `BaseHandler` to derive it from, and the start-up: a free port, a ready line with the port (and the
/// script's `READY` dictionary, if it defines one), serving on daemon threads, and exiting when its stdin
/// closes, so the server never outlives the test process.
///
/// `BaseHandler` speaks HTTP/1.1 (keep-alive), logs nothing, ignores a client that goes away mid-answer,
/// and has `reply(status, body=b"", headers=(), length=True)`: `body` may be `str` or `bytes`; `length`
/// adds the `Content-Length`.
package final class PythonHTTPServer: @unchecked Sendable {
    /// `http://127.0.0.1:<port>`.
    package let baseURL: URL
    /// The port it listens on.
    package let port: Int
    /// The ready line, for the values of the script's `READY` dictionary.
    package let readyLine: Data
    private let helper: PythonHelper

    static let prologue = #"""
        import base64, json, os, socket, sys, threading, time, zlib
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import urlparse, parse_qs

        class BaseHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def log_message(self, *args): pass
            def handle(self):
                try: super().handle()
                except (BrokenPipeError, ConnectionResetError): pass
            def reply(self, status, body=b"", headers=(), length=True):
                body = body.encode() if isinstance(body, str) else body
                self.send_response(status)
                for name, value in headers: self.send_header(name, value)
                if length: self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        """#

    static let epilogue = #"""

        ThreadingHTTPServer.request_queue_size = 128
        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        print(json.dumps(dict(globals().get("READY", {}), port=server.server_address[1])), flush=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        sys.stdin.read()
        os._exit(0)
        """#

    private init(port: Int, readyLine: Data, helper: PythonHelper) {
        self.port = port
        self.baseURL = URL(string: "http://127.0.0.1:\(port)")!
        self.readyLine = readyLine
        self.helper = helper
    }

    /// Starts a server running `handler` (Python source defining `class Handler(BaseHandler)`, and
    /// whatever it needs at module level) and waits until it listens.
    /// - Parameters:
    ///   - handler: The server's own source.
    ///   - name: A prefix for the temporary script, for `ps`.
    /// - Throws: When python3 cannot start it, or it printed no port.
    package static func start(handler: String, name: String) throws -> PythonHTTPServer {
        let helper = try PythonHelper.start(script: prologue + handler + epilogue, name: name)
        struct Ready: Decodable { var port: Int }
        let ready = try helper.ready(Ready.self)
        return PythonHTTPServer(port: ready.port, readyLine: helper.readyLine, helper: helper)
    }

    /// A URL on this server; `path` may carry a query.
    /// - Throws: When `path` does not make a URL.
    package func url(_ path: String) throws -> URL {
        guard let url = URL(string: baseURL.absoluteString + path) else { throw CocoaError(.fileReadInvalidFileName) }
        return url
    }

    /// Stops the server and waits for it to exit.
    package func stop() {
        helper.stop()
    }
}
