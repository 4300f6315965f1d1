import Foundation
import TestSupport

/// A hostile HTTP/1.1 server on 127.0.0.1 for the hardening tests (a ``PythonHTTPServer``). Every answer
/// is generated in the test run; nothing is stored.
///
/// Transport routes (any method):
/// - `/bomb?expanded=N`: a gzip body (`Content-Encoding: gzip`, whatever the request accepts) that
///   expands to N bytes of zeros; the compressed body is about N/1000 bytes.
/// - `/huge?bytes=N`: N bytes with a `Content-Length`. `/huge-chunked?bytes=N`: the same, chunked, no length.
/// - `/echo`: the request's lower-cased headers as JSON.
///
/// Service routes (`POST /<scenario>`; KMS operations by `X-Amz-Target`):
/// - `/kms/empty-object`: ListKeys answers `{}`. `/kms/error-200`: ListKeys answers an AccessDenied
///   error body with status 200. `/kms/aliases-empty-object`: ListAliases answers `{}`.
/// - `/kms/describe-empty-object`, `/kms/describe-error-200`, `/kms/status-empty-object`,
///   `/kms/status-error-200`: one key listed; DescribeKey or GetKeyRotationStatus answers `{}` or an error with 200.
/// - `/kms/endless-marker`: ListKeys answers one new key and a new marker on every page, forever.
/// - `/kms/deep-json`: ListKeys answers 100,000 nested arrays.
/// - `/organizations/empty-object`, `/organizations/error-200`, `/organizations/endless-token`: ListAccounts.
/// - `/sts/deep-xml`: an STS answer nested 140,000 elements deep (under the 1 MiB XML cap).
final class BoundedHostileServer: @unchecked Sendable {
    /// `http://127.0.0.1:<port>`.
    let baseURL: URL
    private let server: PythonHTTPServer

    private static let script = #"""
        KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
        ARN = "arn:aws:kms:us-east-1:111122223333:key/"
        ERROR = b'{"__type":"com.amazonaws.kms#AccessDeniedException","message":"User is not authorized to perform kms:ListKeys"}'
        bombs = {}
        lock = threading.Lock()
        counter = [0]

        def gzip_of_zeros(size):
            with lock:
                if size not in bombs:
                    co = zlib.compressobj(9, zlib.DEFLATED, 31)
                    block = bytes(1 << 20)
                    parts, left = [], size
                    while left > 0:
                        parts.append(co.compress(block[:min(left, len(block))])); left -= len(block)
                    parts.append(co.flush())
                    bombs[size] = b"".join(parts)
                return bombs[size]

        def metadata(key_id):
            return {"KeyMetadata": {"AWSAccountId": "111122223333", "KeyId": key_id, "Arn": ARN + key_id, "Enabled": True,
                    "KeyState": "Enabled", "KeyManager": "CUSTOMER", "Origin": "AWS_KMS", "KeySpec": "SYMMETRIC_DEFAULT",
                    "KeyUsage": "ENCRYPT_DECRYPT", "CreationDate": 1.7e9, "MultiRegion": False}}

