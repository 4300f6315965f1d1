"""A loopback KMS stand-in that behaves like a busy account, for the throttling acceptance tests and benchmarks.

It answers the JSON 1.1 protocol on 127.0.0.1 (ListKeys and ListAliases with AWS's paging, DescribeKey,
GetKeyRotationStatus) for a generated account, and, like KMS:
- verifies every request's SigV4 signature with botocore's own signer (an independent implementation of
  the same canonicalisation): a wrong signature is 403 InvalidSignatureException;
- takes the Region from the signature's credential scope (a custom endpoint serves every Region from one
  host, as it does for the CLI), and throttles per Region with a token bucket (--rate requests/s, a burst
  of --rate): an empty bucket is 400 ThrottlingException;
- answers 500 KMSInternalException to every --fault-every-th request;
- waits --latency seconds before answering (the network and KMS's own time).

It records per-Region arrival times (monotonic seconds since start) and the most requests in flight at
once; GET /stats returns them, with each key's true verdict under the CIS policy (what a scan must report).

Keys, per Region, numbered from 0: every 50th is AWS managed (NOT_APPLICABLE awsManagedKey), every 37th
disabled (NOT_APPLICABLE keyDisabled), every 3rd has rotation off (NON_COMPLIANT rotationDisabled), the rest
rotate (COMPLIANT rotationEnabled); every 10th has an alias.

Usage: kms_standin.py [--regions us-east-1,eu-west-1] [--keys-per-region 40] [--rate 20] [--fault-every 9]
                      [--latency 0.02] [--no-verify] [--serve-forever]
It prints {"port": N} once listening; it exits when its standard input closes (unless --serve-forever).
"""

import argparse
import json
import os
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ACCOUNT = "111122223333"
ACCESS_KEY = "AKIDSTANDINTEST"
SECRET_KEY = "standin-secret-key-for-tests"
MAX_BODY = 1 << 20

ARGS = None
LOCK = threading.Lock()
START = time.monotonic()
STATE = {"requests": 0, "throttled": 0, "faulted": 0, "badSignatures": 0, "unsigned": 0,
         "inFlight": 0, "maxInFlight": 0, "operations": {}, "arrivals": {}}
BUCKETS = {}


def key_id(region, index):
    return "%08x-0000-4000-8000-%012x" % (sum(region.encode()) & 0xFFFFFFFF, index)


def arn(region, kid):
    return f"arn:aws:kms:{region}:{ACCOUNT}:key/{kid}"


def kind(index):
    if index % 50 == 49:
        return "aws"
    if index % 37 == 36:
        return "disabled"
    if index % 3 == 0:
        return "off"
    return "on"


TRUTH = {"aws": "NOT_APPLICABLE awsManagedKey", "disabled": "NOT_APPLICABLE keyDisabled",
         "off": "NON_COMPLIANT rotationDisabled", "on": "COMPLIANT rotationEnabled"}


def index_of(region, kid):
    """The index of a key ID or ARN of this Region, or None."""
    if not isinstance(kid, str):
        return None
    if kid.startswith("arn:"):
        parts = kid.split(":")
        if len(parts) < 6 or parts[3] != region:
            return None
        kid = parts[5].split("/", 1)[-1]
    try:
        prefix, number = kid.rsplit("-", 1)
        index = int(number, 16)
    except ValueError:
        return None
    if key_id(region, index) != kid or index >= ARGS.keys_per_region:
        return None
    return index


def metadata(region, index):
    k = kind(index)
    kid = key_id(region, index)
    return {
        "AWSAccountId": ACCOUNT, "KeyId": kid, "Arn": arn(region, kid), "CreationDate": 1.6e9,
        "Enabled": k != "disabled", "KeyState": "Disabled" if k == "disabled" else "Enabled",
        "KeyUsage": "ENCRYPT_DECRYPT", "Origin": "AWS_KMS", "KeyManager": "AWS" if k == "aws" else "CUSTOMER",
        "KeySpec": "SYMMETRIC_DEFAULT", "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
        "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"], "MultiRegion": False, "Description": f"stand-in key {index}",
    }


