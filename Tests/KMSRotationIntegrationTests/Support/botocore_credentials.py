"""Resolve credentials exactly as botocore does and print the outcome as one JSON line:
{"accessKeyId": "..."} or {"error": "ExceptionType"} (the message is not printed: it may quote a value).

The environment (HOME, AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, AWS_ENDPOINT_URL_STS, ...) is the
caller's. botocore.session.Session(profile=NAME) is an explicit profile (like --profile); with no
argument the profile comes from AWS_PROFILE, else default.

Usage: python3 botocore_credentials.py [PROFILE]
"""
import json
import sys

import botocore.session

try:
    profile = sys.argv[1] if len(sys.argv) > 1 else None
    session = botocore.session.Session(profile=profile)
    credentials = session.get_credentials()
    if credentials is None:
        print(json.dumps({"error": "NoCredentials"}))
    else:
        # Deferred credentials (roles, web identity, SSO) are fetched here.
        print(json.dumps({"accessKeyId": credentials.get_frozen_credentials().access_key}))
except Exception as error:  # noqa: BLE001  (every failure is an outcome to compare)
    print(json.dumps({"error": type(error).__name__}))
