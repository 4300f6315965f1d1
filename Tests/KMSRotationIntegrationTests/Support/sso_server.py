"""A loopback IAM Identity Center for tests: the portal's GetRoleCredentials and SSO OIDC's CreateToken
(refresh_token grant), written to the AWS API reference because moto has neither.

- Portal (service `sso`, REST-JSON, unsigned): GET /federation/credentials?role_name=R&account_id=A with
  the access token in the `x-amz-sso_bearer_token` header. 200: {"roleCredentials": {"accessKeyId",
  "secretAccessKey", "sessionToken", "expiration" (epoch milliseconds)}}. A missing or unknown token:
  401 with `x-amzn-ErrorType: UnauthorizedException` and {"message": "Session token not found or invalid"}.
  A missing parameter: 400 InvalidRequestException.
- OIDC (service `sso-oidc`, REST-JSON, unsigned): POST /token with {"clientId", "clientSecret",
  "grantType": "refresh_token", "refreshToken"}. 200: {"accessToken", "tokenType": "Bearer", "expiresIn",
  "refreshToken"}. An unknown refresh token or client: 400 with `x-amzn-ErrorType: InvalidGrantException`
  and {"error": "invalid_grant", "error_description": ...}.

Valid access tokens are the ones passed with --token (and those minted by refreshes); valid refresh tokens
are those passed with --refresh-token. The access key of role credentials is deterministic:
"ASIASSO" + the first 13 hex digits of SHA-1("account/role"), upper-cased, so two clients that resolve the
same role see the same key. Prints {"port": N} when ready; exits when standard input closes.

Usage: python3 sso_server.py [--token T]... [--refresh-token R]...
"""
import hashlib
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

valid_tokens = set()
valid_refresh = set()
lock = threading.Lock()
counter = [0]

args = sys.argv[1:]
for flag, value in zip(args[::2], args[1::2]):
    if flag == "--token":
        valid_tokens.add(value)
    elif flag == "--refresh-token":
        valid_refresh.add(value)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, error_type=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if error_type:
            self.send_header("x-amzn-ErrorType", error_type + ":http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/")
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urlparse(self.path)
        if url.path != "/federation/credentials":
            return self.reply(404, {"message": "not found"}, "ResourceNotFoundException")
        query = parse_qs(url.query)
        role = (query.get("role_name") or [""])[0]
        account = (query.get("account_id") or [""])[0]
        if not role or not account:
            return self.reply(400, {"message": "role_name and account_id are required"}, "InvalidRequestException")
        token = self.headers.get("x-amz-sso_bearer_token")
        with lock:
            ok = token in valid_tokens
        if not ok:
            return self.reply(401, {"message": "Session token not found or invalid"}, "UnauthorizedException")
        digest = hashlib.sha1(f"{account}/{role}".encode()).hexdigest()[:13].upper()
        self.reply(200, {"roleCredentials": {
            "accessKeyId": "ASIASSO" + digest,
            "secretAccessKey": "ssoSecret" + digest + "ssoSecretssoSecret",
            "sessionToken": "ssoSession" + digest + "ssoSessionssoSession",
            "expiration": int((time.time() + 3600) * 1000),
        }})

    def do_POST(self):
        url = urlparse(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if url.path != "/token":
            return self.reply(404, {"message": "not found"}, "ResourceNotFoundException")
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            return self.reply(400, {"error": "invalid_request"}, "InvalidRequestException")
        if body.get("grantType") != "refresh_token":
            return self.reply(400, {"error": "unsupported_grant_type"}, "UnsupportedGrantTypeException")
        with lock:
            ok = body.get("refreshToken") in valid_refresh and body.get("clientId") and body.get("clientSecret")
            if ok:
                counter[0] += 1
                access = f"refreshedAccessToken{counter[0]}x{time.time_ns()}"
                refresh = f"rotatedRefreshToken{counter[0]}x{time.time_ns()}"
                valid_tokens.add(access)
                valid_refresh.add(refresh)
        if not ok:
            return self.reply(400, {"error": "invalid_grant", "error_description": "Invalid refresh token provided"}, "InvalidGrantException")
        self.reply(200, {"accessToken": access, "tokenType": "Bearer", "expiresIn": 28800, "refreshToken": refresh})


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
print(json.dumps({"port": server.server_address[1]}), flush=True)
sys.stdin.read()
server.shutdown()