def page(items, body, default_limit, max_limit):
    limit = body.get("Limit", default_limit)
    if not isinstance(limit, int) or not 1 <= limit <= max_limit:
        return None
    marker = body.get("Marker")
    start = int(marker) if isinstance(marker, str) and marker.isdigit() else 0
    chunk = items[start:start + limit]
    answer = {"Truncated": start + limit < len(items)}
    if answer["Truncated"]:
        answer["NextMarker"] = str(start + limit)
    return chunk, answer


def verify(handler, body):
    """The Region of a correctly signed request; None (and a count) otherwise."""
    header = handler.headers.get("Authorization", "")
    if not header.startswith("AWS4-HMAC-SHA256 "):
        return None, "unsigned"
    fields = dict(part.strip().split("=", 1) for part in header[len("AWS4-HMAC-SHA256 "):].split(",") if "=" in part)
    scope = fields.get("Credential", "").split("/")
    if len(scope) != 5 or scope[0] != ACCESS_KEY or scope[3] != "kms" or scope[4] != "aws4_request":
        return None, "badSignatures"
    region = scope[2]
    if ARGS.no_verify:
        return region, None
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    signed = fields.get("SignedHeaders", "").split(";")
    headers = {name: handler.headers.get(name, "") for name in signed}
    request = AWSRequest(method=handler.command, url=f"http://{handler.headers.get('Host', '')}{handler.path}",
                         headers=headers, data=body)
    request.context["timestamp"] = handler.headers.get("X-Amz-Date", "")
    auth = SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "kms", region)
    # botocore signs every header it is given; it was given exactly the ones the client signed.
    canonical = auth.canonical_request(request)
    expected = auth.signature(auth.string_to_sign(request, canonical), request)
    if auth.signed_headers(auth.headers_to_sign(request)) != fields.get("SignedHeaders") or expected != fields.get("Signature"):
        return None, "badSignatures"
    return region, None


