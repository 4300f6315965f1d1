import Foundation
import KMSRotation

/// A tiny HTTP proxy on 127.0.0.1: Python in a child process that exits when its stdin closes.
///
/// It tunnels `CONNECT host:port` (how NIOHTTPTransport reaches an `https` target) and forwards absolute-URI
/// requests (each request of a kept-alive client connection, each on its own upstream connection, as
/// NIOHTTPTransport sends `http` requests), to 127.0.0.1 targets only. With
/// `credentials` set it answers `407` to a request whose `Proxy-Authorization` is not Basic with those
/// credentials. `GET /records` (sent to it directly) answers what it saw, as JSON. With a certificate and key it
/// is an `https://` proxy: every client connection is TLS to the proxy first.
package final class LoopbackProxy: @unchecked Sendable {
    /// One request the proxy received.
    package struct Record: Decodable, Sendable {
        /// The request line: `CONNECT 127.0.0.1:8080 HTTP/1.1`.
        package var line: String
        /// The `Proxy-Authorization` header, or `nil`.
        package var authorization: String?
    }

    package let port: Int
    /// Whether clients reach it over TLS (started with a certificate).
    package let usesTLS: Bool
    private let helper: PythonHelper

    private static let script = #"""
        import base64, json, os, socket, ssl, sys, threading

        expected = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] else None
        context = None
        if len(sys.argv) > 3 and sys.argv[2]:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(sys.argv[2], sys.argv[3])
        records, lock = [], threading.Lock()

        def pump(source, sink):
            try:
                while True:
                    data = source.recv(65536)
                    if not data: break
                    sink.sendall(data)
            except OSError: pass
            finally:
                for s in (source, sink):
                    try: s.shutdown(socket.SHUT_RDWR)
                    except OSError: pass

        def read_head(sock, buf):
            while b"\r\n\r\n" not in buf:
                data = sock.recv(65536)
                if not data: return None, buf
                buf += data
            head, rest = buf.split(b"\r\n\r\n", 1)
            return head, rest

        def read_exactly(sock, buf, length):
            while len(buf) < length:
                data = sock.recv(65536)
                if not data: break
                buf += data
            return buf[:length], buf[length:]

        def content_length(lines):
            for line in lines[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length": return int(value.strip())
            return None

        def parse(head):
            # The request line's parts and the headers (names lower-cased) of a request head.
            lines = head.decode("latin-1").split("\r\n")
            method, target, version = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            return lines, method, target, version, headers

        def admit(conn, lines, headers):
            # Records the request; answers 407 and closes when the credentials are not the expected ones.
            with lock: records.append({"line": lines[0], "authorization": headers.get("proxy-authorization")})
            if expected and headers.get("proxy-authorization") != "Basic " + expected:
                conn.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                conn.close(); return False
            return True

        def forward(conn, head, rest):
            # Absolute-form requests, one after another on the same client connection, each to its own upstream
            # connection (answers with Content-Length are relayed and the client connection kept open).
            while head is not None:
                lines, method, target, version, headers = parse(head)
                if not admit(conn, lines, headers): return
                after = target.split("://", 1)[1]
                hostport, _, path = after.partition("/")
                host, _, port = hostport.rpartition(":")
                if host not in ("127.0.0.1", "localhost"):
                    conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"); conn.close(); return
                body, rest = read_exactly(conn, rest, content_length(lines) or 0)
                upstream = socket.create_connection(("127.0.0.1", int(port)))
                kept = [l for l in lines[1:] if not l.lower().startswith("proxy-") and not l.lower().startswith("connection:")]
                upstream.sendall(("%s /%s %s\r\n" % (method, path, version) + "\r\n".join(kept + ["Connection: close"]) + "\r\n\r\n").encode("latin-1") + body)
                answer_head, answer_rest = read_head(upstream, b"")
                if answer_head is None: conn.close(); upstream.close(); return
                answer_lines = answer_head.decode("latin-1").split("\r\n")
                length = content_length(answer_lines)
                if length is None or method == "HEAD":
                    conn.sendall(answer_head + b"\r\n\r\n" + answer_rest)
                    if method != "HEAD": pump(upstream, conn); return
                else:
                    answer_body, _ = read_exactly(upstream, answer_rest, length)
                    conn.sendall(answer_head + b"\r\n\r\n" + answer_body)
                upstream.close()
                head, rest = read_head(conn, rest)
            conn.close()

        def serve(conn):
            if context is not None:
                try: conn = context.wrap_socket(conn, server_side=True)
                except (OSError, ssl.SSLError): conn.close(); return
            head, rest = read_head(conn, b"")
            if head is None: conn.close(); return
            lines, method, target, _, headers = parse(head)
            if method == "GET" and target == "/records":
                with lock: body = json.dumps(records).encode()
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
                conn.close(); return
            if method != "CONNECT":
                forward(conn, head, rest); return
            if not admit(conn, lines, headers): return
            host, _, port = target.rpartition(":")
            if host not in ("127.0.0.1", "localhost"):
                conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"); conn.close(); return
            upstream = socket.create_connection(("127.0.0.1", int(port)))
            conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            if rest: upstream.sendall(rest)
            threading.Thread(target=pump, args=(upstream, conn), daemon=True).start()
            pump(conn, upstream)

        """# + PythonHelper.socketServerEpilogue

    private init(port: Int, usesTLS: Bool, helper: PythonHelper) {
        self.port = port
        self.usesTLS = usesTLS
        self.helper = helper
    }

    /// Starts a proxy that requires `credentials` (`user:password`) when given, reached over TLS with
    /// `tls` (PEM certificate and key files) when given.
    package static func start(credentials: String? = nil, tls: (certificate: String, key: String)? = nil) throws -> LoopbackProxy {
        let expected = credentials.map { Data($0.utf8).base64EncodedString() } ?? ""
        let helper = try PythonHelper.start(
            script: script, name: "kms-rotation-proxy", arguments: [expected, tls?.certificate ?? "", tls?.key ?? ""])
        struct Ready: Decodable { var port: Int }
        return LoopbackProxy(port: try helper.ready(Ready.self).port, usesTLS: tls != nil, helper: helper)
    }

    /// What the proxy received so far, asked directly (not through the proxy) with `transport`.
    package func records(using transport: any HTTPTransport) async throws -> [Record] {
        let url = URL(string: "\(usesTLS ? "https" : "http")://127.0.0.1:\(port)/records")!
        let response = try await transport.send(HTTPRequest(method: "GET", url: url))
        return try JSONDecoder().decode([Record].self, from: response.body)
    }

    package func stop() { helper.stop() }

    /// Runs `body` with a fresh proxy, stopping it afterwards.
    package static func with<T>(
        credentials: String? = nil, tls: (certificate: String, key: String)? = nil, _ body: (LoopbackProxy) async throws -> T
    ) async throws -> T {
        let proxy = try start(credentials: credentials, tls: tls)
        defer { proxy.stop() }
        return try await body(proxy)
    }
}