        class Handler(BaseHandler):
            def json(self, value, status=200):
                body = value if isinstance(value, bytes) else json.dumps(value).encode()
                self.reply(status, body, [("Content-Type", "application/x-amz-json-1.1")])
            def kms(self, scenario, op, query):
                if scenario == "empty-object" and op == "ListKeys": return self.json(b"{}")
                if scenario == "error-200" and op == "ListKeys": return self.json(ERROR)
                if scenario == "deep-json" and op == "ListKeys":
                    depth = int(query.get("depth", ["100000"])[0]); return self.json(b'{"Keys":' + b"[" * depth + b"]" * depth + b"}")
                if scenario == "aliases-empty-object" and op == "ListAliases": return self.json(b"{}")
                if op == "ListAliases": return self.json({"Aliases": [], "Truncated": False})
                if op == "ListKeys":
                    if scenario == "endless-marker":
                        with lock:
                            counter[0] += 1; n = counter[0]
                        key_id = "%08d-0000-0000-0000-000000000000" % n
                        return self.json({"Keys": [{"KeyId": key_id, "KeyArn": ARN + key_id}], "NextMarker": "marker-%d" % n, "Truncated": True})
                    return self.json({"Keys": [{"KeyId": KEY_ID, "KeyArn": ARN + KEY_ID}], "Truncated": False})
                if op == "DescribeKey":
                    if scenario == "describe-empty-object": return self.json(b"{}")
                    if scenario == "describe-error-200": return self.json(ERROR)
                    key = json.loads(self.body or b"{}").get("KeyId", KEY_ID).split("/")[-1]
                    return self.json(metadata(key))
                if op == "GetKeyRotationStatus":
                    if scenario == "status-empty-object": return self.json(b"{}")
                    if scenario == "status-error-200": return self.json(ERROR)
                    return self.json({"KeyRotationEnabled": True, "RotationPeriodInDays": 365})
                return self.json({"__type": "UnknownOperationException", "message": op}, 400)
            def organizations(self, scenario):
                if scenario == "empty-object": return self.json(b"{}")
                if scenario == "error-200": return self.json(b'{"__type":"AccessDeniedException","Message":"not the management account"}')
                if scenario == "endless-token":
                    with lock:
                        counter[0] += 1; n = counter[0]
                    return self.json({"Accounts": [{"Id": "%012d" % n, "Status": "ACTIVE", "State": "ACTIVE"}], "NextToken": "token-%d" % n})
                return self.json({"Accounts": []})
            def route(self):
                url = urlparse(self.path)
                query = parse_qs(url.query)
                length = int(self.headers.get("Content-Length") or 0)
                self.body = self.rfile.read(length) if length else b""
                parts = url.path.strip("/").split("/")
                if url.path == "/bomb":
                    body = gzip_of_zeros(int(query["expanded"][0]))
                    return self.reply(200, body, [("Content-Type", "application/json"), ("Content-Encoding", "gzip")])
                if url.path in ("/huge", "/huge-chunked"):
                    size = int(query["bytes"][0])
                    chunked = url.path == "/huge-chunked"
                    self.send_response(200)
                    self.send_header("Content-Type", "application/octet-stream")
                    if chunked: self.send_header("Transfer-Encoding", "chunked")
                    else: self.send_header("Content-Length", str(size))
                    self.end_headers()
                    block = b"x" * (1 << 16)
                    sent = 0
                    while sent < size:
                        piece = block[:min(len(block), size - sent)]
                        if chunked: self.wfile.write(b"%x\r\n" % len(piece) + piece + b"\r\n")
                        else: self.wfile.write(piece)
                        sent += len(piece)
                    if chunked: self.wfile.write(b"0\r\n\r\n")
                    return
                if url.path == "/echo":
                    return self.json({"headers": {k.lower(): v for k, v in self.headers.items()}})
                if len(parts) == 2 and parts[0] == "kms":
                    return self.kms(parts[1], (self.headers.get("X-Amz-Target") or "").split(".")[-1], query)
                if len(parts) == 2 and parts[0] == "organizations":
                    return self.organizations(parts[1])
                if len(parts) == 2 and parts[0] == "sts" and parts[1] == "deep-xml":
                    depth = int(query.get("depth", ["140000"])[0])
                    body = b"<GetCallerIdentityResponse>" + b"<a>" * depth + b"</a>" * depth + b"</GetCallerIdentityResponse>"
                    return self.reply(200, body, [("Content-Type", "text/xml")])
                self.reply(404, b"not found")
            do_GET = do_POST = do_PUT = route
        """#

    private init(server: PythonHTTPServer) {
        self.baseURL = server.baseURL
        self.server = server
    }

    /// A URL on this server: `path` may carry a query.
    func url(_ path: String) throws -> URL { try server.url(path) }

    /// Starts a server and waits until it listens.
    static func start() throws -> BoundedHostileServer {
        BoundedHostileServer(server: try PythonHTTPServer.start(handler: script, name: "kms-rotation-hostile"))
    }

    /// Stops the server and waits for it to exit.
    func stop() {
        server.stop()
    }

    /// Runs `body` with a fresh server, stopping it afterwards.
    static func with<T>(_ body: (BoundedHostileServer) async throws -> T) async throws -> T {
        let server = try start()
        defer { server.stop() }
        return try await body(server)
    }
}