def take_token(region):
    if ARGS.rate <= 0:
        return True
    now = time.monotonic()
    tokens, last = BUCKETS.get(region, (ARGS.rate, now))
    tokens = min(ARGS.rate, tokens + (now - last) * ARGS.rate)
    ok = tokens >= 1
    BUCKETS[region] = (tokens - 1 if ok else tokens, now)
    return ok


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def setup(self):
        super().setup()
        # The headers and the body go out in two writes; with Nagle's algorithm on, the second waits for
        # the client's delayed ACK (40 ms on Linux), which would be the stand-in's latency, not --latency.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle(self):
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def answer(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("x-amzn-RequestId", "standin-%d" % STATE["requests"])
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def error(self, status, code, message):
        self.answer(status, {"__type": code, "message": message})

    def do_GET(self):
        if self.path == "/stats":
            with LOCK:
                stats = json.loads(json.dumps(STATE))
            stats["truth"] = {arn(region, key_id(region, i)): TRUTH[kind(i)]
                              for region in ARGS.regions for i in range(ARGS.keys_per_region)} if ARGS.truth else {}
            return self.answer(200, stats)
        return self.answer(200, {})

    def do_POST(self):
        arrived = time.monotonic()  # before anything that could delay one request more than another
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return self.error(413, "ValidationException", "body too large")
        body = self.rfile.read(length) if length else b""
        with LOCK:
            STATE["inFlight"] += 1
            STATE["maxInFlight"] = max(STATE["maxInFlight"], STATE["inFlight"])
        try:
            self.serve(body, arrived)
        finally:
            with LOCK:
                STATE["inFlight"] -= 1

    def serve(self, body, arrived):
        region, problem = verify(self, body)
        operation = self.headers.get("X-Amz-Target", "").rsplit(".", 1)[-1]
        with LOCK:
            STATE["requests"] += 1
            count = STATE["requests"]
            if problem:
                STATE[problem] += 1
            else:
                STATE["arrivals"].setdefault(region, []).append(round(arrived - START, 6))
                STATE["operations"][operation] = STATE["operations"].get(operation, 0) + 1
                fault = ARGS.fault_every > 0 and count % ARGS.fault_every == 0
                throttle = not fault and not take_token(region)
                if fault:
                    STATE["faulted"] += 1
                elif throttle:
                    STATE["throttled"] += 1
        if ARGS.latency > 0:
            time.sleep(ARGS.latency)
        if problem:
            return self.error(403 if problem == "badSignatures" else 400,
                              "InvalidSignatureException" if problem == "badSignatures" else "MissingAuthenticationTokenException",
                              "the request signature does not match")
        if fault:
            return self.error(500, "KMSInternalException", "stand-in fault")
        if throttle:
            return self.error(400, "ThrottlingException", "Rate exceeded")
        try:
            request = json.loads(body or b"{}")
        except ValueError:
            return self.error(400, "SerializationException", "not JSON")
        return self.operation(operation, region, request if isinstance(request, dict) else {})

    def operation(self, operation, region, body):
        if region not in ARGS.regions:
            return self.answer(200, {"Keys": [], "Truncated": False} if operation == "ListKeys" else {"Aliases": [], "Truncated": False})
        count = ARGS.keys_per_region
        if operation == "ListKeys":
            result = page(range(count), body, 100, 1000)
            if result is None:
                return self.error(400, "ValidationException", "Limit must be between 1 and 1000")
            chunk, answer = result
            answer["Keys"] = [{"KeyId": key_id(region, i), "KeyArn": arn(region, key_id(region, i))} for i in chunk]
            return self.answer(200, answer)
        if operation == "ListAliases":
            result = page(range(0, count, 10), body, 50, 100)
            if result is None:
                return self.error(400, "ValidationException", "Limit must be between 1 and 100")
            chunk, answer = result
            answer["Aliases"] = [{"AliasName": f"alias/key-{i}", "AliasArn": f"arn:aws:kms:{region}:{ACCOUNT}:alias/key-{i}",
                                  "TargetKeyId": key_id(region, i)} for i in chunk]
            return self.answer(200, answer)
        index = index_of(region, body.get("KeyId"))
        if index is None:
            return self.error(400, "NotFoundException", "Key does not exist")
        if operation == "DescribeKey":
            return self.answer(200, {"KeyMetadata": metadata(region, index)})
        if operation == "GetKeyRotationStatus":
            if kind(index) == "aws":
                return self.error(400, "AccessDeniedException", "AWS managed key")
            on = kind(index) == "on"
            answer = {"KeyRotationEnabled": on, "KeyId": arn(region, key_id(region, index))}
            if on:
                answer["RotationPeriodInDays"] = 365
            return self.answer(200, answer)
        return self.error(400, "UnsupportedOperationException", operation)


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--regions", default="us-east-1,eu-west-1")
    parser.add_argument("--keys-per-region", type=int, default=40)
    parser.add_argument("--rate", type=float, default=0, help="requests/s per Region; 0: no throttling")
    parser.add_argument("--fault-every", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0)
    parser.add_argument("--no-verify", action="store_true", help="skip SigV4 verification (benchmarks of the client)")
    parser.add_argument("--no-truth", dest="truth", action="store_false", help="leave the truth out of /stats")
    parser.add_argument("--serve-forever", action="store_true")
    ARGS = parser.parse_args()
    ARGS.regions = [r for r in ARGS.regions.split(",") if r]
    if not ARGS.no_verify:
        import botocore.auth  # noqa: F401  fail now, not on the first request
    ThreadingHTTPServer.request_queue_size = 256
    ThreadingHTTPServer.daemon_threads = True
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(json.dumps({"port": server.server_address[1]}), flush=True)
    if ARGS.serve_forever:
        server.serve_forever()
        return
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()
    os._exit(0)


if __name__ == "__main__":
    main()
