"""A KMS stand-in on 127.0.0.1 that answers the JSON 1.1 protocol the way a hostile endpoint could.

One account (111122223333), one Region (us-east-1), three customer keys whose rotation is off:
- a key whose ID and alias hold terminal escapes (ESC, OSC with BEL, CSI) and a shell command (`;touch`);
- a multi-Region replica whose primary is in ANOTHER account (999988887777): remediation must not touch it;
- an ordinary key, which remediation may fix.

Every call is recorded; GET /calls returns them as JSON (and GET /moto-api/data.json answers, so the
integration tests' launcher sees the server as ready). Usage: hostile_kms.py -H 127.0.0.1 -p PORT
"""

import argparse
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ACCOUNT = "111122223333"
REGION = "us-east-1"
HOSTILE_ID = "1234abcd-0000-0000-0000-00000000000a\x1b]0;pwned\x07;touch /tmp/kms-rotation-pwned"
REPLICA_ID = "mrk-0123456789abcdef0123456789abcdef"
PLAIN_ID = "5678efab-0000-0000-0000-00000000000b"
OTHER_ACCOUNT = "999988887777"


def arn(key_id, account=ACCOUNT, region=REGION):
    return f"arn:aws:kms:{region}:{account}:key/{key_id}"


def metadata(key_id):
    meta = {
        "AWSAccountId": ACCOUNT, "KeyId": key_id, "Arn": arn(key_id), "CreationDate": 1.7e9, "Enabled": True,
        "KeyUsage": "ENCRYPT_DECRYPT", "KeyState": "Enabled", "Origin": "AWS_KMS", "KeyManager": "CUSTOMER",
        "KeySpec": "SYMMETRIC_DEFAULT", "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
        "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"], "MultiRegion": False,
    }
    if key_id == REPLICA_ID:
        meta["MultiRegion"] = True
        meta["MultiRegionConfiguration"] = {
            "MultiRegionKeyType": "REPLICA",
            "PrimaryKey": {"Arn": arn(REPLICA_ID, OTHER_ACCOUNT, "us-west-2"), "Region": "us-west-2"},
            "ReplicaKeys": [{"Arn": arn(REPLICA_ID), "Region": REGION}],
        }
    return meta


KEYS = [HOSTILE_ID, REPLICA_ID, PLAIN_ID]
CALLS = []
KEYS_ENABLED = set()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.answer(200, CALLS if self.path == "/calls" else {})

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length) or b"{}")
        operation = self.headers.get("X-Amz-Target", "").split(".")[-1]
        CALLS.append({"operation": operation, "keyId": body.get("KeyId")})
        key_id = body.get("KeyId", "")
        if isinstance(key_id, str) and key_id.startswith("arn:"):
            key_id = key_id.split("/", 1)[-1]
        if operation == "ListKeys":
            return self.answer(200, {"Keys": [{"KeyId": k, "KeyArn": arn(k)} for k in KEYS], "Truncated": False})
        if operation == "ListAliases":
            return self.answer(200, {"Aliases": [
                {"AliasName": "alias/\x1b[31mred\x1b[0m;rm -rf ~", "AliasArn": f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/x",
                 "TargetKeyId": HOSTILE_ID},
            ], "Truncated": False})
        if operation == "DescribeKey":
            if key_id not in KEYS:
                return self.answer(400, {"__type": "NotFoundException", "message": "not found"})
            return self.answer(200, {"KeyMetadata": metadata(key_id)})
        if operation == "GetKeyRotationStatus":
            return self.answer(200, {"KeyRotationEnabled": key_id in KEYS_ENABLED, "KeyId": arn(key_id),
                                     "RotationPeriodInDays": 365 if key_id in KEYS_ENABLED else None})
        if operation == "EnableKeyRotation":
            if key_id != PLAIN_ID:
                return self.answer(400, {"__type": "NotFoundException", "message": "not a key of this account"})
            KEYS_ENABLED.add(key_id)
            return self.answer(200, {})
        return self.answer(400, {"__type": "UnsupportedOperationException", "message": operation})



def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, required=True)
    args = parser.parse_args()
    ThreadingHTTPServer((args.host, args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
