"""Start moto_server for the sign-in agreement tests: AssumeRole and AssumeRoleWithWebIdentity answer with
an access key ID derived from the role ARN ("ASIA" + the first 16 hex digits of SHA-1(role ARN),
upper-cased) instead of a random one, so botocore and this library, resolving the same profile against
the same server, can be compared by the key they end up with. Everything else is moto's own behaviour,
plus the ListKeys paging of moto_server_paginated.py.

Usage: python3 moto_server_signin.py -H 127.0.0.1 -p PORT
"""
import hashlib
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import moto_server_paginated  # noqa: E402,F401  (installs the ListKeys paging)

from moto.server import main  # noqa: E402
from moto.sts.models import STSBackend  # noqa: E402

_original_assume_role = STSBackend.assume_role


def _deterministic_assume_role(self, *args, **kwargs):
    role = _original_assume_role(self, *args, **kwargs)
    role.access_key_id = "ASIA" + hashlib.sha1(role.role_arn.encode()).hexdigest()[:16].upper()
    return role


STSBackend.assume_role = _deterministic_assume_role

if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    main(sys.argv[1:])
