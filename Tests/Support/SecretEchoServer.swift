import Foundation

/// A hostile loopback endpoint that answers every request with an error whose message echoes the
/// request: its headers (as JSON, as raw lines and as a Python dict) and its body. It speaks KMS
/// (JSON 1.1), STS (Query XML), Organizations (JSON 1.1) and the container credentials endpoint, and it
/// serves one key in `us-east-1` so a scan produces a finding built from an echoed error too.
package final class SecretEchoServer: @unchecked Sendable {
    /// `http://127.0.0.1:<port>`.
    package let baseURL: URL
    /// The port it listens on.
    package let port: Int
    private let server: PythonHTTPServer

    static let script = #"""
        from xml.sax.saxutils import escape

        LAST = {"authorization": ""}
        KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
        KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/" + KEY_ID

        class Handler(BaseHandler):
            def answer(self, status, body, content_type):
                self.reply(status, body, [("Content-Type", content_type), ("x-amzn-RequestId", "0f4c1c7e-5d55-4c1e-9a38-3e3c4a7a1d2b")])
            def echo(self, body):
                headers = {k: v for k, v in self.headers.items()}
                lines = "\n".join("%s: %s" % (k, v) for k, v in self.headers.items())
                return "You sent %s\nraw headers:\n%s\nbody: %s\nas dict: %r" % (json.dumps(headers), lines, body.decode("utf-8", "replace"), headers)
            def route(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                auth = self.headers.get("Authorization", "")
                if auth: LAST["authorization"] = auth
                target = self.headers.get("X-Amz-Target", "")
                if self.path == "/last":
                    return self.answer(200, json.dumps(LAST), "application/json")
                if self.path.startswith("/container"):
                    text = "refused %s; Authorization: %s; %s" % (self.headers.get("Authorization"), self.headers.get("Authorization"), self.echo(body))
                    return self.answer(403, json.dumps({"message": text}), "application/json")
                if target.startswith("TrentService."):
                    op = target.split(".", 1)[1]
                    region = auth.split("Credential=", 1)[-1].split("/")[2] if "Credential=" in auth else ""
                    if region == "us-east-1" and op == "ListKeys":
                        return self.answer(200, json.dumps({"Keys": [{"KeyId": KEY_ID, "KeyArn": KEY_ARN}], "Truncated": False}), "application/x-amz-json-1.1")
                    if region == "us-east-1" and op == "ListAliases":
                        return self.answer(200, json.dumps({"Aliases": [], "Truncated": False}), "application/x-amz-json-1.1")
                    if region == "us-east-1" and op == "DescribeKey":
                        meta = {"KeyId": KEY_ID, "Arn": KEY_ARN, "AWSAccountId": "111122223333", "KeyManager": "CUSTOMER", "KeySpec": "SYMMETRIC_DEFAULT",
                                "KeyUsage": "ENCRYPT_DECRYPT", "KeyState": "Enabled", "Enabled": True, "Origin": "AWS_KMS", "CreationDate": 1700000000}
                        return self.answer(200, json.dumps({"KeyMetadata": meta}), "application/x-amz-json-1.1")
                    return self.answer(400, json.dumps({"__type": "AccessDeniedException", "message": self.echo(body)}), "application/x-amz-json-1.1")
                if target.startswith("AWSOrganizationsV20161128."):
                    return self.answer(400, json.dumps({"__type": "AccessDeniedException", "Message": self.echo(body)}), "application/x-amz-json-1.1")
                xml = ("<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>%s</Message></Error>"
                       "<RequestId>0f4c1c7e-5d55-4c1e-9a38-3e3c4a7a1d2b</RequestId></ErrorResponse>") % escape(self.echo(body))
                return self.answer(403, xml, "text/xml")
            do_GET = do_POST = do_PUT = route
        """#

    private init(server: PythonHTTPServer) {
        self.port = server.port
        self.baseURL = server.baseURL
        self.server = server
    }

    /// Starts the server on a free loopback port; it exits when its stdin closes.
    /// - Throws: When python3 cannot start it.
    package static func start() throws -> SecretEchoServer {
        SecretEchoServer(server: try PythonHTTPServer.start(handler: script, name: "secret-echo"))
    }

    /// Stops the server.
    package func stop() {
        server.stop()
    }
}
